package handlers

import (
	"net/http"

	"github.com/yibao-health/portal/internal/paths"
)

// documentsRoutes declares the routes of the documents area (issue 5). Every
// route is the patient's own: the domain reads through the one access rule
// (models.readableDocuments), so another patient's document is 404.
func (a *App) documentsRoutes() {
	a.route(http.MethodGet, paths.Documents, Patient, a.listDocuments)
	a.route(http.MethodGet, paths.DocumentUpload, Patient, a.showUpload)
	// Multipart, streamed; CSRF token in the header or the query (documents_upload.go).
	a.route(http.MethodPost, paths.Documents, Patient, a.uploadDocument)
	a.route(http.MethodGet, paths.Documents+"/:id", Patient, a.showDocument)
	a.route(http.MethodGet, paths.Documents+"/:id/delete", Patient, a.confirmDeleteDocument)
	a.route(http.MethodPost, paths.Documents+"/:id/delete", Patient, a.deleteDocument)
	a.route(http.MethodGet, paths.Documents+"/:id/files/:fid/view", Patient, a.viewDocumentFile)
	a.route(http.MethodGet, paths.Documents+"/:id/files/:fid/download", Patient, a.downloadDocumentFile)
	a.route(http.MethodGet, paths.Documents+"/:id/files/:fid/thumbnail", Patient, a.documentThumbnail)
}
