package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/consent"
)

// healthNext is where the health-data consent continues: a path on this site, or
// "" (My consents).
func healthNext(c echo.Context) string {
	next := c.FormValue("next")
	if next == "" || safeNext(next) != next {
		return ""
	}
	return next
}

// showHealthConsent explains the processing of health information (necessity and
// impact, PIPL art. 30) and asks the separate consent (art. 29). Features that
// need it send the user here with ?next= before the first health upload.
func (a *App) showHealthConsent(c echo.Context) error {
	return a.renderHealth(c, http.StatusOK, healthNext(c), "")
}

// decideHealthConsent records the answer of the health-data page. Agreeing
// continues to next; declining goes to My consents, where the refusal shows
// (sending a refusal back to the upload that asked would only ask again).
func (a *App) decideHealthConsent(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	next := healthNext(c)
	grant := c.FormValue("decision") == "accept"
	token := c.FormValue("token_decline")
	if grant {
		token = c.FormValue("token_accept")
	}
	rec, err := a.consents().Change(c.Request().Context(), u.ID, models.PurposeHealthData, grant, token,
		a.consentContext(c, models.ChannelJustInTime))
	if err != nil {
		msgs, status, ok := formErrors(c, err)
		if !ok || models.AsError(err).Kind != models.KindInvalid {
			return err
		}
		return a.renderHealth(c, status, next, msgs[""])
	}
	if grant && next != "" {
		return a.afterConsent(c, rec, next)
	}
	return a.afterConsent(c, rec, paths.AccountConsents)
}

func (a *App) renderHealth(c echo.Context, status int, next, msg string) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	granted, err := models.HasConsent(ctx, a.db, u.ID, models.PurposeHealthData, "")
	if err != nil {
		return err
	}
	p := consent.HealthProps{Granted: granted, Next: next, Error: msg}
	if !granted {
		if p.AcceptToken, err = a.consents().ConfirmToken(ctx, u.ID, models.PurposeHealthData, true); err != nil {
			return err
		}
		if p.DeclineToken, err = a.consents().ConfirmToken(ctx, u.ID, models.PurposeHealthData, false); err != nil {
			return err
		}
	}
	return a.render(c, status, consent.Health(a.page(c, t(c, "consent.health.title")), p))
}
