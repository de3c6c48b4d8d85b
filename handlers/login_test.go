package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/yibao-health/portal/internal/testkit/webclient"
)

func TestRegisterSignInSignOut(t *testing.T) {
	ta := newApp(t, nil)
	c := ta.registerPatient(t, "13800001111", "alice")

	u := ta.userByLogin(t, "13800001111")
	if !strings.HasPrefix(u.PasswordHash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("password hash is not argon2id at OWASP parameters: %.30s", u.PasswordHash)
	}
	if u.PhoneEnc == nil || strings.Contains(*u.PhoneEnc, "13800001111") {
		t.Fatal("phone stored in clear")
	}
	if u.TermsVersion == "" || u.TermsAcceptedAt == nil {
		t.Fatal("acceptance of the terms not stored")
	}
	signedIn := c.Cookie("sid")
	if signedIn == nil {
		t.Fatal("no session cookie after registration")
	}

	// Sign out: the server-side session is destroyed, so the old cookie is dead.
	c.Submit("/", "/logout", nil).Expect(http.StatusSeeOther)
	replay := webclient.New(t, ta.url)
	replay.HTTP.Jar.SetCookies(replay.Base, []*http.Cookie{{Name: "sid", Value: signedIn.Value}})
	if r := replay.Get("/login"); r.Status != http.StatusOK {
		t.Fatalf("old cookie after sign-out: /login answered %d (still signed in?)", r.Status)
	}

	// Sign in again with username, e-mail-less account: a new session ID.
	anon := webclient.New(t, ta.url)
	anon.Get("/login")
	r := signIn(anon, "ALICE", testPassword)
	if r.Status != http.StatusSeeOther || r.Location() != "/account" {
		t.Fatalf("sign-in: %d %s %s", r.Status, r.Location(), r.Text())
	}
	if ck := anon.Cookie("sid"); ck == nil || ck.Value == signedIn.Value {
		t.Fatal("session ID did not change at sign-in")
	}
}

func TestSessionIDChangesAtSignIn(t *testing.T) {
	ta := newApp(t, nil)
	c := ta.registerPatient(t, "13800001112", "bob")
	// Signing out leaves an anonymous session (it carries the "signed out" notice).
	c.Submit("/", "/logout", nil)
	before := c.Cookie("sid")
	if before == nil {
		t.Fatal("expected an anonymous session before sign-in")
	}
	signIn(c, "13800001112", testPassword).Expect(http.StatusSeeOther)
	after := c.Cookie("sid")
	if after == nil || after.Value == before.Value {
		t.Fatal("session ID did not change at sign-in (fixation)")
	}
}

func TestWrongPasswordFiveTimesThrottles(t *testing.T) {
	ta := newApp(t, nil)
	ta.registerPatient(t, "13800001113", "carol")
	c := webclient.New(t, ta.url)
	var last *webclient.Response
	for i := 0; i < 5; i++ {
		last = signIn(c, "13800001113", "wrong-password-"+string(rune('a'+i)))
		if i < 4 && last.Status != http.StatusUnprocessableEntity {
			t.Fatalf("attempt %d: %d %s", i+1, last.Status, last.Text())
		}
		ta.clock.Advance(time.Minute) // past the growing delay, inside the lock window
	}
	if last.Status != http.StatusTooManyRequests || !last.HasText("15") {
		t.Fatalf("5th wrong password: %d %s", last.Status, last.Text())
	}
	// Even the right password is refused while locked, and the owner was told.
	if r := signIn(c, "13800001113", testPassword); r.Status != http.StatusTooManyRequests {
		t.Fatalf("right password while locked: %d", r.Status)
	}
	told := false
	for _, m := range ta.outbox.Recent() {
		if m.To == "13800001113" && strings.Contains(m.Body, "15") && !sixDigits.MatchString(m.Body) {
			told = true
		}
	}
	if !told {
		t.Fatal("owner not told about the lock")
	}
}

func TestUnknownAndWrongGiveTheSameMessage(t *testing.T) {
	ta := newApp(t, nil)
	ta.registerPatient(t, "13800001114", "dave")
	c := webclient.New(t, ta.url)
	a := signIn(c, "13800001114", "not-the-password")
	b := signIn(c, "13899999999", "not-the-password")
	if a.Status != b.Status || a.Status != http.StatusUnprocessableEntity {
		t.Fatalf("statuses differ: %d vs %d", a.Status, b.Status)
	}
	if !a.HasText("账号或密码不正确") || !b.HasText("账号或密码不正确") {
		t.Fatal("generic message missing")
	}
	if a.Form("/login").Value("login") != "13800001114" {
		t.Fatal("the form lost what the user typed")
	}
}

// Notices go out in the language the user last chose, whoever triggers them.
func TestNoticesUseTheRecipientsLanguage(t *testing.T) {
	ta := newApp(t, nil)
	c := ta.registerPatient(t, "13800001115", "erin")
	c.Submit("/", "/lang", url.Values{"lang": {"en"}}).Expect(http.StatusSeeOther)
	attacker := webclient.New(t, ta.url) // Accept-Language empty: zh-CN
	for i := 0; i < 5; i++ {
		signIn(attacker, "13800001115", "wrong-"+string(rune('a'+i)))
		ta.clock.Advance(time.Minute)
	}
	for _, m := range ta.outbox.Recent() {
		if m.To == "13800001115" && strings.Contains(m.Body, "15") {
			if !strings.Contains(m.Body, "locked") {
				t.Fatalf("lock notice not in the owner's language: %q", m.Body)
			}
			return
		}
	}
	t.Fatal("no lock notice")
}
