package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/mask"
	"github.com/yibao-health/portal/views/account"
)

// showAccount is the patient's account page: identity and contact details, masked,
// with the flash a previous step left (e.g. "register.done").
func (a *App) showAccount(c echo.Context) error {
	p, err := a.overviewProps(c)
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
	return a.renderOverview(c, http.StatusOK, p)
}

// revealID shows the full ID number once, after the password is entered again. The
// answer is a page like any other (Cache-Control: no-store); the reveal is audited.
func (a *App) revealID(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	p, err := a.overviewProps(c)
	if err != nil {
		return err
	}
	number, err := a.accounts.RevealIDNumber(c.Request().Context(), u, c.FormValue("current_password"), a.actor(c))
	if err != nil {
		msgs, status, ok := formErrors(c, err)
		if !ok {
			return err
		}
		p.RevealErrors = msgs
		return a.renderOverview(c, status, p)
	}
	p.RevealedID = number
	return a.renderOverview(c, http.StatusOK, p)
}

func (a *App) renderOverview(c echo.Context, status int, p account.OverviewProps) error {
	return a.render(c, status, account.Overview(a.page(c, t(c, "account.title")), p))
}

// overviewProps loads the signed-in patient's identity and contacts, masked.
func (a *App) overviewProps(c echo.Context) (account.OverviewProps, error) {
	u, err := a.user(c)
	if err != nil {
		return account.OverviewProps{}, err
	}
	id, err := a.accounts.Identity(c.Request().Context(), u)
	if err != nil {
		return account.OverviewProps{}, err
	}
	phone, email, err := a.accounts.Contacts(u)
	if err != nil {
		return account.OverviewProps{}, err
	}
	p := account.OverviewProps{Phone: mask.Phone(phone), Email: maskEmail(email)}
	if id.Stored {
		p.Identity = account.IdentitySummary{Stored: true, RealName: mask.Name(id.RealName), Gender: id.Gender,
			Birthday: maskBirthday(id.Birthday), Birthplace: id.Birthplace, IDType: id.IDType, IDNumber: id.IDNumberMasked}
	}
	return p, nil
}

// maskBirthday keeps the year of a YYYY-MM-DD date: "1990-**-**".
func maskBirthday(d string) string {
	year, _, ok := strings.Cut(d, "-")
	if !ok {
		return ""
	}
	return year + "-**-**"
}

// maskEmail is mask.Email with "" for no address.
func maskEmail(e string) string {
	if e == "" {
		return ""
	}
	return mask.Email(e)
}
