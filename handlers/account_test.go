package handlers_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	otptotp "github.com/pquerna/otp/totp"

	"github.com/yibao-health/portal/internal/testkit/webclient"
	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/account"
)

const (
	testIDNumber = "11010519491231002X" // the GB 11643 example, born 1949-12-31
	maskedID     = "110***********002X"
)

func identityForm() url.Values {
	return url.Values{"real_name": {"李小梅"}, "gender": {"female"}, "birthday": {"1949-12-31"},
		"birthplace": {"北京市东城区"}, "id_type": {models.IDResident}, "id_number": {testIDNumber}, "id_consent": {"1"}}
}

// auditCount counts audit rows of action.
func (ta *testApp) auditCount(t *testing.T, action string) int64 {
	t.Helper()
	var n int64
	if err := ta.db.Model(&models.AuditEntry{}).Where("action = ?", action).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// signedOut reports whether c's next request to a patient page is sent to sign in.
func signedOut(c *webclient.Client) bool {
	r := c.Get("/account/security")
	return r.Status == http.StatusSeeOther && strings.HasPrefix(r.Location(), "/login")
}

// The account page greets a new patient with the registration flash (once) and shows
// the contact masked, never in full.
// policy: C4.1-4
func TestAccountPageAfterRegistration(t *testing.T) {
	ta := newApp(t, nil)
	c := ta.registerPatient(t, "13900003001", "meili")
	r := c.Get("/account").Expect(http.StatusOK)
	if !r.HasText("注册成功") || !r.HasText("139****3001") || strings.Contains(r.Body, "13900003001") {
		t.Fatalf("account page: %s", r.Text())
	}
	if !r.HasText("您还没有填写身份信息") {
		t.Error("an empty identity is not explained")
	}
	if again := c.Get("/account"); again.HasText("注册成功") {
		t.Error("the flash shows twice")
	}
}

// The ID number is shown masked; the full number only on the answer to the
// password form (no-store), and each reveal is audited. A wrong password shows a
// message and no number.
// policy: C1.2, C4.1-4, C4.3
func TestIDNumberRevealNeedsPassword(t *testing.T) {
	ta := newApp(t, nil)
	c := ta.registerPatient(t, "13900003002", "lixm")
	if r := c.Submit("/account/identity", "/account/identity", identityForm()); r.Status != http.StatusSeeOther || r.Location() != "/account" {
		t.Fatalf("save identity: %d %s", r.Status, r.Text())
	}
	page := c.Get("/account").Expect(http.StatusOK)
	if !page.HasText(maskedID) || strings.Contains(page.Body, testIDNumber) || !page.HasText("身份信息已保存") {
		t.Fatalf("account page after saving: %s", page.Text())
	}
	if !page.HasText("李*") || page.HasText("李小梅") || !page.HasText("1949-**-**") {
		t.Errorf("name and birthday are not masked: %s", page.Text())
	}
	wrong := c.Submit("/account", "/account/identity/reveal", url.Values{"current_password": {"not-my-password"}})
	if wrong.Status != http.StatusUnprocessableEntity || !wrong.HasText("当前密码不正确") || strings.Contains(wrong.Body, testIDNumber) {
		t.Fatalf("wrong password: %d %s", wrong.Status, wrong.Text())
	}
	right := c.Submit("/account", "/account/identity/reveal", url.Values{"current_password": {testPassword}})
	if right.Status != http.StatusOK || !strings.Contains(right.Body, testIDNumber) {
		t.Fatalf("right password: %d %s", right.Status, right.Text())
	}
	if cc := right.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("reveal page Cache-Control = %q", cc)
	}
	if n := ta.auditCount(t, "identity.reveal"); n != 2 {
		t.Errorf("identity.reveal audit rows = %d, want 2 (failure and success)", n)
	}
	if again := c.Get("/account"); strings.Contains(again.Body, testIDNumber) {
		t.Error("the full number stays on the page")
	}
	// The edit form never carries the stored number either.
	edit := c.Get("/account/identity").Expect(http.StatusOK)
	if strings.Contains(edit.Body, testIDNumber) || edit.Form("/account/identity").Value("id_number") != "" || !edit.HasText(maskedID) {
		t.Errorf("edit form leaks or misses the number: %s", edit.Text())
	}
}

