package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	otptotp "github.com/pquerna/otp/totp"

	"github.com/yibao-health/portal/handlers"
	"github.com/yibao-health/portal/internal/testkit/webclient"
	"github.com/yibao-health/portal/models"
)

var (
	staffLinkRE   = regexp.MustCompile(`/enroll/([A-Za-z0-9_-]{20,})`)
	staffSecretRE = regexp.MustCompile(`data-testid="totp-secret">([A-Z2-7]+)<`)
)

// staffAdmin creates an admin (MFA enrolled) and signs them in.
func (ta *testApp) staffAdmin(t *testing.T, email string) (*webclient.Client, *models.User) {
	t.Helper()
	u := ta.createAccount(t, models.NewAccount{Kind: models.KindStaff, Email: email, Caps: []string{models.CapAdmin}})
	return ta.signInFull(t, email), u
}

// staffPage is the admin page of account id.
func staffPage(id int64) string { return "/staff/accounts/" + strconv.FormatInt(id, 10) }

// staffAudit returns the successful audit rows with action.
func (ta *testApp) staffAudit(t *testing.T, action string) []models.AuditEntry {
	t.Helper()
	var rows []models.AuditEntry
	if err := ta.db.Where("action = ? AND outcome = ?", action, models.OutcomeSuccess).Order("id").Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	return rows
}

// staffNoLeaks fails if the audit log or the application log holds any of values
// (invariant 10: no reasons, phone numbers, addresses or tokens).
func (ta *testApp) staffNoLeaks(t *testing.T, values ...string) {
	t.Helper()
	var rows []models.AuditEntry
	ta.db.Find(&rows)
	for _, r := range rows {
		line := strings.Join([]string{r.Action, r.ObjectID, r.Details, r.RequestID, r.ClientIP}, " ")
		for _, v := range values {
			if strings.Contains(line, v) {
				t.Errorf("audit row %d (%s) holds %q", r.ID, r.Action, v)
			}
		}
	}
	logs := ta.logs.String()
	for _, v := range values {
		if strings.Contains(logs, v) {
			t.Errorf("application log holds %q", v)
		}
	}
}

