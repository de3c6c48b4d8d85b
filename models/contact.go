package models

import (
	"net/mail"
	"regexp"
	"strings"
	"unicode"
)

// Login identifier kinds.
const (
	LoginPhone    = "phone"
	LoginEmail    = "email"
	LoginUsername = "username"
)

var (
	mainlandMobile = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
	usernameRule   = regexp.MustCompile(`^[a-z][a-z0-9_]{2,31}$`)
)

// NormalizePhone returns the 11-digit form of a mainland mobile number, accepting
// spaces, dashes and a +86/86 prefix; ok is false for anything else.
func NormalizePhone(s string) (string, bool) {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\u00a0' {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "+86")
	if len(s) == 13 && strings.HasPrefix(s, "86") {
		s = s[2:]
	}
	return s, mainlandMobile.MatchString(s)
}

// NormalizeEmail returns a lower-cased bare address; ok is false when it is not one.
func NormalizeEmail(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) > 254 || strings.ContainsFunc(s, unicode.IsSpace) {
		return "", false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || !strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".") {
		return "", false
	}
	return s, true
}

// NormalizeUsername lower-cases a username; ok is false unless it is 3–32 characters
// of a–z, 0–9 and _, starting with a letter (so it can never look like a phone number).
func NormalizeUsername(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	return s, usernameRule.MatchString(s)
}

// ParseContact classifies a phone number or e-mail address given to receive codes.
func ParseContact(s string) (kind, value string, ok bool) {
	if strings.Contains(s, "@") {
		v, ok := NormalizeEmail(s)
		return LoginEmail, v, ok
	}
	v, ok := NormalizePhone(s)
	return LoginPhone, v, ok
}

// ParseLogin classifies what a user typed to sign in: a phone number, an e-mail
// address, or else a username.
func ParseLogin(s string) (kind, value string) {
	if k, v, ok := ParseContact(s); ok {
		return k, v
	}
	v, _ := NormalizeUsername(s)
	return LoginUsername, v
}
