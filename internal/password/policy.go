package password

import (
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Length limits in Unicode code points (after NFC), per issue 3 and
// NIST SP 800-63B: at least 8, and at most 128 so that hashing cost and
// request size stay bounded.
const (
	MinLength = 8
	MaxLength = 128
)

// Policy errors returned by Check; handlers map them to localized messages.
var (
	ErrTooShort = errors.New("password: shorter than 8 characters")
	ErrTooLong  = errors.New("password: longer than 128 characters")
	ErrCommon   = errors.New("password: too common or too close to your account details")
)

// Normalize returns the form of plain that is hashed and checked: NFC, so
// that the same password typed on systems that compose characters
// differently still matches. Hash, Verify and Check apply it themselves.
func Normalize(plain string) string { return norm.NFC.String(plain) }

// Check applies the password policy: length in code points, not in the
// embedded common-password list, and not equal or nearly equal to any of
// context (username, phone, e-mail…), ignoring case. There are no
// composition rules. It returns nil or one of ErrTooShort, ErrTooLong,
// ErrCommon.
func Check(plain string, context ...string) error {
	p := Normalize(plain)
	switch n := utf8.RuneCountInString(p); {
	case n < MinLength:
		return ErrTooShort
	case n > MaxLength:
		return ErrTooLong
	}
	lower := strings.ToLower(p)
	if isCommon(lower) {
		return ErrCommon
	}
	for _, c := range context {
		if nearContext(lower, strings.ToLower(Normalize(strings.TrimSpace(c)))) {
			return ErrCommon
		}
	}
	return nil
}

// nearContext reports whether p is an account detail c, or c with a small
// edit or a short affix ("zhangsan2024"). For an e-mail address the local
// part counts as a detail too. Details shorter than 3 characters are ignored:
// they would reject good passwords by accident.
func nearContext(p, c string) bool {
	cands := []string{c}
	if at := strings.LastIndexByte(c, '@'); at > 0 {
		cands = append(cands, c[:at])
	}
	for _, c := range cands {
		if utf8.RuneCountInString(c) < 3 {
			continue
		}
		if p == c || editDistance(p, c) <= 2 {
			return true
		}
		// The detail plus at most 4 other characters, or the detail
		// padded with digits and symbols only ("13800000001!!").
		if strings.Contains(p, c) {
			rest := strings.Replace(p, c, "", 1)
			if utf8.RuneCountInString(rest) <= 4 || strings.IndexFunc(rest, unicode.IsLetter) < 0 {
				return true
			}
		}
	}
	return false
}

// editDistance is the Levenshtein distance in code points. Inputs are at
// most 128 code points (MaxLength) on one side, so O(n·m) is cheap.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(rb) > 4*MaxLength {
		return len(rb)
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
