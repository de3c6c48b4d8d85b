package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/internal/session"
	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/staff"
)

// reasonCapsChanged ends a staff member's sessions after their capabilities changed,
// so they sign in again with the new rights.
const reasonCapsChanged = "capabilities_changed"

func (a *App) showFindAccount(c echo.Context) error {
	return a.render(c, http.StatusOK, staff.Find(a.page(c, t(c, "staff.find.title")), staff.FindProps{}))
}

// findAccount looks an account up by its exact phone, e-mail or username (posted, so
// the identifier stays out of URLs and logs) and opens its admin page.
func (a *App) findAccount(c echo.Context) error {
	p := staff.FindProps{Login: c.FormValue("login")}
	u, err := a.accounts.FindByLogin(c.Request().Context(), p.Login)
	if err != nil {
		return err
	}
	if u == nil {
		p.Errors = map[string]string{"login": t(c, "staff.find.none")}
		return a.render(c, http.StatusUnprocessableEntity, staff.Find(a.page(c, t(c, "staff.find.title")), p))
	}
	return redirect(c, paths.StaffAccount(u.ID))
}

func (a *App) showStaffAccount(c echo.Context) error {
	_, id, err := a.adminAndTarget(c)
	if err != nil {
		return err
	}
	p, err := a.accountProps(c, id)
	if err != nil {
		return err
	}
	if s, err := a.sess(c); err == nil {
		if key := a.takeFlash(c, s); key != "" {
			p.Notice = t(c, key)
		}
	}
	return a.renderAccount(c, http.StatusOK, p)
}

// setCapabilities replaces a staff member's capabilities (never the admin's own) and
// ends the member's sessions so the new rights apply from a fresh sign-in.
func (a *App) setCapabilities(c echo.Context) error {
	me, id, err := a.adminAndTarget(c)
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return echo.ErrBadRequest
	}
	caps := form["capabilities"]
	ctx := c.Request().Context()
	changed, err := a.accounts.SetCapabilities(ctx, me, id, caps, a.actor(c))
	if err != nil {
		return a.accountFormError(c, id, err, func(p *staff.AccountProps, msgs map[string]string) {
			p.CapsErrors, p.CapsForm = msgs, caps
		})
	}
	if !changed {
		return a.afterAccountAction(c, id, "staff.caps.unchanged")
	}
	if _, err := a.sessions.RevokeUser(ctx, id, "", reasonCapsChanged); err != nil {
		return err
	}
	return a.afterAccountAction(c, id, "staff.caps.saved")
}

// lockAccount locks an account and ends all its sessions at once.
func (a *App) lockAccount(c echo.Context) error {
	me, id, err := a.adminAndTarget(c)
	if err != nil {
		return err
	}
	reason := c.FormValue("lock_reason")
	ctx := c.Request().Context()
	if err := a.accounts.LockAccount(ctx, me, id, reason, a.actor(c)); err != nil {
		return a.accountFormError(c, id, err, func(p *staff.AccountProps, msgs map[string]string) {
			p.LockErrors, p.LockReason = msgs, reason
		})
	}
	if _, err := a.sessions.RevokeUser(ctx, id, "", session.ReasonLocked); err != nil {
		return err
	}
	return a.afterAccountAction(c, id, "staff.lock.done")
}

func (a *App) unlockAccount(c echo.Context) error {
	me, id, err := a.adminAndTarget(c)
	if err != nil {
		return err
	}
	reason := c.FormValue("unlock_reason")
	if err := a.accounts.UnlockAccount(c.Request().Context(), me, id, reason, a.actor(c)); err != nil {
		return a.accountFormError(c, id, err, func(p *staff.AccountProps, msgs map[string]string) {
			p.UnlockErrors, p.UnlockReason = msgs, reason
		})
	}
	return a.afterAccountAction(c, id, "staff.unlock.done")
}

// resetMFA removes an account's second factor and ends its sessions; doctors and
// staff enrol again at their next sign-in.
func (a *App) resetMFA(c echo.Context) error {
	me, id, err := a.adminAndTarget(c)
	if err != nil {
		return err
	}
	reason := c.FormValue("mfa_reason")
	ctx := c.Request().Context()
	if err := a.accounts.ResetMFA(ctx, me, id, reason, a.actor(c)); err != nil {
		return a.accountFormError(c, id, err, func(p *staff.AccountProps, msgs map[string]string) {
			p.MFAErrors, p.MFAReason = msgs, reason
		})
	}
	if _, err := a.sessions.RevokeUser(ctx, id, "", session.ReasonMFAReset); err != nil {
		return err
	}
	return a.afterAccountAction(c, id, "staff.mfa.done")
}

// adminAndTarget returns the signed-in admin and the account ID of the path; a
// malformed ID is 404.
func (a *App) adminAndTarget(c echo.Context) (*models.User, int64, error) {
	me, err := a.user(c)
	if err != nil {
		return nil, 0, err
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, 0, echo.ErrNotFound
	}
	return me, id, nil
}

// accountProps loads the admin page of account id.
func (a *App) accountProps(c echo.Context, id int64) (staff.AccountProps, error) {
	v, err := a.accounts.AccountView(c.Request().Context(), id)
	if err != nil {
		return staff.AccountProps{}, err
	}
	me, _ := a.user(c)
	p := staff.AccountProps{ID: v.ID, Kind: v.Kind, Username: v.Username, Phone: v.Phone, Email: v.Email,
		Status: v.Status, Caps: v.Caps, CapsForm: v.Caps, Invited: v.Invited, MFA: v.MFAEnrolled,
		Self: me != nil && me.ID == v.ID, CreatedAt: v.CreatedAt}
	for _, n := range v.Notes {
		p.Notes = append(p.Notes, staff.Note{Action: n.Action, ActorID: n.ActorID, At: n.At, Reason: n.Reason})
	}
	return p, nil
}

func (a *App) renderAccount(c echo.Context, status int, p staff.AccountProps) error {
	title := t(c, "staff.account.title", strconv.FormatInt(p.ID, 10))
	return a.render(c, status, staff.Account(a.page(c, title), p))
}

// accountFormError re-renders the account page with a refused action's messages in
// its own form (set puts them there, with what was typed); other errors propagate.
func (a *App) accountFormError(c echo.Context, id int64, err error, set func(p *staff.AccountProps, msgs map[string]string)) error {
	msgs, status, ok := formErrors(c, err)
	if !ok {
		return err
	}
	if _, has := msgs[""]; !has && msgs["reason"] == "" && msgs["capabilities"] == "" {
		msgs[""] = firstMessage(msgs)
	}
	p, perr := a.accountProps(c, id)
	if perr != nil {
		return perr
	}
	set(&p, msgs)
	return a.renderAccount(c, status, p)
}

// afterAccountAction goes back to the account page with a notice (post/redirect/get).
func (a *App) afterAccountAction(c echo.Context, id int64, noticeKey string) error {
	s, err := a.sess(c)
	if err != nil {
		return err
	}
	a.setFlash(c, s, noticeKey)
	return redirect(c, paths.StaffAccount(id))
}
