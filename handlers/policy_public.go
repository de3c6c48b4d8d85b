package handlers

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/i18n"
	"github.com/yibao-health/portal/internal/markdown"
	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/policy"
)

// privacy shows the version in force (GET /privacy), or a short note when nothing
// has been published yet.
func (a *App) privacy(c echo.Context) error {
	ctx := c.Request().Context()
	cur, err := a.policies.Current(ctx)
	if err != nil {
		return err
	}
	p := policy.PrivacyProps{}
	title := t(c, "policy.title")
	if cur != nil {
		doc, err := a.PolicyDocument(ctx, cur, lang(c))
		if err != nil {
			return err
		}
		p.Doc, title = &doc, doc.Title
	}
	return a.render(c, http.StatusOK, policy.Privacy(a.page(c, title), p))
}

// privacyVersion shows one published version (GET /privacy/versions/:id), with a
// pointer to the version in force when it is another. Drafts and pending versions
// do not exist for the public (404).
func (a *App) privacyVersion(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return echo.ErrNotFound
	}
	ctx := c.Request().Context()
	v, err := a.policies.GetPublished(ctx, id)
	if err != nil {
		return err
	}
	doc, err := a.PolicyDocument(ctx, v, lang(c))
	if err != nil {
		return err
	}
	p := policy.PrivacyProps{Doc: &doc}
	if cur, err := a.policies.Current(ctx); err != nil {
		return err
	} else if cur != nil {
		p.CurrentID = cur.ID
	}
	return a.render(c, http.StatusOK, policy.Privacy(a.page(c, t(c, "policy.version_title", v.Version)), p))
}

// privacyHistory lists every published version (GET /privacy/history), newest
// effective date first, marking the one in force and the upcoming ones.
func (a *App) privacyHistory(c echo.Context) error {
	ctx := c.Request().Context()
	versions, err := a.policies.History(ctx)
	if err != nil {
		return err
	}
	now, l := a.now(), lang(c)
	var current int64
	for _, v := range versions {
		if v.Effective(now) {
			current = v.ID
			break
		}
	}
	p := policy.HistoryProps{}
	for i, v := range versions {
		row := policy.HistoryRow{ID: v.ID, Version: v.Version, Title: v.Title(l), Summary: v.Summary(l),
			Lang: textLang(l, v.TitleEn), Material: v.Material, InForce: v.ID == current, Upcoming: !v.Effective(now)}
		if v.EffectiveAt != nil {
			row.EffectiveAt = *v.EffectiveAt
		}
		if i+1 < len(versions) {
			row.PrevID = versions[i+1].ID
		}
		p.Rows = append(p.Rows, row)
	}
	return a.render(c, http.StatusOK, policy.History(a.page(c, t(c, "policy.history.title")), p))
}

// PolicyDocument prepares version v for reading in language l: texts in l (zh-CN
// when l has none), the body through the sanitiser, whether it is in force or
// upcoming, and the version before it for the compare link. The public pages, the
// officers' preview and the re-consent review page all show a version through it.
func (a *App) PolicyDocument(ctx context.Context, v *models.PolicyVersion, l i18n.Lang) (policy.Document, error) {
	body, err := markdown.Render(v.Body(l))
	if err != nil {
		return policy.Document{}, err
	}
	body, hasTerms := markTerms(body)
	now := a.now()
	d := policy.Document{ID: v.ID, Version: v.Version, Title: v.Title(l), Summary: v.Summary(l), BodyHTML: body,
		Lang: textLang(l, v.BodyEn), Material: v.Material, EffectiveAt: v.EffectiveAt, HasTerms: hasTerms,
		Draft: v.Status != models.PolicyPublished}
	if d.Draft {
		return d, nil
	}
	d.Upcoming = !v.Effective(now)
	if cur, err := a.policies.Current(ctx); err != nil {
		return d, err
	} else if cur != nil {
		d.InForce = cur.ID == v.ID
	}
	if prev, err := a.policies.Previous(ctx, v); err != nil {
		return d, err
	} else if prev != nil {
		d.PrevID = prev.ID
	}
	return d, nil
}

// textLang is the language a version's text is shown in: English when asked for
// and present, else zh-CN (the fallback of PolicyVersion.Title/Body).
func textLang(l i18n.Lang, en string) string {
	if l == i18n.EN && en != "" {
		return string(i18n.EN)
	}
	return string(i18n.ZH)
}

// termsHeading finds the sanitiser's headings (<h2 id="…">text</h2>).
var termsHeading = regexp.MustCompile(`<h([2-4]) id="([^"]*)">([^<]*)</h[2-4]>`)

// markTerms gives the body's user-agreement heading (用户协议, "User agreement",
// "Terms of use"/"Terms of service") the id "terms", which the registration form
// links to (/privacy#terms), and reports whether the body has one. The sanitiser
// already ran; the only change is an id value this code chooses.
func markTerms(html string) (string, bool) {
	if strings.Contains(html, `id="terms"`) {
		return html, true
	}
	found := false
	out := termsHeading.ReplaceAllStringFunc(html, func(h string) string {
		m := termsHeading.FindStringSubmatch(h)
		text := strings.ToLower(m[3])
		if found || !(strings.Contains(text, "用户协议") || strings.Contains(text, "user agreement") ||
			strings.Contains(text, "terms of use") || strings.Contains(text, "terms of service")) {
			return h
		}
		found = true
		return strings.Replace(h, `id="`+m[2]+`"`, `id="terms"`, 1)
	})
	return out, found
}
