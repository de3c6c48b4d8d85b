package models_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/internal/keys"
	"github.com/yibao-health/portal/internal/notify"
	"github.com/yibao-health/portal/internal/password"
	"github.com/yibao-health/portal/internal/testkit/dbtest"
	"github.com/yibao-health/portal/models"
)

const staffTestPassword = "Staff-Pass-2026"

// staffEnv is a real account domain (keyring, hasher, notifier recording messages).
type staffEnv struct {
	acc *models.Accounts
	rec *notify.Recorder
	g   *gorm.DB
	clk *clock
	ctx context.Context
}

func newStaffEnv(t *testing.T, g *gorm.DB, email notify.EmailSender) *staffEnv {
	t.Helper()
	ctx := context.Background()
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	kr, err := keys.Open(ctx, g, key)
	if err != nil {
		t.Fatal(err)
	}
	rec := notify.NewRecorder(nil)
	if email == nil {
		email = rec
	}
	clk := &clock{time.Date(2026, 11, 28, 8, 0, 0, 0, time.UTC)}
	acc := models.NewAccounts(g, kr, password.New(password.DefaultParams, 2), models.NewNotifier(g, email, rec, nil), clk.Now)
	return &staffEnv{acc: acc, rec: rec, g: g, clk: clk, ctx: ctx}
}

