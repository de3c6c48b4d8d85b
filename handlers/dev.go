package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/i18n"
	"github.com/yibao-health/portal/internal/notify"
	"github.com/yibao-health/portal/views/pages"
)

// devOutbox shows what the development notifier recorded (verification codes and
// notices) so a developer can read them without an SMS or e-mail provider.
func (a *App) devOutbox(c echo.Context) error {
	var msgs []notify.Recorded
	if a.outbox != nil {
		msgs = a.outbox.Recent()
	}
	ctx := c.Request().Context()
	return a.render(c, http.StatusOK, pages.DevOutbox(a.page(c, i18n.T(ctx, "dev.outbox.title")), msgs))
}
