package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/mask"
	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/staff"
)

// showEnroll is an invited staff member's one-time page. Unknown, used and expired
// links all get the same 404 page ("link invalid or expired").
func (a *App) showEnroll(c echo.Context) error {
	u, err := a.accounts.Enrollment(c.Request().Context(), c.Param("token"))
	if err != nil {
		return err
	}
	return a.renderEnroll(c, http.StatusOK, u, nil)
}

func (a *App) renderEnroll(c echo.Context, status int, u *models.User, errs map[string]string) error {
	_, email, err := a.accounts.Contacts(u)
	if err != nil {
		return err
	}
	p := staff.EnrollProps{Action: paths.EnrollToken(c.Param("token")), Email: mask.Email(email), Errors: errs}
	return a.render(c, status, staff.Enroll(a.page(c, t(c, "enroll.title")), p))
}

// enroll sets the invitee's password, spends the link, and starts the pending
// sign-in that continues at MFA enrolment (/mfa/setup): no session is granted
// before the second factor is set up.
func (a *App) enroll(c echo.Context) error {
	ctx := c.Request().Context()
	token := c.Param("token")
	u, err := a.accounts.CompleteEnrollment(ctx, token, c.FormValue("password"), a.actor(c))
	if err != nil {
		msgs, status, ok := formErrors(c, err)
		if !ok {
			return err
		}
		invitee, lerr := a.accounts.Enrollment(ctx, token)
		if lerr != nil {
			return lerr
		}
		return a.renderEnroll(c, status, invitee, msgs)
	}
	if err := a.startPending(c, u, ""); err != nil {
		return err
	}
	return redirect(c, paths.MFASetup)
}

// logPath is a request path as it may be logged: an enrolment link's token is a
// credential (invariant 10), so it is replaced.
func logPath(p string) string {
	if rest, ok := strings.CutPrefix(p, paths.Enroll+"/"); ok && rest != "" {
		return paths.Enroll + "/[token]"
	}
	return p
}
