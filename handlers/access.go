package handlers

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/models"
)

// Access is who may call a route. Every route declares one; the router test fails on
// any route without it, and the guard middleware refuses everyone else.
type Access string

// Access classes. Staff routes name a capability: Staff("support").
const (
	Public    Access = "public"    // anyone, signed in or not
	DevOnly   Access = "dev"       // development mode only; 404 in production
	Pending   Access = "pending"   // password checked, second factor or MFA enrolment still to do
	Account   Access = "account"   // any signed-in user (security settings, devices)
	Patient   Access = "patient"   // a signed-in patient
	Applicant Access = "applicant" // a signed-in doctor, verified or not (application status)
	Doctor    Access = "doctor"    // a signed-in, verified doctor with MFA
	AnyStaff  Access = "staff"     // signed-in staff, any capability (the console's start page)
)

// Staff is the access class of a route for staff holding capability.
func Staff(capability string) Access { return Access("staff:" + capability) }

// Valid reports whether a is a known access class.
func (a Access) Valid() bool {
	switch a {
	case Public, DevOnly, Pending, Account, Patient, Applicant, Doctor, AnyStaff:
		return true
	}
	cap, ok := strings.CutPrefix(string(a), "staff:")
	return ok && (cap == "support" || cap == "privacy_officer" || cap == "admin")
}

// routeNameSep separates the access class from the route's own name in echo's Route.Name.
const routeNameSep = "|"

// AccessOfRoute reads the access class a route was declared with.
func AccessOfRoute(r *echo.Route) (Access, bool) {
	acc, _, ok := strings.Cut(r.Name, routeNameSep)
	if !ok || !Access(acc).Valid() {
		return "", false
	}
	return Access(acc), true
}

// route registers a handler with its access class; it is the only way routes are added.
// The guard runs first, then the re-consent gate (gate.go) unless flags exempt the route.
func (a *App) route(method, path string, access Access, h echo.HandlerFunc, flags ...RouteFlag) {
	if !access.Valid() {
		panic("handlers: route " + method + " " + path + " has invalid access class " + string(access))
	}
	mw := []echo.MiddlewareFunc{a.guard(access)}
	if gated(access, path, flags) {
		mw = append(mw, a.gate)
	}
	r := a.echo.Add(method, path, h, mw...)
	r.Name = string(access) + routeNameSep + method + " " + path + routeFlagsName(flags)
}

// guard enforces a route's access class: deny by default, and refuse with 404 so a
// refused route looks like one that does not exist (no existence leak). A visitor
// who opens a patient or account page is sent to sign in instead.
func (a *App) guard(access Access) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			ok, signedIn, err := a.allows(c, access)
			if err != nil {
				return err
			}
			if ok {
				return next(c)
			}
			if !signedIn && (access == Patient || access == Account || access == Applicant) && c.Request().Method == http.MethodGet {
				return redirect(c, paths.Login+"?next="+url.QueryEscape(c.Request().URL.RequestURI()))
			}
			return echo.ErrNotFound
		}
	}
}

// allows decides access for the request's principal.
func (a *App) allows(c echo.Context, access Access) (ok, signedIn bool, err error) {
	switch access {
	case Public:
		return true, false, nil
	case DevOnly:
		return !a.cfg.Production(), false, nil
	case Pending:
		u, err := a.pendingUser(c)
		return u != nil, false, err
	}
	u, err := a.user(c)
	if err != nil || u == nil {
		return false, false, err
	}
	switch access {
	case Account:
		return true, true, nil
	case Patient:
		return u.Kind == models.KindPatient, true, nil
	case Applicant:
		return u.Kind == models.KindDoctor, true, nil
	case Doctor:
		if u.Kind != models.KindDoctor || !u.HasMFA() {
			return false, true, nil
		}
		status, err := a.doctorStatus(c, u)
		return status == models.DoctorVerified, true, err
	case AnyStaff:
		return u.Kind == models.KindStaff && u.HasMFA(), true, nil
	}
	cap, _ := strings.CutPrefix(string(access), "staff:")
	return u.Can(cap) && u.HasMFA(), true, nil
}
