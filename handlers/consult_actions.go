package handlers

import (
	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/models"
)

// The patient's posts on one consultation. Each loads the consultation through
// the model as the signed-in patient, so another patient's id is 404; on success
// it redirects back with a notice, on a refusal it shows the page again with the
// message and what was typed or ticked.

// consultAction runs do on the patient's consultation :id; success flashes key.
func (a *App) consultAction(c echo.Context, key string, st func() detailState, do func(id int64) error) error {
	id, err := consultationID(c)
	if err != nil {
		return err
	}
	if err := do(id); err != nil {
		msgs, status, ok := formErrors(c, err)
		if !ok {
			return err
		}
		s := detailState{}
		if st != nil {
			s = st()
		}
		s.errs = msgs
		return a.renderConsultation(c, status, id, s)
	}
	if err := a.flashNext(c, key); err != nil {
		return err
	}
	return redirect(c, paths.Consultation(id))
}

// postConsultMessage adds the patient's message to an open consultation.
func (a *App) postConsultMessage(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	body := c.FormValue("body")
	return a.consultAction(c, "consult.flash.sent", func() detailState { return detailState{draft: body} }, func(id int64) error {
		return a.consultations.Post(c.Request().Context(), u, id, body, a.actor(c))
	})
}

// revokeConsultGrant ends the grant at once; the doctor's next request finds nothing.
func (a *App) revokeConsultGrant(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	return a.consultAction(c, "consult.flash.revoked", nil, func(id int64) error {
		return a.consultations.Revoke(c.Request().Context(), u, id, a.consentContext(c, models.ChannelWeb), a.actor(c))
	})
}

// changeConsultScope replaces what the doctor may see, while the grant is active.
func (a *App) changeConsultScope(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	scope := scopeInput(c)
	return a.consultAction(c, "consult.flash.scope", func() detailState { return detailState{scope: &scope} }, func(id int64) error {
		return a.consultations.ChangeScope(c.Request().Context(), u, id, scope, a.consentContext(c, models.ChannelWeb), a.actor(c))
	})
}

// closeConsultation ends the consultation (a patient leaves no advice); the grant
// then lasts its window after close, unless revoked.
func (a *App) closeConsultation(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	return a.consultAction(c, "consult.flash.closed", nil, func(id int64) error {
		return a.consultations.Close(c.Request().Context(), u, id, "", a.actor(c))
	})
}
