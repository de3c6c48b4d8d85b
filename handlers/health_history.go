package handlers

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/i18n"
	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/health"
)

// showHealthHistory lists the saved versions of the patient's own profile.
func (a *App) showHealthHistory(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	list, more, err := a.healthProfiles().HealthProfileHistory(c.Request().Context(), u, u.ID)
	if err != nil {
		return err
	}
	p := health.HistoryProps{More: more, Shown: models.MaxHealthVersions}
	for i, v := range list {
		p.Versions = append(p.Versions, health.Version{Number: v.Version, SavedAt: healthTime(v.CreatedAt), Current: i == 0})
	}
	return a.render(c, http.StatusOK, health.History(a.page(c, t(c, "health.history.title")), p))
}

// showHealthVersion shows one saved version of the patient's own profile; an
// unknown or malformed version is 404.
func (a *App) showHealthVersion(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(c.Param("version"))
	if err != nil || n < 1 {
		return echo.ErrNotFound
	}
	ctx := c.Request().Context()
	hp := a.healthProfiles()
	prof, err := hp.HealthProfileVersion(ctx, u, u.ID, n)
	if err != nil {
		return err
	}
	cur, err := hp.HealthProfile(ctx, u, u.ID)
	if err != nil {
		return err
	}
	view, err := a.profileView(c, u, prof)
	if err != nil {
		return err
	}
	p := health.VersionProps{Profile: view, Current: cur.Version}
	return a.render(c, http.StatusOK, health.VersionPage(a.page(c, t(c, "health.version.title", n)), p))
}

// profileView formats a version for the pages. The BMI's WHO category is for
// adults: with a birthday on file that makes the patient a minor, it is left out.
func (a *App) profileView(c echo.Context, u *models.User, prof *models.HealthProfile) (health.Profile, error) {
	d := prof.Data
	p := health.Profile{Version: prof.Version, Height: d.Height.String(), Weight: d.Weight.String(),
		MaritalStatus: d.MaritalStatus, Histories: map[string]string{}}
	if prof.Version > 0 {
		p.SavedAt = healthTime(prof.CreatedAt)
	}
	for _, h := range models.HealthHistories {
		p.Histories[h] = d.History(h)
	}
	for _, dx := range d.Diagnoses {
		p.Diagnoses = append(p.Diagnoses, health.Diagnosis{Name: dx.Name, Date: dx.Date, Status: dx.Status})
	}
	for _, al := range d.Allergies {
		p.Allergies = append(p.Allergies, health.Allergy{Substance: al.Substance, Reaction: al.Reaction, Severity: al.Severity})
	}
	if bmi, ok := d.BMI(); ok {
		p.BMI = strconv.FormatFloat(bmi, 'f', 1, 64)
		id, err := a.accounts.Identity(c.Request().Context(), u)
		if err != nil {
			return health.Profile{}, err
		}
		if adult, known := models.IsAdult(id.Birthday, a.now()); known && !adult {
			p.Minor = true
		} else {
			p.BMICategory = models.BMICategory(bmi)
		}
	}
	return p, nil
}

// healthTime is a save time as the pages show it, in China time.
func healthTime(t time.Time) string { return i18n.ShortTime(t) }
