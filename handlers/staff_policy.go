package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/i18n"
	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/policy"
	"github.com/yibao-health/portal/views/staffpolicy"
)

// staffPolicyList lists every version for privacy officers (GET /staff/policy).
func (a *App) staffPolicyList(c echo.Context) error {
	ctx := c.Request().Context()
	versions, err := a.policies.All(ctx)
	if err != nil {
		return err
	}
	cur, err := a.policies.Current(ctx)
	if err != nil {
		return err
	}
	p := staffpolicy.ListProps{TwoPerson: a.cfg.PolicyTwoPerson, Notice: a.flash(c)}
	for _, v := range versions {
		p.Rows = append(p.Rows, staffpolicy.Row{ID: v.ID, Version: v.Version, Title: v.Title(lang(c)), Status: v.Status,
			Material: v.Material, EffectiveAt: v.EffectiveAt, UpdatedAt: v.UpdatedAt, InForce: cur != nil && cur.ID == v.ID})
	}
	return a.render(c, http.StatusOK, staffpolicy.List(a.page(c, t(c, "staffpolicy.title")), p))
}

// flash returns the translated one-time notice of the request's session, or "".
func (a *App) flash(c echo.Context) string {
	s, err := a.sess(c)
	if err != nil {
		return ""
	}
	if key := a.takeFlash(c, s); key != "" {
		return t(c, key)
	}
	return ""
}

// policyLimits are the form's field limits.
var policyLimits = staffpolicy.Limits{Label: models.MaxPolicyLabel, Title: models.MaxPolicyTitle,
	Summary: models.MaxPolicySummary, Body: models.MaxPolicyBody}

// showStaffPolicyNew renders an empty draft form with a suggested label; a new
// version is material unless the officer decides otherwise.
func (a *App) showStaffPolicyNew(c echo.Context) error {
	label, err := a.policies.SuggestLabel(c.Request().Context())
	if err != nil {
		return err
	}
	p := staffpolicy.FormProps{Values: staffpolicy.FormValues{Version: label, Material: true}, Limits: policyLimits}
	return a.render(c, http.StatusOK, staffpolicy.Form(a.page(c, t(c, "staffpolicy.new_title")), p))
}

// staffPolicyCreate stores a new draft (POST /staff/policy/new).
func (a *App) staffPolicyCreate(c echo.Context) error {
	in := policyForm(c)
	v, err := a.policies.CreateDraft(c.Request().Context(), in, a.actor(c))
	if err != nil {
		return a.policyFormError(c, err, staffpolicy.FormProps{Values: formValues(in)})
	}
	return a.policyDone(c, v.ID, "staffpolicy.flash.created")
}

// policyForm reads the draft form; the kind radio is "material" or "minor".
func policyForm(c echo.Context) models.PolicyInput {
	return models.PolicyInput{Version: c.FormValue("version"), Material: c.FormValue("kind") != "minor",
		Effective: c.FormValue("effective"), TitleZh: c.FormValue("title_zh"), TitleEn: c.FormValue("title_en"),
		SummaryZh: c.FormValue("summary_zh"), SummaryEn: c.FormValue("summary_en"),
		BodyZh: c.FormValue("body_zh"), BodyEn: c.FormValue("body_en")}
}

func formValues(in models.PolicyInput) staffpolicy.FormValues {
	return staffpolicy.FormValues{Version: in.Version, Effective: in.Effective, Material: in.Material,
		TitleZh: in.TitleZh, TitleEn: in.TitleEn, SummaryZh: in.SummaryZh, SummaryEn: in.SummaryEn, BodyZh: in.BodyZh, BodyEn: in.BodyEn}
}

// policyFormError re-renders the draft form with every problem and what was typed.
// A version that is no longer a draft gets its version page with the reason.
func (a *App) policyFormError(c echo.Context, err error, p staffpolicy.FormProps) error {
	if p.ID != 0 && (errors.Is(err, models.ErrPolicyPublished) || errors.Is(err, models.ErrPolicyPending)) {
		return a.policyDetailError(c, p.ID, err)
	}
	msgs, status, ok := formErrors(c, err)
	if !ok {
		return err
	}
	p.Errors, p.Limits = msgs, policyLimits
	title := t(c, "staffpolicy.new_title")
	if p.ID != 0 {
		title = t(c, "staffpolicy.edit_title", p.Label)
	}
	return a.render(c, status, staffpolicy.Form(a.page(c, title), p))
}

