package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/documents"
)

// documentReader is the signed-in user as a reader of documents.
func (a *App) documentReader(c echo.Context) (models.DocumentReader, error) {
	u, err := a.user(c)
	if err != nil {
		return models.DocumentReader{}, err
	}
	return models.DocumentReader{UserID: u.ID}, nil
}

// documentID reads the :id path parameter; anything but a positive number is 404.
func documentID(c echo.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, echo.ErrNotFound
	}
	return id, nil
}

// listDocuments is the list of the patient's documents, filtered by the query
// (category, from, to) and paged by the after cursor.
func (a *App) listDocuments(c echo.Context) error {
	r, err := a.documentReader(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	f := documents.Filter{Category: c.QueryParam("category"), From: c.QueryParam("from"), To: c.QueryParam("to")}
	after := c.QueryParam("after")
	p := documents.ListProps{Notice: a.flash(c), Categories: models.DocumentCategories, Filter: f}
	if p.Consented, err = models.HasConsent(ctx, a.db, r.UserID, models.PurposeHealthData, ""); err != nil {
		return err
	}
	status := http.StatusOK
	list, err := a.documents.List(ctx, r, models.DocumentQuery{Category: f.Category, From: f.From, To: f.To, After: after})
	if err != nil {
		msgs, s, ok := formErrors(c, err)
		if !ok {
			return err
		}
		p.Errors, status = msgs, s
	} else {
		for _, v := range list.Items {
			it := documents.Item{Href: paths.Document(v.ID), Title: v.Title, Hospital: v.Hospital, Category: v.Category,
				Date: v.Date.Format(dateLayout), Files: len(v.Files)}
			if th, ok := v.FirstThumbnail(); ok {
				it.Thumb = paths.DocumentThumbnail(v.ID, th.ID)
			}
			p.Items = append(p.Items, it)
		}
		if list.Next != "" {
			p.Next = listURL(f, list.Next)
		}
		if after != "" {
			p.First = listURL(f, "")
		}
	}
	return a.render(c, status, documents.List(a.page(c, t(c, "documents.title")), p))
}

// listURL is the list with filter f from cursor after.
func listURL(f documents.Filter, after string) string {
	q := url.Values{}
	for k, v := range map[string]string{"category": f.Category, "from": f.From, "to": f.To, "after": after} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if len(q) == 0 {
		return paths.Documents
	}
	return paths.Documents + "?" + q.Encode()
}

const dateLayout = "2006-01-02"

// showDocument is a document's page.
func (a *App) showDocument(c echo.Context) error {
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
	p := documents.DetailProps{Notice: a.flash(c), Title: v.Title, Category: v.Category, Date: v.Date.Format(dateLayout),
		Hospital: v.Hospital, Notes: v.Notes, Delete: paths.DocumentDelete(v.ID), Back: paths.Documents}
	for _, f := range v.Files {
		df := documents.File{Position: f.Position, Kind: fileKind(f), Size: humanSize(f.Size),
			Download: paths.DocumentFileDownload(v.ID, f.ID)}
		if f.Viewable() {
			df.View = paths.DocumentFileView(v.ID, f.ID)
		}
		if f.HasThumbnail {
			df.Thumb = paths.DocumentThumbnail(v.ID, f.ID)
		}
		p.Files = append(p.Files, df)
	}
	return a.render(c, http.StatusOK, documents.Detail(a.page(c, v.Title), p))
}

// fileKind is the kind a page names a file by.
func fileKind(f models.FileView) string {
	switch {
	case f.IsImage():
		return "image"
	case f.ContentType == models.TypePDF:
		return "pdf"
	}
	return "dicom"
}

// humanSize is a byte count for people: "820 KB", "3.4 MB".
func humanSize(n int64) string {
	switch {
	case n < 1<<10:
		return strconv.FormatInt(n, 10) + " B"
	case n < 1<<20:
		return strconv.FormatInt((n+1<<9)>>10, 10) + " KB"
	}
	return strings.TrimSuffix(fmt.Sprintf("%.1f", float64(n)/(1<<20)), ".0") + " MB"
}

// showUpload is the upload form; without the health-data consent it sends the
// patient to give it first, and back here after.
func (a *App) showUpload(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	ok, err := models.HasConsent(c.Request().Context(), a.db, u.ID, models.PurposeHealthData, "")
	if err != nil {
		return err
	}
	if !ok {
		return redirect(c, paths.ConsentHealthNext(paths.DocumentUpload))
	}
	return a.renderUpload(c, http.StatusOK, models.DocumentInput{}, nil)
}

// acceptFiles is the file input's accept list: what the server takes by content.
const acceptFiles = "application/pdf,image/jpeg,image/png,image/webp,application/dicom,.pdf,.jpg,.jpeg,.png,.webp,.dcm"

// renderUpload renders the form with what was typed and its messages.
func (a *App) renderUpload(c echo.Context, status int, in models.DocumentInput, errs map[string]string) error {
	lim := a.uploadLimits()
	if len(errs) > 0 && errs[""] == "" {
		// The form is long on a phone: say at its top that something below needs fixing.
		errs[""] = t(c, "form.fix_errors")
	}
	p := documents.UploadProps{Action: paths.DocumentUploadAction(csrfTokenOf(c)), Categories: models.DocumentCategories,
		Input: documents.Input{Category: in.Category, Title: in.Title, Date: in.Date, Hospital: in.Hospital, Notes: in.Notes,
			Today: a.now().In(models.ChinaTime).Format(dateLayout)},
		Errors: errs, MaxFiles: lim.MaxFiles, MaxFileMB: lim.MaxFileMB(), Accept: acceptFiles, Back: paths.Documents}
	return a.render(c, status, documents.Upload(a.page(c, t(c, "documents.upload.title")), p))
}
