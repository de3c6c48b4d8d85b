package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	otptotp "github.com/pquerna/otp/totp"

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

// testTOTPSecret is the shared secret of accounts made by createAccount with MFA.
const testTOTPSecret = "JBSWY3DPEHPK3PXP"

// createAccount stores an account directly (no pages), with the test password and,
// for doctors and staff, MFA enrolled with testTOTPSecret.
func (ta *testApp) createAccount(t *testing.T, n models.NewAccount) *models.User {
	t.Helper()
	if n.Password == "" {
		n.Password = testPassword
	}
	if n.Kind != models.KindPatient && n.TOTPSecret == "" {
		n.TOTPSecret = testTOTPSecret
	}
	u, err := ta.accounts.CreateAccount(context.Background(), n, models.AuditContext{ActorKind: models.ActorSystem})
	if err != nil {
		t.Fatalf("create account: %v", err)
	}
	return u
}

// totpNow is the current code for testTOTPSecret on the app's clock. Each call first
// moves the clock one step on, because a code's step is accepted only once.
func (ta *testApp) totpNow(t *testing.T) string {
	t.Helper()
	ta.clock.Advance(30 * time.Second)
	code, err := otptotp.GenerateCode(testTOTPSecret, ta.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// signInFull signs login in with the test password and, when asked, the TOTP code;
// it returns the client and the final response's redirect target.
func (ta *testApp) signInFull(t *testing.T, login string) *webclient.Client {
	t.Helper()
	c := webclient.New(t, ta.url)
	r := signIn(c, login, testPassword)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("sign in %s: %d %s", login, r.Status, r.Text())
	}
	if r.Location() == "/login/mfa" {
		r = c.Submit("/login/mfa", "/login/mfa", url.Values{"code": {ta.totpNow(t)}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("mfa %s: %d %s", login, r.Status, r.Text())
		}
	}
	return c
}