// A lock ends the account's open sessions at once: the very next request of a
// signed-in patient, and of a signed-in staff member, is a visitor's. The lock is
// audited, the owner is told, and the reason stays out of every log.
// policy: C4.3, C6.4
func TestLockedAccountIsRefusedOnItsNextRequest(t *testing.T) {
	ta := newApp(t, nil)
	ac, admin := ta.staffAdmin(t, "admin@example.com")
	pc := ta.registerPatient(t, "13800003001", "lockme")
	pc.Get("/account").Expect(http.StatusOK)
	patient := ta.userByLogin(t, "13800003001")

	r := ac.Submit("/staff/accounts", "/staff/accounts", url.Values{"login": {"13800003001"}}).Expect(http.StatusSeeOther)
	if r.Location() != staffPage(patient.ID) {
		t.Fatalf("find by phone went to %q", r.Location())
	}
	page := ac.Get(r.Location()).Expect(http.StatusOK)
	if !page.HasText("138****3001") || strings.Contains(page.Body, "13800003001") {
		t.Fatal("account page must show the phone masked, and only masked")
	}
	if nf := ac.Submit("/staff/accounts", "/staff/accounts", url.Values{"login": {"13800009999"}}); nf.Status != http.StatusUnprocessableEntity || !nf.HasText("No account matches") && !nf.HasText("没有找到匹配的账户") {
		t.Fatalf("unknown phone: %d", nf.Status)
	}

	// A reason that is too short is refused with the typed text kept; nothing changes.
	bad := ac.Submit(staffPage(patient.ID), staffPage(patient.ID)+"/lock", url.Values{"lock_reason": {"bad"}})
	if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, ">bad</textarea>") {
		t.Fatalf("short reason: %d", bad.Status)
	}
	pc.Get("/account").Expect(http.StatusOK)

	reason := "Caller reported a stolen phone, ticket QX-5521"
	ac.Submit(staffPage(patient.ID), staffPage(patient.ID)+"/lock", url.Values{"lock_reason": {reason}}).Expect(http.StatusSeeOther)
	// The very next request of the patient's open session is refused.
	next := pc.Get("/account")
	if next.Status != http.StatusSeeOther || !strings.HasPrefix(next.Location(), "/login") {
		t.Fatalf("locked patient's next request: %d %q", next.Status, next.Location())
	}
	if got, _ := ta.sessions.List(context.Background(), patient.ID, ""); len(got) != 0 {
		t.Fatalf("%d sessions of the locked account still live", len(got))
	}
	if res := signIn(webclient.New(t, ta.url), "13800003001", testPassword); res.Status == http.StatusSeeOther {
		t.Fatal("locked account signed in")
	}
	after := ac.Get(staffPage(patient.ID)).Expect(http.StatusOK)
	if !after.HasText(reason) {
		t.Error("the admin history does not show the lock reason")
	}
	if rows := ta.staffAudit(t, "account.lock"); len(rows) != 1 || rows[0].ActorID != admin.ID || rows[0].ObjectID != strconv.FormatInt(patient.ID, 10) {
		t.Fatalf("account.lock audit: %+v", rows)
	}
	told := false
	for _, m := range ta.outbox.Recent() {
		told = told || (m.To == "13800003001" && !strings.Contains(m.Body, "QX-5521"))
	}
	if !told {
		t.Error("the owner was not told (or the notice quotes the reason)")
	}

	// Even without the revocation, a lock alone refuses the session's next request.
	support := ta.createAccount(t, models.NewAccount{Kind: models.KindStaff, Email: "support@example.com", Caps: []string{models.CapSupport}})
	sc := ta.signInFull(t, "support@example.com")
	sc.Get("/staff").Expect(http.StatusOK)
	if err := ta.accounts.LockAccount(context.Background(), admin, support.ID, "left the company today", models.AuditContext{ActorKind: models.ActorStaff, ActorID: admin.ID}); err != nil {
		t.Fatal(err)
	}
	sc.Get("/staff").Expect(http.StatusNotFound)

	ac.Submit(staffPage(patient.ID), staffPage(patient.ID)+"/unlock", url.Values{"unlock_reason": {"Identity confirmed by call-back"}}).Expect(http.StatusSeeOther)
	if res := signIn(webclient.New(t, ta.url), "13800003001", testPassword); res.Status != http.StatusSeeOther {
		t.Fatalf("unlocked account cannot sign in: %d", res.Status)
	}
	if rows := ta.staffAudit(t, "account.unlock"); len(rows) != 1 || rows[0].ActorID != admin.ID {
		t.Fatalf("account.unlock audit: %+v", rows)
	}
	ta.staffNoLeaks(t, reason, "QX-5521", "call-back", "left the company", "13800003001")
}

