package models_test

import (
	"context"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/internal/testkit/dbtest"
	"github.com/yibao-health/portal/models"
)

func TestThrottleSlowsThenLocksTemporarily(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, _ db.Dialect) {
		ctx := context.Background()
		clk := &clock{time.Date(2026, 11, 28, 8, 0, 0, 0, time.UTC)}
		th := &models.Throttle{DB: g, Now: clk.Now}
		key := "account:42"
		for i := 1; i <= 2; i++ {
			if locked, err := th.Fail(ctx, key, models.AccountRule); err != nil || locked {
				t.Fatalf("failure %d: locked=%v err=%v", i, locked, err)
			}
			if err := th.Check(ctx, key); err != nil {
				t.Fatalf("no delay expected after %d failures: %v", i, err)
			}
		}
		if _, err := th.Fail(ctx, key, models.AccountRule); err != nil {
			t.Fatal(err)
		}
		if w, _ := th.Wait(ctx, key); w != time.Second {
			t.Errorf("third failure: wait %v, want 1s", w)
		}
		clk.Advance(time.Second)
		th.Fail(ctx, key, models.AccountRule)
		clk.Advance(2 * time.Second)
		locked, err := th.Fail(ctx, key, models.AccountRule)
		if err != nil || !locked {
			t.Fatalf("fifth failure should lock: %v %v", locked, err)
		}
		if k := kindOf(th.Check(ctx, key, "ip:other")); k != models.KindRateLimited {
			t.Fatalf("locked key not refused: %v", k)
		}
		// The lock is temporary: after 15 minutes the owner can try again.
		clk.Advance(models.AccountRule.LockFor)
		if err := th.Check(ctx, key); err != nil {
			t.Fatalf("lock did not expire: %v", err)
		}
		if locked, _ := th.Fail(ctx, key, models.AccountRule); locked {
			t.Error("a new window should start counting from one")
		}
		if err := th.Reset(ctx, key); err != nil {
			t.Fatal(err)
		}
		if w, _ := th.Wait(ctx, key); w != 0 {
			t.Errorf("reset left wait %v", w)
		}
	})
}

func TestThrottleDelayIsCappedForLongRuns(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, _ db.Dialect) {
		ctx := context.Background()
		clk := &clock{time.Date(2026, 11, 28, 8, 0, 0, 0, time.UTC)}
		th := &models.Throttle{DB: g, Now: clk.Now}
		rule := models.ThrottleRule{Window: time.Hour, DelayAfter: 1, MaxDelay: time.Minute, LockAfter: 1000, LockFor: time.Minute}
		for i := 0; i < 80; i++ {
			if _, err := th.Fail(ctx, "ip:x", rule); err != nil {
				t.Fatal(err)
			}
		}
		if w, _ := th.Wait(ctx, "ip:x"); w != time.Minute {
			t.Errorf("wait after 80 failures = %v, want the 1m cap", w)
		}
	})
}
