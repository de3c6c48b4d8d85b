package handlers

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/models"
)

// How a file is served.
type fileMode int

const (
	modeView fileMode = iota + 1
	modeDownload
	modeThumbnail
)

// Content-Security-Policy of served files: every file is a sandboxed document
// (no script, no same-origin access, no forms) that loads nothing but itself,
// with the inline styles of the browser's own image page or PDF viewer frame,
// and may not be framed. A PDF is opened at the top level (the page links it in
// a new tab), where Chromium's viewer runs in a sandboxed document (checked with
// Chromium 156); inside a sandboxed iframe it would not (crbug.com/413851), and
// the download link is always there. The type the server sniffed at upload
// ("%PDF-", image signatures) with nosniff keeps every browser from reading a
// file as HTML.
const (
	viewCSP     = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'none'; form-action 'none'; base-uri 'none'"
	downloadCSP = "sandbox; default-src 'none'; frame-ancestors 'none'"
)

func (a *App) viewDocumentFile(c echo.Context) error     { return a.serveDocumentFile(c, modeView) }
func (a *App) downloadDocumentFile(c echo.Context) error { return a.serveDocumentFile(c, modeDownload) }
func (a *App) documentThumbnail(c echo.Context) error    { return a.serveDocumentFile(c, modeThumbnail) }

// serveDocumentFile is the owner's file route: the document is :id.
func (a *App) serveDocumentFile(c echo.Context, mode fileMode) error {
	r, err := a.documentReader(c)
	if err != nil {
		return err
	}
	id, err := documentID(c, "id")
	if err != nil {
		return err
	}
	return a.sendDocumentFile(c, r, id, mode)
}

// sendDocumentFile streams file :fid of document id as r may read it (the owner,
// or a doctor under a grant: the same rule, the same headers), decrypted, with
// the type the server sniffed at upload, nosniff, no-store and a CSP for its
// mode: inline (images and PDF only), as an attachment with a server-made name,
// or the thumbnail.
func (a *App) sendDocumentFile(c echo.Context, r models.DocumentReader, id int64, mode fileMode) error {
	fid, err := documentID(c, "fid")
	if err != nil {
		return err
	}
	a.extendDeadlines(c)
	fc, err := a.documents.OpenFile(c.Request().Context(), r, id, fid, mode == modeThumbnail)
	if err != nil {
		return err
	}
	defer fc.Close()
	h := c.Response().Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	switch mode {
	case modeView:
		if !fc.File.Viewable() {
			return echo.ErrNotFound
		}
		h.Set(echo.HeaderContentType, fc.File.ContentType)
		h.Set(echo.HeaderContentLength, strconv.FormatInt(fc.File.Size, 10))
		h.Set(echo.HeaderContentDisposition, "inline")
		h.Set("Content-Security-Policy", viewCSP)
	case modeDownload:
		h.Set(echo.HeaderContentType, fc.File.ContentType)
		h.Set(echo.HeaderContentLength, strconv.FormatInt(fc.File.Size, 10))
		h.Set(echo.HeaderContentDisposition, attachment(fc))
		h.Set("Content-Security-Policy", downloadCSP)
	case modeThumbnail:
		h.Set(echo.HeaderContentType, "image/jpeg")
		h.Set("Content-Security-Policy", viewCSP)
	}
	c.Response().WriteHeader(http.StatusOK)
	if c.Request().Method == http.MethodHead {
		return nil
	}
	if _, err := io.Copy(c.Response(), fc); err != nil {
		// Headers are sent: the client sees a short body (Content-Length says so).
		return fmt.Errorf("documents: stream file %d: %w", fid, err)
	}
	return nil
}

// attachment is the Content-Disposition of a download (RFC 6266): a plain ASCII
// name for old clients and the title-based name in UTF-8 (RFC 5987/8187), both
// made by the server — never the uploaded file's name.
func attachment(fc *models.FileContent) string {
	suffix := ""
	if fc.Files > 1 {
		suffix = "-" + strconv.Itoa(fc.File.Position)
	}
	ext := "." + fc.File.Ext()
	ascii := "document" + suffix + ext
	name := safeFileName(fc.Title)
	if name == "" {
		return `attachment; filename="` + ascii + `"`
	}
	return `attachment; filename="` + ascii + `"; filename*=UTF-8''` + encodeRFC5987(name+suffix+ext)
}

// safeFileName keeps a title usable as a file name on every system: no path
// separators, reserved or control characters, at most 60 characters.
func safeFileName(title string) string {
	var b strings.Builder
	n := 0
	for _, r := range title {
		if n == 60 {
			break
		}
		switch {
		case unicode.IsControl(r) || strings.ContainsRune(`/\:*?"<>|`, r):
			r = '_'
		case unicode.IsSpace(r):
			r = ' '
		}
		b.WriteRune(r)
		n++
	}
	return strings.Trim(b.String(), " ._")
}

// encodeRFC5987 percent-encodes s as an ext-value's value: every byte but the
// attr-chars of RFC 5987 §3.2.1.
func encodeRFC5987(s string) string {
	const attrChars = "!#$&+-.^_`|~"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x80 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(attrChars, c) >= 0) {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}
