package handlers

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/models"
)

// Uploads stream (issue 5): the multipart body is read part by part with
// Request.MultipartReader, never with ParseMultipartForm, which keeps files over
// 32 MB in temporary files — plaintext health data on disk. The text fields come
// first in the form (a browser sends controls in document order), so they are
// checked before any file is stored; each file then flows through type sniffing
// and its own streaming AEAD into the blob store.
//
// CSRF. Echo's CSRF middleware reads a "form:" token with c.FormValue, which would
// parse the whole multipart body (into memory and temporary files) before the
// handler runs. For this one route the token is therefore looked up in the
// X-CSRF-Token header (set by static/js/upload.js) or in the query string: the
// form's action is /health/documents?_csrf=<token>, so the form also works without
// JavaScript. The check is the same double-submit comparison with the CSRF cookie
// as everywhere else, and cross-site posts are refused before it (blockCrossSite).
// A token in a URL can show in browser history; it is bound to the session's CSRF
// cookie, useless without it, and the access log never writes query strings. Every
// other route keeps the form-field lookup unchanged.

// isDocumentUpload reports whether the request posts a medical-document upload.
func isDocumentUpload(c echo.Context) bool {
	return c.Request().Method == http.MethodPost && c.Path() == paths.Documents
}

// isDocumentFile reports whether the request reads a document's file (view,
// download, thumbnail): binary responses that are not gzipped.
func isDocumentFile(c echo.Context) bool {
	return c.Request().Method == http.MethodGet && strings.HasPrefix(c.Path(), paths.Documents+"/:id/files/")
}

// isDocumentTransfer reports whether the request moves a whole file and so gets
// the upload deadline (PORTAL_UPLOAD_TIMEOUT) instead of the ordinary one.
func isDocumentTransfer(c echo.Context) bool { return isDocumentUpload(c) || isDocumentFile(c) }

// ownBodyLimit skips the global body limit for the requests that set their own.
func ownBodyLimit(c echo.Context) bool { return isDoctorUpload(c) || isDocumentUpload(c) }

// transferTimeout is the deadline of a document transfer.
func (a *App) transferTimeout() time.Duration { return max(a.cfg.UploadTimeout, a.cfg.RequestTimeout) }

// uploadLimits are the configured upload limits.
func (a *App) uploadLimits() models.UploadLimits {
	return models.UploadLimits{MaxFileSize: a.cfg.UploadMaxFile, MaxFiles: a.cfg.UploadMaxFiles}
}

// documentUploadLimit gives uploads their own body limit: every file at its limit
// plus 1 MiB. A body declared larger is refused at once; one that grows past it
// stops there (http.MaxBytesReader).
func (a *App) documentUploadLimit(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !isDocumentUpload(c) {
			return next(c)
		}
		lim := a.uploadLimits()
		req := c.Request()
		if req.ContentLength > lim.MaxBody() {
			return &models.Error{Kind: models.KindTooLarge, Key: "documents.upload.too_large", Args: []any{lim.MaxFiles, lim.MaxFileMB()}}
		}
		req.Body = http.MaxBytesReader(c.Response(), req.Body, lim.MaxBody())
		return next(c)
	}
}

// uploadCSRF is the CSRF check of the upload route: base's settings with the
// token read from the X-CSRF-Token header or the _csrf query parameter (see the
// comment at the top of this file). It skips every other request.
func uploadCSRF(base middleware.CSRFConfig) (echo.MiddlewareFunc, error) {
	cfg := base
	cfg.TokenLookup = "header:" + csrfHeader + ",query:" + csrfField
	cfg.Skipper = func(c echo.Context) bool { return !isDocumentUpload(c) }
	cfg.ErrorHandler = func(err error, c echo.Context) error {
		return echo.NewHTTPError(http.StatusForbidden, "csrf").SetInternal(err)
	}
	return cfg.ToMiddleware()
}

// Upload form fields, in the order the form sends them; files follow them.
var documentTextFields = map[string]func(*models.DocumentInput) *string{
	"category": func(in *models.DocumentInput) *string { return &in.Category },
	"title":    func(in *models.DocumentInput) *string { return &in.Title },
	"date":     func(in *models.DocumentInput) *string { return &in.Date },
	"hospital": func(in *models.DocumentInput) *string { return &in.Hospital },
	"notes":    func(in *models.DocumentInput) *string { return &in.Notes },
}

// The file inputs: "files" (any number of chosen files) and "photo" (the camera).
func isFileField(name string) bool { return name == "files" || name == "photo" }

const (
	maxTextPart  = 16 << 10 // bytes of one text field
	maxFormParts = 200      // parts of one upload, files included
)

