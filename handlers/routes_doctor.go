package handlers

import (
	"net/http"

	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/models"
)

// DoctorLanding is where a doctor arrives after signing in: the application status
// page, which links to the clinic once the doctor is verified. (The clinic itself is
// a Doctor route, 404 to anyone unverified, so it cannot be the landing page.)
const DoctorLanding = paths.DoctorStatus

// doctorRoutes are the doctor application and its status page, and the admins'
// review of applications (the clinic is in routes_clinic.go).
func (a *App) doctorRoutes() {
	a.route(http.MethodGet, paths.DoctorApply, Public, a.showDoctorApply)
	a.route(http.MethodPost, paths.DoctorApplyCode, Public, a.doctorApplyCode)
	a.route(http.MethodPost, paths.DoctorApply, Public, a.doctorApply)
	a.route(http.MethodGet, paths.DoctorApplied, Public, a.showDoctorApplied)
	a.route(http.MethodGet, paths.DoctorStatus, Applicant, a.showDoctorStatus)

	admin := Staff(models.CapAdmin)
	a.route(http.MethodGet, paths.StaffDoctors, admin, a.staffDoctorQueue)
	a.route(http.MethodGet, paths.StaffDoctors+"/:id", admin, a.staffDoctorDetail)
	a.route(http.MethodGet, paths.StaffDoctors+"/:id/licence", admin, a.staffDoctorLicence)
	for _, action := range models.ReviewActions {
		a.route(http.MethodPost, paths.StaffDoctors+"/:id/"+action, admin, a.staffDoctorReview(action))
	}
}
