package models_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/internal/testkit/dbtest"
	"github.com/yibao-health/portal/models"
)

// clock is a controllable time source for tests.
type clock struct{ t time.Time }

func (c *clock) Now() time.Time          { return c.t }
func (c *clock) Advance(d time.Duration) { c.t = c.t.Add(d) }

func newCodes(g *gorm.DB, clk *clock) *models.Codes {
	key := []byte("test-key")
	return &models.Codes{DB: g, Now: clk.Now, Hash: func(p, target, code string) string {
		m := hmac.New(sha256.New, key)
		m.Write([]byte(p + "\x00" + target + "\x00" + code))
		return hex.EncodeToString(m.Sum(nil))
	}}
}

func kindOf(err error) models.Kind {
	k, _ := models.KindOf(err)
	return k
}

func TestVerificationCodeLifecycle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, _ db.Dialect) {
		ctx := context.Background()
		clk := &clock{time.Date(2026, 11, 28, 8, 0, 0, 0, time.UTC)}
		codes := newCodes(g, clk)
		target := strings.Repeat("a", 64)
		code, err := codes.Issue(ctx, "register", "sms", target)
		if err != nil || len(code) != 6 {
			t.Fatalf("issue: %q %v", code, err)
		}
		// The code is not stored in the clear.
		var n int64
		g.Model(&models.VerificationCode{}).Where("code_hash = ?", code).Count(&n)
		if n != 0 {
			t.Fatal("code stored in plaintext")
		}
		// Resend cooldown.
		if _, err := codes.Issue(ctx, "register", "sms", target); kindOf(err) != models.KindRateLimited {
			t.Fatalf("resend inside cooldown: %v", err)
		}
		if err := codes.Check(ctx, "register", target, wrong(code)); kindOf(err) != models.KindInvalid {
			t.Fatalf("wrong code: %v", err)
		}
		if err := codes.Check(ctx, "other-purpose", target, code); err == nil {
			t.Fatal("code accepted for another purpose")
		}
		if err := codes.Check(ctx, "register", target, code); err != nil {
			t.Fatalf("right code: %v", err)
		}
		if err := codes.Check(ctx, "register", target, code); err == nil {
			t.Fatal("code used twice")
		}
		// Expiry after 10 minutes.
		clk.Advance(time.Minute)
		code, err = codes.Issue(ctx, "register", "sms", target)
		if err != nil {
			t.Fatal(err)
		}
		clk.Advance(models.CodeLifetime)
		if err := codes.Check(ctx, "register", target, code); err == nil {
			t.Fatal("expired code accepted")
		}
	})
}

func TestVerificationCodeAttemptLimitHoldsUnderConcurrency(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, _ db.Dialect) {
		ctx := context.Background()
		clk := &clock{time.Date(2026, 11, 28, 8, 0, 0, 0, time.UTC)}
		codes := newCodes(g, clk)
		target := strings.Repeat("b", 64)
		code, err := codes.Issue(ctx, "reset", "email", target)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for i := 0; i < 12; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_ = codes.Check(ctx, "reset", target, wrong(code))
			}()
		}
		wg.Wait()
		var row models.VerificationCode
		g.Where("target_hash = ?", target).Take(&row)
		if row.Attempts != models.CodeMaxAttempts {
			t.Errorf("attempts = %d, want exactly %d", row.Attempts, models.CodeMaxAttempts)
		}
		err = codes.Check(ctx, "reset", target, code)
		var de *models.Error
		if !errors.As(err, &de) || de.Key != "verify.too_many_attempts" {
			t.Fatalf("right code after too many tries: %v", err)
		}
	})
}

func TestVerificationCodeHourlyCap(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, _ db.Dialect) {
		ctx := context.Background()
		clk := &clock{time.Date(2026, 11, 28, 8, 0, 0, 0, time.UTC)}
		codes := newCodes(g, clk)
		target := strings.Repeat("c", 64)
		for i := 0; i < models.CodesPerHour; i++ {
			if _, err := codes.Issue(ctx, "register", "sms", target); err != nil {
				t.Fatalf("code %d: %v", i+1, err)
			}
			clk.Advance(models.CodeCooldown)
		}
		_, err := codes.Issue(ctx, "register", "sms", target)
		var de *models.Error
		if !errors.As(err, &de) || de.Key != "verify.too_many" {
			t.Fatalf("code past the hourly cap: %v", err)
		}
		clk.Advance(time.Hour)
		if _, err := codes.Issue(ctx, "register", "sms", target); err != nil {
			t.Fatalf("after an hour: %v", err)
		}
		clk.Advance(2 * time.Hour)
		if n, err := codes.Sweep(ctx); err != nil || n == 0 {
			t.Errorf("sweep removed %d (%v)", n, err)
		}
	})
}

func wrong(code string) string {
	if code == "000000" {
		return "000001"
	}
	return "000000"
}
