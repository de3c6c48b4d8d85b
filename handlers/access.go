package handlers

import (
	"strings"

	"github.com/labstack/echo/v4"
)

// Access is who may call a route. Every route declares one; the router test fails on
// any route without it, and the guard middleware refuses everyone else.
type Access string

// Access classes. Staff routes name a capability: Staff("support").
const (
	Public  Access = "public"  // anyone, signed in or not
	DevOnly Access = "dev"     // development mode only; 404 in production
	Patient Access = "patient" // a signed-in patient
	Doctor  Access = "doctor"  // a signed-in, verified doctor with MFA
)

// Staff is the access class of a route for staff holding capability.
func Staff(capability string) Access { return Access("staff:" + capability) }

// Valid reports whether a is a known access class.
func (a Access) Valid() bool {
	switch a {
	case Public, DevOnly, Patient, Doctor:
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
func (a *App) route(method, path string, access Access, h echo.HandlerFunc) {
	if !access.Valid() {
		panic("handlers: route " + method + " " + path + " has invalid access class " + string(access))
	}
	r := a.echo.Add(method, path, h, a.guard(access))
	r.Name = string(access) + routeNameSep + method + " " + path
}

// guard enforces a route's access class. Until accounts exist, only public routes (and
// development tools outside production) are reachable: deny by default, as 404 so a
// refused route looks like one that does not exist.
func (a *App) guard(access Access) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			switch {
			case access == Public:
				return next(c)
			case access == DevOnly && !a.cfg.Production():
				return next(c)
			}
			return echo.ErrNotFound
		}
	}
}
