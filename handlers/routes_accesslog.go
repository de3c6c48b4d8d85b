package handlers

import (
	"net/http"

	"github.com/yibao-health/portal/internal/paths"
)

// accessLogRoutes declares "who viewed my data" (issue 6): the patient's own
// access log only; nobody else reads it.
func (a *App) accessLogRoutes() {
	a.route(http.MethodGet, paths.AccountAccessLog, Patient, a.showAccessLog)
}
