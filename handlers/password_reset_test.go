package handlers_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/yibao-health/portal/internal/testkit/webclient"
	"github.com/yibao-health/portal/models"
)

// A reset proves the phone with a code, ends every session, and never signs in or
// skips the second factor.
func TestPasswordResetEndsSessionsAndKeepsMFA(t *testing.T) {
	ta := newApp(t, nil)
	ta.createAccount(t, models.NewAccount{Kind: models.KindStaff, Phone: "13700000001", Caps: []string{models.CapSupport}})
	open := ta.signInFull(t, "13700000001")
	open.Get("/staff") // a live session on another device

	c := webclient.New(t, ta.url)
	sent := c.Submit("/password/forgot", "/password/forgot", url.Values{"contact": {"13700000001"}}).Expect(http.StatusOK)
	if !sent.HasText("如果此手机号或邮箱已注册") {
		t.Fatal("no neutral notice")
	}
	code := ta.lastCode(t, "13700000001")

	// Unknown address: the same answer, and nothing sent.
	before := len(ta.outbox.Recent())
	unknown := c.Submit("/password/forgot", "/password/forgot", url.Values{"contact": {"13700000009"}}).Expect(http.StatusOK)
	if !unknown.HasText("如果此手机号或邮箱已注册") || len(ta.outbox.Recent()) != before {
		t.Fatal("reset of an unknown address differs or sent something")
	}

	bad := c.Submit("/password/forgot", "/password/reset", url.Values{"contact": {"13700000001"}, "code": {code}, "password": {"short"}})
	if bad.Status != http.StatusUnprocessableEntity || bad.Form("/password/reset").Value("contact") != "13700000001" {
		t.Fatalf("short password: %d", bad.Status)
	}
	r := c.Submit("/password/forgot", "/password/reset", url.Values{"contact": {"13700000001"}, "code": {code}, "password": {"a whole new passphrase"}})
	if r.Status != http.StatusSeeOther || r.Location() != "/login" {
		t.Fatalf("reset: %d %s %s", r.Status, r.Location(), r.Text())
	}
	// Bad short password consumed one try of the code? No: validation runs first.
	if got := open.Get("/login"); got.Status != http.StatusOK {
		t.Fatalf("other session still signed in after reset (status %d)", got.Status)
	}
	// The new password works, and the second factor is still asked for.
	next := webclient.New(t, ta.url)
	s := signIn(next, "13700000001", "a whole new passphrase")
	if s.Location() != "/login/mfa" {
		t.Fatalf("after reset, sign-in went to %q, want the MFA step", s.Location())
	}
}