// An admin invites a staff member: the account exists without a password, the link
// goes out by e-mail only, and the invitee sets a password and is then held at MFA
// enrolment before any session exists. The link works once; an expired one is the
// same "invalid or expired" 404. The token never reaches a log or the audit log.
// policy: C4.1-5
func TestStaffInvitationToEnrolment(t *testing.T) {
	ta := newApp(t, nil)
	ac, admin := ta.staffAdmin(t, "admin@example.com")

	bad := ac.Submit("/staff/invite", "/staff/invite", url.Values{"email": {"not-an-address"}})
	if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, `value="not-an-address"`) {
		t.Fatalf("invalid invitation: %d", bad.Status)
	}
	r := ac.Submit("/staff/invite", "/staff/invite", url.Values{"email": {"New.Member@Example.com"}, "capabilities": {"support", "privacy_officer"}})
	if r.Status != http.StatusSeeOther || r.Location() != "/staff/members" {
		t.Fatalf("invite: %d %q %s", r.Status, r.Location(), r.Text())
	}
	var mail string
	for _, m := range ta.outbox.Recent() {
		if m.To == "new.member@example.com" {
			mail = m.Body
		}
	}
	link := staffLinkRE.FindStringSubmatch(mail)
	if link == nil {
		t.Fatalf("no enrolment link in the e-mail: %q", mail)
	}
	token := link[1]
	list := ac.Get("/staff/members").Expect(http.StatusOK)
	if strings.Contains(list.Body, token) || strings.Contains(list.Body, "new.member@example.com") || !list.HasText("n***@example.com") {
		t.Fatal("the staff list must show the invitee masked and never the link")
	}
	invitee := ta.userByLogin(t, "new.member@example.com")
	if invitee.PasswordHash != "" || invitee.Capabilities != "support,privacy_officer" {
		t.Fatalf("invitee: %+v", invitee)
	}

	ic := webclient.New(t, ta.url)
	ic.Get(link[0]).Expect(http.StatusOK)
	weak := ic.Submit(link[0], link[0], url.Values{"password": {"short"}})
	if weak.Status != http.StatusUnprocessableEntity {
		t.Fatalf("weak password: %d", weak.Status)
	}
	r = ic.Submit(link[0], link[0], url.Values{"password": {testPassword}})
	if r.Status != http.StatusSeeOther || r.Location() != "/mfa/setup" {
		t.Fatalf("set password: %d %q", r.Status, r.Location())
	}
	// Pending, not signed in: the console is still closed.
	ic.Get("/staff").Expect(http.StatusNotFound)
	setup := ic.Get("/mfa/setup").Expect(http.StatusOK)
	m := staffSecretRE.FindStringSubmatch(setup.Body)
	if m == nil {
		t.Fatal("no TOTP secret on the set-up page")
	}
	ta.clock.Advance(30 * time.Second)
	code, err := otptotp.GenerateCode(m[1], ta.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	ic.Submit("/mfa/setup", "/mfa/setup", url.Values{"code": {code}}).Expect(http.StatusOK)
	home := ic.Get("/staff").Expect(http.StatusOK)
	if !home.HasText("Privacy officer") && !home.HasText("隐私官") {
		t.Error("console does not list the invitee's capabilities")
	}
	ic.Get("/staff/members").Expect(http.StatusNotFound) // not an admin

	// Single use, and the same answer for used, unknown and expired links.
	for _, c := range []*webclient.Client{ic, webclient.New(t, ta.url)} {
		again := c.Get(link[0])
		if again.Status != http.StatusNotFound || !(again.HasText("invalid or has expired") || again.HasText("无效或已过期")) {
			t.Fatalf("used link: %d %s", again.Status, again.Text())
		}
	}
	webclient.New(t, ta.url).Get("/enroll/no-such-token-at-all-xxxxxxxx").Expect(http.StatusNotFound)
	ac.Submit("/staff/invite", "/staff/invite", url.Values{"email": {"late@example.com"}, "capabilities": {"support"}}).Expect(http.StatusSeeOther)
	late := staffLinkRE.FindStringSubmatch(ta.outbox.Recent()[0].Body)
	ta.clock.Advance(72*time.Hour + time.Minute)
	webclient.New(t, ta.url).Get(late[0]).Expect(http.StatusNotFound)

	for _, action := range []string{"staff.invite", "account.create", "staff.enrol"} {
		if len(ta.staffAudit(t, action)) == 0 {
			t.Errorf("no %s audit row", action)
		}
	}
	if rows := ta.staffAudit(t, "staff.invite"); rows[0].ActorID != admin.ID {
		t.Errorf("staff.invite actor %d, want the admin %d", rows[0].ActorID, admin.ID)
	}
	if rows := ta.staffAudit(t, "staff.enrol"); rows[0].ActorID != invitee.ID {
		t.Errorf("staff.enrol actor %d, want the invitee %d", rows[0].ActorID, invitee.ID)
	}
	ta.staffNoLeaks(t, token, late[1], "new.member@example.com")
}

