package handlers

import (
	"time"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/mask"
	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/internal/session"
	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/layouts"
)

// Context keys of the lazily loaded session and user.
const (
	ctxSession = "session"
	ctxUser    = "user"
	ctxLoaded  = "principal_loaded"
)

// Session values. A signed-in session is bound to its user by the store (Login);
// these values only carry a sign-in that is half done.
const (
	valPendingUser = "pending_uid" // password checked, second factor (or enrolment) not yet
	valPendingAt   = "pending_at"  // unix seconds; a pending sign-in lasts pendingFor
	valNext        = "next"        // where to go after sign-in
	valFlash       = "flash"       // one message key for the next page
)

// pendingFor is how long the step between password and second factor may take.
const pendingFor = 10 * time.Minute

// sess returns the request's session (new and empty for visitors), loading it once.
func (a *App) sess(c echo.Context) (*sessions.Session, error) {
	if s, ok := c.Get(ctxSession).(*sessions.Session); ok {
		return s, nil
	}
	s, err := a.sessions.Get(c.Request(), a.sessions.CookieName())
	if err != nil {
		return nil, err
	}
	c.Set(ctxSession, s)
	return s, nil
}

// user returns the signed-in, active user of the request, or nil. A session whose
// account was locked meanwhile counts as signed out (its sessions were revoked too).
func (a *App) user(c echo.Context) (*models.User, error) {
	if c.Get(ctxLoaded) != nil {
		u, _ := c.Get(ctxUser).(*models.User)
		return u, nil
	}
	s, err := a.sess(c)
	if err != nil {
		return nil, err
	}
	c.Set(ctxLoaded, true)
	id, _, _ := session.Current(s)
	if id == 0 {
		return nil, nil
	}
	u, err := a.accounts.User(c.Request().Context(), id)
	if models.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !u.Active() {
		return nil, nil
	}
	c.Set(ctxUser, u)
	return u, nil
}

// pendingUser returns the user whose sign-in waits for a second factor, or nil.
func (a *App) pendingUser(c echo.Context) (*models.User, error) {
	s, err := a.sess(c)
	if err != nil {
		return nil, err
	}
	id, _ := s.Values[valPendingUser].(int64)
	at, _ := s.Values[valPendingAt].(int64)
	if id == 0 || a.now().Sub(time.Unix(at, 0)) > pendingFor {
		return nil, nil
	}
	u, err := a.accounts.User(c.Request().Context(), id)
	if models.IsNotFound(err) {
		return nil, nil
	}
	if err != nil || !u.Active() {
		return nil, err
	}
	return u, nil
}

// actor is the audit context of the request.
func (a *App) actor(c echo.Context) models.AuditContext {
	actx := models.AuditContext{ActorKind: models.ActorAnonymous, RequestID: requestIDOf(c), ClientIP: c.RealIP()}
	if u, _ := c.Get(ctxUser).(*models.User); u != nil {
		actx.ActorKind, actx.ActorID = models.ActorKindOf(u.Kind), u.ID
	}
	return actx
}

// landing is where a user goes after signing in: a verified doctor to the clinic,
// any other doctor to the application status page (the clinic is 404 for them).
func (a *App) landing(c echo.Context, u *models.User) string {
	switch u.Kind {
	case models.KindDoctor:
		if u.HasMFA() {
			if st, err := a.doctorStatus(c, u); err == nil && st == models.DoctorVerified {
				return paths.Clinic
			}
		}
		return DoctorLanding
	case models.KindStaff:
		return paths.Staff
	}
	return paths.Account
}

// accountNav is the header's view of the signed-in user.
func (a *App) accountNav(c echo.Context) *layouts.Account {
	u, _ := a.user(c)
	if u == nil {
		return nil
	}
	label := ""
	if u.Username != nil {
		label = *u.Username
	} else if phone, email, err := a.accounts.Contacts(u); err == nil {
		label = mask.Phone(phone)
		if phone == "" {
			label = mask.Email(email)
		}
	}
	return &layouts.Account{Label: label, Home: a.landing(c, u), Kind: u.Kind}
}

// doctorStatus is the verification status of doctor u, read once per request (the
// guard and the header both ask).
func (a *App) doctorStatus(c echo.Context, u *models.User) (string, error) {
	const key = "doctor_status"
	if st, ok := c.Get(key).(string); ok {
		return st, nil
	}
	st, err := models.DoctorStatus(c.Request().Context(), a.db, u.ID)
	if err == nil {
		c.Set(key, st)
	}
	return st, err
}
