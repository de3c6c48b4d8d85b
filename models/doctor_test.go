package models_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/internal/i18n"
	"github.com/yibao-health/portal/internal/keys"
	"github.com/yibao-health/portal/internal/notify"
	"github.com/yibao-health/portal/internal/password"
	"github.com/yibao-health/portal/internal/testkit/dbtest"
	"github.com/yibao-health/portal/models"
)

// doctorEnv is the account domain on a fresh database with a recording notifier
// and a clock the test moves.
type doctorEnv struct {
	acc *models.Accounts
	rec *notify.Recorder
	clk *clock
	g   *gorm.DB
}

func newDoctorEnv(t *testing.T, g *gorm.DB) *doctorEnv {
	t.Helper()
	master := make([]byte, 32)
	if _, err := rand.Read(master); err != nil {
		t.Fatal(err)
	}
	kr, err := keys.Open(context.Background(), g, master)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil))
	rec := notify.NewRecorder(log)
	clk := &clock{time.Date(2026, 11, 28, 8, 0, 0, 0, time.UTC)}
	acc := models.NewAccounts(g, kr, password.New(password.DefaultParams, 2), models.NewNotifier(g, rec, rec, log), clk.Now)
	return &doctorEnv{acc: acc, rec: rec, clk: clk, g: g}
}

var doctorCodeRE = regexp.MustCompile(`\b\d{6}\b`)

// application is a complete, valid application for phone with licence.
func (e *doctorEnv) application(t *testing.T, phone string, licence []byte) models.DoctorApplication {
	t.Helper()
	if err := e.acc.SendCode(context.Background(), models.PurposeRegister, phone, i18n.ZH); err != nil {
		t.Fatalf("send code: %v", err)
	}
	code := ""
	for _, m := range e.rec.Recent() {
		if m.To == phone {
			code = doctorCodeRE.FindString(m.Body)
			break
		}
	}
	if code == "" {
		t.Fatal("no code sent")
	}
	return models.DoctorApplication{
		Registration: models.Registration{Contact: phone, Code: code, Password: "Clinic-Pass-2026", Agree: true},
		RealName:     "李时珍", Hospital: "北京协和医院", Department: "心内科", Title: models.TitleAttending,
		Specialty: "高血压", LicenceNumber: "110101199001011", Licence: licence,
	}
}

// pdf is a minimal document that sniffs as application/pdf and carries canary.
func pdf(canary string) []byte { return []byte("%PDF-1.4\n% " + canary + "\n%%EOF\n") }

