package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/emergency"
)

// Break-glass access, the doctor's side (issue 6). The guard admits verified
// doctors with MFA only; the model admits each doctor to their own open accesses
// only, and every read of patient data goes through its scoped rule.

// showEmergencyForm is the request form with the doctor's recent accesses.
func (a *App) showEmergencyForm(c echo.Context) error {
	return a.renderEmergencyForm(c, http.StatusOK, emergency.FormProps{})
}

// renderEmergencyForm renders the form keeping what p holds (typed values and
// messages of a refused request). Masked patients of open accesses are listed, so
// the page is not stored.
func (a *App) renderEmergencyForm(c echo.Context, status int, p emergency.FormProps) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	recent, err := a.consultations.DoctorEmergencies(c.Request().Context(), u)
	if err != nil {
		return err
	}
	for _, r := range recent {
		row := emergency.Recent{ID: r.ID, Reason: r.Reason, CreatedAt: r.CreatedAt, ExpiresAt: r.ExpiresAt, Open: r.Open, ReviewStatus: r.ReviewStatus}
		if r.Patient != nil {
			row.Patient = r.Patient.Name
		}
		p.Recent = append(p.Recent, row)
	}
	p.Reasons, p.MinJustification, p.MaxJustification = models.EmergencyReasons, models.MinJustification, models.MaxJustification
	p.Window = a.consultations.EmergencyDuration()
	c.Response().Header().Set("Cache-Control", "no-store")
	return a.render(c, status, emergency.Form(a.page(c, t(c, "emergency.form.title")), p))
}

// requestEmergency grants the access and opens it (303); a refused request shows
// the form again with the messages and everything typed.
//
// policy: C2.2.4 — exception (4), recorded and reviewed.
func (a *App) requestEmergency(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	in := models.EmergencyInput{Identifier: c.FormValue("identifier"), Reason: c.FormValue("reason"), Justification: c.FormValue("justification")}
	id, err := a.consultations.RequestEmergency(c.Request().Context(), u, in, a.actor(c))
	if err != nil {
		msgs, status, ok := formErrors(c, err)
		if !ok {
			return err
		}
		return a.renderEmergencyForm(c, status, emergency.FormProps{Identifier: in.Identifier, Reason: in.Reason,
			Justification: in.Justification, Errors: msgs})
	}
	return redirect(c, paths.ClinicEmergencyAccess(id))
}

// emergencyID reads the :id path parameter; anything but a positive id is 404.
func emergencyID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, echo.ErrNotFound
	}
	return id, nil
}

// showEmergencyAccess is the doctor's view of an open access: the banner with the
// time left, the masked patient and the critical items (each read logged for the
// patient). Another doctor's, or an expired one, is 404. Never stored.
func (a *App) showEmergencyAccess(c echo.Context) error {
	id, err := emergencyID(c)
	if err != nil {
		return err
	}
	u, err := a.user(c)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	v, err := a.consultations.EmergencyForDoctor(c.Request().Context(), u, id, requestIDOf(c))
	if err != nil {
		return err
	}
	left := int(v.ExpiresAt.Sub(a.now()).Minutes())
	p := emergency.ViewProps{ID: v.ID, Reason: v.Reason, CreatedAt: v.CreatedAt, ExpiresAt: v.ExpiresAt, RemainingMinutes: left,
		PatientName: v.Patient.Name, Age: v.Patient.Age, Gender: v.Patient.Gender}
	if v.Profile != nil {
		d := v.Profile.Data
		for _, dx := range d.Diagnoses {
			p.Diagnoses = append(p.Diagnoses, emergency.Diagnosis{Name: dx.Name, Date: dx.Date, Status: dx.Status})
		}
		for _, al := range d.Allergies {
			p.Allergies = append(p.Allergies, emergency.Allergy{Substance: al.Substance, Reaction: al.Reaction, Severity: al.Severity})
		}
		for _, h := range models.HealthHistories {
			p.Histories = append(p.Histories, emergency.History{Code: h, Text: d.History(h)})
		}
	}
	return a.render(c, http.StatusOK, emergency.View(a.page(c, t(c, "emergency.view.title")), p))
}
