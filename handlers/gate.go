package handlers

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/internal/session"
	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/layouts"
)

// The re-consent gate (issue 4, policy C6.1, invariant 5). When a material policy
// version is in force, a signed-in patient, doctor or staff member who has not
// accepted it (or a later version) reaches nothing but the exits until they accept:
// every other route answers 303 to the review page, before its handler runs, so
// nothing is performed. A newer minor version only adds a dismissible banner.
//
// Exits are declared on the route (the GateExempt flag) or, for whole areas whose
// routes are declared elsewhere, by path (gateExemptPath). Routes the guard refuses
// answer 404 as before: the guard runs first.

// RouteFlag changes how a route is guarded; route() takes any number of them.
type RouteFlag string

// GateExempt keeps a route reachable for a user the gate stops: sign-out, the
// language switch, health checks, static files, the policy pages and the exits.
const GateExempt RouteFlag = "gate-exempt"

// ctxGateNotice holds the minor version whose banner the page shows.
const ctxGateNotice = "gate_notice"

// gateExemptPath reports whether path belongs to an area the gate always lets
// through: the privacy policy (current version, history, versions, comparison,
// receipts' keys and check, the review page itself) and the exits a user who
// declines keeps — data export and account cancellation (their pages come with
// later issues; the exemption is already here so those issues cannot forget it).
func gateExemptPath(path string) bool {
	for _, p := range []string{paths.Privacy, paths.AccountExport, paths.AccountCancel} {
		if path == p || strings.HasPrefix(path, p+"/") {
			return true
		}
	}
	return false
}

// gated reports whether a route passes through the gate. Development tools and the
// half-signed-in steps (password checked, second factor pending) have no signed-in
// user to stop.
func gated(access Access, path string, flags []RouteFlag) bool {
	if access == DevOnly || access == Pending || slices.Contains(flags, GateExempt) {
		return false
	}
	return !gateExemptPath(path)
}

// routeFlagsName is the suffix route() adds to the route's name for its flags, so the
// route table tells tests which routes are exempt.
func routeFlagsName(flags []RouteFlag) string {
	var b strings.Builder
	for _, f := range flags {
		b.WriteString(routeNameSep + string(f))
	}
	return b.String()
}

// GateExemptRoute reports whether the gate lets r through (tests walk the table).
func GateExemptRoute(r *echo.Route) bool {
	acc, ok := AccessOfRoute(r)
	if !ok {
		return false
	}
	var flags []RouteFlag
	if parts := strings.Split(r.Name, routeNameSep); len(parts) > 2 { // access|method path|flags…
		for _, f := range parts[2:] {
			flags = append(flags, RouteFlag(f))
		}
	}
	return !gated(acc, r.Path, flags)
}

// gate is the route middleware that stops a signed-in user who must review the
// policy. It costs the user's load (shared with the rest of the request) and at
// most two small indexed statements (models.Policies.Gate).
func (a *App) gate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		u, err := a.user(c)
		if err != nil || u == nil {
			if err != nil {
				return err
			}
			return next(c)
		}
		gc, err := a.policies.Gate(c.Request().Context(), u.ID)
		if err != nil {
			return err // fail closed: no page without the decision
		}
		if gc.Block != nil {
			req := c.Request()
			to := paths.PolicyReview
			if req.Method == http.MethodGet || req.Method == http.MethodHead {
				to = paths.PolicyReviewNext(req.URL.RequestURI())
			}
			return redirect(c, to)
		}
		if gc.Notice != nil {
			c.Set(ctxGateNotice, gc.Notice)
		}
		return next(c)
	}
}

// gateBanner is the banner of a newer minor version for Page.Banner, or nil.
func (a *App) gateBanner(c echo.Context) *layouts.Banner {
	v, _ := c.Get(ctxGateNotice).(*models.GateVersion)
	if v == nil {
		return nil
	}
	next := ""
	if c.Request().Method == http.MethodGet {
		next = c.Request().URL.RequestURI()
	}
	return &layouts.Banner{
		Label:        t(c, "gate.banner.label"),
		Message:      t(c, "gate.banner.message", v.Version, gateDate(v.EffectiveAt)),
		Link:         paths.PolicyCompare + "?to=" + strconv.FormatInt(v.ID, 10),
		LinkLabel:    t(c, "gate.banner.link"),
		Dismiss:      paths.PolicyNotice,
		DismissLabel: t(c, "gate.banner.dismiss"),
		Hidden:       []layouts.Hidden{{Name: "version", Value: strconv.FormatInt(v.ID, 10)}, {Name: "next", Value: next}},
	}
}

// gateDate is a version's effective date as readers in China see it.
func gateDate(t time.Time) string { return t.In(models.ChinaTime).Format("2006-01-02") }

// consentContext is where a decision is made: channel, truncated IP, browser summary
// (never the full address or User-Agent).
func consentContext(c echo.Context, channel string) models.ConsentContext {
	return models.ConsentContext{Channel: channel, ClientIP: session.TruncateIP(c.RealIP()),
		UserAgent: session.DeviceSummary(c.Request().UserAgent())}
}