// account creates an account made by the operator; staff get MFA enrolled.
func (e *staffEnv) account(t *testing.T, kind, contact string, caps ...string) *models.User {
	t.Helper()
	n := models.NewAccount{Kind: kind, Password: staffTestPassword, Caps: caps}
	if strings.Contains(contact, "@") {
		n.Email = contact
	} else {
		n.Phone = contact
	}
	if kind != models.KindPatient {
		n.TOTPSecret = "JBSWY3DPEHPK3PXP"
	}
	u, err := e.acc.CreateAccount(e.ctx, n, models.AuditContext{ActorKind: models.ActorSystem})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// withEmail is e with another e-mail sender (same database, keys and clock).
func (e *staffEnv) withEmail(email notify.EmailSender) *staffEnv {
	c := *e
	c.rec = notify.NewRecorder(nil)
	if email == nil {
		email = c.rec
	}
	c.acc = models.NewAccounts(e.g, e.acc.Keys, e.acc.Hasher, models.NewNotifier(e.g, email, c.rec, nil), e.clk.Now)
	return &c
}

func (e *staffEnv) reload(t *testing.T, id int64) *models.User {
	t.Helper()
	u, err := e.acc.User(e.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func actorOf(u *models.User) models.AuditContext {
	return models.AuditContext{ActorKind: models.ActorStaff, ActorID: u.ID, RequestID: "test"}
}

// auditRows returns the successful audit rows with action, oldest first.
func (e *staffEnv) auditRows(t *testing.T, action string) []models.AuditEntry {
	t.Helper()
	var rows []models.AuditEntry
	if err := e.g.Where("action = ? AND outcome = ?", action, models.OutcomeSuccess).Order("id").Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	return rows
}

func wantKey(t *testing.T, err error, kind models.Kind, key string) {
	t.Helper()
	e := models.AsError(err)
	if e == nil || e.Kind != kind || e.Key != key {
		t.Fatalf("want %s %q, got %v", kind, key, err)
	}
}

// An admin never changes their own capabilities; another admin can, and the audit
// row names the old and new capabilities.
// policy: C4.3, C4.1-5
func TestCapabilitiesAreNeverSelfGranted(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, _ db.Dialect) {
		e := newStaffEnv(t, g, nil)
		a := e.account(t, models.KindStaff, "a@example.com", models.CapAdmin)
		b := e.account(t, models.KindStaff, "b@example.com", models.CapSupport)
		p := e.account(t, models.KindPatient, "13800000001")

		_, err := e.acc.SetCapabilities(e.ctx, b, b.ID, []string{"support,admin"}, actorOf(b))
		wantKey(t, err, models.KindForbidden, "staff.self")
		_, err = e.acc.SetCapabilities(e.ctx, a, a.ID, []string{"admin", "privacy_officer"}, actorOf(a))
		wantKey(t, err, models.KindForbidden, "staff.self")
		if got := e.reload(t, a.ID).Capabilities; got != "admin" {
			t.Fatalf("self-change stored: %q", got)
		}
		var denied int64
		g.Model(&models.AuditEntry{}).Where("action = ? AND outcome = ?", "staff.capabilities", models.OutcomeDenied).Count(&denied)
		if denied != 2 {
			t.Fatalf("%d refusals audited, want 2", denied)
		}
		// A non-admin cannot change anyone.
		_, err = e.acc.SetCapabilities(e.ctx, b, a.ID, []string{"support"}, actorOf(b))
		wantKey(t, err, models.KindForbidden, "staff.not_admin")

		changed, err := e.acc.SetCapabilities(e.ctx, a, b.ID, []string{"admin", "support"}, actorOf(a))
		if err != nil || !changed {
			t.Fatalf("admin grants another: %v %v", changed, err)
		}
		if got := e.reload(t, b.ID).Capabilities; got != "support,admin" {
			t.Fatalf("stored %q", got)
		}
		rows := e.auditRows(t, "staff.capabilities")
		last := rows[len(rows)-1]
		if last.Outcome != models.OutcomeSuccess || last.ActorID != a.ID || last.ObjectID != idStr(b.ID) ||
			!strings.Contains(last.Details, `"old":"support"`) || !strings.Contains(last.Details, `"new":"support,admin"`) {
			t.Fatalf("audit row: %+v", last)
		}
		if changed, err := e.acc.SetCapabilities(e.ctx, a, b.ID, []string{"admin,support"}, actorOf(a)); err != nil || changed {
			t.Fatalf("same capabilities again: changed=%v err=%v", changed, err)
		}
		_, err = e.acc.SetCapabilities(e.ctx, a, b.ID, []string{"root"}, actorOf(a))
		wantKey(t, err, models.KindInvalid, "staff.caps.unknown")
		_, err = e.acc.SetCapabilities(e.ctx, a, b.ID, nil, actorOf(a))
		wantKey(t, err, models.KindInvalid, "staff.caps.required")
		_, err = e.acc.SetCapabilities(e.ctx, a, p.ID, []string{"admin"}, actorOf(a))
		if !models.IsNotFound(err) {
			t.Fatalf("capabilities for a patient: %v", err)
		}
	})
}

// The last active admin can never be demoted or locked: an admin who lost admin can
// no longer act, and two admins demoting each other at the same moment leave one.
func TestLastAdminRule(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, _ db.Dialect) {
		e := newStaffEnv(t, g, nil)
		a := e.account(t, models.KindStaff, "a@example.com", models.CapAdmin)
		b := e.account(t, models.KindStaff, "b@example.com", models.CapAdmin)
		if _, err := e.acc.SetCapabilities(e.ctx, a, b.ID, []string{"support"}, actorOf(a)); err != nil {
			t.Fatal(err)
		}
		// b still holds its old *User (admin) but the rule reads the database.
		_, err := e.acc.SetCapabilities(e.ctx, b, a.ID, []string{"support"}, actorOf(b))
		wantKey(t, err, models.KindForbidden, "staff.not_admin")
		err = e.acc.LockAccount(e.ctx, b, a.ID, "taking over the console", actorOf(b))
		wantKey(t, err, models.KindForbidden, "staff.not_admin")
		if admins := countAdmins(t, g); admins != 1 {
			t.Fatalf("%d active admins", admins)
		}

		// Race: c and d demote each other at once; the row locks serialise them.
		c := e.account(t, models.KindStaff, "c@example.com", models.CapAdmin)
		d := e.account(t, models.KindStaff, "d@example.com", models.CapAdmin)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, pair := range [][2]*models.User{{c, d}, {d, c}} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = e.acc.SetCapabilities(e.ctx, pair[0], pair[1].ID, []string{"support"}, actorOf(pair[0]))
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			} else {
				wantKey(t, err, models.KindForbidden, "staff.not_admin")
			}
		}
		if ok != 1 {
			t.Fatalf("both or neither demotion succeeded: %v", errs)
		}
		if admins := countAdmins(t, g); admins != 2 { // a, and the winner of c/d
			t.Fatalf("%d active admins after the race, want 2", admins)
		}
	})
}

func countAdmins(t *testing.T, g *gorm.DB) int {
	t.Helper()
	var users []models.User
	if err := g.Where("kind = ? AND status = ?", models.KindStaff, models.StatusActive).Find(&users).Error; err != nil {
		t.Fatal(err)
	}
	n := 0
	for i := range users {
		if users[i].Can(models.CapAdmin) {
			n++
		}
	}
	return n
}

func idStr(id int64) string { return strconv.FormatInt(id, 10) }

