package handlers

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/consult"
)

// The patient's side of consultations (issue 6): the start form, its confirmation
// and the start itself. The model checks everything again on every step, so the
// hidden fields of the confirmation may be tampered with at no risk.

// startInput binds the start form explicitly, field by field: the doctor and what
// was typed and ticked, nothing else (a patient_id or doctor_id in the body is
// never read). Unreadable numbers become values the model refuses.
func startInput(c echo.Context) models.StartInput {
	doctor, _ := strconv.ParseInt(c.FormValue("doctor"), 10, 64)
	days, err := strconv.Atoi(c.FormValue("share_days"))
	if err != nil {
		days = -1
	}
	return models.StartInput{DoctorID: doctor, Question: c.FormValue("question"), Scope: scopeInput(c), ShareDays: days}
}

// scopeInput reads the ticked sections, categories and documents.
func scopeInput(c echo.Context) models.Scope {
	form, _ := c.FormParams()
	s := models.Scope{Sections: form["section"], Categories: form["category"]}
	for _, v := range form["document"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			id = 0 // no document has it: the model refuses the scope
		}
		s.DocumentIDs = append(s.DocumentIDs, id)
	}
	return s
}

// showConsultNew is the start form for ?doctor=ID; unknown or unverified is 404.
func (a *App) showConsultNew(c echo.Context) error {
	id, err := strconv.ParseInt(c.QueryParam("doctor"), 10, 64)
	if err != nil || id <= 0 {
		return echo.ErrNotFound
	}
	d, err := models.DirectoryDoctorByID(c.Request().Context(), a.db, id)
	if err != nil {
		return err
	}
	return a.renderConsultForm(c, http.StatusOK, d, models.StartInput{DoctorID: id, ShareDays: models.MaxShareDays}, nil)
}

// previewConsult shows the confirmation screen (nothing stored), or the form again
// with its messages; with edit set (the confirmation's "back to edit") the form
// with the carried values.
func (a *App) previewConsult(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	in := startInput(c)
	if c.FormValue("edit") != "" {
		d, err := models.DirectoryDoctorByID(c.Request().Context(), a.db, in.DoctorID)
		if err != nil {
			return err
		}
		return a.renderConsultForm(c, http.StatusOK, d, in, nil)
	}
	pv, err := a.consultations.Preview(c.Request().Context(), u, in)
	if err != nil {
		msgs, status, ok := formErrors(c, err)
		if !ok || pv == nil {
			return err
		}
		return a.renderConsultForm(c, status, &pv.Doctor, in, msgs)
	}
	p := consult.ConfirmProps{Doctor: consultDoctor(pv.Doctor), Question: pv.Input.Question,
		Shared: sharedOf(pv.Input.Scope, pv.Documents, pv.Input.ShareDays), Action: paths.Consultations, Edit: paths.ConsultationPreview}
	p.Hidden = hiddenOf(pv.Input)
	return a.render(c, http.StatusOK, consult.Confirm(a.page(c, t(c, "consult.confirm.title")), p))
}

// startConsult stores the consultation, its grant and the grant's consent record,
// then opens it. Any problem (a tampered field among them) shows the form again.
func (a *App) startConsult(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	in := startInput(c)
	id, err := a.consultations.Start(ctx, u, in, a.consentContext(c, models.ChannelWeb), a.actor(c))
	if err != nil {
		msgs, status, ok := formErrors(c, err)
		if !ok {
			return err
		}
		d, derr := models.DirectoryDoctorByID(ctx, a.db, in.DoctorID)
		if derr != nil {
			return derr
		}
		return a.renderConsultForm(c, status, d, in, msgs)
	}
	if err := a.flashNext(c, "consult.flash.started"); err != nil {
		return err
	}
	return redirect(c, paths.Consultation(id))
}

// flashNext keeps a notice for the next page.
func (a *App) flashNext(c echo.Context, key string) error {
	s, err := a.sess(c)
	if err != nil {
		return err
	}
	a.setFlash(c, s, key)
	return nil
}

