package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/privacystats"
)

// privacyStats is the privacy officer's consent dashboard (GET /staff/privacy/stats):
// acceptance per published version among active users and the current opt-in rate
// per purpose among active patients, from six aggregate statements
// (models.ConsentStatistics) whatever the number of users. policy: C4.1-4
func (a *App) privacyStats(c echo.Context) error {
	st, err := models.ConsentStatistics(c.Request().Context(), a.db)
	if err != nil {
		return err
	}
	now := a.now()
	p := privacystats.Props{ActiveUsers: st.ActiveUsers, ActivePatients: st.ActivePatients}
	for _, v := range st.Versions {
		p.Versions = append(p.Versions, privacystats.VersionRow{
			Label: v.Version, Effective: gateDate(v.EffectiveAt), Material: v.Material, Upcoming: v.EffectiveAt.After(now),
			Accepted: v.Accepted, Pending: v.Pending, Declined: v.Declined, Total: st.ActiveUsers,
			Later: max(st.ActiveUsers-v.Accepted-v.Pending, 0),
		})
	}
	for _, ps := range st.Purposes {
		p.Purposes = append(p.Purposes, privacystats.PurposeRow{
			Key: ps.Purpose.Key, Name: t(c, "consent.purpose."+ps.Purpose.Key+".name"),
			Mechanism: t(c, "gate.stats.mechanism."+ps.Purpose.Mechanism),
			Granted:   ps.Granted, Patients: ps.Patients, Percent: privacystats.Percent(ps.Granted, ps.Patients),
		})
	}
	return a.render(c, http.StatusOK, privacystats.Stats(a.page(c, t(c, "gate.stats.title")), p))
}