func countRows(t *testing.T, g *gorm.DB, table, where string, args ...any) int64 {
	t.Helper()
	var n int64
	q := g.Table(table)
	if where != "" {
		q = q.Where(where, args...)
	}
	if err := q.Count(&n).Error; err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// The licence is stored encrypted and bound to its doctor: the raw row holds no
// plaintext, and a ciphertext moved to another doctor's row does not open.
// policy: C4.1-3
func TestDoctorApplicationStoresLicenceEncrypted(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, _ db.Dialect) {
		e := newDoctorEnv(t, g)
		ctx := context.Background()
		canary := "CANARY-LICENCE-5e1d7b"
		u, err := e.acc.ApplyDoctor(ctx, e.application(t, "13800000001", pdf(canary)), models.AuditContext{})
		if err != nil {
			t.Fatalf("apply: %v", err)
		}
		if u.Kind != models.KindDoctor || u.HasMFA() {
			t.Fatalf("user kind %s mfa %v", u.Kind, u.HasMFA())
		}
		prof, err := e.acc.DoctorProfileOf(ctx, u.ID)
		if err != nil || prof.Status != models.DoctorPending || prof.LicenceNumber != "110101199001011" || prof.Title != models.TitleAttending {
			t.Fatalf("profile %+v %v", prof, err)
		}
		var raw []struct {
			ContentType string
			Size        int64
			DataEnc     []byte
		}
		g.Raw("SELECT content_type, size, data_enc FROM doctor_licences").Scan(&raw)
		if len(raw) != 1 || raw[0].ContentType != "application/pdf" || raw[0].Size != int64(len(pdf(canary))) {
			t.Fatalf("licence rows %+v", raw)
		}
		if bytes.Contains(raw[0].DataEnc, []byte(canary)) || bytes.Contains(raw[0].DataEnc, []byte("%PDF")) {
			t.Fatal("licence stored in plaintext")
		}
		data, ct, err := e.acc.OpenDoctorLicence(ctx, u.ID, models.AuditContext{ActorKind: models.ActorStaff, ActorID: 99})
		if err != nil || ct != "application/pdf" || !bytes.Contains(data, []byte(canary)) {
			t.Fatalf("open: %q %q %v", ct, data, err)
		}
		if n := countRows(t, g, "audit_log", "action = ? AND object_id = ? AND actor_id = 99", "doctor.licence.view", fmt.Sprint(u.ID)); n != 1 {
			t.Errorf("licence views audited: %d", n)
		}

		// Move the ciphertext to a second doctor: it must not decrypt there.
		other, err := e.acc.ApplyDoctor(ctx, e.application(t, "13800000002", pdf("other")), models.AuditContext{})
		if err != nil {
			t.Fatal(err)
		}
		if err := g.Exec("UPDATE doctor_licences SET data_enc = ? WHERE user_id = ?", raw[0].DataEnc, other.ID).Error; err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.acc.OpenDoctorLicence(ctx, other.ID, models.AuditContext{}); err == nil {
			t.Error("a licence ciphertext opened under another doctor's row")
		}
	})
}

// A refused application stores nothing: no user, profile, licence or audit row, and
// every problem of the form is reported at once. A failure inside the transaction
// rolls the account back too.
// invariant 8
func TestDoctorApplicationStoresNothingOnFailure(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, _ db.Dialect) {
		e := newDoctorEnv(t, g)
		ctx := context.Background()
		nothing := func(when string) {
			t.Helper()
			for _, table := range []string{"users", "doctor_profiles", "doctor_licences"} {
				if n := countRows(t, g, table, ""); n != 0 {
					t.Errorf("%s: %d rows in %s", when, n, table)
				}
			}
			if n := countRows(t, g, "audit_log", "action = ?", "account.register"); n != 0 {
				t.Errorf("%s: %d registration audit rows", when, n)
			}
		}

		// A text file named like a PDF: the content decides, not the name.
		app := e.application(t, "13800000003", []byte("this is not a pdf, just text pretending"))
		_, err := e.acc.ApplyDoctor(ctx, app, models.AuditContext{})
		fe := models.FieldErrors(err)
		if fe["licence"] == nil || fe["licence"].Key != "doctor.apply.licence.type" {
			t.Fatalf("text licence: %v", err)
		}
		nothing("text licence")

		// Too large.
		big := append(pdf("big"), make([]byte, models.MaxLicenceSize)...)
		app.Licence = big
		_, err = e.acc.ApplyDoctor(ctx, app, models.AuditContext{})
		if fe := models.FieldErrors(err); fe["licence"] == nil || fe["licence"].Kind != models.KindTooLarge {
			t.Fatalf("big licence: %v", err)
		}
		nothing("big licence")

		// Every field problem at once, the account part included.
		bad := app
		bad.Licence, bad.RealName, bad.Title, bad.LicenceNumber, bad.Password, bad.Agree = nil, " ", "professor", "11010119900101", "", false
		_, err = e.acc.ApplyDoctor(ctx, bad, models.AuditContext{})
		fe = models.FieldErrors(err)
		for _, f := range []string{"licence", "real_name", "title", "licence_number", "password", "agree"} {
			if fe[f] == nil {
				t.Errorf("no problem reported for %s (got %v)", f, err)
			}
		}
		if fe["hospital"] != nil || fe["username"] != nil {
			t.Errorf("valid fields reported: %v (username is optional for doctors)", err)
		}
		nothing("bad fields")

		// The licence insert fails inside the transaction: the account goes too.
		if err := g.Exec("DROP TABLE doctor_licences").Error; err != nil {
			t.Fatal(err)
		}
		app.Licence = pdf("ok")
		if _, err := e.acc.ApplyDoctor(ctx, app, models.AuditContext{}); err == nil {
			t.Fatal("apply succeeded without a licence table")
		}
		for _, table := range []string{"users", "doctor_profiles"} {
			if n := countRows(t, g, table, ""); n != 0 {
				t.Errorf("rollback: %d rows in %s", n, table)
			}
		}
	})
}