// A refused identity form comes back with what was typed and a message per field,
// and nothing is stored.
// policy: C1.2
func TestIdentityFormKeepsInputAndStoresNothing(t *testing.T) {
	ta := newApp(t, nil)
	c := ta.registerPatient(t, "13900003003", "zhangsan")
	in := identityForm()
	in.Set("id_number", "110105194912310021") // wrong check digit
	in.Set("birthplace", strings.Repeat("长", 101))
	in.Del("id_consent")
	r := c.Submit("/account/identity", "/account/identity", in)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", r.Status)
	}
	if !r.HasText("居民身份证号码不正确") || !r.HasText("出生地最多 100 个字") || !r.HasText("请修改标出的内容") {
		t.Errorf("messages missing: %s", r.Text())
	}
	f := r.Form("/account/identity")
	for _, name := range []string{"real_name", "gender", "birthday", "id_type", "id_number"} {
		if f.Value(name) != in.Get(name) {
			t.Errorf("field %s = %q, want the typed %q", name, f.Value(name), in.Get(name))
		}
	}
	var rows int64
	ta.db.Model(&models.Identity{}).Count(&rows)
	if rows != 0 || ta.auditCount(t, "identity.update") != 0 {
		t.Errorf("refused form stored %d rows", rows)
	}
	// The consent box is required for a first number.
	in = identityForm()
	in.Del("id_consent")
	if r := c.Submit("/account/identity", "/account/identity", in); r.Status != http.StatusUnprocessableEntity || !r.HasText("请勾选单独同意") {
		t.Errorf("missing consent: %d %s", r.Status, r.Text())
	}
}

// Changing the password keeps this session (under a new ID) and ends every other.
// policy: C6.4
func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	ta := newApp(t, nil)
	c := ta.registerPatient(t, "13900003004", "wangwu")
	other := ta.signInFull(t, "13900003004")
	wrong := c.Submit("/account/security", "/account/security/password",
		url.Values{"current_password": {"wrong-password"}, "password": {"Brand-New-Pass-77"}})
	if wrong.Status != http.StatusUnprocessableEntity || !wrong.HasText("当前密码不正确") {
		t.Fatalf("wrong current password: %d %s", wrong.Status, wrong.Text())
	}
	weak := c.Submit("/account/security", "/account/security/password",
		url.Values{"current_password": {testPassword}, "password": {"short"}})
	if weak.Status != http.StatusUnprocessableEntity || !weak.HasText("密码至少需要 8 个字符") {
		t.Fatalf("weak new password: %d %s", weak.Status, weak.Text())
	}
	if signedOut(other) {
		t.Fatal("a refused change ended the other session")
	}
	before := c.Cookie("sid").Value
	r := c.Submit("/account/security", "/account/security/password",
		url.Values{"current_password": {testPassword}, "password": {"Brand-New-Pass-77"}})
	if r.Status != http.StatusSeeOther || r.Location() != "/account/security" {
		t.Fatalf("change: %d %s", r.Status, r.Text())
	}
	if c.Cookie("sid").Value == before {
		t.Error("the session ID was not rotated")
	}
	if page := c.Get("/account/security"); page.Status != http.StatusOK || !page.HasText("密码已修改") {
		t.Fatalf("this session after the change: %d %s", page.Status, page.Text())
	}
	if !signedOut(other) {
		t.Error("the other session survived the password change")
	}
	if r := signIn(webclient.New(t, ta.url), "13900003004", "Brand-New-Pass-77"); r.Status != http.StatusSeeOther {
		t.Errorf("sign-in with the new password: %d", r.Status)
	}
}

var signOutAction = regexp.MustCompile(`^/account/security/devices/[0-9a-f]{64}/signout$`)

