package handlers

import (
	"net/http"

	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/models"
)

// emergencyRoutes declares break-glass access (issue 6): the doctor's request and
// time-boxed view, and the privacy officer's review queue.
func (a *App) emergencyRoutes() {
	a.route(http.MethodGet, paths.ClinicEmergency, Doctor, a.showEmergencyForm)
	a.route(http.MethodPost, paths.ClinicEmergency, Doctor, a.requestEmergency)
	a.route(http.MethodGet, paths.ClinicEmergency+"/:id", Doctor, a.showEmergencyAccess)
	a.route(http.MethodGet, paths.StaffEmergency, Staff(models.CapPrivacyOfficer), a.showEmergencyQueue)
	a.route(http.MethodGet, paths.StaffEmergency+"/:id", Staff(models.CapPrivacyOfficer), a.showEmergencyReview)
	a.route(http.MethodPost, paths.StaffEmergency+"/:id/review", Staff(models.CapPrivacyOfficer), a.reviewEmergency)
}
