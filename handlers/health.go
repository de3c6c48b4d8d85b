package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/db"
)

// healthz tells a load balancer the process is alive; it touches nothing else.
func (a *App) healthz(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.String(http.StatusOK, "ok\n")
}

// readyz tells a load balancer whether this instance can serve: the database answers.
func (a *App) readyz(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := db.Ping(ctx, a.db); err != nil {
		a.log.Warn("readiness check failed", "request_id", requestIDOf(c), "err", err)
		return c.String(http.StatusServiceUnavailable, "database unavailable\n")
	}
	return c.String(http.StatusOK, "ready\n")
}
