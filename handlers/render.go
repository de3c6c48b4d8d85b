package handlers

import (
	"bytes"
	"context"
	"net/http"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/views/layouts"
)

// page builds the layout properties every page needs.
func (a *App) page(c echo.Context, title string) layouts.Page {
	return layouts.Page{
		Title:     title,
		CSRFToken: csrfTokenOf(c),
		Path:      c.Request().URL.Path,
		RequestID: requestIDOf(c),
		Account:   a.accountNav(c),
		Banner:    a.gateBanner(c),
	}
}

// render writes comp with status; it renders into a buffer first so a failing
// template never leaves half a page on the wire.
func (a *App) render(c echo.Context, status int, comp templ.Component) error {
	return a.renderCtx(c.Request().Context(), c, status, comp)
}

func (a *App) renderCtx(ctx context.Context, c echo.Context, status int, comp templ.Component) error {
	var buf bytes.Buffer
	if err := comp.Render(ctx, &buf); err != nil {
		return err
	}
	h := c.Response().Header()
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-store") // pages may be personal; static assets set their own
	}
	return c.Blob(status, "text/html; charset=utf-8", buf.Bytes())
}

// redirect answers a form post with 303 See Other so a reload does not re-post.
func redirect(c echo.Context, to string) error {
	return c.Redirect(http.StatusSeeOther, to)
}
