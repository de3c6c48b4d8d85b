package handlers

import (
	"net/http"
	"net/url"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/i18n"
	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/clinic"
)

// showClinicQueue is the doctor's queue: one state's tab (?status=, new by
// default) with the counts of all three, newest activity first, keyset pages
// (?after=). Patients are masked, and not named at all once a grant has ended.
func (a *App) showClinicQueue(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	status, after := c.QueryParam("status"), c.QueryParam("after")
	if status != "" && !slices.Contains(models.ConsultationStatuses, status) {
		return echo.ErrNotFound // an unknown tab is a page that does not exist
	}
	q, err := a.consultations.Queue(c.Request().Context(), u, status, models.ParseConsultationCursor(after))
	if err != nil {
		return err
	}
	p := clinic.QueueProps{Status: q.Status, Emergency: paths.ClinicEmergency}
	for _, s := range models.ConsultationStatuses {
		n := map[string]int64{models.ConsultationNew: q.Counts.New, models.ConsultationActive: q.Counts.Active,
			models.ConsultationClosed: q.Counts.Closed}[s]
		p.Tabs = append(p.Tabs, clinic.Tab{Status: s, Href: paths.ClinicQueue(s), Count: n, Current: s == q.Status})
	}
	for _, it := range q.Items {
		p.Items = append(p.Items, clinic.Item{ID: it.ID, Href: paths.ClinicConsultation(it.ID), Patient: clinicPatient(it.Patient),
			Created: i18n.ShortTime(it.CreatedAt), Activity: i18n.ShortTime(it.UpdatedAt)})
	}
	if q.Next != nil {
		p.Next = paths.ClinicQueue(q.Status) + "&after=" + url.QueryEscape(q.Next.String())
	}
	if after != "" {
		p.First = paths.ClinicQueue(q.Status)
	}
	return a.render(c, http.StatusOK, clinic.Queue(a.page(c, t(c, "clinic.title")), p))
}

// clinicPatient is the masked patient for the views; nil stays nil.
func clinicPatient(m *models.MaskedPatient) *clinic.Patient {
	if m == nil {
		return nil
	}
	return &clinic.Patient{Name: m.Name, Age: m.Age, Gender: m.Gender}
}
