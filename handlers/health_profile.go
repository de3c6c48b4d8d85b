package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/health"
)

// healthProfiles is the health-profile domain on the app's database, keys and clock.
func (a *App) healthProfiles() *models.HealthProfiles {
	return models.NewHealthProfiles(a.db, a.accounts.Keys, a.now)
}

// healthConsentLink is the separate-consent page that continues to the editor.
var healthConsentLink = paths.ConsentHealthNext(paths.HealthProfileEdit)

// showHealth is the patient's health profile: the current version, its BMI and
// when it was saved. Without the separate consent it explains why nothing can be
// added (a profile kept after a withdrawal stays readable by its owner).
func (a *App) showHealth(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	prof, err := a.healthProfiles().HealthProfile(ctx, u, u.ID)
	if err != nil {
		return err
	}
	granted, err := models.HasConsent(ctx, a.db, u.ID, models.PurposeHealthData, "")
	if err != nil {
		return err
	}
	view, err := a.profileView(c, u, prof)
	if err != nil {
		return err
	}
	p := health.OverviewProps{Notice: a.flash(c), Consent: granted, ConsentLink: healthConsentLink, Profile: view}
	return a.render(c, http.StatusOK, health.Overview(a.page(c, t(c, "health.title")), p))
}

// showHealthEdit is the profile form filled with the current version and one blank
// row per list. Without the separate consent it sends the patient to the consent
// page first, which comes back here.
func (a *App) showHealthEdit(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	granted, err := models.HasConsent(ctx, a.db, u.ID, models.PurposeHealthData, "")
	if err != nil {
		return err
	}
	if !granted {
		return redirect(c, healthConsentLink)
	}
	prof, err := a.healthProfiles().HealthProfile(ctx, u, u.ID)
	if err != nil {
		return err
	}
	p := formFromProfile(prof)
	p.Notice = a.flash(c)
	return a.renderHealthForm(c, http.StatusOK, p)
}

// saveHealthProfile saves the form as the next version, or, for an "add another
// row" button, shows the form again with one more blank row (saving nothing). A
// refused form comes back with what was typed and a message per field; a save
// without the consent is refused with a link to it; nothing is stored either way.
func (a *App) saveHealthProfile(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	in, p := healthFormInput(c)
	if add := c.FormValue("add"); add != "" {
		addHealthRow(&p, add)
		return a.renderHealthForm(c, http.StatusOK, p)
	}
	ctx := c.Request().Context()
	_, changed, err := a.healthProfiles().Save(ctx, u, in, a.actor(c))
	if err != nil {
		msgs, status, ok := formErrors(c, err)
		if !ok {
			return err
		}
		p.Errors = msgs
		switch models.AsError(err).Key {
		case "health.consent.required":
			p.ConsentLink = healthConsentLink
		case "health.profile.stale":
			// Saving again replaces what was saved meanwhile; the message says so.
			cur, lerr := a.healthProfiles().HealthProfile(ctx, u, u.ID)
			if lerr != nil {
				return lerr
			}
			p.BaseVersion = cur.Version
		}
		return a.renderHealthForm(c, status, p)
	}
	s, err := a.sess(c)
	if err != nil {
		return err
	}
	if changed {
		a.setFlash(c, s, "health.flash.saved")
	} else {
		a.setFlash(c, s, "health.flash.unchanged")
	}
	return redirect(c, paths.Health)
}

func (a *App) renderHealthForm(c echo.Context, status int, p health.FormProps) error {
	p.MaxRows = models.MaxHealthRows
	return a.render(c, status, health.Edit(a.page(c, t(c, "health.form.title")), p))
}