// Only the allowed status changes happen; each is audited without the reason, the
// reason is kept for the doctor, and the doctor is told.
// policy: C4.3
func TestDoctorReviewTransitions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, _ db.Dialect) {
		e := newDoctorEnv(t, g)
		ctx := context.Background()
		admin := models.AuditContext{ActorKind: models.ActorStaff, ActorID: 7, RequestID: "r1"}
		reason := "证书照片模糊，无法辨认编码 RSN-CANARY"
		allowed := map[string][]string{ // decision → statuses it applies to
			models.ReviewVerify:    {models.DoctorPending, models.DoctorRejected},
			models.ReviewReject:    {models.DoctorPending},
			models.ReviewSuspend:   {models.DoctorVerified},
			models.ReviewReinstate: {models.DoctorSuspended},
		}
		want := map[string]string{models.ReviewVerify: models.DoctorVerified, models.ReviewReject: models.DoctorRejected,
			models.ReviewSuspend: models.DoctorSuspended, models.ReviewReinstate: models.DoctorVerified}
		n := 0
		for _, decision := range models.ReviewActions {
			for _, from := range []string{models.DoctorPending, models.DoctorRejected, models.DoctorVerified, models.DoctorSuspended} {
				n++
				phone := fmt.Sprintf("139%08d", n)
				u, err := e.acc.CreateAccount(ctx, models.NewAccount{Kind: models.KindDoctor, Phone: phone, Password: "Clinic-Pass-2026",
					Doctor: &models.DoctorProfile{RealName: "王医生", Hospital: "医院", Department: "科室", Title: models.TitleResident,
						LicenceNumber: "110101199001011", Status: from}}, models.AuditContext{ActorKind: models.ActorSystem})
				if err != nil {
					t.Fatal(err)
				}
				ok := false
				for _, s := range allowed[decision] {
					ok = ok || s == from
				}
				if models.ReviewAllowed(decision, from) != ok {
					t.Errorf("ReviewAllowed(%s, %s) = %v", decision, from, !ok)
				}
				prof, err := e.acc.ReviewDoctor(ctx, u.ID, decision, reason, admin)
				stored, _ := models.DoctorStatus(ctx, g, u.ID)
				if !ok {
					if k, _ := models.KindOf(err); k != models.KindConflict || stored != from {
						t.Errorf("%s from %s: err %v, status %s; want a conflict and no change", decision, from, err, stored)
					}
					continue
				}
				if err != nil || stored != want[decision] || prof.Status != want[decision] {
					t.Fatalf("%s from %s: %v, status %s", decision, from, err, stored)
				}
				p, _ := e.acc.DoctorProfileOf(ctx, u.ID)
				if p.ReviewedBy == nil || *p.ReviewedBy != 7 || p.ReviewedAt == nil {
					t.Errorf("%s: reviewer not recorded: %+v", decision, p)
				}
				if wantReason := models.ReviewNeedsReason(decision); (p.ReviewReason == reason) != wantReason {
					t.Errorf("%s: review_reason %q", decision, p.ReviewReason)
				}
				var details []string
				g.Table("audit_log").Where("action = ? AND object_id = ?", "doctor."+decision, fmt.Sprint(u.ID)).Pluck("details", &details)
				if len(details) != 1 || strings.Contains(details[0], "CANARY") || !strings.Contains(details[0], `"to":"`+want[decision]+`"`) {
					t.Errorf("%s: audit details %q", decision, details)
				}
				told := false
				for _, m := range e.rec.Recent() {
					told = told || (m.To == phone && m.Channel == notify.SMS)
				}
				if inbox := countRows(t, g, "notifications", "user_id = ?", u.ID); !told || inbox == 0 {
					t.Errorf("%s: doctor not told (sms %v, inbox %d)", decision, told, inbox)
				}
			}
		}

		// Reasons: required for reject and suspend, 5–500 characters.
		u, err := e.acc.CreateAccount(ctx, models.NewAccount{Kind: models.KindDoctor, Phone: "13700000000", Password: "Clinic-Pass-2026",
			Doctor: &models.DoctorProfile{RealName: "赵医生", Hospital: "医院", Department: "科室", Title: models.TitleResident,
				LicenceNumber: "110101199001011"}}, models.AuditContext{ActorKind: models.ActorSystem})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range []string{"", "太短了", strings.Repeat("长", 501), "含控制字符\x00的说明"} {
			_, err := e.acc.ReviewDoctor(ctx, u.ID, models.ReviewReject, r, admin)
			if fe := models.FieldErrors(err); fe["reason"] == nil {
				t.Errorf("reason %q accepted: %v", r, err)
			}
		}
		if _, err := e.acc.ReviewDoctor(ctx, u.ID, models.ReviewReject, strings.Repeat("长", 500), admin); err != nil {
			t.Errorf("500-character reason refused: %v", err)
		}
		if _, err := e.acc.ReviewDoctor(ctx, 987654, models.ReviewVerify, "", admin); !models.IsNotFound(err) {
			t.Errorf("unknown doctor: %v", err)
		}
		if _, err := e.acc.ReviewDoctor(ctx, u.ID, "delete", "", admin); !models.IsNotFound(err) {
			t.Errorf("unknown decision: %v", err)
		}
	})
}

