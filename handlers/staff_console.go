package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/views/staff"
)

// staffConsole is the console's start page: what the member's capabilities allow.
func (a *App) staffConsole(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	p := staff.ConsoleProps{Caps: u.Caps()}
	return a.render(c, http.StatusOK, staff.Console(a.page(c, t(c, "staff.console.title")), p))
}

// staffMembers lists every staff account with capabilities and status.
func (a *App) staffMembers(c echo.Context) error {
	me, err := a.user(c)
	if err != nil {
		return err
	}
	list, err := a.accounts.StaffMembers(c.Request().Context())
	if err != nil {
		return err
	}
	p := staff.MembersProps{Members: make([]staff.Member, len(list))}
	for i, m := range list {
		p.Members[i] = staff.Member{ID: m.ID, Email: m.Email, Caps: m.Caps, Status: m.Status, Invited: m.Invited,
			MFA: m.MFAEnrolled, CreatedAt: m.CreatedAt, Self: m.ID == me.ID}
	}
	if s, err := a.sess(c); err == nil {
		if key := a.takeFlash(c, s); key != "" {
			p.Notice = t(c, key)
		}
	}
	return a.render(c, http.StatusOK, staff.Members(a.page(c, t(c, "staff.members.title")), p))
}
