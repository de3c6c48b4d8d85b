package models

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// Problems collects every field error of one form submission, so the form can show
// them all at once. It is a KindInvalid error; errors.As finds the first *Error.
type Problems []*Error

// Add appends an Invalid error for field with key.
func (p *Problems) Add(field, key string) { *p = append(*p, Invalid(field, key)) }

// Err returns p as an error, or nil when there are none.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	return p
}

func (p Problems) Error() string {
	parts := make([]string, len(p))
	for i, e := range p {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

// Unwrap exposes each problem to errors.Is and errors.As.
func (p Problems) Unwrap() []error {
	out := make([]error, len(p))
	for i, e := range p {
		out[i] = e
	}
	return out
}

// FieldErrors maps each form field to its error from err: the fields of
// Problems, or the one field of a single *Error ("" for a form-level message).
// It returns nil when err is not a domain error.
func FieldErrors(err error) map[string]*Error {
	var p Problems
	if errors.As(err, &p) {
		m := make(map[string]*Error, len(p))
		for _, e := range p {
			if _, dup := m[e.Field]; !dup {
				m[e.Field] = e
			}
		}
		return m
	}
	if e := AsError(err); e != nil {
		return map[string]*Error{e.Field: e}
	}
	return nil
}

// requiredText trims s and requires 1 to limit characters: the problems are
// keyPrefix+".required" and keyPrefix+".too_long" on field.
func requiredText(field, keyPrefix, s string, limit int) (string, error) {
	s = strings.TrimSpace(s)
	switch n := utf8.RuneCountInString(s); {
	case n == 0:
		return "", Invalid(field, keyPrefix+".required")
	case n > limit:
		return "", Invalid(field, keyPrefix+".too_long")
	}
	return s, nil
}
