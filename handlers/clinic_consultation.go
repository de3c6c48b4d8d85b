package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/i18n"
	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/clinic"
)

// showClinicConsultation is one of the doctor's consultations: the thread, and
// the patient's granted data while the grant is active (each read logged for
// the patient by the models). Anyone else's consultation is 404.
func (a *App) showClinicConsultation(c echo.Context) error {
	return a.renderClinicConsultation(c, http.StatusOK, "", "", nil)
}

// postClinicMessage sends the doctor's reply; an empty or too long one comes
// back with the message and the typed text.
func (a *App) postClinicMessage(c echo.Context) error {
	body := c.FormValue("body")
	return a.clinicAction(c, "clinic.flash.sent", body, "", func(u *models.User, id int64) error {
		return a.consultations.Post(c.Request().Context(), u, id, body, a.actor(c))
	})
}

// closeClinicConsultation closes the consultation with the doctor's advice
// (required); from now the grant lasts the days the patient chose.
func (a *App) closeClinicConsultation(c echo.Context) error {
	advice := c.FormValue("advice")
	return a.clinicAction(c, "clinic.flash.closed", "", advice, func(u *models.User, id int64) error {
		return a.consultations.Close(c.Request().Context(), u, id, advice, a.actor(c))
	})
}

// clinicAction runs a post on consultation :id as the signed-in doctor (only
// the path names the consultation; no body field is bound), then redirects back
// with flash, or re-renders with the form's messages and what was typed.
func (a *App) clinicAction(c echo.Context, flash, reply, advice string, do func(*models.User, int64) error) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	id, err := documentID(c, "id")
	if err != nil {
		return err
	}
	if err := do(u, id); err != nil {
		msgs, status, ok := formErrors(c, err)
		if !ok {
			return err
		}
		return a.renderClinicConsultation(c, status, reply, advice, msgs)
	}
	s, err := a.sess(c)
	if err != nil {
		return err
	}
	a.setFlash(c, s, flash)
	return redirect(c, paths.ClinicConsultation(id))
}

// renderClinicConsultation reads consultation :id for the doctor and renders it
// with the forms' text and messages.
func (a *App) renderClinicConsultation(c echo.Context, status int, reply, advice string, errs map[string]string) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	id, err := documentID(c, "id")
	if err != nil {
		return err
	}
	v, err := a.consultations.ForDoctor(c.Request().Context(), u, id, requestIDOf(c))
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	p := clinic.ConsultationProps{ID: v.ID, Status: v.Status, Created: i18n.ShortTime(v.CreatedAt),
		Patient: clinicPatient(v.Patient), Question: v.Question, Reply: reply, Advice: advice, Errors: errs,
		ReplyAction: paths.ClinicMessages(v.ID), CloseAction: paths.ClinicClose(v.ID), CSRF: csrfTokenOf(c),
		Back: paths.ClinicQueue(v.Status), Grant: clinic.Grant{Active: v.GrantActive, Revoked: v.Revoked, DaysMore: v.ShareDays}}
	if status == http.StatusOK {
		p.Notice = a.flash(c)
	}
	if v.GrantUntil != nil {
		p.Grant.Until = i18n.ShortTime(*v.GrantUntil)
	}
	for _, m := range v.Messages {
		p.Messages = append(p.Messages, clinic.Message{Doctor: m.Doctor, Advice: m.Kind == models.MessageAdvice,
			Body: m.Body, When: i18n.ShortTime(m.CreatedAt)})
	}
	if v.Patient != nil {
		p.Sections = v.Sections
		if v.Profile != nil {
			p.Profile = clinicProfile(v.Profile.Data)
		}
		for _, d := range v.Documents {
			p.Documents = append(p.Documents, clinic.Document{Href: paths.ClinicDocument(v.ID, d.ID), Title: d.Title,
				Category: d.Category, Date: d.Date.Format(dateLayout)})
		}
		p.MoreDocs = v.MoreDocs
	}
	return a.render(c, status, clinic.Consultation(a.page(c, t(c, "clinic.consultation_n", v.ID)), p))
}

// clinicProfile formats the granted part of a profile (the rest is already
// cleared by the models).
func clinicProfile(d models.HealthData) clinic.Profile {
	p := clinic.Profile{Height: d.Height.String(), Weight: d.Weight.String(), MaritalStatus: d.MaritalStatus}
	for _, al := range d.Allergies {
		p.Allergies = append(p.Allergies, clinic.Allergy{Substance: al.Substance, Reaction: al.Reaction, Severity: al.Severity})
	}
	for _, dx := range d.Diagnoses {
		p.Diagnoses = append(p.Diagnoses, clinic.Diagnosis{Name: dx.Name, Date: dx.Date, Status: dx.Status})
	}
	for _, h := range models.HealthHistories {
		p.Histories = append(p.Histories, clinic.History{Code: h, Text: d.History(h)})
	}
	if bmi, ok := d.BMI(); ok {
		p.BMI = strconv.FormatFloat(bmi, 'f', 1, 64)
	}
	return p
}
