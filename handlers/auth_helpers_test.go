package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/yibao-health/portal/internal/testkit/webclient"
	"github.com/yibao-health/portal/models"
)

// DemoPassword is the password every test account uses.
const testPassword = "Demo-Pass-2026"

var sixDigits = regexp.MustCompile(`\b(\d{6})\b`)

// lastCode returns the newest one-time code the outbox holds for recipient.
func (ta *testApp) lastCode(t *testing.T, to string) string {
	t.Helper()
	for _, m := range ta.outbox.Recent() {
		if m.To == to {
			if c := sixDigits.FindString(m.Body); c != "" {
				return c
			}
		}
	}
	t.Fatalf("no code sent to %s", to)
	return ""
}

// registerPatient registers phone/username through the real pages and returns the
// signed-in client.
func (ta *testApp) registerPatient(t *testing.T, phone, username string) *webclient.Client {
	t.Helper()
	c := webclient.New(t, ta.url)
	c.Submit("/register", "/register/code", url.Values{"contact": {phone}}).Expect(http.StatusOK)
	code := ta.lastCode(t, phone)
	r := c.Submit("/register", "/register", url.Values{"contact": {phone}, "code": {code},
		"username": {username}, "password": {testPassword}, "agree": {"1"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("register: status %d: %s", r.Status, r.Text())
	}
	return c
}

// signIn posts the sign-in form and returns the response (not followed).
func signIn(c *webclient.Client, login, pw string) *webclient.Response {
	return c.Submit("/login", "/login", url.Values{"login": {login}, "password": {pw}})
}

// user loads an account by login for assertions.
func (ta *testApp) userByLogin(t *testing.T, login string) *models.User {
	t.Helper()
	u, err := ta.accounts.FindByLogin(context.Background(), login)
	if err != nil || u == nil {
		t.Fatalf("find %s: %v", login, err)
	}
	return u
}

func hasAll(s string, subs ...string) bool {
	for _, x := range subs {
		if !strings.Contains(s, x) {
			return false
		}
	}
	return true
}