// uploadDocument receives an upload. It writes the blobs first and commits the
// rows after; whatever refuses it (a field, a file's type or size, too many files,
// a client that went away, consent withdrawn meanwhile) deletes the blobs already
// written, so nothing is left. A refusal re-renders the form with what was typed
// (files cannot be kept) and a message for each problem.
func (a *App) uploadDocument(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	a.extendDeadlines(c)
	var in models.DocumentInput
	var up *models.Upload
	defer func() {
		if err := up.Abort(ctx); err != nil {
			a.log.Warn("upload: blobs left for the sweep", "request_id", requestIDOf(c), "err", err)
		}
	}()
	id, err := a.receiveUpload(c, u.ID, &in, &up)
	if err != nil {
		if ctx.Err() != nil {
			return echo.NewHTTPError(http.StatusBadRequest).SetInternal(fmt.Errorf("upload: client gone: %w", err))
		}
		msgs, status, ok := formErrors(c, err)
		if !ok {
			return err
		}
		drainBody(c)
		return a.renderUpload(c, status, in, msgs)
	}
	s, err := a.sess(c)
	if err != nil {
		return err
	}
	a.setFlash(c, s, "documents.uploaded")
	if c.Request().Header.Get("X-Requested-With") == "XMLHttpRequest" {
		// upload.js: XMLHttpRequest would follow a 303 itself (and take the notice
		// with it); 201 with Location lets the script navigate there.
		c.Response().Header().Set(echo.HeaderLocation, paths.Document(id))
		return c.NoContent(http.StatusCreated)
	}
	return redirect(c, paths.Document(id))
}

// receiveUpload reads the multipart body part by part into in and *up and commits.
func (a *App) receiveUpload(c echo.Context, uid int64, in *models.DocumentInput, up **models.Upload) (int64, error) {
	ctx := c.Request().Context()
	mr, err := c.Request().MultipartReader()
	if err != nil {
		return 0, echo.NewHTTPError(http.StatusBadRequest).SetInternal(err)
	}
	for parts := 0; ; parts++ {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return 0, uploadReadError(err, a.uploadLimits())
		}
		if parts >= maxFormParts {
			return 0, echo.NewHTTPError(http.StatusBadRequest).SetInternal(errors.New("upload: too many parts"))
		}
		name := part.FormName()
		switch field, isText := documentTextFields[name]; {
		case isText && part.FileName() == "":
			if *up != nil { // the form sends its text fields first
				return 0, echo.NewHTTPError(http.StatusBadRequest).SetInternal(errors.New("upload: text field after a file"))
			}
			v, err := readTextPart(part)
			if err != nil {
				return 0, uploadReadError(err, a.uploadLimits())
			}
			*field(in) = v
		case isFileField(name) && part.FileName() != "":
			if *up == nil {
				if *up, err = a.documents.BeginUpload(ctx, uid, *in); err != nil {
					return 0, err
				}
			}
			if err := (*up).AddFile(ctx, part); err != nil {
				return 0, uploadReadError(err, a.uploadLimits())
			}
		default: // an empty file input, the submit button, anything unknown
			if _, err := io.Copy(io.Discard, io.LimitReader(part, maxTextPart)); err != nil {
				return 0, uploadReadError(err, a.uploadLimits())
			}
		}
	}
	if *up == nil {
		// No file chosen: report the fields' problems too, all at once.
		var p models.Problems
		_, err := a.documents.BeginUpload(ctx, uid, *in)
		if errors.As(err, &p) {
			return 0, append(p, models.Invalid("files", "documents.files.required"))
		}
		if err != nil {
			return 0, err
		}
		return 0, models.Invalid("files", "documents.files.required")
	}
	return (*up).Commit(ctx, a.actor(c))
}

// readTextPart reads a text field, refusing one longer than maxTextPart.
func readTextPart(p *multipart.Part) (string, error) {
	b, err := io.ReadAll(io.LimitReader(p, maxTextPart+1))
	if err != nil {
		return "", err
	}
	if len(b) > maxTextPart {
		return "", models.Invalid(p.FormName(), "documents.field.too_large")
	}
	return string(b), nil
}

// uploadReadError maps an error met while reading the body: past the upload's
// cap it is the form's "too large" message; a body cut short or malformed is a
// 400. Domain errors (a file's type, size, …) and others pass unchanged.
func uploadReadError(err error, lim models.UploadLimits) error {
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return &models.Error{Kind: models.KindTooLarge, Key: "documents.upload.too_large", Args: []any{lim.MaxFiles, lim.MaxFileMB()}, Err: err}
	case models.AsError(err) != nil:
		return err
	case errors.Is(err, io.ErrUnexpectedEOF) || strings.HasPrefix(err.Error(), "multipart:"):
		return echo.NewHTTPError(http.StatusBadRequest).SetInternal(err)
	}
	return err
}

// drainBody reads what is left of a refused upload's body (up to its cap), so
// that a browser still sending it receives the answer instead of a reset.
func drainBody(c echo.Context) {
	if c.Request().Context().Err() == nil {
		_, _ = io.Copy(io.Discard, c.Request().Body)
	}
}

// extendDeadlines lets a transfer run to the upload deadline: the server's read
// and write timeouts are set for ordinary requests.
func (a *App) extendDeadlines(c echo.Context) {
	d := a.transferTimeout()
	rc := http.NewResponseController(c.Response())
	_ = rc.SetReadDeadline(time.Now().Add(d))
	_ = rc.SetWriteDeadline(time.Now().Add(d + 10*time.Second))
}