// deviceForms returns the per-device sign-out forms of a security page.
func deviceForms(r *webclient.Response) []*webclient.Form {
	var out []*webclient.Form
	for _, f := range r.Forms() {
		if signOutAction.MatchString(f.Action) {
			out = append(out, f)
		}
	}
	return out
}

// The device list signs out one other device; a session handle is only ever
// accepted from its owner: another user's POST is 404 and changes nothing.
// policy: C6.4
func TestSignOutOneDevice(t *testing.T) {
	ta := newApp(t, nil)
	c := ta.registerPatient(t, "13900003005", "zhaoliu")
	phone := ta.signInFull(t, "13900003005")
	page := c.Get("/account/security").Expect(http.StatusOK)
	forms := deviceForms(page)
	if len(forms) != 1 || !page.HasText("当前设备") {
		t.Fatalf("device list: %d sign-out forms; %s", len(forms), page.Text())
	}
	victimAction := forms[0].Action

	// Another patient replays the handle with their own valid form and token.
	mallory := ta.registerPatient(t, "13900003006", "mallory")
	f := mallory.Get("/account/security").Expect(http.StatusOK).Form("/account/security/password")
	f.Action = victimAction
	if r := mallory.SubmitForm(f, nil); r.Status != http.StatusNotFound {
		t.Fatalf("someone else's session handle: %d", r.Status)
	}
	if signedOut(phone) {
		t.Fatal("another user ended the session")
	}
	// A made-up handle is 404 too.
	f = page.Form("/account/security/devices/signout-others")
	f.Action = "/account/security/devices/" + strings.Repeat("ab", 32) + "/signout"
	if r := c.SubmitForm(f, nil); r.Status != http.StatusNotFound {
		t.Errorf("unknown handle: %d", r.Status)
	}

	if r := c.SubmitForm(forms[0], nil); r.Status != http.StatusSeeOther {
		t.Fatalf("sign out the other device: %d %s", r.Status, r.Text())
	}
	if !signedOut(phone) {
		t.Error("the other device is still signed in")
	}
	if signedOut(c) {
		t.Error("this device was signed out")
	}
	if n := ta.auditCount(t, "session.revoke"); n != 1 {
		t.Errorf("session.revoke audit rows = %d", n)
	}
}

// "Sign out everywhere else" ends every other session and keeps this one.
// policy: C6.4
func TestSignOutEverywhereElse(t *testing.T) {
	ta := newApp(t, nil)
	c := ta.registerPatient(t, "13900003007", "sunqi")
	a, b := ta.signInFull(t, "13900003007"), ta.signInFull(t, "sunqi")
	r := c.Submit("/account/security", "/account/security/devices/signout-others", nil)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("sign out others: %d", r.Status)
	}
	if page := c.Get("/account/security"); len(deviceForms(page)) != 0 || !page.HasText("其他设备均已退出登录") {
		t.Errorf("device list after: %s", page.Text())
	}
	if !signedOut(a) || !signedOut(b) || signedOut(c) {
		t.Error("wrong sessions ended")
	}
	var details []string
	ta.db.Model(&models.AuditEntry{}).Where("action = ?", "session.revoke").Pluck("details", &details)
	if len(details) != 1 || !strings.Contains(details[0], `"count":"2"`) {
		t.Errorf("audit details = %v", details)
	}
}

