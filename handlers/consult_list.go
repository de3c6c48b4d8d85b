package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/i18n"
	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/consult"
)

// listConsultations is "My consultations": newest activity first, keyset pages.
func (a *App) listConsultations(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	after := models.ParseConsultationCursor(c.QueryParam("after"))
	rows, next, err := a.consultations.PatientList(c.Request().Context(), u, after)
	if err != nil {
		return err
	}
	p := consult.ListProps{Notice: a.flash(c)}
	for _, r := range rows {
		p.Rows = append(p.Rows, consult.Row{Href: paths.Consultation(r.ID), Doctor: summaryDoctor(r.Doctor), Status: r.Status,
			Grant: grantOf(r), Updated: i18n.ShortTime(r.UpdatedAt)})
	}
	if next != nil {
		p.Next = paths.Consultations + "?after=" + next.String()
	}
	if after != nil {
		p.First = paths.Consultations
	}
	return a.render(c, http.StatusOK, consult.List(a.page(c, t(c, "consult.list.title")), p))
}

// consultationID reads the :id path parameter; anything but a positive number is 404.
func consultationID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, echo.ErrNotFound
	}
	return id, nil
}

// showConsultation is one of the patient's consultations; anyone else's is 404.
func (a *App) showConsultation(c echo.Context) error {
	id, err := consultationID(c)
	if err != nil {
		return err
	}
	return a.renderConsultation(c, http.StatusOK, id, detailState{notice: a.flash(c)})
}

// detailState is what a refused post brings back to the page: its messages, the
// message typed, the scope ticked.
type detailState struct {
	notice string
	errs   map[string]string
	draft  string
	scope  *models.Scope
}

// renderConsultation renders consultation id of the signed-in patient with st.
func (a *App) renderConsultation(c echo.Context, status int, id int64, st detailState) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	v, err := a.consultations.ForPatient(c.Request().Context(), u, id)
	if err != nil {
		return err
	}
	scope := v.Scope
	if st.scope != nil {
		scope = *st.scope
	}
	var sh consult.Sharing
	if v.GrantActive { // the scope form is offered only while the grant is
		if sh, err = a.sharing(c, u, scope, v.SharedDocs, paths.Consultation(id)); err != nil {
			return err
		}
	}
	p := consult.DetailProps{Notice: st.notice, Errors: st.errs, ID: v.ID, Doctor: summaryDoctor(v.Doctor), Status: v.Status,
		Created: i18n.ShortTime(v.CreatedAt), Question: v.Question, Draft: st.draft, Grant: grantOf(v.ConsultationSummary),
		Shared: sharedOf(v.Scope, v.SharedDocs, v.ShareDays), Sharing: sh, MaxLength: models.MaxMessage,
		MessageAction: paths.Consultation(id) + "/messages", RevokeAction: paths.Consultation(id) + "/revoke",
		ScopeAction: paths.Consultation(id) + "/scope", CloseAction: paths.Consultation(id) + "/close",
		AccessLog: paths.AccountAccessLog, Back: paths.Consultations}
	for _, m := range v.Messages {
		p.Messages = append(p.Messages, consult.Message{FromSelf: m.FromSelf, Advice: m.Kind == models.MessageAdvice,
			Body: m.Body, When: i18n.ShortTime(m.CreatedAt)})
	}
	return a.render(c, status, consult.Detail(a.page(c, t(c, "consult.detail.title", v.ID)), p))
}

// grantOf is the grant's state as the patient sees it.
func grantOf(s models.ConsultationSummary) consult.Grant {
	g := consult.Grant{Active: s.GrantActive, Revoked: s.Revoked, ShareDays: s.ShareDays}
	if s.GrantUntil != nil {
		g.Until = i18n.ShortTime(*s.GrantUntil)
	}
	return g
}

// summaryDoctor copies the doctor of a consultation.
func summaryDoctor(d models.ConsultationDoctor) consult.Doctor {
	return consult.Doctor{ID: d.UserID, Name: d.RealName, Title: d.Title, Hospital: d.Hospital, Department: d.Department}
}
