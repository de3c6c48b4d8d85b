package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/yibao-health/portal/internal/testkit/webclient"
	"github.com/yibao-health/portal/models"
)

// A TOTP code is accepted once: the same code again (same time step) is refused.
func TestTOTPCodeCannotBeReplayed(t *testing.T) {
	ta := newApp(t, nil)
	ta.createAccount(t, models.NewAccount{Kind: models.KindStaff, Email: "ops@example.com", Caps: []string{models.CapSupport}})
	code := ta.totpNow(t)
	first := webclient.New(t, ta.url)
	signIn(first, "ops@example.com", testPassword).Expect(http.StatusSeeOther)
	first.Submit("/login/mfa", "/login/mfa", url.Values{"code": {code}}).Expect(http.StatusSeeOther)

	second := webclient.New(t, ta.url)
	signIn(second, "ops@example.com", testPassword).Expect(http.StatusSeeOther)
	r := second.Submit("/login/mfa", "/login/mfa", url.Values{"code": {code}})
	if r.Status != http.StatusUnprocessableEntity || !r.HasText("验证码不正确或已使用") {
		t.Fatalf("replayed code: %d %s", r.Status, r.Text())
	}
}

// Staff without MFA meet the enrolment page first and get no session before it.
func TestStaffMustEnrolMFA(t *testing.T) {
	ta := newApp(t, nil)
	u, err := ta.accounts.CreateAccount(t.Context(), models.NewAccount{Kind: models.KindStaff, Email: "new@example.com",
		Password: testPassword, Caps: []string{models.CapAdmin}}, models.AuditContext{ActorKind: models.ActorSystem})
	if err != nil {
		t.Fatal(err)
	}
	c := webclient.New(t, ta.url)
	r := signIn(c, "new@example.com", testPassword)
	if r.Location() != "/mfa/setup" {
		t.Fatalf("staff without MFA went to %q", r.Location())
	}
	if r := c.Get("/login/mfa"); r.Location() != "/mfa/setup" {
		t.Fatalf("/login/mfa before enrolment: %d %s", r.Status, r.Location())
	}
	setup := c.Get("/mfa/setup").Expect(http.StatusOK)
	if !setup.HasText("设置两步验证") {
		t.Fatal("set-up page text missing")
	}
	if !strings.Contains(setup.Body, `src="data:image/png;base64,`) {
		t.Fatal("the QR code image is not a server-rendered data: PNG (templ sanitised the URL?)")
	}
	wrong := c.Submit("/mfa/setup", "/mfa/setup", url.Values{"code": {"000000"}})
	if wrong.Status != http.StatusUnprocessableEntity {
		t.Fatalf("wrong first code: %d", wrong.Status)
	}
	reloaded, _ := ta.accounts.User(t.Context(), u.ID)
	if reloaded.HasMFA() {
		t.Fatal("MFA enabled by a wrong code")
	}
}