// An enrolment link is stored as its SHA-256 only, works once, expires after 72
// hours, and a new invitation makes the old link stop working.
func TestEnrollmentTokenSingleUseAndExpiry(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, _ db.Dialect) {
		e := newStaffEnv(t, g, nil)
		op := models.AuditContext{ActorKind: models.ActorSystem}
		u, token, err := e.acc.BootstrapStaff(e.ctx, models.StaffInvite{Email: "Root@Example.com", Caps: []string{"admin"}}, op)
		if err != nil {
			t.Fatal(err)
		}
		if u.PasswordHash != "" || u.Capabilities != "admin" || len(token) < 40 {
			t.Fatalf("bootstrap: %+v token %d chars", u, len(token))
		}
		var rows []models.EnrollmentToken
		g.Find(&rows)
		sum := sha256.Sum256([]byte(token))
		if len(rows) != 1 || rows[0].TokenHash != hex.EncodeToString(sum[:]) || !rows[0].ExpiresAt.Equal(e.clk.Now().Add(72*time.Hour)) {
			t.Fatalf("stored token: %+v", rows)
		}
		if got, err := e.acc.Enrollment(e.ctx, token); err != nil || got.ID != u.ID {
			t.Fatalf("valid link: %v", err)
		}
		// A refused password does not spend the link.
		_, err = e.acc.CompleteEnrollment(e.ctx, token, "short", op)
		wantKey(t, err, models.KindInvalid, "password.too_short")
		if _, err := e.acc.CompleteEnrollment(e.ctx, token, staffTestPassword, op); err != nil {
			t.Fatal(err)
		}
		if got := e.reload(t, u.ID); got.PasswordHash == "" || got.HasMFA() {
			t.Fatalf("after enrolment: password set=%v mfa=%v", got.PasswordHash != "", got.HasMFA())
		}
		for _, pw := range []string{staffTestPassword, "Another-Pass-2026"} {
			_, err = e.acc.CompleteEnrollment(e.ctx, token, pw, op)
			wantKey(t, err, models.KindNotFound, "enroll.invalid")
		}
		_, err = e.acc.Enrollment(e.ctx, token)
		wantKey(t, err, models.KindNotFound, "enroll.invalid")
		_, err = e.acc.Enrollment(e.ctx, "no-such-token")
		wantKey(t, err, models.KindNotFound, "enroll.invalid")
		if rows := e.auditRows(t, "staff.enrol"); len(rows) != 1 || rows[0].ActorID != u.ID || strings.Contains(rows[0].Details, token) {
			t.Fatalf("staff.enrol audit: %+v", rows)
		}

		// Expiry: valid one second before 72 hours, gone at 72 hours.
		_, late, err := e.acc.BootstrapStaff(e.ctx, models.StaffInvite{Email: "late@example.com", Caps: []string{"support"}}, op)
		if err != nil {
			t.Fatal(err)
		}
		e.clk.Advance(72*time.Hour - time.Second)
		if _, err := e.acc.Enrollment(e.ctx, late); err != nil {
			t.Fatalf("link before expiry: %v", err)
		}
		e.clk.Advance(time.Second)
		_, err = e.acc.CompleteEnrollment(e.ctx, late, staffTestPassword, op)
		wantKey(t, err, models.KindNotFound, "enroll.invalid")

		// A new invitation replaces the old link; the e-mail carries the new one.
		admin := e.reload(t, u.ID)
		invitee := e.userByEmail(t, "late@example.com")
		if err := e.acc.ResendInvitation(e.ctx, admin, invitee.ID, "https://portal.example", actorOf(admin)); err != nil {
			t.Fatal(err)
		}
		mail := e.rec.Recent()[0]
		i := strings.Index(mail.Body, "https://portal.example/enroll/")
		if mail.To != "late@example.com" || i < 0 {
			t.Fatalf("invitation mail: %+v", mail)
		}
		fresh := strings.Fields(mail.Body[i+len("https://portal.example/enroll/"):])[0]
		if _, err := e.acc.Enrollment(e.ctx, fresh); err != nil {
			t.Fatalf("new link: %v", err)
		}
		for _, row := range e.auditRows(t, "staff.invite.resend") {
			if strings.Contains(row.Details, fresh) {
				t.Fatal("token in audit details")
			}
		}
		// An enrolled account gets no new link.
		err = e.acc.ResendInvitation(e.ctx, e.reload(t, invitee.ID), u.ID, "https://portal.example", actorOf(invitee))
		if err == nil {
			t.Fatal("resend by a non-admin accepted")
		}
	})
}

func (e *staffEnv) userByEmail(t *testing.T, email string) *models.User {
	t.Helper()
	u, err := e.acc.FindByLogin(e.ctx, email)
	if err != nil || u == nil {
		t.Fatalf("find %s: %v", email, err)
	}
	return u
}

