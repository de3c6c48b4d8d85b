package handlers

import (
	"net/http"

	"github.com/yibao-health/portal/internal/paths"
)

// consultRoutes declares the patient's consultations (issue 6): the start form, its
// confirmation, the list, one consultation with its thread and grant controls. Every
// route is the patient's own; another patient's consultation is 404.
func (a *App) consultRoutes() {
	a.route(http.MethodGet, paths.Consultations, Patient, a.listConsultations)
	a.route(http.MethodGet, paths.ConsultationNew, Patient, a.showConsultNew)
	a.route(http.MethodPost, paths.ConsultationPreview, Patient, a.previewConsult)
	a.route(http.MethodPost, paths.Consultations, Patient, a.startConsult)
	a.route(http.MethodGet, paths.Consultations+"/:id", Patient, a.showConsultation)
	a.route(http.MethodPost, paths.Consultations+"/:id/messages", Patient, a.postConsultMessage)
	a.route(http.MethodPost, paths.Consultations+"/:id/revoke", Patient, a.revokeConsultGrant)
	a.route(http.MethodPost, paths.Consultations+"/:id/scope", Patient, a.changeConsultScope)
	a.route(http.MethodPost, paths.Consultations+"/:id/close", Patient, a.closeConsultation)
}