// The queue pages by (created_at, user_id), oldest first, with ties broken by ID,
// every row exactly once and only the asked status.
func TestDoctorQueueKeysetPagination(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, _ db.Dialect) {
		e := newDoctorEnv(t, g)
		ctx := context.Background()
		var want []int64
		for i := range 7 {
			if i != 3 { // doctors 2 and 3 apply in the same microsecond
				e.clk.Advance(time.Minute + 1234*time.Nanosecond)
			}
			status := models.DoctorPending
			if i == 5 {
				status = models.DoctorVerified
			}
			u, err := e.acc.CreateAccount(ctx, models.NewAccount{Kind: models.KindDoctor, Phone: fmt.Sprintf("1360000000%d", i),
				Doctor: &models.DoctorProfile{RealName: "医生", Hospital: "医院", Department: "科室", Title: models.TitleResident,
					LicenceNumber: "110101199001011", Status: status}}, models.AuditContext{ActorKind: models.ActorSystem})
			if err != nil {
				t.Fatal(err)
			}
			if status == models.DoctorPending {
				want = append(want, u.ID)
			}
		}
		var got []int64
		var after *models.DoctorCursor
		for pages := 0; ; pages++ {
			if pages > 10 {
				t.Fatal("pagination does not end")
			}
			rows, next, err := e.acc.DoctorQueue(ctx, models.DoctorPending, after, 2)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				got = append(got, r.UserID)
			}
			if next == nil {
				break
			}
			after = models.ParseDoctorCursor(next.String()) // through the URL form
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("queue order %v, want %v", got, want)
		}
		if models.ParseDoctorCursor("junk") != nil || models.ParseDoctorCursor("1.-2") != nil {
			t.Error("malformed cursors must read as the first page")
		}
	})
}
