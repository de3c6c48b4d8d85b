package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/documents"
)

// confirmDeleteDocument says what deleting the document does; it changes nothing.
func (a *App) confirmDeleteDocument(c echo.Context) error {
	r, err := a.documentReader(c)
	if err != nil {
		return err
	}
	id, err := documentID(c, "id")
	if err != nil {
		return err
	}
	v, err := a.documents.Get(c.Request().Context(), r, id)
	if err != nil {
		return err
	}
	p := documents.DeleteProps{Title: v.Title, Category: v.Category, Date: v.Date.Format(dateLayout), Files: len(v.Files),
		Action: paths.DocumentDelete(v.ID), Back: paths.Document(v.ID)}
	return a.render(c, http.StatusOK, documents.Delete(a.page(c, t(c, "documents.delete.confirm_title")), p))
}

// deleteDocument deletes the document with its files' keys and blobs (audited
// health.document.delete) and returns to the list.
func (a *App) deleteDocument(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	id, err := documentID(c, "id")
	if err != nil {
		return err
	}
	err = a.documents.Delete(c.Request().Context(), u.ID, id, a.actor(c))
	if errors.Is(err, models.ErrBlobsLeft) {
		a.log.Warn("document deleted; blobs left for the sweep", "request_id", requestIDOf(c), "err", err)
	} else if err != nil {
		return err
	}
	s, err := a.sess(c)
	if err != nil {
		return err
	}
	a.setFlash(c, s, "documents.deleted")
	return redirect(c, paths.Documents)
}
