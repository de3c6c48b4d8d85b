package session

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/internal/testkit/dbtest"
)

func TestRevokeUser(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		e := newEnv(t, g)
		ctx := context.Background()
		keep := e.login(1, KindPatient, uaChrome)
		other := e.login(1, KindPatient, uaSafari)
		third := e.login(1, KindPatient, uaSafari)
		someoneElse := e.login(2, KindPatient, uaChrome)

		_, _, keepHash := Current(e.do(keep).sess)
		n, err := e.s.RevokeUser(ctx, 1, keepHash, ReasonOthers)
		if err != nil || n != 2 {
			t.Fatalf("RevokeUser = %d, %v; want 2", n, err)
		}
		wantUser(t, e.do(keep), 1, KindPatient)
		for _, c := range []*http.Cookie{other, third} {
			q := e.do(c)
			wantAnonymous(t, q, EndRevoked)
			if _, why := EndReason(q.sess); why != ReasonOthers {
				t.Errorf("revoke reason = %q", why)
			}
		}
		wantUser(t, e.do(someoneElse), 2, KindPatient)

		// Locking the account ends the last one too; again is a no-op.
		if n, err := e.s.RevokeUser(ctx, 1, "", ReasonLocked); err != nil || n != 1 {
			t.Fatalf("RevokeUser(all) = %d, %v; want 1", n, err)
		}
		wantAnonymous(t, e.do(keep), EndRevoked)
		if n, _ := e.s.RevokeUser(ctx, 1, "", ReasonLocked); n != 0 {
			t.Errorf("second RevokeUser ended %d", n)
		}
		wantUser(t, e.do(someoneElse), 2, KindPatient)

		if _, err := e.s.RevokeUser(ctx, 0, "", ReasonLocked); err == nil {
			t.Error("RevokeUser(0) accepted: it would end every visitor's session")
		}
		if _, err := e.s.RevokeUser(ctx, 2, "", ""); err == nil {
			t.Error("empty reason accepted")
		}
	})
}

func TestRevokeIsScopedToUser(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		e := newEnv(t, g)
		ctx := context.Background()
		victim := e.login(1, KindPatient, uaChrome)
		_, _, h := Current(e.do(victim).sess)

		for _, c := range []struct {
			user int64
			hash string
		}{{2, h}, {0, h}, {1, "nothex"}, {1, hashID("nope")}} {
			if err := e.s.Revoke(ctx, c.user, c.hash); !errors.Is(err, ErrNotFound) {
				t.Errorf("Revoke(%d, %q) = %v, want ErrNotFound", c.user, c.hash, err)
			}
		}
		wantUser(t, e.do(victim), 1, KindPatient)

		if err := e.s.Revoke(ctx, 1, h); err != nil {
			t.Fatal(err)
		}
		wantAnonymous(t, e.do(victim), EndRevoked)
		if err := e.s.Revoke(ctx, 1, h); !errors.Is(err, ErrNotFound) {
			t.Errorf("second Revoke = %v", err)
		}
	})
}

func TestList(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		e := newEnv(t, g)
		ctx := context.Background()
		phone := e.login(1, KindPatient, uaSafari)
		e.advance(time.Minute)
		laptop := e.login(1, KindPatient, uaChrome)
		e.login(2, KindPatient, uaChrome)
		revoked := e.login(1, KindPatient, uaChrome)
		_, _, rh := Current(e.do(revoked).sess)
		if err := e.s.Revoke(ctx, 1, rh); err != nil {
			t.Fatal(err)
		}
		_, _, current := Current(e.do(laptop).sess)

		list, err := e.s.List(ctx, 1, current)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 {
			t.Fatalf("List = %+v, want 2 sessions", list)
		}
		if !list[0].Current || list[0].Device != "Chrome 126 on Android" || list[0].ClientIP != "203.0.113.0" || list[0].IDHash != current {
			t.Errorf("first = %+v, want the current laptop session", list[0])
		}
		if list[1].Current || list[1].Device != "Safari 17 on iPhone" || !list[1].CreatedAt.Equal(t0) {
			t.Errorf("second = %+v, want the phone", list[1])
		}

		e.advance(DefaultPatientIdle - time.Minute)
		wantUser(t, e.do(phone), 1, KindPatient) // keeps the phone alive
		e.advance(2 * time.Minute)               // the laptop is now idle-expired
		list, _ = e.s.List(ctx, 1, current)
		if len(list) != 1 || list[0].Current {
			t.Errorf("List after the laptop went idle = %+v", list)
		}
	})
}

func TestSweep(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		e := newEnv(t, g)
		ctx := context.Background()
		// More expired rows than one batch holds.
		var rows []row
		for i := range 2*sweepBatch + 7 {
			rows = append(rows, row{
				IDHash: hashID(time.Duration(i).String()), UserID: 3, UserKind: KindPatient,
				CreatedAt: t0.Add(-13 * time.Hour), LastSeenAt: t0.Add(-time.Minute),
				ExpiresAt: t0.Add(-time.Hour), IdleTimeoutSeconds: 7200,
			})
		}
		if err := g.CreateInBatches(rows, 200).Error; err != nil {
			t.Fatal(err)
		}
		live := e.login(1, KindPatient, uaChrome)
		idle := e.login(2, KindDoctor, uaChrome)
		revokedIdle := e.login(4, KindStaff, uaChrome)
		if _, err := e.s.RevokeUser(ctx, 4, "", ReasonLocked); err != nil {
			t.Fatal(err)
		}
		e.advance(45 * time.Minute)
		wantUser(t, e.do(live), 1, KindPatient)

		n, err := e.s.Sweep(ctx, e.now)
		if err != nil || n != int64(len(rows))+2 {
			t.Fatalf("Sweep = %d, %v; want %d", n, err, len(rows)+2)
		}
		var left int64
		g.Model(&row{}).Count(&left)
		if left != 1 {
			t.Errorf("%d rows left, want only the live one", left)
		}
		wantUser(t, e.do(live), 1, KindPatient)
		wantAnonymous(t, e.do(idle), EndUnknown)
		wantAnonymous(t, e.do(revokedIdle), EndUnknown)

		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := e.s.Sweep(cctx, e.now); err == nil {
			t.Error("Sweep ignored a cancelled context")
		}
	})
}
