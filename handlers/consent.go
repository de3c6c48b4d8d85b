package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/i18n"
	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/internal/session"
	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/consent"
)

// consents is the consent domain on the app's database, clock and keys.
func (a *App) consents() *models.Consents {
	c := models.NewConsents(a.db, a.accounts.Keys, a.now)
	c.Effects = append(c.Effects, models.ForgetIDNumber, models.EndGrantsOnHealthWithdrawal)
	return c
}

// consentContext is where a decision is made: channel, truncated IP and a browser
// summary (never the full address or user agent).
func (a *App) consentContext(c echo.Context, channel string) models.ConsentContext {
	return models.ConsentContext{Channel: channel, ClientIP: session.TruncateIP(c.RealIP()),
		UserAgent: session.DeviceSummary(c.Request().UserAgent())}
}

// showConsents is "My consents". Showing it records that the logistics notice was
// shown (once per policy version).
func (a *App) showConsents(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if _, err := a.consents().NoticeShown(ctx, u.ID, models.PurposeLogistics, a.consentContext(c, models.ChannelWeb)); err != nil {
		return err
	}
	views, err := a.consents().Overview(ctx, u.ID)
	if err != nil {
		return err
	}
	p := consent.MineProps{Purposes: make([]consent.PurposeRow, 0, len(views))}
	for _, v := range views {
		p.Purposes = append(p.Purposes, purposeRow(v))
	}
	s, err := a.sess(c)
	if err != nil {
		return err
	}
	if key := a.takeFlash(c, s); key != "" {
		p.Notice = t(c, key)
	}
	return a.render(c, http.StatusOK, consent.Mine(a.page(c, t(c, "consent.title")), p))
}

// purposeRow formats a purpose for the page (times in China time).
func purposeRow(v models.PurposeView) consent.PurposeRow {
	r := consent.PurposeRow{Key: v.Purpose.Key, Mechanism: v.Purpose.Mechanism, LegalBasis: v.Purpose.LegalBasis,
		Sensitive: v.Purpose.Sensitive, Granted: v.Granted, Decided: v.Last != nil}
	if v.Purpose.Key == models.PurposeTerms && v.Last != nil && v.Last.Decision == models.DecisionAccepted {
		r.TermsAt = consentTime(v.Last.CreatedAt)
		if v.Last.PolicyVersionID != nil {
			r.TermsVersion = v.Versions[*v.Last.PolicyVersionID]
		}
	}
	for _, h := range v.History {
		row := consent.HistoryRow{At: consentTime(h.CreatedAt), Decision: h.Decision, Channel: h.Channel}
		if h.PolicyVersionID != nil {
			row.Version = v.Versions[*h.PolicyVersionID]
		}
		switch {
		case h.ClientIP != "" && h.UserAgent != "":
			row.From = h.ClientIP + " · " + h.UserAgent
		default:
			row.From = h.ClientIP + h.UserAgent
		}
		r.History = append(r.History, row)
	}
	if len(v.History) >= models.MaxConsentHistory {
		r.Bounded = models.MaxConsentHistory
	}
	return r
}

// changeConsent is the first step of a change: it shows what the change does and
// records nothing. Purposes that cannot be changed here answer with their reason.
func (a *App) changeConsent(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	p, ok := models.PurposeByKey(c.Param("purpose"))
	if !ok || !p.Listed {
		return echo.ErrNotFound
	}
	if !models.Changeable(p) {
		return models.Forbidden("consent.change.not_changeable." + p.Mechanism)
	}
	grant := c.FormValue("grant") == "1"
	return a.renderConfirm(c, http.StatusOK, u.ID, p, grant, "")
}

// confirmConsent records the change the confirmation page showed. Without its
// token (a direct post, or a page made stale by another change) the confirmation
// page comes back and nothing is recorded.
func (a *App) confirmConsent(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	p, ok := models.PurposeByKey(c.Param("purpose"))
	if !ok || !p.Listed {
		return echo.ErrNotFound
	}
	grant := c.FormValue("grant") == "1"
	rec, err := a.consents().Change(c.Request().Context(), u.ID, p.Key, grant, c.FormValue("token"), a.consentContext(c, models.ChannelWeb))
	if err != nil {
		msgs, status, ok := formErrors(c, err)
		if !ok || models.AsError(err).Kind != models.KindInvalid {
			return err
		}
		return a.renderConfirm(c, status, u.ID, p, grant, msgs[""])
	}
	return a.afterConsent(c, rec, paths.AccountConsents)
}

// afterConsent flashes what was recorded and goes to next.
func (a *App) afterConsent(c echo.Context, rec *models.ConsentRecord, next string) error {
	s, err := a.sess(c)
	if err != nil {
		return err
	}
	key := "consent.flash.unchanged"
	if rec != nil {
		key = "consent.flash." + rec.Decision
	}
	a.setFlash(c, s, key)
	return redirect(c, next)
}

func (a *App) renderConfirm(c echo.Context, status int, userID int64, p models.Purpose, grant bool, msg string) error {
	token, err := a.consents().ConfirmToken(c.Request().Context(), userID, p.Key, grant)
	if err != nil {
		return err
	}
	props := consent.ConfirmProps{Key: p.Key, Mechanism: p.Mechanism, Grant: grant, Token: token, Error: msg}
	title := t(c, "consent.confirm.title.withdraw", t(c, "consent.purpose."+p.Key+".name"))
	if grant {
		title = t(c, "consent.confirm.title.grant", t(c, "consent.purpose."+p.Key+".name"))
	}
	return a.render(c, status, consent.Confirm(a.page(c, title), props))
}

// consentTime shows a stored time in China time, to the minute.
func consentTime(at time.Time) string { return i18n.ShortTime(at) }
