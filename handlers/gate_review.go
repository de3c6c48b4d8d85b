package handlers

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/i18n"
	"github.com/yibao-health/portal/internal/markdown"
	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/internal/textdiff"
	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/gate"
)

// gateNext is where a user goes once the gate lets them through: next when it is a
// path on this site (never the review pages themselves), else their landing page.
func (a *App) gateNext(c echo.Context, u *models.User, next string) string {
	if next == "" {
		return a.landing(c, u)
	}
	next = safeNext(next)
	if strings.HasPrefix(next, paths.PolicyReview) || strings.HasPrefix(next, paths.PolicyNotice) {
		return a.landing(c, u)
	}
	return next
}

// showReview is the review page (GET /privacy/review?next=): the changes since the
// version the user last accepted (else the previous one), the diff, the full text of
// the version in force, and accept or decline. A user with nothing to review goes on.
func (a *App) showReview(c echo.Context) error {
	ctx := c.Request().Context()
	u, err := a.user(c)
	if err != nil {
		return err
	}
	next := c.QueryParam("next")
	gc, err := a.policies.Gate(ctx, u.ID)
	if err != nil {
		return err
	}
	if gc.Block == nil {
		return redirect(c, a.gateNext(c, u, next))
	}
	cur, err := a.policies.Current(ctx)
	if err != nil || cur == nil {
		return errors.Join(err, errors.New("gate: a blocking version but no current one"))
	}
	base, accepted, err := a.reviewBase(ctx, u.ID, cur)
	if err != nil {
		return err
	}
	lang := i18n.FromContext(ctx)
	p := gate.ReviewProps{Version: gateVersion(cur, lang, a.now())}
	if next != "" {
		p.Next = safeNext(next)
	}
	if s, err := a.sess(c); err == nil {
		if key := a.takeFlash(c, s); key != "" {
			p.Notice = t(c, key)
		}
	}
	if p.FullHTML, err = markdown.Render(cur.Body(lang)); err != nil {
		return err
	}
	if p.Changes, err = a.changesSince(ctx, base, cur, lang); err != nil {
		return err
	}
	if base != nil {
		bv := gateVersion(base, lang, a.now())
		p.Base, p.BaseAccepted = &bv, accepted
		p.Title = gate.Build(textdiff.Diff(base.Title(lang), cur.Title(lang)))
		p.Body = gate.Build(textdiff.Diff(base.Body(lang), cur.Body(lang)))
		p.CompareURL = paths.PolicyCompareOf(base.ID, cur.ID)
	}
	return a.render(c, http.StatusOK, gate.Review(a.page(c, t(c, "gate.review.title")), p))
}

// reviewBase is the version the review compares with: the newest one the user
// accepted, else the one before cur; nil for the very first version.
func (a *App) reviewBase(ctx context.Context, userID int64, cur *models.PolicyVersion) (*models.PolicyVersion, bool, error) {
	last, err := a.policies.LastAccepted(ctx, userID)
	if err != nil {
		return nil, false, err
	}
	if last != nil && last.ID != cur.ID {
		return last, true, nil
	}
	prev, err := a.policies.Previous(ctx, cur)
	return prev, false, err
}

// changesSince lists the summaries of the versions after base up to cur, newest
// first (every version in force the user has not accepted).
func (a *App) changesSince(ctx context.Context, base, cur *models.PolicyVersion, lang i18n.Lang) ([]gate.Change, error) {
	hist, err := a.policies.History(ctx)
	if err != nil {
		return nil, err
	}
	var out []gate.Change
	for i := range hist {
		v := &hist[i]
		if v.EffectiveAt == nil || laterVersion(v, cur) || (base != nil && !laterVersion(v, base)) {
			continue
		}
		html, err := markdown.Render(v.Summary(lang))
		if err != nil {
			return nil, err
		}
		out = append(out, gate.Change{Version: gateVersion(v, lang, a.now()), SummaryHTML: html})
	}
	return out, nil
}

