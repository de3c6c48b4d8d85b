package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/staff"
)

func (a *App) showStaffInvite(c echo.Context) error {
	return a.renderInvite(c, http.StatusOK, staff.InviteProps{})
}

func (a *App) renderInvite(c echo.Context, status int, p staff.InviteProps) error {
	return a.render(c, status, staff.Invite(a.page(c, t(c, "staff.invite.title")), p))
}

// staffInvite creates the invitee's account (no password) and e-mails the one-time
// enrolment link; the admin never sees the link.
func (a *App) staffInvite(c echo.Context) error {
	me, err := a.user(c)
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return echo.ErrBadRequest
	}
	p := staff.InviteProps{Email: c.FormValue("email"), Caps: form["capabilities"]}
	in := models.StaffInvite{Email: p.Email, Caps: p.Caps}
	if _, err := a.accounts.InviteStaff(c.Request().Context(), me, in, a.cfg.PublicURL, a.actor(c)); err != nil {
		msgs, status, ok := formErrors(c, err)
		if !ok {
			return err
		}
		p.Errors = msgs
		return a.renderInvite(c, status, p)
	}
	s, err := a.sess(c)
	if err != nil {
		return err
	}
	a.setFlash(c, s, "staff.invite.sent")
	return redirect(c, paths.StaffMembers)
}

// resendInvitation sends a staff member who has not enrolled a new link.
func (a *App) resendInvitation(c echo.Context) error {
	me, id, err := a.adminAndTarget(c)
	if err != nil {
		return err
	}
	if err := a.accounts.ResendInvitation(c.Request().Context(), me, id, a.cfg.PublicURL, a.actor(c)); err != nil {
		return a.accountFormError(c, id, err, func(p *staff.AccountProps, msgs map[string]string) { p.CapsErrors = msgs })
	}
	return a.afterAccountAction(c, id, "staff.resend.sent")
}
