// Package totp wraps github.com/pquerna/otp for RFC 6238 one-time codes
// (issue 3: mandatory MFA for doctors and staff, optional for patients),
// renders enrollment QR codes on the server, and makes recovery codes.
package totp

import (
	"crypto/subtle"
	"encoding/base32"
	"fmt"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	"github.com/pquerna/otp/totp"
)

// The parameters every common authenticator app supports; others (SHA256,
// 8 digits) are silently ignored by some apps and then never match.
const (
	period = 30
	digits = otp.DigitsSix
	skew   = 1 // steps accepted either side of now: clock drift, slow typing
)

var algorithm = otp.AlgorithmSHA1

// NewSecret makes a random 160-bit secret for account at issuer and returns
// it (base32, to store encrypted) and the otpauth:// URI for the QR code.
func NewSecret(issuer, account string) (secret, uri string, err error) {
	key, err := totp.Generate(totp.GenerateOpts{
		Issuer: issuer, AccountName: account,
		Period: period, Digits: digits, Algorithm: algorithm, SecretSize: 20,
	})
	if err != nil {
		return "", "", fmt.Errorf("totp: new secret: %w", err)
	}
	return key.Secret(), key.URL(), nil
}

// Step returns the time step that contains t.
func Step(t time.Time) int64 { return t.Unix() / period }

// Validate checks code against secret at now, accepting the steps now-1,
// now and now+1, and returns the step that matched.
//
// Replay protection is the caller's job, because only the caller can store
// state: keep the last accepted step per user, and reject the code unless
// step > last (then save step, in the same transaction that signs in).
// Otherwise a code seen over a shoulder works again for up to 90 seconds.
//
// Spaces in code are ignored ("123 456" as apps display it); anything other
// than exactly 6 digits is refused.
func Validate(secret, code string, now time.Time) (step int64, ok bool) {
	code = strings.ReplaceAll(code, " ", "")
	if len(code) != int(digits) || strings.Trim(code, "0123456789") != "" {
		return 0, false
	}
	opts := hotp.ValidateOpts{Digits: digits, Algorithm: algorithm}
	cur := Step(now)
	// Compute all three candidates and compare in constant time, so the
	// timing does not tell which step (if any) matched.
	matched := int64(-1)
	for s := cur - skew; s <= cur+skew; s++ {
		if s < 0 {
			continue
		}
		want, err := hotp.GenerateCodeCustom(secret, uint64(s), opts)
		if err != nil {
			return 0, false // malformed secret
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 && matched < 0 {
			matched = s
		}
	}
	if matched < 0 {
		return 0, false
	}
	return matched, true
}

// URI rebuilds the otpauth:// URI for an existing base32 secret (the set-up page is
// reloaded while enrolment is pending). It returns "" for a malformed secret.
func URI(issuer, account, secret string) string {
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ToUpper(secret))
	if err != nil {
		return ""
	}
	key, err := totp.Generate(totp.GenerateOpts{
		Issuer: issuer, AccountName: account, Secret: raw,
		Period: period, Digits: digits, Algorithm: algorithm,
	})
	if err != nil {
		return ""
	}
	return key.URL()
}