// An invitation whose e-mail cannot be sent stores nothing (invariant 8); one that
// is sent carries the link, which the admin never gets back.
func TestInviteStaffSendsTheLinkOrStoresNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, _ db.Dialect) {
		e := newStaffEnv(t, g, notify.Unconfigured{})
		admin := e.account(t, models.KindStaff, "admin@example.com", models.CapAdmin)
		_, err := e.acc.InviteStaff(e.ctx, admin, models.StaffInvite{Email: "new@example.com", Caps: []string{"support"}}, "https://p.example", actorOf(admin))
		if k, _ := models.KindOf(err); k != models.KindUnavailable {
			t.Fatalf("unsendable invitation: %v", err)
		}
		if u, _ := e.acc.FindByLogin(e.ctx, "new@example.com"); u != nil {
			t.Fatal("account stored although the e-mail failed")
		}
		var n int64
		g.Model(&models.EnrollmentToken{}).Count(&n)
		if n != 0 {
			t.Fatalf("%d tokens left behind", n)
		}

		e = e.withEmail(nil)
		_, err = e.acc.InviteStaff(e.ctx, admin, models.StaffInvite{Email: "bad", Caps: []string{"boss"}}, "https://p.example", actorOf(admin))
		if fe := models.FieldErrors(err); fe["email"] == nil || fe["capabilities"] == nil {
			t.Fatalf("both problems at once: %v", err)
		}
		u, err := e.acc.InviteStaff(e.ctx, admin, models.StaffInvite{Email: "new@example.com", Caps: []string{"support", "privacy_officer"}}, "https://p.example", actorOf(admin))
		if err != nil || u.Capabilities != "support,privacy_officer" || u.PasswordHash != "" {
			t.Fatalf("invite: %+v %v", u, err)
		}
		if m := e.rec.Recent(); len(m) != 1 || m[0].To != "new@example.com" || !strings.Contains(m[0].Body, "https://p.example/enroll/") {
			t.Fatalf("mail: %+v", m)
		}
		_, err = e.acc.InviteStaff(e.ctx, admin, models.StaffInvite{Email: "new@example.com", Caps: []string{"support"}}, "https://p.example", actorOf(admin))
		if fe := models.FieldErrors(err); fe["email"] == nil || fe["email"].Key != "contact.taken" {
			t.Fatalf("taken address: %v", err)
		}
	})
}

// A lock keeps the account out and records the reason encrypted, outside the audit
// log; an unlock lets it back in. Nobody locks themselves.
// policy: C4.3
func TestLockAndUnlock(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, _ db.Dialect) {
		e := newStaffEnv(t, g, nil)
		admin := e.account(t, models.KindStaff, "admin@example.com", models.CapAdmin)
		p := e.account(t, models.KindPatient, "13800000002")
		reason := "caller reported stolen phone 13800000002"

		err := e.acc.LockAccount(e.ctx, admin, admin.ID, "locking myself out", actorOf(admin))
		wantKey(t, err, models.KindForbidden, "staff.self")
		err = e.acc.LockAccount(e.ctx, admin, p.ID, "  bad ", actorOf(admin))
		wantKey(t, err, models.KindInvalid, "staff.reason.length")
		err = e.acc.LockAccount(e.ctx, admin, p.ID, strings.Repeat("长", 501), actorOf(admin))
		wantKey(t, err, models.KindInvalid, "staff.reason.length")
		if err := e.acc.LockAccount(e.ctx, admin, p.ID, reason, actorOf(admin)); err != nil {
			t.Fatal(err)
		}
		got := e.reload(t, p.ID)
		if got.Status != models.StatusLocked || got.StatusReason != models.LockedByStaff {
			t.Fatalf("locked account: %s %s", got.Status, got.StatusReason)
		}
		err = e.acc.LockAccount(e.ctx, admin, p.ID, reason, actorOf(admin))
		wantKey(t, err, models.KindConflict, "staff.lock.already")
		if _, err := e.acc.Authenticate(e.ctx, models.SignIn{Login: "13800000002", Password: staffTestPassword, IP: "192.0.2.1"}, models.AuditContext{ActorKind: models.ActorAnonymous}); err == nil {
			t.Fatal("locked account signed in")
		}
		if m := e.rec.Recent(); len(m) == 0 || m[0].To != "13800000002" || strings.Contains(m[0].Body, "stolen") {
			t.Fatalf("owner notice: %+v", m)
		}

		if err := e.acc.UnlockAccount(e.ctx, admin, p.ID, "identity confirmed by call-back", actorOf(admin)); err != nil {
			t.Fatal(err)
		}
		if got := e.reload(t, p.ID); got.Status != models.StatusActive || got.StatusReason != "" {
			t.Fatalf("unlocked account: %s %q", got.Status, got.StatusReason)
		}
		err = e.acc.UnlockAccount(e.ctx, admin, p.ID, "identity confirmed by call-back", actorOf(admin))
		wantKey(t, err, models.KindConflict, "staff.unlock.not_locked")

		notes, err := e.acc.AccountNotes(e.ctx, p.ID, 10)
		if err != nil || len(notes) != 2 || notes[1].Reason != reason || notes[1].Action != models.ActionLock || notes[0].ActorID != admin.ID {
			t.Fatalf("notes: %+v %v", notes, err)
		}
		var raw []models.AccountAction
		g.Find(&raw)
		for _, r := range raw {
			if strings.Contains(r.ReasonEnc, "stolen") || strings.Contains(r.ReasonEnc, "13800000002") {
				t.Fatal("reason stored in clear")
			}
		}
		for _, action := range []string{"account.lock", "account.unlock"} {
			rows := e.auditRows(t, action)
			if len(rows) != 1 || rows[0].ActorID != admin.ID || rows[0].ObjectID != idStr(p.ID) {
				t.Fatalf("%s audit: %+v", action, rows)
			}
		}
		assertNoSecretsInAudit(t, g, reason, "identity confirmed", "13800000002")
	})
}

