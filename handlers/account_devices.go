package handlers

import (
	"errors"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/i18n"
	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/internal/session"
	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/account"
)

// devices lists u's live sessions for the security page, this one first.
func (a *App) devices(c echo.Context, u *models.User) ([]account.Device, error) {
	s, err := a.sess(c)
	if err != nil {
		return nil, err
	}
	_, _, current := session.Current(s)
	infos, err := a.sessions.List(c.Request().Context(), u.ID, current)
	if err != nil {
		return nil, err
	}
	out := make([]account.Device, 0, len(infos))
	for _, in := range infos {
		d := account.Device{Label: deviceLabel(c, in.Device), IP: in.ClientIP, Current: in.Current,
			LastSeen:   i18n.ShortTime(in.LastSeenAt),
			SignedInAt: i18n.ShortTime(in.CreatedAt),
			SignOut:    paths.AccountDeviceSignOut(in.IDHash)}
		if d.IP == "" {
			d.IP = t(c, "security.devices.unknown_ip")
		}
		if d.Current {
			out = append([]account.Device{d}, out...)
		} else {
			out = append(out, d)
		}
	}
	return out, nil
}

// deviceLabel renders session.DeviceSummary's "Chrome 126 on Android" in the
// request's language.
func deviceLabel(c echo.Context, summary string) string {
	browser, system, _ := strings.Cut(summary, " on ")
	if browser == "Unknown browser" {
		browser = t(c, "security.devices.unknown_browser")
	}
	if system == "" {
		return browser
	}
	return t(c, "security.devices.browser_on", browser, system)
}

// signOutDevice ends one other session of the signed-in user. A handle that is not
// a live session of this user, or is this session, is 404: nobody can end someone
// else's session, nor learn whether a handle exists.
func (a *App) signOutDevice(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	s, err := a.sess(c)
	if err != nil {
		return err
	}
	id := c.Param("id")
	if _, _, current := session.Current(s); id == current {
		return echo.ErrNotFound
	}
	err = a.sessions.Revoke(c.Request().Context(), u.ID, id)
	if errors.Is(err, session.ErrNotFound) {
		return echo.ErrNotFound
	}
	if err != nil {
		return err
	}
	if err := a.auditRevoke(c, u, 1, session.ReasonDevice); err != nil {
		return err
	}
	a.setFlash(c, s, "security.devices.signed_out")
	return redirect(c, paths.AccountSecurity)
}

// signOutOthers ends every session of the user but this one.
func (a *App) signOutOthers(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	s, err := a.sess(c)
	if err != nil {
		return err
	}
	_, _, current := session.Current(s)
	n, err := a.sessions.RevokeUser(c.Request().Context(), u.ID, current, session.ReasonOthers)
	if err != nil {
		return err
	}
	if err := a.auditRevoke(c, u, n, session.ReasonOthers); err != nil {
		return err
	}
	a.setFlash(c, s, "security.devices.signed_out_others")
	return redirect(c, paths.AccountSecurity)
}
