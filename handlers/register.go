package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/auth"
)

func registerProps(c echo.Context) auth.RegisterProps {
	return auth.RegisterProps{Contact: c.FormValue("contact"), Code: c.FormValue("code"),
		Username: c.FormValue("username"), Agree: c.FormValue("agree") == "1"}
}

func (a *App) renderRegister(c echo.Context, status int, p auth.RegisterProps) error {
	return a.render(c, status, auth.Register(a.page(c, t(c, "register.title")), p))
}

func (a *App) showRegister(c echo.Context) error {
	if u, err := a.user(c); err != nil || u != nil {
		if err != nil {
			return err
		}
		return redirect(c, a.landing(c, u))
	}
	return a.renderRegister(c, http.StatusOK, auth.RegisterProps{})
}

// registerCode sends the one-time code and shows the form again with what was typed.
func (a *App) registerCode(c echo.Context) error {
	p := registerProps(c)
	err := a.accounts.SendCode(c.Request().Context(), models.PurposeRegister, p.Contact, lang(c))
	if err != nil {
		msgs, status, ok := formErrors(c, err)
		if !ok {
			return err
		}
		p.Errors = msgs
		return a.renderRegister(c, status, p)
	}
	p.Notice = t(c, "register.code_sent")
	return a.renderRegister(c, http.StatusOK, p)
}

// register creates the patient account and signs it in.
func (a *App) register(c echo.Context) error {
	p := registerProps(c)
	r := models.Registration{Contact: p.Contact, Code: p.Code, Username: p.Username,
		Password: c.FormValue("password"), Agree: p.Agree, Consent: a.consentContext(c, models.ChannelRegistration)}
	u, err := a.accounts.Register(c.Request().Context(), r, a.actor(c), nil)
	if err != nil {
		msgs, status, ok := formErrors(c, err)
		if !ok {
			return err
		}
		p.Errors = msgs
		return a.renderRegister(c, status, p)
	}
	if err := a.signIn(c, u); err != nil {
		return err
	}
	s, _ := a.sess(c)
	a.setFlash(c, s, "register.done")
	return redirect(c, paths.Account)
}