// A contact change needs the password (step 1), then the code sent to the new
// address (step 2). A code someone else requested for that address does not work
// in a session that never passed the password step.
// policy: C6.4
func TestContactChangeNeedsPasswordThenCode(t *testing.T) {
	ta := newApp(t, nil)
	c := ta.registerPatient(t, "13900003008", "zhouba")
	wrong := c.Submit("/account/contact", "/account/contact/code", url.Values{"contact": {"zhou@example.com"}, "current_password": {"nope-nope-nope"}})
	if wrong.Status != http.StatusUnprocessableEntity || !wrong.HasText("当前密码不正确") {
		t.Fatalf("wrong password: %d %s", wrong.Status, wrong.Text())
	}
	if wrong.Form("/account/contact/code").Value("contact") != "zhou@example.com" {
		t.Error("the typed address was not kept")
	}
	for _, m := range ta.outbox.Recent() {
		if m.To == "zhou@example.com" {
			t.Fatal("a code was sent before the password was checked")
		}
	}

	// A session that skipped step 1 cannot use a code another account requested.
	mallory := ta.registerPatient(t, "13900003009", "mallory")
	mallory.Submit("/account/contact", "/account/contact/code",
		url.Values{"contact": {"zhou@example.com"}, "current_password": {testPassword}}).Expect(http.StatusOK)
	code := ta.lastCode(t, "zhou@example.com")
	f := c.Get("/account/contact").Form("/account/contact/code")
	f.Action = "/account/contact"
	if r := c.SubmitForm(f, url.Values{"contact": {"zhou@example.com"}, "code": {code}}); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("confirm without step 1: %d", r.Status)
	}
	if u := ta.userByLogin(t, "zhouba"); u.EmailEnc != nil {
		t.Fatal("the e-mail changed without the password step")
	}

	ta.clock.Advance(61 * time.Second) // the resend cooldown of the address
	step2 := c.Submit("/account/contact", "/account/contact/code", url.Values{"contact": {"zhou@example.com"}, "current_password": {testPassword}})
	if step2.Status != http.StatusOK || !step2.HasText("验证码已发送至") {
		t.Fatalf("step 1: %d %s", step2.Status, step2.Text())
	}
	confirm := step2.Form("/account/contact")
	if r := c.SubmitForm(confirm, url.Values{"code": {"000000"}}); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("wrong code: %d", r.Status)
	}
	r := c.SubmitForm(confirm, url.Values{"code": {ta.lastCode(t, "zhou@example.com")}})
	if r.Status != http.StatusSeeOther || r.Location() != "/account" {
		t.Fatalf("confirm: %d %s", r.Status, r.Text())
	}
	page := c.Get("/account")
	if !page.HasText("z***@example.com") || !page.HasText("139****3008") || !page.HasText("联系方式已更新") {
		t.Errorf("account page after adding an e-mail: %s", page.Text())
	}
	if ta.auditCount(t, "account.contact.change") != 1 {
		t.Error("no audit row")
	}
	if r := signIn(webclient.New(t, ta.url), "zhou@example.com", testPassword); r.Status != http.StatusSeeOther {
		t.Errorf("sign-in with the new e-mail: %d", r.Status)
	}
}

// Visitors are sent to sign in; doctors and staff get 404 on patient-only routes but
// reach the security page; staff cannot turn MFA off.
// policy: C4.1-5
func TestAccountRouteAccess(t *testing.T) {
	ta := newApp(t, nil)
	visitor := webclient.New(t, ta.url)
	for _, p := range []string{"/account", "/account/identity", "/account/contact", "/account/security", "/account/mfa/setup"} {
		if r := visitor.Get(p); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/login?next=") {
			t.Errorf("visitor GET %s: %d %s", p, r.Status, r.Location())
		}
	}
	ta.createAccount(t, models.NewAccount{Kind: models.KindStaff, Email: "ops@example.com", Caps: []string{models.CapSupport}})
	ta.createAccount(t, models.NewAccount{Kind: models.KindDoctor, Phone: "13900003010",
		Doctor: &models.DoctorProfile{RealName: "医生", Hospital: "H", Department: "D", Title: "T", LicenceNumber: "1", Status: models.DoctorVerified}})
	for _, login := range []string{"ops@example.com", "13900003010"} {
		c := ta.signInFull(t, login)
		for _, p := range []string{"/account", "/account/identity", "/account/contact", "/account/mfa/setup"} {
			if r := c.Get(p); r.Status != http.StatusNotFound {
				t.Errorf("%s GET %s: %d, want 404", login, p, r.Status)
			}
		}
		sec := c.Get("/account/security").Expect(http.StatusOK)
		if _, ok := sec.FindForm("/account/mfa/disable"); ok {
			t.Errorf("%s is offered to turn MFA off", login)
		}
		f := sec.Form("/account/mfa/recovery")
		if r := c.SubmitForm(f, url.Values{"recovery_password": {testPassword}}); r.Status != http.StatusOK || !r.HasText("请保存您的恢复码") {
			t.Errorf("%s new recovery codes: %d", login, r.Status)
		}
		f.Action = "/account/mfa/disable"
		if r := c.SubmitForm(f, url.Values{"disable_password": {testPassword}}); r.Status != http.StatusNotFound {
			t.Errorf("%s POST /account/mfa/disable: %d, want 404", login, r.Status)
		}
		if u := ta.userByLogin(t, login); !u.HasMFA() {
			t.Errorf("%s lost MFA", login)
		}
	}
}

