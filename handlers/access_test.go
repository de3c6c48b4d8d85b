package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/yibao-health/portal/handlers"
	"github.com/yibao-health/portal/internal/testkit/webclient"
	"github.com/yibao-health/portal/models"
)

// Every doctor route and every staff route answers 404 to anyone its class does not
// admit — a visitor, a patient, an unverified doctor, a verified doctor on staff
// routes, staff without the capability — and the admitted principal gets through on
// each parameterless GET (so the 404s come from the guard, not from missing pages).
// policy: C4.1-5
func TestDoctorAndStaffRoutesRefuseEveryoneElse(t *testing.T) {
	ta := newApp(t, nil)
	ta.createAccount(t, models.NewAccount{Kind: models.KindPatient, Phone: "13800002001"})
	ta.createAccount(t, models.NewAccount{Kind: models.KindDoctor, Phone: "13900002001",
		Doctor: &models.DoctorProfile{RealName: "待审", Hospital: "H", Department: "D", Title: "T", LicenceNumber: "1", Status: models.DoctorPending}})
	ta.createAccount(t, models.NewAccount{Kind: models.KindDoctor, Phone: "13900002002",
		Doctor: &models.DoctorProfile{RealName: "已审", Hospital: "H", Department: "D", Title: "T", LicenceNumber: "2", Status: models.DoctorVerified}})
	ta.createAccount(t, models.NewAccount{Kind: models.KindStaff, Email: "support@example.com", Caps: []string{models.CapSupport}})
	ta.createAccount(t, models.NewAccount{Kind: models.KindStaff, Email: "privacy@example.com", Caps: []string{models.CapPrivacyOfficer}})
	ta.createAccount(t, models.NewAccount{Kind: models.KindStaff, Email: "admin@example.com", Caps: []string{models.CapAdmin}})

	who := map[string]*webclient.Client{
		"visitor":           webclient.New(t, ta.url),
		"patient":           ta.signInFull(t, "13800002001"),
		"unverified doctor": ta.signInFull(t, "13900002001"),
		"doctor":            ta.signInFull(t, "13900002002"),
		"support":           ta.signInFull(t, "support@example.com"),
		"privacy officer":   ta.signInFull(t, "privacy@example.com"),
		"admin":             ta.signInFull(t, "admin@example.com"),
	}
	admits := map[handlers.Access][]string{
		handlers.Doctor:                   {"doctor"},
		handlers.AnyStaff:                 {"support", "privacy officer", "admin"},
		handlers.Staff("support"):         {"support"},
		handlers.Staff("privacy_officer"): {"privacy officer"},
		handlers.Staff("admin"):           {"admin"},
	}
	checked := 0
	for _, r := range ta.app.Echo().Routes() {
		acc, _ := handlers.AccessOfRoute(r)
		allowed, guarded := admits[acc]
		if !guarded {
			continue
		}
		path := fillParams(r.Path)
		for name, c := range who {
			in := false
			for _, a := range allowed {
				in = in || a == name
			}
			res := request(c, r.Method, path)
			switch {
			case !in && res.Status != http.StatusNotFound:
				t.Errorf("%s %s (%s) as %s: status %d, want 404", r.Method, r.Path, acc, name, res.Status)
			case in && r.Method == http.MethodGet && path == r.Path && res.Status == http.StatusNotFound:
				t.Errorf("%s %s (%s) as %s: 404, but this principal is admitted", r.Method, r.Path, acc, name)
			}
		}
		checked++
	}
	if checked < 2 {
		t.Fatalf("only %d doctor/staff routes checked", checked)
	}
}

// fillParams puts harmless values into path parameters.
func fillParams(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if strings.HasPrefix(s, ":") {
			parts[i] = "1"
		} else if s == "*" {
			parts[i] = "x"
		}
	}
	return strings.Join(parts, "/")
}

// request sends method to path with the client's CSRF token, so a refusal is the
// guard's and not the CSRF check's.
func request(c *webclient.Client, method, path string) *webclient.Response {
	if method == http.MethodGet || method == http.MethodHead {
		return c.Get(path)
	}
	c.Get("/")
	hdr := http.Header{"Origin": {c.Base.Scheme + "://" + c.Base.Host}}
	if ck := c.Cookie("csrf"); ck != nil {
		hdr.Set("X-CSRF-Token", ck.Value)
	}
	return c.Do(method, path, "application/x-www-form-urlencoded", strings.NewReader(""), hdr)
}
