package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/i18n"
	"github.com/yibao-health/portal/views/pages"
)

func (a *App) home(c echo.Context) error {
	ctx := c.Request().Context()
	return a.render(c, http.StatusOK, pages.Home(a.page(c, i18n.T(ctx, "home.title"))))
}