// policyDone goes to version id's page with a notice.
func (a *App) policyDone(c echo.Context, id int64, key string) error {
	s, err := a.sess(c)
	if err != nil {
		return err
	}
	a.setFlash(c, s, key)
	return redirect(c, paths.StaffPolicyVersion(id))
}

// policyID reads the :id path parameter; anything but a positive id is 404.
func policyID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, echo.ErrNotFound
	}
	return id, nil
}

// staffPolicyDetail shows one version with the steps its status allows.
func (a *App) staffPolicyDetail(c echo.Context) error {
	id, err := policyID(c)
	if err != nil {
		return err
	}
	return a.renderPolicyDetail(c, http.StatusOK, id, staffpolicy.DetailProps{Notice: a.flash(c)})
}

// renderPolicyDetail loads version id into p (keeping its notice, errors and typed
// copy label) and renders its page with status.
func (a *App) renderPolicyDetail(c echo.Context, status int, id int64, p staffpolicy.DetailProps) error {
	ctx := c.Request().Context()
	v, err := a.policies.Get(ctx, id)
	if err != nil {
		return err
	}
	u, err := a.user(c)
	if err != nil || u == nil {
		return echo.ErrNotFound
	}
	who := func(id int64) staffpolicy.Who { return staffpolicy.Who{ID: id, Self: id == u.ID} }
	p.ID, p.Version, p.Title, p.Status, p.Material, p.EffectiveAt = v.ID, v.Version, v.Title(lang(c)), v.Status, v.Material, v.EffectiveAt
	p.CreatedBy, p.CreatedAt, p.PublishedAt, p.SHA256, p.TwoPerson = who(v.CreatedBy), v.CreatedAt, v.PublishedAt, v.SHA256, a.cfg.PolicyTwoPerson
	if v.SubmittedBy != nil {
		w := who(*v.SubmittedBy)
		p.SubmittedBy = &w
	}
	if v.ApprovedBy != nil {
		w := who(*v.ApprovedBy)
		p.ApprovedBy = &w
	}
	if v.Status == models.PolicyPending {
		if p.CanApprove, err = a.policies.CanApprove(ctx, v, u.ID); err != nil {
			return err
		}
	}
	if cur, err := a.policies.Current(ctx); err != nil {
		return err
	} else if cur != nil {
		p.InForce = cur.ID == v.ID
	}
	if p.CopyLabel == "" {
		if p.CopyLabel, err = a.policies.SuggestLabel(ctx); err != nil {
			return err
		}
	}
	return a.render(c, status, staffpolicy.Detail(a.page(c, t(c, "policy.history.item", v.Version)), p))
}

// policyDetailError renders version id's page with the messages of a refused step.
func (a *App) policyDetailError(c echo.Context, id int64, err error) error {
	msgs, status, ok := formErrors(c, err)
	if !ok {
		return err
	}
	return a.renderPolicyDetail(c, status, id, staffpolicy.DetailProps{Errors: msgs})
}

// showStaffPolicyEdit renders a draft's form. A published or pending version is
// not edited: its page says why (409).
func (a *App) showStaffPolicyEdit(c echo.Context) error {
	id, err := policyID(c)
	if err != nil {
		return err
	}
	v, err := a.policies.Get(c.Request().Context(), id)
	if err != nil {
		return err
	}
	switch v.Status {
	case models.PolicyPublished:
		return a.policyDetailError(c, id, models.ErrPolicyPublished)
	case models.PolicyPending:
		return a.policyDetailError(c, id, models.ErrPolicyPending)
	}
	p := staffpolicy.FormProps{ID: id, Label: v.Version, Values: formValues(models.PolicyInputOf(v)), Limits: policyLimits}
	return a.render(c, http.StatusOK, staffpolicy.Form(a.page(c, t(c, "staffpolicy.edit_title", v.Version)), p))
}

// staffPolicySave saves a draft (POST /staff/policy/:id/edit). The domain refuses a
// published version (ErrPolicyPublished) and nothing changes.
func (a *App) staffPolicySave(c echo.Context) error {
	id, err := policyID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	v, err := a.policies.Get(ctx, id)
	if err != nil {
		return err
	}
	in := policyForm(c)
	if _, err := a.policies.UpdateDraft(ctx, id, in, a.actor(c)); err != nil {
		return a.policyFormError(c, err, staffpolicy.FormProps{ID: id, Label: v.Version, Values: formValues(in)})
	}
	return a.policyDone(c, id, "staffpolicy.flash.saved")
}

