package handlers

import (
	"net/http"

	"github.com/yibao-health/portal/internal/paths"
)

// clinicRoutes declares the doctor's clinic (issue 6): the queue and one
// consultation with the patient's granted data. Verified doctors only (404 to
// everyone else); patient data comes only through the scoped reads of the models.
func (a *App) clinicRoutes() {
	one := paths.ClinicConsultations + "/:id"
	doc := one + "/documents/:doc"
	a.route(http.MethodGet, paths.Clinic, Doctor, a.showClinicQueue)
	a.route(http.MethodGet, one, Doctor, a.showClinicConsultation)
	a.route(http.MethodPost, one+"/messages", Doctor, a.postClinicMessage)
	a.route(http.MethodPost, one+"/close", Doctor, a.closeClinicConsultation)
	a.route(http.MethodGet, doc, Doctor, a.showClinicDocument)
	a.route(http.MethodGet, doc+"/files/:fid/view", Doctor, a.viewClinicFile)
	a.route(http.MethodGet, doc+"/files/:fid/download", Doctor, a.downloadClinicFile)
	a.route(http.MethodGet, doc+"/files/:fid/thumbnail", Doctor, a.clinicThumbnail)
}
