package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/account"
	"github.com/yibao-health/portal/views/auth"
)

// startAccountMFA starts enrolment (the security page's "turn on" button posts here)
// and shows the set-up page.
func (a *App) startAccountMFA(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	if !u.HasMFA() {
		if _, err := a.accounts.BeginTOTP(c.Request().Context(), u); err != nil {
			return err
		}
	}
	return redirect(c, paths.AccountMFASetup)
}

// showAccountMFASetup lets a signed-in patient turn on the optional second factor:
// the enrolment page of the sign-in flow, posting to the account's own path.
func (a *App) showAccountMFASetup(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	if u.HasMFA() {
		return redirect(c, paths.AccountSecurity)
	}
	return a.renderAccountSetup(c, http.StatusOK, u, nil)
}

func (a *App) renderAccountSetup(c echo.Context, status int, u *models.User, errs map[string]string) error {
	en, ok, err := a.accounts.PendingTOTP(u)
	if err != nil {
		return err
	}
	if !ok {
		return redirect(c, paths.AccountSecurity)
	}
	p := auth.SetupProps{QR: en.QR, Secret: en.Secret, Errors: errs, Optional: true, Action: paths.AccountMFASetup}
	return a.render(c, status, auth.Setup(a.page(c, t(c, "mfa.setup.title")), p))
}

// accountMFASetup confirms enrolment with a first code, gives the session a new ID
// (a privilege change) and shows the recovery codes once.
func (a *App) accountMFASetup(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	if u.HasMFA() {
		return redirect(c, paths.AccountSecurity)
	}
	codes, err := a.accounts.ConfirmTOTP(c.Request().Context(), u, c.FormValue("code"), a.actor(c))
	if err != nil {
		msgs, status, ok := formErrors(c, err)
		if !ok {
			return err
		}
		return a.renderAccountSetup(c, status, u, msgs)
	}
	s, err := a.sess(c)
	if err != nil {
		return err
	}
	if ended, err := a.rotate(c, s); err != nil || ended {
		if ended {
			return redirect(c, paths.Login)
		}
		return err
	}
	return a.render(c, http.StatusOK, auth.Recovery(a.page(c, t(c, "mfa.recovery.title")),
		auth.RecoveryProps{Codes: codes, Continue: paths.AccountSecurity}))
}

// disableMFA turns the optional second factor off after the password (patients
// only; the route's access class and models.DisableMFA both refuse everyone else).
func (a *App) disableMFA(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	err = a.accounts.DisableMFA(c.Request().Context(), u, c.FormValue("disable_password"), lang(c), a.actor(c))
	if err != nil {
		return a.securityFormError(c, err, func(p *account.SecurityProps, msgs map[string]string) {
			p.DisableErrors = renameField(msgs, "current_password", "disable_password")
		})
	}
	s, err := a.sess(c)
	if err != nil {
		return err
	}
	a.setFlash(c, s, "security.mfa.disabled")
	return redirect(c, paths.AccountSecurity)
}

// newRecoveryCodes replaces the recovery codes after the password and shows the new
// ones once. Doctors and staff may do this too.
func (a *App) newRecoveryCodes(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	codes, err := a.accounts.NewRecoveryCodes(c.Request().Context(), u, c.FormValue("recovery_password"), a.actor(c))
	if err != nil {
		return a.securityFormError(c, err, func(p *account.SecurityProps, msgs map[string]string) {
			p.RecoveryErrors = renameField(msgs, "current_password", "recovery_password")
		})
	}
	return a.render(c, http.StatusOK, auth.Recovery(a.page(c, t(c, "mfa.recovery.title")),
		auth.RecoveryProps{Codes: codes, Continue: paths.AccountSecurity}))
}

// renameField moves the message of field from to field to (forms on one page need
// distinct field names).
func renameField(msgs map[string]string, from, to string) map[string]string {
	if m, ok := msgs[from]; ok {
		delete(msgs, from)
		msgs[to] = m
	}
	return msgs
}
