package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/internal/session"
	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/account"
)

// showSecurity is the security page of any signed-in user.
func (a *App) showSecurity(c echo.Context) error {
	p, err := a.securityProps(c)
	if err != nil {
		return err
	}
	s, err := a.sess(c)
	if err != nil {
		return err
	}
	if key := a.takeFlash(c, s); key != "" {
		p.Notice = t(c, key)
	}
	return a.renderSecurity(c, http.StatusOK, p)
}

// changePassword replaces the password, ends every other session of the account
// and gives this one a new ID.
func (a *App) changePassword(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	actx := a.actor(c)
	err = a.accounts.ChangePassword(ctx, u, c.FormValue("current_password"), c.FormValue("password"), lang(c), actx)
	if err != nil {
		return a.securityFormError(c, err, func(p *account.SecurityProps, msgs map[string]string) { p.PasswordErrors = msgs })
	}
	s, err := a.sess(c)
	if err != nil {
		return err
	}
	_, _, current := session.Current(s)
	n, err := a.sessions.RevokeUser(ctx, u.ID, current, session.ReasonPasswordChange)
	if err != nil {
		return err
	}
	if err := a.auditRevoke(c, u, n, session.ReasonPasswordChange); err != nil {
		return err
	}
	if ended, err := a.rotate(c, s); err != nil || ended {
		if ended {
			return redirect(c, paths.Login)
		}
		return err
	}
	a.setFlash(c, s, "security.password.changed")
	return redirect(c, paths.AccountSecurity)
}

// rotate gives the session a new ID after a privilege change. ended is true when
// the session was revoked meanwhile: it stays ended and the user signs in again.
func (a *App) rotate(c echo.Context, s *sessions.Session) (ended bool, err error) {
	err = a.sessions.Rotate(c.Response(), c.Request(), s)
	if errors.Is(err, session.ErrEnded) {
		return true, nil
	}
	return false, err
}

// auditRevoke records that n sessions of u were ended, and why.
func (a *App) auditRevoke(c echo.Context, u *models.User, n int64, reason string) error {
	e := a.actor(c).Entry("session.revoke", "user", idOf(u.ID), models.OutcomeSuccess).
		With(map[string]string{"count": strconv.FormatInt(n, 10), "reason": reason})
	return a.accounts.AuditEvent(c.Request().Context(), e)
}

// securityFormError re-renders the security page with a form's messages (set puts
// them on the right form), or returns err when it is not the user's to fix.
func (a *App) securityFormError(c echo.Context, err error, set func(*account.SecurityProps, map[string]string)) error {
	msgs, status, ok := formErrors(c, err)
	if !ok {
		return err
	}
	p, perr := a.securityProps(c)
	if perr != nil {
		return perr
	}
	set(&p, msgs)
	return a.renderSecurity(c, status, p)
}

// securityProps loads the MFA state and the device list of the signed-in user.
func (a *App) securityProps(c echo.Context) (account.SecurityProps, error) {
	u, err := a.user(c)
	if err != nil {
		return account.SecurityProps{}, err
	}
	devices, err := a.devices(c, u)
	if err != nil {
		return account.SecurityProps{}, err
	}
	return account.SecurityProps{Patient: u.Kind == models.KindPatient, MFAEnabled: u.HasMFA(), Devices: devices}, nil
}

func (a *App) renderSecurity(c echo.Context, status int, p account.SecurityProps) error {
	return a.render(c, status, account.Security(a.page(c, t(c, "security.title")), p))
}