// staffPolicySubmit sends a draft for approval. Missing texts send the officer back
// to the form with every problem marked.
func (a *App) staffPolicySubmit(c echo.Context) error {
	id, err := policyID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if _, err := a.policies.Submit(ctx, id, a.actor(c)); err != nil {
		return a.policyStepError(c, id, err)
	}
	return a.policyDone(c, id, "staffpolicy.flash.submitted")
}

// policyStepError shows a refused step: problems of a draft's texts on its form,
// anything else on the version page.
func (a *App) policyStepError(c echo.Context, id int64, err error) error {
	var p models.Problems
	if errors.As(err, &p) {
		v, gerr := a.policies.Get(c.Request().Context(), id)
		if gerr != nil {
			return gerr
		}
		if v.Status == models.PolicyDraft {
			props := staffpolicy.FormProps{ID: id, Label: v.Version, Values: formValues(models.PolicyInputOf(v))}
			return a.policyFormError(c, err, props)
		}
	}
	return a.policyDetailError(c, id, err)
}

// staffPolicyReturn sends a pending version back to draft.
func (a *App) staffPolicyReturn(c echo.Context) error {
	id, err := policyID(c)
	if err != nil {
		return err
	}
	if _, err := a.policies.ReturnToDraft(c.Request().Context(), id, a.actor(c)); err != nil {
		return a.policyDetailError(c, id, err)
	}
	return a.policyDone(c, id, "staffpolicy.flash.returned")
}

// staffPolicyPublish approves and publishes (second officer), or publishes alone
// when PORTAL_POLICY_TWO_PERSON is off.
func (a *App) staffPolicyPublish(c echo.Context) error {
	id, err := policyID(c)
	if err != nil {
		return err
	}
	if _, err := a.policies.Publish(c.Request().Context(), id, a.cfg.PolicyTwoPerson, a.actor(c)); err != nil {
		return a.policyStepError(c, id, err)
	}
	return a.policyDone(c, id, "staffpolicy.flash.published")
}

// staffPolicyCopy starts a new draft from a version ("new version from this one").
func (a *App) staffPolicyCopy(c echo.Context) error {
	id, err := policyID(c)
	if err != nil {
		return err
	}
	label := c.FormValue("version")
	v, err := a.policies.CopyAsDraft(c.Request().Context(), id, label, a.actor(c))
	if err != nil {
		msgs, status, ok := formErrors(c, err)
		if !ok {
			return err
		}
		if m, has := msgs["version"]; has {
			msgs["copy_version"] = m
			delete(msgs, "version")
		}
		return a.renderPolicyDetail(c, status, id, staffpolicy.DetailProps{Errors: msgs, CopyLabel: label})
	}
	s, err := a.sess(c)
	if err != nil {
		return err
	}
	a.setFlash(c, s, "staffpolicy.flash.copied")
	return redirect(c, paths.StaffPolicyAction(v.ID, paths.PolicyActEdit))
}

// staffPolicyPreview shows any version exactly as users will see it, through the
// public page's component, in the language chosen with ?lang= (the whole page
// switches, as it would for a reader).
func (a *App) staffPolicyPreview(c echo.Context) error {
	id, err := policyID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	v, err := a.policies.Get(ctx, id)
	if err != nil {
		return err
	}
	l := lang(c)
	if ql, ok := i18n.Parse(c.QueryParam("lang")); ok {
		l = ql
		ctx = i18n.WithLang(ctx, l)
	}
	doc, err := a.PolicyDocument(ctx, v, l)
	if err != nil {
		return err
	}
	pv := &policy.Preview{Back: paths.StaffPolicyVersion(id)}
	for _, x := range i18n.All {
		pv.Langs = append(pv.Langs, policy.PreviewLang{Name: x.Name(),
			URL: paths.StaffPolicyAction(id, paths.PolicyActPreview) + "?lang=" + string(x), Current: x == l})
	}
	page := a.page(c, i18n.T(ctx, "policy.preview.title", v.Version))
	return a.renderCtx(ctx, c, http.StatusOK, policy.Privacy(page, policy.PrivacyProps{Doc: &doc, Preview: pv}))
}