// An MFA reset clears the secret and the recovery codes, names the admin as actor
// and tells the owner; there is nothing to reset twice.
// policy: C4.1-5
func TestResetMFA(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, _ db.Dialect) {
		e := newStaffEnv(t, g, nil)
		admin := e.account(t, models.KindStaff, "admin@example.com", models.CapAdmin)
		doc := e.account(t, models.KindDoctor, "13800000003")
		if err := g.Create(&models.RecoveryCode{UserID: doc.ID, CodeHash: "x", CreatedAt: e.clk.Now()}).Error; err != nil {
			t.Fatal(err)
		}
		err := e.acc.ResetMFA(e.ctx, admin, admin.ID, "lost my own phone", actorOf(admin))
		wantKey(t, err, models.KindForbidden, "staff.self")
		err = e.acc.ResetMFA(e.ctx, admin, doc.ID, "", actorOf(admin))
		wantKey(t, err, models.KindInvalid, "staff.reason.length")
		if err := e.acc.ResetMFA(e.ctx, admin, doc.ID, "doctor lost phone, ticket 4711", actorOf(admin)); err != nil {
			t.Fatal(err)
		}
		if got := e.reload(t, doc.ID); got.HasMFA() || !got.NeedsMFA() {
			t.Fatalf("after reset: has=%v needs=%v", got.HasMFA(), got.NeedsMFA())
		}
		var codes int64
		g.Model(&models.RecoveryCode{}).Where("user_id = ?", doc.ID).Count(&codes)
		if codes != 0 {
			t.Fatalf("%d recovery codes left", codes)
		}
		rows := e.auditRows(t, "auth.mfa.reset")
		if len(rows) != 1 || rows[0].ActorID != admin.ID || rows[0].ActorKind != models.ActorStaff || rows[0].ObjectID != idStr(doc.ID) {
			t.Fatalf("audit: %+v", rows)
		}
		if m := e.rec.Recent(); len(m) == 0 || m[0].To != "13800000003" {
			t.Fatalf("owner not told: %+v", m)
		}
		err = e.acc.ResetMFA(e.ctx, admin, doc.ID, "doctor lost phone again", actorOf(admin))
		wantKey(t, err, models.KindConflict, "staff.mfa.none")
		assertNoSecretsInAudit(t, g, "ticket 4711", "13800000003")
	})
}

// assertNoSecretsInAudit fails if any audit row holds one of the values (invariant 10).
func assertNoSecretsInAudit(t *testing.T, g *gorm.DB, values ...string) {
	t.Helper()
	var rows []models.AuditEntry
	g.Find(&rows)
	for _, r := range rows {
		line := strings.Join([]string{r.Action, r.ObjectID, r.Details, r.RequestID, r.ClientIP}, " ")
		for _, v := range values {
			if strings.Contains(line, v) {
				t.Fatalf("audit row %d holds %q: %s", r.ID, v, line)
			}
		}
	}
}
