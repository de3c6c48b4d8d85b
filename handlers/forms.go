package handlers

import (
	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/i18n"
	"github.com/yibao-health/portal/models"
)

// formErrors turns a domain error from a form submission into translated messages by
// field ("" holds the form-level message) and the status to answer with. ok is false
// for errors that are not the user's to fix: the caller returns those (a 500 page).
func formErrors(c echo.Context, err error) (msgs map[string]string, status int, ok bool) {
	fields := models.FieldErrors(err)
	if fields == nil {
		return nil, 0, false
	}
	ctx := c.Request().Context()
	msgs = make(map[string]string, len(fields)+1)
	status = 0
	for field, e := range fields {
		if e.Kind == models.KindUnavailable || e.Kind == models.KindNotFound {
			return nil, 0, false
		}
		msgs[field] = i18n.T(ctx, e.Key, e.Args...)
		if s := e.Kind.Status(); s > status {
			status = s
		}
	}
	if _, has := msgs[""]; !has && len(fields) > 1 {
		msgs[""] = i18n.T(ctx, "form.fix_errors")
	}
	return msgs, status, true
}

// lang is the request's language.
func lang(c echo.Context) i18n.Lang { return i18n.FromContext(c.Request().Context()) }

// t translates key in the request's language.
func t(c echo.Context, key string, args ...any) string {
	return i18n.T(c.Request().Context(), key, args...)
}
