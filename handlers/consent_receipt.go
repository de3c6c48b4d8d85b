package handlers

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/consent"
)

// receipts issues and verifies receipts. Their issuer is the configured public
// URL (a fixed name without one); their links use it, or the request's host.
func (a *App) receipts(c echo.Context) *models.Receipts {
	base, issuer := a.cfg.PublicURL, a.cfg.PublicURL
	if issuer == "" {
		issuer = models.ReceiptDefaultIssuer
	}
	if base == "" {
		base = c.Scheme() + "://" + c.Request().Host
	}
	return &models.Receipts{DB: a.db, Keys: a.accounts.Keys, Now: a.now, Issuer: issuer, BaseURL: base,
		Controller: models.DefaultController, PolicyPath: paths.Privacy, VerifyPath: paths.ReceiptVerify, KeysPath: paths.ReceiptKeys}
}

// downloadReceipt answers the signed consent receipt of the signed-in patient as a
// JSON download named after today's date (China time).
func (a *App) downloadReceipt(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	file, _, err := a.receipts(c).Issue(c.Request().Context(), u.ID, lang(c))
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	h.Set(echo.HeaderContentDisposition, `attachment; filename="consent-receipt-`+a.now().In(models.ChinaTime).Format("2006-01-02")+`.json"`)
	return c.Blob(http.StatusOK, "application/json; charset=utf-8", file)
}

// receiptKeys publishes the receipt signing keys as a JWK set (RFC 7517).
func (a *App) receiptKeys(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "public, max-age=300")
	return c.Blob(http.StatusOK, "application/jwk-set+json", a.accounts.Keys.PublicJWKS())
}

// showVerify is the verification form.
func (a *App) showVerify(c echo.Context) error {
	return a.renderVerify(c, http.StatusOK, consent.VerifyProps{})
}

// verifyReceipt checks a pasted or uploaded receipt and says valid, or why not.
func (a *App) verifyReceipt(c echo.Context) error {
	data, err := receiptInput(c)
	if err != nil {
		return err
	}
	chk := a.receipts(c).Verify(data)
	p := consent.VerifyProps{Checked: true, Valid: chk.Valid, Pasted: c.FormValue("receipt")}
	if len(p.Pasted) > models.MaxReceiptSize {
		p.Pasted = ""
	}
	status := http.StatusOK
	if !chk.Valid {
		status = http.StatusUnprocessableEntity
		p.Reason = t(c, chk.Reason)
		if chk.Reason == models.ReceiptAltered {
			p.Reason = t(c, chk.Reason, strings.Join(chk.Fields, ", "))
		}
	}
	if chk.Valid && chk.Receipt != nil {
		p.Receipt = receiptSummary(chk.Receipt)
	}
	return a.renderVerify(c, status, p)
}

// receiptInput is the uploaded file when one was sent, else the pasted text; at
// most one byte over the size limit (so Verify can say it is too large).
func receiptInput(c echo.Context) ([]byte, error) {
	fh, err := c.FormFile("file")
	switch {
	case err == nil && fh.Size > 0:
		f, err := fh.Open()
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return io.ReadAll(io.LimitReader(f, models.MaxReceiptSize+1))
	case err == nil, errors.Is(err, http.ErrMissingFile), errors.Is(err, http.ErrNotMultipart):
		return []byte(c.FormValue("receipt")), nil
	}
	return nil, echo.NewHTTPError(http.StatusBadRequest).SetInternal(err)
}

func receiptSummary(rc *models.Receipt) *consent.ReceiptSummary {
	at := func(unix int64) string { return consentTime(time.Unix(unix, 0)) }
	s := &consent.ReceiptSummary{ID: rc.ConsentReceiptID, Issued: at(rc.IssuedAt), ConsentTime: at(rc.ConsentTimestamp),
		PolicyVersion: rc.PolicyVersion, PolicyHash: rc.PolicySHA256}
	for _, svc := range rc.Services {
		for _, p := range svc.Purposes {
			s.Purposes = append(s.Purposes, p.Purpose)
		}
	}
	return s
}

func (a *App) renderVerify(c echo.Context, status int, p consent.VerifyProps) error {
	return a.render(c, status, consent.Verify(a.page(c, t(c, "consent.verify.title")), p))
}
