package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/static"
)

// routes declares every route with its access class. Keep this list the one place to
// read who may call what.
func (a *App) routes() {
	a.route(http.MethodGet, paths.Healthz, Public, a.healthz)
	a.route(http.MethodGet, paths.Readyz, Public, a.readyz)
	a.route(http.MethodGet, paths.Static+"/*", Public, echo.WrapHandler(static.Handler()))
	a.route(http.MethodHead, paths.Static+"/*", Public, echo.WrapHandler(static.Handler()))

	a.route(http.MethodGet, paths.Home, Public, a.home)
	a.route(http.MethodGet, paths.Privacy, Public, a.privacy)
	a.route(http.MethodPost, paths.Lang, Public, a.setLang)

	a.route(http.MethodGet, paths.DevInbox, DevOnly, a.devOutbox)
}
