package totp

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// recoveryAlphabet is Crockford's base32, lower case: 32 symbols without
// i, l, o and u, so nothing is ambiguous when read off paper (0 and 1 have
// no letter twin left to be confused with).
const recoveryAlphabet = "0123456789abcdefghjkmnpqrstvwxyz"

// RecoveryCodeCount is how many codes an enrolment shows.
const RecoveryCodeCount = 10

// NewRecoveryCodes returns n codes shaped "xxxx-xxxx-xxxx" (12 symbols of 5
// bits: 60 bits each) to show the user once, and their hashes to store.
//
// The hashes are plain SHA-256, not argon2id: a slow hash protects guessable
// human passwords, but 2^60 random codes cannot be enumerated from a leaked
// hash anyway, and a fast hash lets sign-in look a code up by its hash.
func NewRecoveryCodes(n int) (plain, hashes []string) {
	buf := make([]byte, 12)
	for range n {
		rand.Read(buf) // never fails since Go 1.24 (crashes instead)
		var b strings.Builder
		for i, c := range buf {
			if i > 0 && i%4 == 0 {
				b.WriteByte('-')
			}
			b.WriteByte(recoveryAlphabet[c&31]) // 256 is a multiple of 32: no bias
		}
		plain = append(plain, b.String())
		hashes = append(hashes, HashRecoveryCode(b.String()))
	}
	return plain, hashes
}

// HashRecoveryCode returns the hex SHA-256 of code after normalisation:
// lower case, no dashes or white space, and Crockford's read-back rule
// (o→0, i and l→1), so "ABCD-EFGH-JKMN", "abcd efgh jkmn" and a code with
// an O typed for a 0 all match. Look the result up among the user's stored
// hashes and delete the match on use: each code works once.
func HashRecoveryCode(code string) string {
	norm := strings.Map(func(r rune) rune {
		switch r {
		case '-', ' ', '\t', '\n', '\r':
			return -1
		case 'o', 'O':
			return '0'
		case 'i', 'I', 'l', 'L':
			return '1'
		}
		if r >= 'A' && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	}, code)
	sum := sha256.Sum256([]byte(norm))
	return hex.EncodeToString(sum[:])
}
