package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/internal/session"
	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/auth"
)

func (a *App) renderReset(c echo.Context, status int, p auth.ResetProps) error {
	return a.render(c, status, auth.Reset(a.page(c, t(c, "reset.title")), p))
}

func (a *App) showReset(c echo.Context) error {
	return a.renderReset(c, http.StatusOK, auth.ResetProps{})
}

// resetCode sends a reset code when the address belongs to an account; the answer is
// the same either way.
func (a *App) resetCode(c echo.Context) error {
	p := auth.ResetProps{Contact: c.FormValue("contact"), Code: c.FormValue("code")}
	if err := a.accounts.SendCode(c.Request().Context(), models.PurposeReset, p.Contact, lang(c)); err != nil {
		msgs, status, ok := formErrors(c, err)
		if !ok {
			return err
		}
		p.Errors = msgs
		return a.renderReset(c, status, p)
	}
	p.Notice = t(c, "reset.code_sent")
	return a.renderReset(c, http.StatusOK, p)
}

// resetPassword sets the new password and ends every session of the account. It
// does not sign in: the next sign-in asks for the second factor as usual.
func (a *App) resetPassword(c echo.Context) error {
	p := auth.ResetProps{Contact: c.FormValue("contact"), Code: c.FormValue("code")}
	ctx := c.Request().Context()
	r := models.PasswordReset{Contact: p.Contact, Code: p.Code, Password: c.FormValue("password")}
	u, err := a.accounts.ResetPassword(ctx, r, lang(c), a.actor(c))
	if err != nil {
		msgs, status, ok := formErrors(c, err)
		if !ok {
			return err
		}
		p.Errors = msgs
		return a.renderReset(c, status, p)
	}
	n, err := a.sessions.RevokeUser(ctx, u.ID, "", session.ReasonPasswordReset)
	if err != nil {
		return err
	}
	e := a.actor(c).Entry("session.revoke", "user", idOf(u.ID), models.OutcomeSuccess).
		With(map[string]string{"reason": session.ReasonPasswordReset, "count": idOf(n)})
	if err := a.accounts.AuditEvent(ctx, e); err != nil {
		return err
	}
	s, err := a.sess(c)
	if err != nil {
		return err
	}
	if id, _, _ := session.Current(s); id != 0 {
		if err := a.sessions.Logout(c.Response(), c.Request(), s); err != nil {
			return err
		}
	}
	a.setFlash(c, s, "reset.done")
	return redirect(c, paths.Login)
}
