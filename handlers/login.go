package handlers

import (
	"net/http"
	"strconv"

	"github.com/gorilla/sessions"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/internal/session"
	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/auth"
)

// showLogin renders the sign-in form, with a notice when the last session ended.
func (a *App) showLogin(c echo.Context) error {
	if u, err := a.user(c); err != nil || u != nil {
		if err != nil {
			return err
		}
		return redirect(c, a.landing(c, u))
	}
	p := auth.LoginProps{Next: safeNextOrEmpty(c.QueryParam("next"))}
	s, err := a.sess(c)
	if err != nil {
		return err
	}
	switch why, _ := session.EndReason(s); why {
	case session.EndRevoked:
		p.Notice = t(c, "signin.ended.revoked")
	case session.EndIdle:
		p.Notice = t(c, "signin.ended.idle")
	default:
		if key := a.takeFlash(c, s); key != "" {
			p.Notice = t(c, key)
		} else if p.Next != "" {
			p.Notice = t(c, "signin.required")
		}
	}
	return a.render(c, http.StatusOK, auth.Login(a.page(c, t(c, "signin.title")), p))
}

// login checks the password. Accounts with MFA continue at /login/mfa; doctors and
// staff who have not enrolled yet continue at /mfa/setup.
func (a *App) login(c echo.Context) error {
	p := auth.LoginProps{Login: c.FormValue("login"), Next: safeNextOrEmpty(c.FormValue("next"))}
	in := models.SignIn{Login: p.Login, Password: c.FormValue("password"), IP: c.RealIP(), Lang: lang(c)}
	u, err := a.accounts.Authenticate(c.Request().Context(), in, a.actor(c))
	if err != nil {
		msgs, status, ok := formErrors(c, err)
		if !ok {
			return err
		}
		p.Errors = map[string]string{"": firstMessage(msgs)}
		return a.render(c, status, auth.Login(a.page(c, t(c, "signin.title")), p))
	}
	if !u.NeedsMFA() {
		return a.completeSignIn(c, u, p.Next)
	}
	if err := a.startPending(c, u, p.Next); err != nil {
		return err
	}
	if !u.HasMFA() {
		return redirect(c, paths.MFASetup)
	}
	return redirect(c, paths.LoginMFA)
}

// startPending puts u in the pending sign-in state: the password (or an enrolment
// link) is checked, the second factor or MFA enrolment is still to do. next is where
// to go once signed in ("" for the user's landing page).
func (a *App) startPending(c echo.Context, u *models.User, next string) error {
	s, err := a.sess(c)
	if err != nil {
		return err
	}
	if !u.HasMFA() {
		// Enrolment is due: start it here, in the POST, so the set-up page's GET
		// only reads the pending secret.
		if _, err := a.accounts.BeginTOTP(c.Request().Context(), u); err != nil {
			return err
		}
	}
	s.Values[valPendingUser] = u.ID
	s.Values[valPendingAt] = a.now().Unix()
	s.Values[valNext] = next
	return s.Save(c.Request(), c.Response())
}

func (a *App) showLoginMFA(c echo.Context) error {
	u, err := a.pendingUser(c)
	if err != nil {
		return err
	}
	if !u.HasMFA() {
		return redirect(c, paths.MFASetup)
	}
	return a.render(c, http.StatusOK, auth.MFA(a.page(c, t(c, "mfa.title")), auth.MFAProps{}))
}

func (a *App) loginMFA(c echo.Context) error {
	u, err := a.pendingUser(c)
	if err != nil {
		return err
	}
	err = a.accounts.SecondFactor(c.Request().Context(), u, c.FormValue("code"), lang(c), a.actor(c))
	if err != nil {
		msgs, status, ok := formErrors(c, err)
		if !ok {
			return err
		}
		if msgs["code"] == "" {
			msgs = map[string]string{"": firstMessage(msgs)}
		}
		return a.render(c, status, auth.MFA(a.page(c, t(c, "mfa.title")), auth.MFAProps{Errors: msgs}))
	}
	s, _ := a.sess(c)
	next, _ := s.Values[valNext].(string)
	return a.completeSignIn(c, u, next)
}

// completeSignIn binds the session to u under a new ID (no fixation) and goes on.
func (a *App) completeSignIn(c echo.Context, u *models.User, next string) error {
	if err := a.signIn(c, u); err != nil {
		return err
	}
	if next == "" {
		next = a.landing(c, u)
	}
	return redirect(c, next)
}

// signIn binds the session to u under a new ID, dropping the half-done state.
func (a *App) signIn(c echo.Context, u *models.User) error {
	s, err := a.sess(c)
	if err != nil {
		return err
	}
	delete(s.Values, valPendingUser)
	delete(s.Values, valPendingAt)
	delete(s.Values, valNext)
	if err := a.sessions.Login(c.Response(), c.Request(), s, u.ID, u.Kind); err != nil {
		return err
	}
	if err := a.accounts.SetLang(c.Request().Context(), u, lang(c)); err != nil {
		return err
	}
	c.Set(ctxUser, u)
	c.Set(ctxLoaded, true)
	return nil
}

// logout ends the server-side session; the old cookie is dead afterwards.
func (a *App) logout(c echo.Context) error {
	s, err := a.sess(c)
	if err != nil {
		return err
	}
	if id, _, _ := session.Current(s); id != 0 {
		u, _ := a.user(c)
		actx := a.actor(c)
		if u != nil {
			actx.ActorKind, actx.ActorID = models.ActorKindOf(u.Kind), u.ID
		}
		if err := a.accounts.AuditEvent(c.Request().Context(), actx.Entry("auth.signout", "user", idOf(id), models.OutcomeSuccess)); err != nil {
			return err
		}
	}
	if err := a.sessions.Logout(c.Response(), c.Request(), s); err != nil {
		return err
	}
	a.setFlash(c, s, "signin.signed_out")
	return redirect(c, paths.Login)
}

// setFlash keeps one message key for the next page (saved with the session).
func (a *App) setFlash(c echo.Context, s *sessions.Session, key string) {
	s.Values[valFlash] = key
	if err := s.Save(c.Request(), c.Response()); err != nil {
		a.log.Warn("save flash", "request_id", requestIDOf(c), "err", err)
	}
}

// takeFlash returns and clears the pending message key.
func (a *App) takeFlash(c echo.Context, s *sessions.Session) string {
	key, _ := s.Values[valFlash].(string)
	if key != "" {
		delete(s.Values, valFlash)
		if err := s.Save(c.Request(), c.Response()); err != nil {
			a.log.Warn("save flash", "request_id", requestIDOf(c), "err", err)
		}
	}
	return key
}

func idOf(id int64) string { return strconv.FormatInt(id, 10) }

func firstMessage(msgs map[string]string) string {
	if m := msgs[""]; m != "" {
		return m
	}
	for _, m := range msgs {
		return m
	}
	return ""
}

// safeNextOrEmpty keeps a local path to return to after sign-in, else "".
func safeNextOrEmpty(next string) string {
	if next == "" || safeNext(next) != next {
		return ""
	}
	return next
}
