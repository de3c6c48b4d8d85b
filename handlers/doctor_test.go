package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
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

// testPDF sniffs as application/pdf and carries a marker.
var testPDF = []byte("%PDF-1.4\n% licence-test-document\n%%EOF\n")

// testPNG is a 1×1 PNG.
var testPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" +
	"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")

// applicationFields is a complete application for phone (the code is added later).
func applicationFields(phone string) url.Values {
	return url.Values{"contact": {phone}, "password": {testPassword}, "username": {""},
		"real_name": {"李时珍"}, "hospital": {"北京协和医院"}, "department": {"心内科"}, "title": {"attending"},
		"specialty": {"高血压"}, "licence_number": {"110101199001011"}, "agree": {"1"}}
}

// applyDoctor applies through the real pages: the code step, then the form with
// the licence file. It returns the client and the final response.
func (ta *testApp) applyDoctor(t *testing.T, phone string, licence webclient.File) (*webclient.Client, *webclient.Response) {
	t.Helper()
	c := webclient.New(t, ta.url)
	sent := c.SubmitFiles("/doctor/apply", "/doctor/apply/code", url.Values{"contact": {phone}}).Expect(http.StatusOK)
	if !sent.HasText("验证码已发送") || sent.Form("/doctor/apply").Value("contact") != phone {
		t.Fatalf("code step: %s", sent.Text())
	}
	f := applicationFields(phone)
	f.Set("code", ta.lastCode(t, phone))
	return c, c.SubmitFormFiles(sent.Form("/doctor/apply"), f, licence)
}

func pdfFile(data []byte) webclient.File {
	return webclient.File{Field: "licence", Name: "执业证书.pdf", ContentType: "application/pdf", Data: data}
}

