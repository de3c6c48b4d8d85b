package handlers_test

import (
	"net/http"
	"testing"

	"github.com/yibao-health/portal/handlers"
	"github.com/yibao-health/portal/internal/config"
	"github.com/yibao-health/portal/internal/testkit/webclient"
)

// Every route in Echo's table must have been declared with an access class.
// policy: C4.1-5
func TestEveryRouteDeclaresItsAccess(t *testing.T) {
	ta := newApp(t, nil)
	routes := ta.app.Echo().Routes()
	if len(routes) < 5 {
		t.Fatalf("suspiciously few routes: %d", len(routes))
	}
	for _, r := range routes {
		if _, ok := handlers.AccessOfRoute(r); !ok {
			t.Errorf("route %s %s has no access class (name %q)", r.Method, r.Path, r.Name)
		}
	}
}

// Development tools do not exist in production, and non-public classes are denied
// while no one can sign in.
func TestDevRoutesAreHiddenInProduction(t *testing.T) {
	dev := webclient.New(t, newApp(t, nil).url)
	if r := dev.Get("/dev/outbox"); r.Status != http.StatusOK {
		t.Errorf("dev outbox in development: %d", r.Status)
	}
	prod := webclient.New(t, newApp(t, func(c *config.Config) { c.Env = config.Production }).url)
	if r := prod.Get("/dev/outbox"); r.Status != http.StatusNotFound {
		t.Errorf("dev outbox in production: %d, want 404", r.Status)
	}
}

func TestHealthAndReadiness(t *testing.T) {
	ta := newApp(t, nil)
	c := webclient.New(t, ta.url)
	if r := c.Get("/healthz"); r.Status != 200 || r.Body != "ok\n" {
		t.Errorf("healthz: %d %q", r.Status, r.Body)
	}
	if r := c.Get("/readyz"); r.Status != 200 {
		t.Errorf("readyz: %d %q", r.Status, r.Body)
	}
}

func TestReadinessFailsWhenDatabaseIsGone(t *testing.T) {
	ta := newApp(t, nil)
	sqlDB, err := ta.db.DB()
	if err != nil {
		t.Fatal(err)
	}
	sqlDB.Close()
	c := webclient.New(t, ta.url)
	if r := c.Get("/readyz"); r.Status != http.StatusServiceUnavailable {
		t.Errorf("readyz with the database closed: %d", r.Status)
	}
	if r := c.Get("/healthz"); r.Status != http.StatusOK {
		t.Errorf("healthz must not depend on the database: %d", r.Status)
	}
}
