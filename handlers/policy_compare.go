package handlers

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/i18n"
	"github.com/yibao-health/portal/internal/markdown"
	"github.com/yibao-health/portal/internal/textdiff"
	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/gate"
)

// policyCompare shows the difference between two published versions
// (GET /privacy/compare?from=ID&to=ID), in the reader's language, at character
// level so Chinese shows exactly the changed words. Without parameters it compares
// the version in force with the one before it; an id that is not a published
// version is 404 (drafts do not exist for the public). policy: C6.2
func (a *App) policyCompare(c echo.Context) error {
	ctx := c.Request().Context()
	outlines, err := a.policies.Outlines(ctx)
	if err != nil {
		return err
	}
	if len(outlines) == 0 {
		return echo.ErrNotFound
	}
	index := func(param string) (int, bool) {
		raw := c.QueryParam(param)
		if raw == "" {
			return -1, true
		}
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return -1, false
		}
		for i, o := range outlines {
			if o.ID == id {
				return i, true
			}
		}
		return -1, false
	}
	to, ok := index("to")
	if !ok {
		return echo.ErrNotFound
	}
	from, ok := index("from")
	if !ok {
		return echo.ErrNotFound
	}
	now := a.now()
	if to < 0 { // the version in force, else the oldest upcoming one
		to = len(outlines) - 1
		for i, o := range outlines {
			if !o.EffectiveAt.After(now) {
				to = i
				break
			}
		}
	}
	if from < 0 { // the version before to (the list is newest first)
		from = min(to+1, len(outlines)-1)
	}
	lang := i18n.FromContext(ctx)
	p := gate.CompareProps{OnlyOne: len(outlines) == 1}
	for i := range outlines {
		p.Options = append(p.Options, outlineVersion(&outlines[i], lang, now))
	}
	p.From, p.To = p.Options[from], p.Options[to]
	if !p.OnlyOne {
		fv, err := a.policies.GetPublished(ctx, outlines[from].ID)
		if err != nil {
			return err
		}
		tv, err := a.policies.GetPublished(ctx, outlines[to].ID)
		if err != nil {
			return err
		}
		if p.SummaryHTML, err = markdown.Render(tv.Summary(lang)); err != nil {
			return err
		}
		p.Title = gate.Build(textdiff.Diff(fv.Title(lang), tv.Title(lang)))
		p.Body = gate.Build(textdiff.Diff(fv.Body(lang), tv.Body(lang)))
	}
	return a.render(c, http.StatusOK, gate.Compare(a.page(c, t(c, "gate.compare.title")), p))
}

// gateVersion is what the gate's pages show about v.
func gateVersion(v *models.PolicyVersion, lang i18n.Lang, now time.Time) gate.Version {
	out := gate.Version{ID: v.ID, Label: v.Version, Title: v.Title(lang), Material: v.Material}
	if v.EffectiveAt != nil {
		out.Effective, out.Upcoming = gateDate(*v.EffectiveAt), v.EffectiveAt.After(now)
	}
	return out
}

// outlineVersion is gateVersion for a version read without its texts.
func outlineVersion(o *models.PolicyOutline, lang i18n.Lang, now time.Time) gate.Version {
	title := o.TitleZh
	if lang == i18n.EN && o.TitleEn != "" {
		title = o.TitleEn
	}
	return gate.Version{ID: o.ID, Label: o.Version, Title: title, Material: o.Material,
		Effective: gateDate(o.EffectiveAt), Upcoming: o.EffectiveAt.After(now)}
}
