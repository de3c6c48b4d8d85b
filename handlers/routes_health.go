package handlers

import (
	"net/http"

	"github.com/yibao-health/portal/internal/paths"
)

// healthRoutes declares the routes of the health area (issue 5): the patient's own
// health profile. Reads go through models.HealthProfiles' scoped access rule (only
// the owner, for now); the editor needs the separate health-data consent.
func (a *App) healthRoutes() {
	a.route(http.MethodGet, paths.Health, Patient, a.showHealth)
	a.route(http.MethodGet, paths.HealthProfileEdit, Patient, a.showHealthEdit)
	a.route(http.MethodPost, paths.HealthProfileEdit, Patient, a.saveHealthProfile)
	a.route(http.MethodGet, paths.HealthProfileHistory, Patient, a.showHealthHistory)
	a.route(http.MethodGet, paths.HealthProfileHistory+"/:version", Patient, a.showHealthVersion)
}