var secretRE = regexp.MustCompile(`data-testid="totp-secret">([A-Z2-7]+)<`)

// A patient turns optional MFA on (the session ID rotates), sees recovery codes,
// makes new ones with the password, and turns MFA off with the password.
// policy: C4.1-5
func TestPatientMFAOnAndOff(t *testing.T) {
	ta := newApp(t, nil)
	c := ta.registerPatient(t, "13900003011", "wujiu")
	sec := c.Get("/account/security").Expect(http.StatusOK)
	if !sec.HasText("两步验证未开启") {
		t.Fatalf("security page: %s", sec.Text())
	}
	// The set-up page only shows an enrolment the security page's button started
	// (a GET changes nothing).
	if r := c.Get("/account/mfa/setup"); r.Status != http.StatusSeeOther {
		t.Fatalf("set-up page before starting: %d", r.Status)
	}
	c.Submit("/account/security", "/account/mfa/start", nil).Expect(http.StatusSeeOther)
	setup := c.Get("/account/mfa/setup").Expect(http.StatusOK)
	m := secretRE.FindStringSubmatch(setup.Body)
	if m == nil {
		t.Fatal("no secret on the set-up page")
	}
	if r := c.SubmitForm(setup.Form("/account/mfa/setup"), url.Values{"code": {"000000"}}); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("wrong first code: %d", r.Status)
	}
	code, err := otptotp.GenerateCode(m[1], ta.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	before := c.Cookie("sid").Value
	r := c.Submit("/account/mfa/setup", "/account/mfa/setup", url.Values{"code": {code}})
	if r.Status != http.StatusOK || !r.HasText("请保存您的恢复码") {
		t.Fatalf("enable: %d %s", r.Status, r.Text())
	}
	if c.Cookie("sid").Value == before {
		t.Error("the session ID was not rotated after enabling MFA")
	}
	if !ta.userByLogin(t, "wujiu").HasMFA() {
		t.Fatal("MFA not on")
	}
	if r := signIn(webclient.New(t, ta.url), "wujiu", testPassword); r.Location() != "/login/mfa" {
		t.Errorf("sign-in after enabling MFA went to %q", r.Location())
	}
	if r := c.Submit("/account/security", "/account/mfa/recovery", url.Values{"recovery_password": {"wrong-wrong"}}); r.Status != http.StatusUnprocessableEntity || !r.HasText("当前密码不正确") {
		t.Errorf("recovery codes with a wrong password: %d", r.Status)
	}
	if r := c.Submit("/account/security", "/account/mfa/disable", url.Values{"disable_password": {"wrong-wrong"}}); r.Status != http.StatusUnprocessableEntity || !r.HasText("当前密码不正确") {
		t.Errorf("disable with a wrong password: %d", r.Status)
	}
	if r := c.Submit("/account/security", "/account/mfa/disable", url.Values{"disable_password": {testPassword}}); r.Status != http.StatusSeeOther {
		t.Fatalf("disable: %d %s", r.Status, r.Text())
	}
	if ta.userByLogin(t, "wujiu").HasMFA() {
		t.Error("MFA still on")
	}
}

// The views' code lists match the models' (views do not import models).
func TestAccountViewCodesMatchModels(t *testing.T) {
	if strings.Join(account.IDTypes, ",") != strings.Join(models.IDTypes, ",") ||
		strings.Join(account.Genders, ",") != strings.Join(models.Genders, ",") {
		t.Error("views/account code lists differ from models")
	}
}