// A patient, a doctor and staff without admin (and a visitor) get 404 on every
// admin route of the console, GET and POST alike; the admin gets the pages.
// policy: C4.3, C4.1-5
func TestStaffAdminRoutesAre404ForEveryoneElse(t *testing.T) {
	ta := newApp(t, nil)
	ac, _ := ta.staffAdmin(t, "admin@example.com")
	ta.createAccount(t, models.NewAccount{Kind: models.KindDoctor, Phone: "13900003001",
		Doctor: &models.DoctorProfile{RealName: "王医生", Hospital: "H", Department: "D", Title: "T", LicenceNumber: "1", Status: models.DoctorVerified}})
	ta.createAccount(t, models.NewAccount{Kind: models.KindStaff, Email: "support@example.com", Caps: []string{models.CapSupport, models.CapPrivacyOfficer}})
	others := map[string]*webclient.Client{
		"visitor": webclient.New(t, ta.url),
		"patient": ta.registerPatient(t, "13800003002", "walker"),
		"doctor":  ta.signInFull(t, "13900003001"),
		"support": ta.signInFull(t, "support@example.com"),
	}
	walked := 0
	for _, r := range ta.app.Echo().Routes() {
		if acc, _ := handlers.AccessOfRoute(r); acc != handlers.Staff("admin") || !strings.HasPrefix(r.Path, "/staff") {
			continue
		}
		path := strings.ReplaceAll(r.Path, ":id", "1")
		for name, c := range others {
			if res := staffRequest(c, r.Method, path); res.Status != http.StatusNotFound {
				t.Errorf("%s %s as %s: %d, want 404", r.Method, path, name, res.Status)
			}
		}
		if r.Method == http.MethodGet && !strings.Contains(r.Path, ":") {
			ac.Get(r.Path).Expect(http.StatusOK)
		}
		walked++
	}
	if walked < 10 {
		t.Fatalf("only %d admin routes walked", walked)
	}
	others["support"].Get("/staff").Expect(http.StatusOK) // the console itself is any staff's
	others["patient"].Get("/staff").Expect(http.StatusNotFound)
}

// staffRequest sends method to path with a valid CSRF token, so a refusal comes
// from the access guard.
func staffRequest(c *webclient.Client, method, path string) *webclient.Response {
	if method == http.MethodGet {
		return c.Get(path)
	}
	c.Get("/")
	hdr := http.Header{"Origin": {c.Base.Scheme + "://" + c.Base.Host}}
	if ck := c.Cookie("csrf"); ck != nil {
		hdr.Set("X-CSRF-Token", ck.Value)
	}
	body := url.Values{"capabilities": {"admin"}, "lock_reason": {"walk the routes"}, "mfa_reason": {"walk the routes"},
		"unlock_reason": {"walk the routes"}, "login": {"admin@example.com"}, "email": {"x@example.com"}}
	return c.Do(method, path, "application/x-www-form-urlencoded", strings.NewReader(body.Encode()), hdr)
}

// An admin can never change their own capabilities (nor lock themselves or reset their
// own MFA), even with a forged form; another admin can, and the member's sessions end.
// policy: C4.3
func TestAdminCannotGrantThemselvesCapabilities(t *testing.T) {
	ta := newApp(t, nil)
	ac, admin := ta.staffAdmin(t, "admin@example.com")
	own := ac.Get(staffPage(admin.ID)).Expect(http.StatusOK)
	if _, ok := own.FindForm(staffPage(admin.ID) + "/capabilities"); ok {
		t.Error("the admin's own page offers the capabilities form")
	}
	for action, field := range map[string]string{"capabilities": "capabilities", "lock": "lock_reason", "mfa-reset": "mfa_reason"} {
		vals := url.Values{field: {"support,privacy_officer,admin"}}
		if field == "capabilities" {
			vals = url.Values{field: {"support", "privacy_officer", "admin"}}
		}
		res := staffPost(ac, staffPage(admin.ID)+"/"+action, vals)
		if res.Status != http.StatusForbidden {
			t.Errorf("self %s: %d, want 403", action, res.Status)
		}
	}
	if got := ta.userByLogin(t, "admin@example.com"); got.Capabilities != "admin" || !got.Active() || !got.HasMFA() {
		t.Fatalf("self-change stored: caps %q active %v mfa %v", got.Capabilities, got.Active(), got.HasMFA())
	}
	var denied int64
	ta.db.Model(&models.AuditEntry{}).Where("action = ? AND outcome = ?", "staff.capabilities", models.OutcomeDenied).Count(&denied)
	if denied != 1 {
		t.Errorf("%d denied staff.capabilities rows, want 1", denied)
	}

	// Another admin changes this member's capabilities; the member must sign in again.
	member := ta.createAccount(t, models.NewAccount{Kind: models.KindStaff, Email: "member@example.com", Caps: []string{models.CapSupport}})
	mc := ta.signInFull(t, "member@example.com")
	mc.Get("/staff").Expect(http.StatusOK)
	ac.Submit(staffPage(member.ID), staffPage(member.ID)+"/capabilities", url.Values{"capabilities": {"support", "admin"}}).Expect(http.StatusSeeOther)
	if res := mc.Get("/staff"); res.Status != http.StatusNotFound {
		t.Fatalf("member's old session after a capability change: %d", res.Status)
	}
	rows := ta.staffAudit(t, "staff.capabilities")
	if len(rows) != 1 || rows[0].ActorID != admin.ID || !strings.Contains(rows[0].Details, `"old":"support"`) || !strings.Contains(rows[0].Details, `"new":"support,admin"`) {
		t.Fatalf("staff.capabilities audit: %+v", rows)
	}
	mc = ta.signInFull(t, "member@example.com")
	mc.Get("/staff/members").Expect(http.StatusOK) // the new right, after a fresh sign-in
	// The new admin may not undo their own grant either, but may change the first admin.
	if res := staffPost(mc, staffPage(member.ID)+"/capabilities", url.Values{"capabilities": {"support"}}); res.Status != http.StatusForbidden {
		t.Errorf("new admin changing themselves: %d", res.Status)
	}
}