// laterVersion reports whether a comes after b in the order versions take effect:
// by effective date, then by id (two versions may take effect at the same moment).
func laterVersion(a, b *models.PolicyVersion) bool {
	if !a.EffectiveAt.Equal(*b.EffectiveAt) {
		return a.EffectiveAt.After(*b.EffectiveAt)
	}
	return a.ID > b.ID
}

// acceptPolicy records the user's acceptance of the version in force (channel gate,
// truncated IP, browser summary, with an audit row) and returns them to where they
// were going. policy: C6.1
func (a *App) acceptPolicy(c echo.Context) error {
	return a.decidePolicy(c, models.DecisionAccepted)
}

// declinePolicy records a decline and shows the exits.
func (a *App) declinePolicy(c echo.Context) error {
	return a.decidePolicy(c, models.DecisionDeclined)
}

func (a *App) decidePolicy(c echo.Context, decision string) error {
	ctx := c.Request().Context()
	u, err := a.user(c)
	if err != nil {
		return err
	}
	next := c.FormValue("next")
	gc, err := a.policies.Gate(ctx, u.ID)
	if err != nil {
		return err
	}
	if gc.Block == nil { // nothing to decide (decided in another tab, or never asked)
		return redirect(c, a.gateNext(c, u, next))
	}
	id, _ := strconv.ParseInt(c.FormValue("version"), 10, 64)
	err = a.policies.DecidePolicy(ctx, u.ID, id, decision, consentContext(c, models.ChannelGate), a.actor(c))
	if errors.Is(err, models.ErrNotInForce) {
		if s, serr := a.sess(c); serr == nil {
			a.setFlash(c, s, "gate.review.changed")
		}
		return redirect(c, paths.PolicyReviewNext(next))
	}
	if err != nil {
		return err
	}
	if decision == models.DecisionDeclined {
		return redirect(c, paths.PolicyDeclined)
	}
	return redirect(c, a.gateNext(c, u, next))
}

// showDeclined lists the exits after a decline (GET /privacy/review/declined).
func (a *App) showDeclined(c echo.Context) error {
	ctx := c.Request().Context()
	u, err := a.user(c)
	if err != nil {
		return err
	}
	gc, err := a.policies.Gate(ctx, u.ID)
	if err != nil {
		return err
	}
	if gc.Block == nil {
		return redirect(c, a.landing(c, u))
	}
	cur, err := a.policies.Current(ctx)
	if err != nil || cur == nil {
		return errors.Join(err, errors.New("gate: a blocking version but no current one"))
	}
	p := gate.DeclinedProps{Version: gateVersion(cur, i18n.FromContext(ctx), a.now()), ReviewURL: paths.PolicyReview}
	// The exits' own pages come with later issues; until a route exists the page
	// shows them as coming soon.
	if a.hasRoute(http.MethodGet, paths.AccountExport) {
		p.ExportURL = paths.AccountExport
	}
	if a.hasRoute(http.MethodGet, paths.AccountCancel) {
		p.CancelURL = paths.AccountCancel
	}
	return a.render(c, http.StatusOK, gate.Declined(a.page(c, t(c, "gate.declined.title")), p))
}

// dismissNotice records that the user saw the banner of a minor version (decision
// notice_shown); continued use is acceptance, so nothing more is asked. policy: C6.1
func (a *App) dismissNotice(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	id, _ := strconv.ParseInt(c.FormValue("version"), 10, 64)
	if err := a.policies.NoticeSeen(c.Request().Context(), u.ID, id, consentContext(c, models.ChannelWeb)); err != nil {
		return err
	}
	return redirect(c, a.gateNext(c, u, c.FormValue("next")))
}

// hasRoute reports whether a route is declared for method and path.
func (a *App) hasRoute(method, path string) bool {
	for _, r := range a.echo.Routes() {
		if r.Method == method && r.Path == path {
			return true
		}
	}
	return false
}
