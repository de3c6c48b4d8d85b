package models_test

import (
	"context"
	"crypto/rand"
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	otptotp "github.com/pquerna/otp/totp"
	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/internal/keys"
	"github.com/yibao-health/portal/internal/notify"
	"github.com/yibao-health/portal/internal/password"
	"github.com/yibao-health/portal/internal/testkit/dbtest"
	"github.com/yibao-health/portal/models"
)

// fixtureClock is the wall clock plus an offset the test moves.
type fixtureClock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *fixtureClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.off)
}
func (c *fixtureClock) advance(d time.Duration) { c.mu.Lock(); c.off += d; c.mu.Unlock() }

// accountsFixture is a real Accounts on g: real keyring, argon2id hasher, recording
// notifier, movable clock.
func accountsFixture(t *testing.T, g *gorm.DB) (*models.Accounts, *notify.Recorder, *fixtureClock) {
	t.Helper()
	mk := make([]byte, 32)
	if _, err := rand.Read(mk); err != nil {
		t.Fatal(err)
	}
	kr, err := keys.Open(context.Background(), g, mk)
	if err != nil {
		t.Fatal(err)
	}
	rec := notify.NewRecorder(nil)
	clock := &fixtureClock{}
	n := models.NewNotifier(g, rec, rec, nil)
	return models.NewAccounts(g, kr, password.New(password.DefaultParams, 2), n, clock.now), rec, clock
}

var codeRE = regexp.MustCompile(`\b\d{6}\b`)

func sentCode(t *testing.T, rec *notify.Recorder, to string) string {
	t.Helper()
	for _, m := range rec.Recent() {
		if m.To == to {
			if c := codeRE.FindString(m.Body); c != "" {
				return c
			}
		}
	}
	t.Fatalf("no code sent to %s", to)
	return ""
}

func TestRegisterAndAuthenticate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		ctx := context.Background()
		a, rec, clock := accountsFixture(t, g)
		clockAdvanceCooldown := func(*models.Accounts) { clock.advance(models.CodeCooldown) }
		actx := models.AuditContext{ActorKind: models.ActorAnonymous, RequestID: "r", ClientIP: "192.0.2.1"}
		// Invalid input: every problem reported, nothing stored.
		_, err := a.Register(ctx, models.Registration{Contact: "12345", Username: "1x", Password: "short"}, actx, nil)
		if fe := models.FieldErrors(err); len(fe) != 5 {
			t.Fatalf("want 5 field errors (contact, username, password, code, agree), got %v", fe)
		}
		if err := a.SendCode(ctx, models.PurposeRegister, "+86 138 0000 5555", "zh-CN"); err != nil {
			t.Fatal(err)
		}
		code := sentCode(t, rec, "13800005555")
		reg := models.Registration{Contact: "13800005555", Code: code, Username: "Wang_Fang", Password: "correct horse battery", Agree: true}
		u, err := a.Register(ctx, reg, actx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if *u.Username != "wang_fang" {
			t.Fatalf("username not lower-cased: %q", *u.Username)
		}
		// The code was single use.
		reg.Username = "other_name"
		if _, err := a.Register(ctx, reg, actx, nil); err == nil {
			t.Fatal("a used code registered a second account")
		}
		// A registered number gets a notice, not a code, and the caller cannot tell.
		before := len(rec.Recent())
		clockAdvanceCooldown(a)
		if err := a.SendCode(ctx, models.PurposeRegister, "13800005555", "zh-CN"); err != nil {
			t.Fatal(err)
		}
		if got := rec.Recent(); len(got) != before+1 || codeRE.MatchString(got[0].Body) {
			t.Fatalf("registered number: want one notice without a code, got %+v", got[0])
		}
		// Sign in by phone, username and wrong password.
		for _, login := range []string{"13800005555", "+8613800005555", "WANG_FANG"} {
			if _, err := a.Authenticate(ctx, models.SignIn{Login: login, Password: "correct horse battery", IP: "192.0.2.1"}, actx); err != nil {
				t.Fatalf("sign in as %s: %v", login, err)
			}
		}
		_, err = a.Authenticate(ctx, models.SignIn{Login: "wang_fang", Password: "wrong", IP: "192.0.2.1"}, actx)
		if e := models.AsError(err); e == nil || e.Key != "signin.failed" {
			t.Fatalf("wrong password: %v", err)
		}
		// The raw row holds neither the phone number nor its digits.
		var row struct{ PhoneIndex, PhoneEnc string }
		g.Raw("SELECT phone_index, phone_enc FROM users").Scan(&row)
		raw := row.PhoneIndex + row.PhoneEnc
		if row.PhoneEnc == "" || strings.Contains(raw, "13800005555") {
			t.Fatalf("phone stored in clear or not at all: %q", raw)
		}
		var n int64
		g.Model(&models.AuditEntry{}).Where("action = ? AND outcome = ?", "auth.signin", models.OutcomeFailure).Count(&n)
		if n != 1 {
			t.Fatalf("%d failed sign-ins audited, want 1", n)
		}
	})
}

func TestSecondFactorRefusesReplayAndUsesRecoveryCodesOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		ctx := context.Background()
		a, _, clock := accountsFixture(t, g)
		actx := models.AuditContext{ActorKind: models.ActorSystem}
		u, err := a.CreateAccount(ctx, models.NewAccount{Kind: models.KindStaff, Email: "s@example.com", Password: "correct horse battery"}, actx)
		if err != nil {
			t.Fatal(err)
		}
		en, err := a.BeginTOTP(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		code, _ := otptotp.GenerateCode(en.Secret, clock.now())
		recovery, err := a.ConfirmTOTP(ctx, u, code, actx)
		if err != nil || len(recovery) != 10 {
			t.Fatalf("confirm: %v, %d codes", err, len(recovery))
		}
		// The enrolment code's step is spent: it cannot sign in.
		if err := a.SecondFactor(ctx, u, code, "en", actx); err == nil {
			t.Fatal("the enrolment code was accepted again")
		}
		clock.advance(30 * time.Second)
		next, _ := otptotp.GenerateCode(en.Secret, clock.now())
		if err := a.SecondFactor(ctx, u, next, "en", actx); err != nil {
			t.Fatalf("fresh code: %v", err)
		}
		if err := a.SecondFactor(ctx, u, next, "en", actx); err == nil {
			t.Fatal("replayed code accepted")
		}
		if err := a.SecondFactor(ctx, u, recovery[0], "en", actx); err != nil {
			t.Fatalf("recovery code: %v", err)
		}
		err = a.SecondFactor(ctx, u, recovery[0], "en", actx)
		if e := models.AsError(err); e == nil || !errors.Is(err, e) {
			t.Fatal("recovery code used twice")
		}
		var stored []string
		g.Model(&models.RecoveryCode{}).Where("user_id = ?", u.ID).Pluck("code_hash", &stored)
		for _, h := range stored {
			for _, p := range recovery {
				if strings.Contains(h, p) {
					t.Fatal("recovery code stored in clear")
				}
			}
		}
	})
}
