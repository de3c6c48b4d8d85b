package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/doctor"
)

// showDoctorStatus is a signed-in doctor's own application: pending, rejected or
// suspended with the administrator's note, or verified with the way to the clinic.
func (a *App) showDoctorStatus(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	p := doctor.StatusProps{}
	prof, err := a.accounts.DoctorProfileOf(c.Request().Context(), u.ID)
	switch {
	case models.IsNotFound(err):
	case err != nil:
		return err
	default:
		p = doctor.StatusProps{Status: prof.Status, RealName: prof.RealName, Hospital: prof.Hospital,
			Department: prof.Department, Title: prof.Title, AppliedAt: prof.CreatedAt}
		if prof.Status == models.DoctorRejected || prof.Status == models.DoctorSuspended {
			p.Reason = prof.ReviewReason
		}
	}
	return a.render(c, http.StatusOK, doctor.Status(a.page(c, t(c, "doctor.status.title")), p))
}