// renderConsultForm renders the start form with in and its messages.
func (a *App) renderConsultForm(c echo.Context, status int, d *models.DirectoryDoctor, in models.StartInput, errs map[string]string) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	sh, err := a.sharing(c, u, in.Scope, nil, paths.ConsultationNewFor(d.UserID))
	if err != nil {
		return err
	}
	if len(errs) > 0 && errs[""] == "" {
		errs[""] = t(c, "form.fix_errors")
	}
	p := consult.FormProps{Doctor: consultDoctor(*d), Question: in.Question, Sharing: sh, ShareDays: in.ShareDays,
		DayChoices: models.ShareDayChoices, MaxLength: models.MaxQuestion, Errors: errs, Action: paths.ConsultationPreview}
	return a.render(c, status, consult.Form(a.page(c, t(c, "consult.form.title")), p))
}

// sharing is the "what to share" choices with scope ticked: every section and
// category, and the patient's newest documents plus the shared ones not among
// them (so a change of scope never drops an older shared document unseen). back
// is where the consent page returns to.
func (a *App) sharing(c echo.Context, u *models.User, scope models.Scope, shared []models.DocumentView, back string) (consult.Sharing, error) {
	ctx := c.Request().Context()
	var s consult.Sharing
	var err error
	if s.Consented, err = models.HasConsent(ctx, a.db, u.ID, models.PurposeHealthData, ""); err != nil {
		return s, err
	}
	s.ConsentLink = paths.ConsentHealthNext(back)
	for _, v := range models.ProfileSections {
		s.Sections = append(s.Sections, consult.Choice{Value: v, Checked: slices.Contains(scope.Sections, v)})
	}
	for _, v := range models.DocumentCategories {
		s.Categories = append(s.Categories, consult.Choice{Value: v, Checked: slices.Contains(scope.Categories, v)})
	}
	list, err := a.documents.List(ctx, models.DocumentReader{UserID: u.ID}, models.DocumentQuery{Limit: models.MaxDocumentPage})
	if err != nil {
		return s, err
	}
	s.MoreDocuments = list.Next != ""
	docs := list.Items
	for _, d := range shared {
		if !slices.ContainsFunc(docs, func(v models.DocumentView) bool { return v.ID == d.ID }) {
			docs = append(docs, d)
		}
	}
	for _, d := range docs {
		s.Documents = append(s.Documents, consult.Document{ID: d.ID, Title: d.Title, Category: d.Category,
			Date: d.Date.Format(dateLayout), Checked: slices.Contains(scope.DocumentIDs, d.ID)})
	}
	return s, nil
}

// sharedOf is what a scope covers, documents by title.
func sharedOf(s models.Scope, docs []models.DocumentView, days int) consult.Shared {
	out := consult.Shared{Sections: s.Sections, Categories: s.Categories, ShareDays: days}
	for _, d := range docs {
		out.Documents = append(out.Documents, consult.Document{ID: d.ID, Title: d.Title, Category: d.Category, Date: d.Date.Format(dateLayout)})
	}
	return out
}

// hiddenOf carries the checked input through the confirmation screen.
func hiddenOf(in models.StartInput) []consult.Hidden {
	h := []consult.Hidden{{Name: "doctor", Value: idOf(in.DoctorID)}, {Name: "question", Value: in.Question},
		{Name: "share_days", Value: strconv.Itoa(in.ShareDays)}}
	for _, v := range in.Scope.Sections {
		h = append(h, consult.Hidden{Name: "section", Value: v})
	}
	for _, v := range in.Scope.Categories {
		h = append(h, consult.Hidden{Name: "category", Value: v})
	}
	for _, id := range in.Scope.DocumentIDs {
		h = append(h, consult.Hidden{Name: "document", Value: idOf(id)})
	}
	return h
}

// consultDoctor copies the public card.
func consultDoctor(d models.DirectoryDoctor) consult.Doctor {
	return consult.Doctor{ID: d.UserID, Name: d.RealName, Title: d.Title, Hospital: d.Hospital, Department: d.Department, Specialty: d.Specialty}
}
