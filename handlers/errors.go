package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/yibao-health/portal/internal/i18n"
	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/pages"
)

// handleError is the one place errors become responses: typed domain errors and HTTP
// errors map to a status and a localized message; anything else is a 500. 5xx are
// logged as errors with the request ID, 4xx as warnings; users never see internals.
func (a *App) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		a.log.Error("error after response was committed", "request_id", requestIDOf(c), "err", err)
		return
	}
	status, msgKey, msgArgs := classify(err)
	attrs := []any{"request_id", requestIDOf(c), "status", status, "method", c.Request().Method, "path", logPath(c.Request().URL.Path)}
	if status >= 500 {
		a.log.Error("request failed", append(attrs, "err", err)...)
	} else {
		a.log.Warn("request refused", append(attrs, "reason", err.Error())...)
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	ctx := c.Request().Context()
	if ctx.Err() != nil {
		// The request's deadline middleware has returned (errors are rendered after
		// the chain unwinds) or the deadline passed: render, and read the session for
		// the header, under a short fresh deadline.
		fresh, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		ctx = fresh
		c.SetRequest(c.Request().WithContext(ctx))
	}
	props := pages.ErrorProps{
		Status:    status,
		Title:     i18n.T(ctx, fmt.Sprintf("error.%d.title", pageStatus(status))),
		Message:   i18n.T(ctx, msgKey, msgArgs...),
		RequestID: requestIDOf(c),
	}
	page := a.page(c, props.Title)
	if rerr := a.renderCtx(ctx, c, status, pages.Error(page, props)); rerr != nil {
		a.log.Error("render error page", "request_id", requestIDOf(c), "err", rerr)
		_ = c.String(status, http.StatusText(status))
	}
}

// classify maps an error to the HTTP status and the i18n key of the message shown.
func classify(err error) (int, string, []any) {
	var de *models.Error
	if errors.As(err, &de) {
		status := de.Kind.Status()
		key := de.Key
		if key == "" {
			key = fmt.Sprintf("error.%d.body", pageStatus(status))
		}
		return status, key, de.Args
	}
	status, key := classifyOther(err)
	return status, key, nil
}

// classifyOther maps errors that are not domain errors.
func classifyOther(err error) (int, string) {
	if errors.Is(err, context.DeadlineExceeded) {
		return http.StatusServiceUnavailable, "error.503.body"
	}
	if errors.Is(err, middleware.ErrCSRFInvalid) {
		return http.StatusForbidden, "error.csrf"
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		switch {
		case he.Code == http.StatusMethodNotAllowed:
			return http.StatusNotFound, "error.404.body" // do not reveal that the path exists
		case he.Code == http.StatusForbidden || (he.Code == http.StatusBadRequest && isCSRFMessage(he)):
			return http.StatusForbidden, "error.csrf"
		case he.Code == http.StatusServiceUnavailable:
			return he.Code, "error.503.body"
		}
		return he.Code, fmt.Sprintf("error.%d.body", pageStatus(he.Code))
	}
	return http.StatusInternalServerError, "error.500.body"
}

func isCSRFMessage(he *echo.HTTPError) bool {
	msg, _ := he.Message.(string)
	return len(msg) > 0 && (msg == "missing csrf token in the form parameter" || msg == "missing csrf token in request header")
}

// pageStatus picks the error page whose texts fit status.
func pageStatus(status int) int {
	switch status {
	case 400, 403, 404, 413, 429, 500, 503:
		return status
	case 401:
		return 403
	case 405, 410:
		return 404
	}
	if status >= 500 {
		return 500
	}
	return 400
}