// enrolTOTP completes a first sign-in at /mfa/setup with the secret the page shows;
// it returns the recovery-code page and the secret.
func (ta *testApp) enrolTOTP(t *testing.T, c *webclient.Client) (*webclient.Response, string) {
	t.Helper()
	setup := c.Get("/mfa/setup").Expect(http.StatusOK)
	m := regexp.MustCompile(`data-testid="totp-secret">([A-Z2-7]+)<`).FindStringSubmatch(setup.Body)
	if m == nil {
		t.Fatal("no TOTP secret on the set-up page")
	}
	ta.clock.Advance(30 * time.Second)
	code, err := otptotp.GenerateCode(m[1], ta.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return c.SubmitForm(setup.Form("/mfa/setup"), url.Values{"code": {code}}).Expect(http.StatusOK), m[1]
}

// signInWithSecret signs login in with the test password and a code from secret.
func (ta *testApp) signInWithSecret(t *testing.T, login, secret string) *webclient.Client {
	t.Helper()
	c := webclient.New(t, ta.url)
	if r := signIn(c, login, testPassword); r.Location() != "/login/mfa" {
		t.Fatalf("sign in %s: %d %s", login, r.Status, r.Location())
	}
	ta.clock.Advance(30 * time.Second)
	code, err := otptotp.GenerateCode(secret, ta.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	c.Submit("/login/mfa", "/login/mfa", url.Values{"code": {code}}).Expect(http.StatusSeeOther)
	return c
}

// postAs posts fields with the client's own CSRF token (read from the header's
// sign-out form), as a signed-in user forging a request to a route they do not see.
func postAs(t *testing.T, c *webclient.Client, path string, fields url.Values) *webclient.Response {
	t.Helper()
	home := c.Get("/").Expect(http.StatusOK)
	if fields == nil {
		fields = url.Values{}
	}
	fields.Set("_csrf", home.Form("/logout").Hidden.Get("_csrf"))
	return c.Do(http.MethodPost, path, "application/x-www-form-urlencoded", strings.NewReader(fields.Encode()),
		http.Header{"Origin": {c.Base.Scheme + "://" + c.Base.Host}})
}

func (ta *testApp) doctorStatus(t *testing.T, id int64) string {
	t.Helper()
	s, err := models.DoctorStatus(context.Background(), ta.db, id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (ta *testApp) doctorAudits(t *testing.T, action string, objectID int64) int64 {
	t.Helper()
	var n int64
	ta.db.Table("audit_log").Where("action = ? AND object_id = ?", action, fmt.Sprint(objectID)).Count(&n)
	return n
}

// A doctor applies with a PDF: account, pending profile and licence exist, no
// session starts, and the first sign-in leads to MFA enrolment.
// policy: C2.2.1, C4.1-5
func TestDoctorAppliesWithPDF(t *testing.T) {
	ta := newApp(t, nil)
	c, r := ta.applyDoctor(t, "13800000001", pdfFile(testPDF))
	if r.Status != http.StatusSeeOther || r.Location() != "/doctor/apply/submitted" {
		t.Fatalf("apply: %d %s %s", r.Status, r.Location(), r.Text())
	}
	done := c.Get(r.Location()).Expect(http.StatusOK)
	if !done.HasText("申请已提交") || !done.HasText("两步验证") {
		t.Errorf("submitted page: %s", done.Text())
	}
	u := ta.userByLogin(t, "13800000001")
	if u.Kind != models.KindDoctor || ta.doctorStatus(t, u.ID) != models.DoctorPending {
		t.Fatalf("stored %s / %s", u.Kind, ta.doctorStatus(t, u.ID))
	}
	// Applying does not sign in: the status page sends the visitor to sign in.
	if r := c.Get("/doctor/application"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/login") {
		t.Errorf("after applying, status page: %d %s", r.Status, r.Location())
	}
	if r := signIn(c, "13800000001", testPassword); r.Location() != "/mfa/setup" {
		t.Errorf("first sign-in of a doctor went to %q, want /mfa/setup", r.Location())
	}
	rec, _ := ta.enrolTOTP(t, c)
	if !strings.Contains(rec.Body, `href="/doctor/application"`) {
		t.Errorf("recovery page does not continue to the status page")
	}
	st := c.Get("/doctor/application").Expect(http.StatusOK)
	if !st.HasText("待审核") || !st.HasText("北京协和医院") {
		t.Errorf("status page: %s", st.Text())
	}
}

// A text file named .pdf is refused by its content; the form keeps what was typed
// (but not the password), and nothing is stored. Oversized uploads get a clear 413.
// invariant 8
func TestDoctorApplicationRefusesBadLicence(t *testing.T) {
	ta := newApp(t, nil)
	_, r := ta.applyDoctor(t, "13800000002", pdfFile([]byte("just some text, not a PDF at all")))
	if r.Status != http.StatusUnprocessableEntity || !r.HasText("文件格式不支持") {
		t.Fatalf("fake PDF: %d %s", r.Status, r.Text())
	}
	f := r.Form("/doctor/apply")
	for k, want := range map[string]string{"contact": "13800000002", "real_name": "李时珍", "hospital": "北京协和医院",
		"department": "心内科", "title": "attending", "specialty": "高血压", "licence_number": "110101199001011", "agree": "1"} {
		if got := f.Value(k); got != want {
			t.Errorf("field %s = %q after refusal, want %q", k, got, want)
		}
	}
	if f.Value("code") == "" || f.Value("password") != "" {
		t.Errorf("code %q kept, password %q echoed", f.Value("code"), f.Value("password"))
	}
	if u, _ := ta.accounts.FindByLogin(context.Background(), "13800000002"); u != nil {
		t.Fatal("an account was stored for a refused application")
	}
	var n int64
	ta.db.Table("doctor_profiles").Count(&n)
	if n != 0 {
		t.Fatalf("%d profiles stored", n)
	}

	// In English the same refusal reads in English.
	c := webclient.New(t, ta.url)
	en := http.Header{"Accept-Language": {"en"}}
	page := c.Get("/doctor/apply", en)
	fields := applicationFields("13800000003")
	fields.Set("licence_number", "12345")
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fields.Set("_csrf", page.Form("/doctor/apply").Hidden.Get("_csrf"))
	for k, vs := range fields {
		_ = mw.WriteField(k, vs[0])
	}
	_ = mw.Close()
	rr := c.Do(http.MethodPost, "/doctor/apply", mw.FormDataContentType(), &buf, en, http.Header{"Origin": {ta.url}})
	if rr.Status != http.StatusUnprocessableEntity || !rr.HasText("The certificate number has 15 digits.") ||
		!rr.HasText("Upload your practising certificate.") {
		t.Errorf("English refusal: %d %s", rr.Status, rr.Text())
	}

	// A file just over 10 MB: the form comes back with the field's message (413).
	over := append(append([]byte{}, testPDF...), make([]byte, models.MaxLicenceSize)...)
	_, r = ta.applyDoctor(t, "13800000004", pdfFile(over))
	if r.Status != http.StatusRequestEntityTooLarge || !r.HasText("执业证书不能超过 10 MB") || r.Form("/doctor/apply").Value("hospital") != "北京协和医院" {
		t.Errorf("file over 10 MB: %d %s", r.Status, r.Text())
	}
	// A body far over the limit is refused before it is read, with the same limit named.
	_, r = ta.applyDoctor(t, "13800000005", pdfFile(make([]byte, 12<<20)))
	if _, read := r.FindForm("/doctor/apply"); r.Status != http.StatusRequestEntityTooLarge || !r.HasText("不能超过 10 MB") || read {
		t.Errorf("12 MB body: %d %s (want the 413 page, not the form: the body must not be read)", r.Status, r.Text())
	}
	// Every other route keeps the global limit (1M by default).
	big := url.Values{"contact": {strings.Repeat("x", 2<<20)}}
	if r := webclient.New(t, ta.url).Submit("/register", "/register", big); r.Status != http.StatusRequestEntityTooLarge {
		t.Errorf("2 MB registration: %d, want 413", r.Status)
	}
}

// An unverified doctor sees the status page but neither the clinic nor the staff
// console; a patient and support-only staff do not see the review routes at all.
// policy: C4.3, C4.1-5
func TestDoctorAndStaffAccess(t *testing.T) {
	ta := newApp(t, nil)
	doc := ta.createAccount(t, models.NewAccount{Kind: models.KindDoctor, Phone: "13900000001",
		Doctor: &models.DoctorProfile{RealName: "王医生", Hospital: "医院", Department: "内科", Title: models.TitleResident, LicenceNumber: "110101199001011"}})
	dc := webclient.New(t, ta.url)
	r := signIn(dc, "13900000001", testPassword)
	r = dc.Submit("/login/mfa", "/login/mfa", url.Values{"code": {ta.totpNow(t)}})
	if r.Location() != "/doctor/application" {
		t.Errorf("doctor landed on %q, want the status page", r.Location())
	}
	if st := dc.Get("/doctor/application").Expect(http.StatusOK); !st.HasText("待审核") || strings.Contains(st.Body, `href="/clinic"`) {
		t.Errorf("pending status page: %s", st.Text())
	}
	lic := fmt.Sprintf("/staff/doctors/%d/licence", doc.ID)
	for _, p := range []string{"/clinic", "/staff/doctors", lic} {
		dc.Get(p).Expect(http.StatusNotFound)
	}

	patient := ta.registerPatient(t, "13900000002", "patient_one")
	ta.createAccount(t, models.NewAccount{Kind: models.KindStaff, Email: "support@example.com", Caps: []string{models.CapSupport}})
	support := ta.signInFull(t, "support@example.com")
	for name, c := range map[string]*webclient.Client{"patient": patient, "support": support, "unverified doctor": dc} {
		for _, p := range []string{"/staff/doctors", fmt.Sprintf("/staff/doctors/%d", doc.ID), lic} {
			if r := c.Get(p); r.Status != http.StatusNotFound {
				t.Errorf("%s: GET %s = %d, want 404", name, p, r.Status)
			}
		}
		if r := postAs(t, c, fmt.Sprintf("/staff/doctors/%d/verify", doc.ID), nil); r.Status != http.StatusNotFound {
			t.Errorf("%s: POST verify = %d, want 404", name, r.Status)
		}
	}
	if patient.Get("/clinic").Status != http.StatusNotFound || patient.Get("/doctor/application").Status != http.StatusNotFound {
		t.Error("a patient reached a doctor page")
	}
	if ta.doctorStatus(t, doc.ID) != models.DoctorPending || ta.doctorAudits(t, "doctor.licence.view", doc.ID) != 0 {
		t.Error("a refused request changed the application or opened the licence")
	}
	// A visitor is sent to sign in for the status page, and gets 404 elsewhere.
	v := webclient.New(t, ta.url)
	if r := v.Get("/doctor/application"); r.Status != http.StatusSeeOther {
		t.Errorf("visitor status page: %d", r.Status)
	}
	v.Get("/staff/doctors").Expect(http.StatusNotFound)
	v.Get("/clinic").Expect(http.StatusNotFound)
}

// The whole review: the admin sees the queue (masked), the application (masked
// contact) and the licence (safe headers, audited); a rejection needs a reason;
// verification opens the clinic; suspension ends the doctor's session at once and
// closes the clinic; reinstatement opens it again; invalid transitions are refused.
// policy: C4.3, C4.1-4, C4.1-5
func TestAdminReviewsDoctor(t *testing.T) {
	ta := newApp(t, nil)
	dc, r := ta.applyDoctor(t, "13800000009", pdfFile(testPDF))
	r.Expect(http.StatusSeeOther)
	doc := ta.userByLogin(t, "13800000009")
	signIn(dc, "13800000009", testPassword).Expect(http.StatusSeeOther)
	_, secret := ta.enrolTOTP(t, dc)
	dc.Get("/clinic").Expect(http.StatusNotFound)

	admin := ta.createAccount(t, models.NewAccount{Kind: models.KindStaff, Email: "admin@example.com", Caps: []string{models.CapAdmin}})
	ac := ta.signInFull(t, "admin@example.com")
	q := ac.Get("/staff/doctors").Expect(http.StatusOK)
	if !q.HasText("李**") || q.HasText("李时珍") || !strings.Contains(q.Body, fmt.Sprintf(`href="/staff/doctors/%d"`, doc.ID)) {
		t.Errorf("queue: %s", q.Text())
	}
	if v := ac.Get("/staff/doctors?status=verified").Expect(http.StatusOK); !v.HasText("没有此状态的申请") {
		t.Errorf("verified filter: %s", v.Text())
	}
	detailPath := fmt.Sprintf("/staff/doctors/%d", doc.ID)
	d := ac.Get(detailPath).Expect(http.StatusOK)
	if !d.HasText("李时珍") || !d.HasText("110101199001011") || !d.HasText("138****0009") || strings.Contains(d.Body, "13800000009") {
		t.Errorf("detail page: %s", d.Text())
	}
	ac.Get("/staff/doctors/abc").Expect(http.StatusNotFound)
	ac.Get("/staff/doctors/999999").Expect(http.StatusNotFound)

	// The licence: decrypted bytes, sniffed type, no sniffing, sandboxed, not cached,
	// server-chosen name, and the view is audited.
	lr := ac.Get(detailPath + "/licence").Expect(http.StatusOK)
	for h, want := range map[string]string{
		"Content-Type":            "application/pdf",
		"X-Content-Type-Options":  "nosniff",
		"Content-Security-Policy": "sandbox; default-src 'none'; img-src 'self'",
		"Content-Disposition":     `inline; filename="licence.pdf"`,
		"Cache-Control":           "no-store",
	} {
		if got := lr.Header.Get(h); got != want {
			t.Errorf("licence %s = %q, want %q", h, got, want)
		}
	}
	if lr.Body != string(testPDF) {
		t.Errorf("licence body %q", lr.Body)
	}
	var viewer int64
	ta.db.Table("audit_log").Where("action = ? AND object_id = ?", "doctor.licence.view", fmt.Sprint(doc.ID)).Pluck("actor_id", &viewer)
	if viewer != admin.ID {
		t.Errorf("licence view audited with actor %d, want %d", viewer, admin.ID)
	}

	// A rejection without a proper reason is refused, keeping what was typed.
	rej := ac.Submit(detailPath, detailPath+"/reject", url.Values{"reason": {"太短"}})
	if rej.Status != http.StatusUnprocessableEntity || !rej.HasText("5–500 个字符") || rej.Form(detailPath+"/reject").Value("reason") != "太短" {
		t.Fatalf("short reason: %d %s", rej.Status, rej.Text())
	}
	// Reinstating a pending application is not a valid transition.
	if bad := postAs(t, ac, detailPath+"/reinstate", nil); bad.Status != http.StatusConflict || !bad.HasText("当前状态下不能执行此操作") {
		t.Errorf("reinstate pending: %d %s", bad.Status, bad.Text())
	}
	if ta.doctorStatus(t, doc.ID) != models.DoctorPending {
		t.Fatal("a refused decision changed the status")
	}

	// Verify: the doctor is told and reaches the clinic.
	v := ac.Submit(detailPath, detailPath+"/verify", nil)
	if v.Status != http.StatusSeeOther || v.Location() != detailPath {
		t.Fatalf("verify: %d %s", v.Status, v.Text())
	}
	if page := ac.Get(detailPath); !page.HasText("已通过认证，已通知医生") || !page.HasText("已认证") {
		t.Errorf("after verify: %s", page.Text())
	}
	if ta.doctorAudits(t, "doctor.verify", doc.ID) != 1 {
		t.Error("verification not audited")
	}
	told := false
	for _, m := range ta.outbox.Recent() {
		told = told || (m.To == "13800000009" && strings.Contains(m.Body, "已通过认证"))
	}
	if !told {
		t.Error("doctor not told of the verification by SMS")
	}
	dc.Get("/clinic").Expect(http.StatusOK)
	if st := dc.Get("/doctor/application"); !strings.Contains(st.Body, `href="/clinic"`) {
		t.Error("verified status page has no link to the clinic")
	}

	// Suspend: the doctor's open session ends at once; the clinic closes.
	reason := "执业证书已过期，请更新后联系我们。"
	ac.Submit(detailPath, detailPath+"/suspend", url.Values{"reason": {reason}}).Expect(http.StatusSeeOther)
	if r := dc.Get("/doctor/application"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/login") {
		t.Errorf("suspended doctor's session still works: %d %s", r.Status, r.Location())
	}
	dc.Get("/clinic").Expect(http.StatusNotFound)
	var detail []string
	ta.db.Table("audit_log").Where("action = ?", "doctor.suspend").Pluck("details", &detail)
	if len(detail) != 1 || strings.Contains(detail[0], "过期") {
		t.Errorf("suspension audit details %q (the reason must not be there)", detail)
	}
	dc2 := ta.signInWithSecret(t, "13800000009", secret)
	dc2.Get("/clinic").Expect(http.StatusNotFound)
	if st := dc2.Get("/doctor/application").Expect(http.StatusOK); !st.HasText("已暂停") || !st.HasText(reason) {
		t.Errorf("suspended status page: %s", st.Text())
	}
	if again := ac.Submit(detailPath, detailPath+"/reinstate", nil); again.Status != http.StatusSeeOther {
		t.Fatalf("reinstate: %d %s", again.Status, again.Text())
	}
	dc2.Get("/clinic").Expect(http.StatusOK)
	if bad := postAs(t, ac, detailPath+"/reject", url.Values{"reason": {"已经认证的医生不能驳回"}}); bad.Status != http.StatusConflict {
		t.Errorf("reject a verified doctor: %d", bad.Status)
	}
	for _, a := range []string{"doctor.suspend", "doctor.reinstate"} {
		if ta.doctorAudits(t, a, doc.ID) != 1 {
			t.Errorf("%s not audited once", a)
		}
	}
}

// An image licence is shown inline on the review page and served as its type.
func TestLicenceImageIsShownInline(t *testing.T) {
	ta := newApp(t, nil)
	_, r := ta.applyDoctor(t, "13800000010", webclient.File{Field: "licence", Name: "scan.pdf", ContentType: "application/pdf", Data: testPNG})
	r.Expect(http.StatusSeeOther)
	doc := ta.userByLogin(t, "13800000010")
	ta.createAccount(t, models.NewAccount{Kind: models.KindStaff, Email: "admin@example.com", Caps: []string{models.CapAdmin}})
	ac := ta.signInFull(t, "admin@example.com")
	lic := fmt.Sprintf("/staff/doctors/%d/licence", doc.ID)
	if d := ac.Get(fmt.Sprintf("/staff/doctors/%d", doc.ID)); !strings.Contains(d.Body, `<img src="`+lic+`"`) {
		t.Error("image licence not embedded")
	}
	lr := ac.Get(lic).Expect(http.StatusOK)
	if lr.Header.Get("Content-Type") != "image/png" || lr.Header.Get("Content-Disposition") != `inline; filename="licence.png"` {
		t.Errorf("image licence headers: %v", lr.Header)
	}
}
