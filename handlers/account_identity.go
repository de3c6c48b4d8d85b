package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/account"
)

// showIdentity is the identity form, filled with what is stored; the ID number is
// only shown masked, as the hint of its (empty) field.
func (a *App) showIdentity(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	id, err := a.accounts.Identity(c.Request().Context(), u)
	if err != nil {
		return err
	}
	p := account.IdentityFormProps{RealName: id.RealName, Gender: id.Gender, Birthday: id.Birthday,
		Birthplace: id.Birthplace, IDType: id.IDType, IDNumberMasked: id.IDNumberMasked}
	if !id.Stored {
		p.IDType = models.IDResident
	}
	return a.renderIdentity(c, http.StatusOK, p)
}

// saveIdentity validates and stores the identity. A refused form comes back with
// everything typed and every message; nothing is stored.
func (a *App) saveIdentity(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	in := models.IdentityInput{RealName: c.FormValue("real_name"), Gender: c.FormValue("gender"),
		Birthday: c.FormValue("birthday"), Birthplace: c.FormValue("birthplace"), IDType: c.FormValue("id_type"),
		IDNumber: c.FormValue("id_number"), Consent: c.FormValue("id_consent") == "1",
		ConsentContext: a.consentContext(c, models.ChannelWeb)}
	ctx := c.Request().Context()
	if err := a.accounts.SaveIdentity(ctx, u, in, a.actor(c)); err != nil {
		msgs, status, ok := formErrors(c, err)
		if !ok {
			return err
		}
		stored, lerr := a.accounts.Identity(ctx, u)
		if lerr != nil {
			return lerr
		}
		return a.renderIdentity(c, status, account.IdentityFormProps{RealName: in.RealName, Gender: in.Gender,
			Birthday: in.Birthday, Birthplace: in.Birthplace, IDType: in.IDType, IDNumber: in.IDNumber,
			IDNumberMasked: stored.IDNumberMasked, Consent: in.Consent, Errors: msgs})
	}
	s, err := a.sess(c)
	if err != nil {
		return err
	}
	a.setFlash(c, s, "identity.saved")
	return redirect(c, paths.Account)
}

func (a *App) renderIdentity(c echo.Context, status int, p account.IdentityFormProps) error {
	return a.render(c, status, account.IdentityForm(a.page(c, t(c, "identity.title")), p))
}
