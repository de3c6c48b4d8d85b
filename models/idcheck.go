package models

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Identity-document types a patient may record (privacy policy, identity data).
const (
	IDResident = "resident_id"     // 居民身份证, checked with the GB 11643 check digit
	IDPassport = "passport"        // 护照
	IDHKMacau  = "hk_macau_permit" // 港澳居民来往内地通行证
	IDTaiwan   = "taiwan_permit"   // 台湾居民来往大陆通行证
	IDOther    = "other_id"        // 其他
)

// IDTypes lists the identity-document types in display order.
var IDTypes = []string{IDResident, IDPassport, IDHKMacau, IDTaiwan, IDOther}

// Genders a patient may record.
const (
	GenderMale   = "male"
	GenderFemale = "female"
	GenderOther  = "other"
)

// Genders lists the genders in display order.
var Genders = []string{GenderMale, GenderFemale, GenderOther}

// Identity field limits.
const (
	MaxRealName   = 50  // characters
	MaxBirthplace = 100 // characters
	minOtherID    = 5
	maxOtherID    = 30
)

// residentWeights are the GB 11643-1999 weights 2^(17-i) mod 11 of the first 17 digits.
var residentWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// residentCheck maps the weighted sum mod 11 to the check character.
const residentCheck = "10X98765432"

// CheckResidentID reports whether id is a well-formed 18-character resident
// identity card number: 17 digits, a GB 11643 check character (digit or X) that
// matches, and a real birth date in positions 7–14, which it returns.
func CheckResidentID(id string) (birth time.Time, ok bool) {
	if len(id) != 18 {
		return time.Time{}, false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		c := id[i]
		if c < '0' || c > '9' {
			return time.Time{}, false
		}
		sum += int(c-'0') * residentWeights[i]
	}
	if id[17] != residentCheck[sum%11] {
		return time.Time{}, false
	}
	birth, err := time.Parse("20060102", id[6:14])
	if err != nil {
		return time.Time{}, false
	}
	return birth, true
}

// NormalizeIDNumber removes spaces and upper-cases a document number (x → X in
// resident ID numbers, letters in passports and permits).
func NormalizeIDNumber(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

// idNumberProblem returns the message key of what is wrong with a normalised
// document number of idType, or "". birthday, when known, must match the date in a
// resident ID number.
func idNumberProblem(idType, number string, birthday time.Time) string {
	if idType == IDResident {
		birth, ok := CheckResidentID(number)
		if !ok {
			return "identity.id_number.resident"
		}
		if !birthday.IsZero() && !birth.Equal(birthday) {
			return "identity.id_number.birthday"
		}
		return ""
	}
	if n := len(number); n < minOtherID || n > maxOtherID {
		return "identity.id_number.other"
	}
	for _, r := range number {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return "identity.id_number.other"
		}
	}
	return ""
}

// validText reports whether s has 1..max characters and no control characters.
func validText(s string, max int) bool {
	n := utf8.RuneCountInString(s)
	if n == 0 || n > max || !utf8.ValidString(s) {
		return false
	}
	return !strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f })
}
