package models

import (
	"errors"
	"fmt"
	"net/http"
)

// Kind classifies a domain error so the HTTP error handler can pick a status code
// and a localized page without knowing the domain (DESIGN.md §6).
type Kind int

// The error kinds. The zero Kind is not used, so a forgotten Kind is visible.
const (
	KindNotFound    Kind = iota + 1 // absent, or present but outside the caller's scope (invariant 1)
	KindForbidden                   // the caller is known but may not do this
	KindInvalid                     // input breaks a rule; Field names the form field
	KindConflict                    // the state changed or a unique value is taken
	KindTooLarge                    // an upload or a body exceeds its limit
	KindUnavailable                 // a dependency (SMTP, SMS, storage) is down; try later
	KindRateLimited                 // too many attempts; the message says when to retry
)

// String is the kind's lower-case name, for logs.
func (k Kind) String() string {
	switch k {
	case KindNotFound:
		return "not_found"
	case KindForbidden:
		return "forbidden"
	case KindInvalid:
		return "invalid"
	case KindConflict:
		return "conflict"
	case KindTooLarge:
		return "too_large"
	case KindUnavailable:
		return "unavailable"
	case KindRateLimited:
		return "rate_limited"
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Status is the HTTP status for the kind. Invalid maps to 422: the request was well
// formed but a rule refused it, and the form is re-rendered with its messages. A
// handler that cannot even parse a request answers 400 itself.
func (k Kind) Status() int {
	switch k {
	case KindNotFound:
		return http.StatusNotFound
	case KindForbidden:
		return http.StatusForbidden
	case KindInvalid:
		return http.StatusUnprocessableEntity
	case KindConflict:
		return http.StatusConflict
	case KindTooLarge:
		return http.StatusRequestEntityTooLarge
	case KindUnavailable:
		return http.StatusServiceUnavailable
	case KindRateLimited:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// Error is a typed domain error. Key is an i18n message key (internal/i18n), never
// user-supplied text, so messages stay localized and free of personal data.
type Error struct {
	Kind  Kind
	Key   string // i18n message key, e.g. "error.404.body" or "form.email.taken"
	Field string // form field the message belongs to; "" for a page-level message
	Err   error  // optional cause, for logs only; never shown to the user
	Args  []any  // values for the message's format verbs (counts, minutes); never personal data
}

// Error describes the error for logs: kind, key, field and cause.
func (e *Error) Error() string {
	s := "models: " + e.Kind.String() + ": " + e.Key
	if e.Field != "" {
		s += " (field " + e.Field + ")"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause, so errors.Is/As see through the domain error.
func (e *Error) Unwrap() error { return e.Err }

// Wrap returns a copy of e with err as its cause.
func (e *Error) Wrap(err error) *Error {
	c := *e
	c.Err = err
	return &c
}

// NotFound reports something absent or outside the caller's scope (404, never 403,
// so existence does not leak).
func NotFound(key string) *Error { return &Error{Kind: KindNotFound, Key: key} }

// Forbidden reports an action the caller may not take on something it may see.
func Forbidden(key string) *Error { return &Error{Kind: KindForbidden, Key: key} }

// Invalid reports input that breaks a rule; field is the form field ("" for the form).
func Invalid(field, key string) *Error { return &Error{Kind: KindInvalid, Key: key, Field: field} }

// Conflict reports a taken unique value or a concurrent change; field may be "".
func Conflict(field, key string) *Error { return &Error{Kind: KindConflict, Key: key, Field: field} }

// TooLarge reports input over its size limit; field may be "".
func TooLarge(field, key string) *Error { return &Error{Kind: KindTooLarge, Key: key, Field: field} }

// Unavailable reports a dependency that is down; cause is kept for the log.
func Unavailable(key string, cause error) *Error {
	return &Error{Kind: KindUnavailable, Key: key, Err: cause}
}

// RateLimited reports too many attempts; args fill the message (e.g. minutes to wait).
func RateLimited(key string, args ...any) *Error {
	return &Error{Kind: KindRateLimited, Key: key, Args: args}
}

// KindOf returns the Kind of the first *Error in err's chain, or ok=false when err
// is not a domain error (the handler then treats it as a 500).
func KindOf(err error) (Kind, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind, true
	}
	return 0, false
}

// AsError returns the first *Error in err's chain, or nil.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// IsNotFound reports whether err is a NotFound domain error.
func IsNotFound(err error) bool {
	k, ok := KindOf(err)
	return ok && k == KindNotFound
}
