package models

import (
	"errors"
	"fmt"
	"net/http"
	"testing"
)

func TestDomainErrors(t *testing.T) {
	cause := errors.New("smtp down")
	cases := []struct {
		err    *Error
		kind   Kind
		status int
	}{
		{NotFound("error.404.body"), KindNotFound, http.StatusNotFound},
		{Forbidden("error.403.body"), KindForbidden, http.StatusForbidden},
		{Invalid("email", "form.email.invalid"), KindInvalid, http.StatusUnprocessableEntity},
		{Conflict("email", "form.email.taken"), KindConflict, http.StatusConflict},
		{TooLarge("file", "error.413.body"), KindTooLarge, http.StatusRequestEntityTooLarge},
		{Unavailable("error.503.body", cause), KindUnavailable, http.StatusServiceUnavailable},
	}
	for _, c := range cases {
		wrapped := fmt.Errorf("records: save: %w", c.err)
		k, ok := KindOf(wrapped)
		if !ok || k != c.kind || k.Status() != c.status {
			t.Errorf("%v: KindOf = %v, %v; status %d", c.err, k, ok, k.Status())
		}
		if AsError(wrapped) != c.err {
			t.Errorf("%v: AsError lost the error", c.err)
		}
	}
	if !errors.Is(cases[5].err, cause) {
		t.Error("Unwrap does not reach the cause")
	}
	if got := Invalid("email", "form.email.invalid").Error(); got != "models: invalid: form.email.invalid (field email)" {
		t.Errorf("Error() = %q", got)
	}
	if _, ok := KindOf(errors.New("plain")); ok {
		t.Error("a plain error has a Kind")
	}
	if w := NotFound("k").Wrap(cause); !errors.Is(w, cause) || w.Kind != KindNotFound {
		t.Error("Wrap lost kind or cause")
	}
}
