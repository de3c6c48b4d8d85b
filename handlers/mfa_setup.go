package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/auth"
)

// showMFASetup is the enrolment step a doctor or staff member meets at the first
// sign-in (or after an admin reset their MFA): no session is granted before it.
func (a *App) showMFASetup(c echo.Context) error {
	u, err := a.pendingUser(c)
	if err != nil {
		return err
	}
	if u.HasMFA() {
		return redirect(c, paths.LoginMFA)
	}
	return a.renderSetup(c, http.StatusOK, u, nil)
}

func (a *App) renderSetup(c echo.Context, status int, u *models.User, errs map[string]string) error {
	en, ok, err := a.accounts.PendingTOTP(u)
	if err != nil {
		return err
	}
	if !ok { // cannot happen after a sign-in, which starts enrolment; start over
		return redirect(c, paths.Login)
	}
	p := auth.SetupProps{QR: en.QR, Secret: en.Secret, Errors: errs, Optional: u.Kind == models.KindPatient}
	return a.render(c, status, auth.Setup(a.page(c, t(c, "mfa.setup.title")), p))
}

// mfaSetup confirms enrolment with a first code, completes the sign-in and shows the
// recovery codes once.
func (a *App) mfaSetup(c echo.Context) error {
	u, err := a.pendingUser(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	actx := a.actor(c)
	actx.ActorKind, actx.ActorID = models.ActorKindOf(u.Kind), u.ID
	codes, err := a.accounts.ConfirmTOTP(ctx, u, c.FormValue("code"), actx)
	if err != nil {
		msgs, status, ok := formErrors(c, err)
		if !ok {
			return err
		}
		return a.renderSetup(c, status, u, msgs)
	}
	s, _ := a.sess(c)
	next, _ := s.Values[valNext].(string)
	if next == "" {
		next = a.landing(c, u)
	}
	if err := a.signIn(c, u); err != nil {
		return err
	}
	e := actx.Entry("auth.signin", "user", idOf(u.ID), models.OutcomeSuccess).With(map[string]string{"method": "password+totp_enrol"})
	if err := a.accounts.AuditEvent(ctx, e); err != nil {
		return err
	}
	return a.render(c, http.StatusOK, auth.Recovery(a.page(c, t(c, "mfa.recovery.title")), auth.RecoveryProps{Codes: codes, Continue: next}))
}
