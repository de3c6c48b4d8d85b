package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/clinic"
)

// clinicReader is the signed-in doctor reading under consultation :id: the
// models' scoped rule decides what that reader sees, and log every read.
func (a *App) clinicReader(c echo.Context) (models.DocumentReader, int64, error) {
	u, err := a.user(c)
	if err != nil {
		return models.DocumentReader{}, 0, err
	}
	id, err := documentID(c, "id")
	if err != nil {
		return models.DocumentReader{}, 0, err
	}
	return a.consultations.DoctorReader(u, id, requestIDOf(c)), id, nil
}

// showClinicDocument is a granted document: details and files. Outside the
// grant (another patient's, not shared, revoked, expired) it is 404.
func (a *App) showClinicDocument(c echo.Context) error {
	r, id, err := a.clinicReader(c)
	if err != nil {
		return err
	}
	docID, err := documentID(c, "doc")
	if err != nil {
		return err
	}
	v, err := a.documents.Get(c.Request().Context(), r, docID)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	p := clinic.DocumentProps{Title: v.Title, Category: v.Category, Date: v.Date.Format(dateLayout), Hospital: v.Hospital,
		Notes: v.Notes, Back: paths.ClinicConsultation(id)}
	for _, f := range v.Files {
		cf := clinic.File{Position: f.Position, Kind: fileKind(f), Size: humanSize(f.Size),
			Download: paths.ClinicFileDownload(id, v.ID, f.ID)}
		if f.Viewable() {
			cf.View = paths.ClinicFileView(id, v.ID, f.ID)
		}
		if f.HasThumbnail {
			cf.Thumb = paths.ClinicThumbnail(id, v.ID, f.ID)
		}
		p.Files = append(p.Files, cf)
	}
	return a.render(c, http.StatusOK, clinic.DocumentPage(a.page(c, v.Title), p))
}

func (a *App) viewClinicFile(c echo.Context) error     { return a.serveClinicFile(c, modeView) }
func (a *App) downloadClinicFile(c echo.Context) error { return a.serveClinicFile(c, modeDownload) }
func (a *App) clinicThumbnail(c echo.Context) error    { return a.serveClinicFile(c, modeThumbnail) }

// serveClinicFile is a granted file, served exactly as the owner's is.
func (a *App) serveClinicFile(c echo.Context, mode fileMode) error {
	r, _, err := a.clinicReader(c)
	if err != nil {
		return err
	}
	docID, err := documentID(c, "doc")
	if err != nil {
		return err
	}
	return a.sendDocumentFile(c, r, docID, mode)
}