// staffPost posts vals with the client's CSRF token from a fresh page.
func staffPost(c *webclient.Client, path string, vals url.Values) *webclient.Response {
	c.Get("/")
	hdr := http.Header{"Origin": {c.Base.Scheme + "://" + c.Base.Host}}
	if ck := c.Cookie("csrf"); ck != nil {
		hdr.Set("X-CSRF-Token", ck.Value)
	}
	return c.Do(http.MethodPost, path, "application/x-www-form-urlencoded", strings.NewReader(vals.Encode()), hdr)
}

// An MFA reset ends the doctor's sessions and the next sign-in goes through MFA
// enrolment again; the audit row names the admin; the reason is not in any log.
// policy: C4.1-5
func TestMFAResetForcesReEnrolment(t *testing.T) {
	ta := newApp(t, nil)
	ac, admin := ta.staffAdmin(t, "admin@example.com")
	doc := ta.createAccount(t, models.NewAccount{Kind: models.KindDoctor, Phone: "13900003002",
		Doctor: &models.DoctorProfile{RealName: "李医生", Hospital: "H", Department: "D", Title: "T", LicenceNumber: "2", Status: models.DoctorVerified}})
	dc := ta.signInFull(t, "13900003002")
	dc.Get("/clinic").Expect(http.StatusOK)

	reason := "Doctor lost the phone, confirmed by video call"
	r := ac.Submit("/staff/accounts", "/staff/accounts", url.Values{"login": {"13900003002"}}).Expect(http.StatusSeeOther)
	ac.Submit(r.Location(), staffPage(doc.ID)+"/mfa-reset", url.Values{"mfa_reason": {reason}}).Expect(http.StatusSeeOther)

	if res := dc.Get("/clinic"); res.Status == http.StatusOK {
		t.Fatal("the doctor's session survived the MFA reset")
	}
	res := signIn(webclient.New(t, ta.url), "13900003002", testPassword)
	if res.Status != http.StatusSeeOther || res.Location() != "/mfa/setup" {
		t.Fatalf("sign-in after the reset: %d %q, want /mfa/setup", res.Status, res.Location())
	}
	rows := ta.staffAudit(t, "auth.mfa.reset")
	if len(rows) != 1 || rows[0].ActorID != admin.ID || rows[0].ActorKind != models.ActorStaff || rows[0].ObjectID != strconv.FormatInt(doc.ID, 10) {
		t.Fatalf("auth.mfa.reset audit: %+v", rows)
	}
	page := ac.Get(staffPage(doc.ID)).Expect(http.StatusOK)
	if _, ok := page.FindForm(staffPage(doc.ID) + "/mfa-reset"); ok {
		t.Error("the reset form is still offered with nothing to reset")
	}
	ta.staffNoLeaks(t, reason, "video call", "13900003002")
}
