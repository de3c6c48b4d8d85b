package session

import (
	"errors"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/internal/testkit/dbtest"
)

func TestLoginRotatesIDAndKillsOldCookie(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		e := newEnv(t, g)
		q := e.do(nil)
		q.sess.Values["lang"] = "zh-CN"
		if err := q.sess.Save(q.r, q.w); err != nil {
			t.Fatal(err)
		}
		anon := q.cookie()

		e.advance(5 * time.Minute)
		q = e.do(anon)
		if err := e.s.Login(q.w, q.r, q.sess, 42, KindPatient); err != nil {
			t.Fatal(err)
		}
		signedIn := q.cookie()
		if signedIn == nil || signedIn.Value == anon.Value || e.rawID(signedIn) == e.rawID(anon) {
			t.Fatal("Login did not issue a new session ID")
		}
		wantUser(t, q, 42, KindPatient) // the in-request session is updated too

		q = e.do(signedIn)
		wantUser(t, q, 42, KindPatient)
		if q.sess.Values["lang"] != "zh-CN" {
			t.Errorf("values not kept across sign-in: %v", q.sess.Values)
		}
		rw := e.row(signedIn)
		if !rw.CreatedAt.Equal(e.now) || !rw.ExpiresAt.Equal(e.now.Add(AbsoluteLifetime)) ||
			rw.IdleTimeoutSeconds != int(DefaultPatientIdle/time.Second) || rw.UserAgent != "Chrome 126 on Android" {
			t.Errorf("row = %+v", rw)
		}

		wantAnonymous(t, e.do(anon), EndUnknown)
	})
}

func TestLoginRejectsBadArguments(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	q := e.do(nil)
	for _, c := range []struct {
		id   int64
		kind string
	}{{0, KindPatient}, {-1, KindStaff}, {1, ""}, {1, "admin"}} {
		if err := e.s.Login(q.w, q.r, q.sess, c.id, c.kind); err == nil {
			t.Errorf("Login(%d, %q) accepted", c.id, c.kind)
		}
	}
}

func TestLogoutKillsCookie(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		e := newEnv(t, g)
		c := e.login(42, KindStaff, uaChrome)
		q := e.do(c)
		if err := e.s.Logout(q.w, q.r, q.sess); err != nil {
			t.Fatal(err)
		}
		if out := q.cookie(); out == nil || out.MaxAge >= 0 {
			t.Errorf("logout cookie = %+v, want an expiring one", out)
		}
		wantAnonymous(t, q, EndNone)
		wantAnonymous(t, e.do(c), EndUnknown)
		var n int64
		g.Model(&row{}).Count(&n)
		if n != 0 {
			t.Errorf("%d rows left after logout", n)
		}

		// The gorilla way (Options.MaxAge = -1, then Save) does the same.
		c = e.login(42, KindStaff, uaChrome)
		q = e.do(c)
		q.sess.Options.MaxAge = -1
		if err := q.sess.Save(q.r, q.w); err != nil {
			t.Fatal(err)
		}
		wantAnonymous(t, e.do(c), EndUnknown)
	})
}

func TestRotateKeepsUserAndExpiry(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		e := newEnv(t, g)
		c := e.login(42, KindDoctor, uaChrome)
		e.advance(10 * time.Minute)
		q := e.do(c)
		if err := e.s.Rotate(q.w, q.r, q.sess); err != nil {
			t.Fatal(err)
		}
		c2 := q.cookie()
		wantAnonymous(t, e.do(c), EndUnknown)
		wantUser(t, e.do(c2), 42, KindDoctor)
		if rw := e.row(c2); !rw.ExpiresAt.Equal(t0.Add(AbsoluteLifetime)) || !rw.CreatedAt.Equal(t0) {
			t.Errorf("rotation changed the lifetime: %+v", rw)
		}

		// A session revoked while the request ran is not revived.
		q = e.do(c2)
		if _, err := e.s.RevokeUser(q.r.Context(), 42, "", ReasonLocked); err != nil {
			t.Fatal(err)
		}
		if err := e.s.Rotate(q.w, q.r, q.sess); !errors.Is(err, ErrEnded) {
			t.Fatalf("Rotate of a revoked session = %v, want ErrEnded", err)
		}
		wantAnonymous(t, q, EndNone)
		var n int64
		g.Model(&row{}).Where("revoked_at IS NULL").Count(&n)
		if n != 0 {
			t.Errorf("%d live rows after rotating a revoked session", n)
		}
	})
}

func TestIdleTimeout(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		e := newEnv(t, g)
		c := e.login(42, KindDoctor, uaChrome)

		e.advance(29 * time.Minute)
		wantUser(t, e.do(c), 42, KindDoctor)
		if got := e.row(c).LastSeenAt; !got.Equal(e.now) {
			t.Errorf("last_seen_at = %v, want touched to %v", got, e.now)
		}
		touched := e.now

		e.advance(59 * time.Second) // less than TouchInterval: no write
		wantUser(t, e.do(c), 42, KindDoctor)
		if got := e.row(c).LastSeenAt; !got.Equal(touched) {
			t.Errorf("last_seen_at = %v, want unchanged %v", got, touched)
		}

		e.now = touched.Add(31 * time.Minute)
		wantAnonymous(t, e.do(c), EndIdle)
		e.advance(-2 * time.Minute) // the clock going back does not revive it
		wantUser(t, e.do(c), 42, KindDoctor)
	})
}

func TestIdleTimeoutPerKind(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		e := newEnv(t, g)
		staff := e.login(1, KindStaff, uaChrome)
		patient := e.login(2, KindPatient, uaChrome)
		q := e.do(nil)
		q.sess.Values["csrf"] = "x"
		if err := q.sess.Save(q.r, q.w); err != nil {
			t.Fatal(err)
		}
		anon := q.cookie()

		e.advance(31 * time.Minute)
		wantAnonymous(t, e.do(staff), EndIdle)
		wantUser(t, e.do(patient), 2, KindPatient)
		wantUser(t, e.do(anon), 0, KindAnonymous)

		e.advance(2*time.Hour + time.Minute)
		wantAnonymous(t, e.do(patient), EndIdle)
		wantAnonymous(t, e.do(anon), EndIdle)
	})
}

func TestAbsoluteLifetime(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		e := newEnv(t, g)
		c := e.login(42, KindDoctor, uaChrome)
		for e.now.Before(t0.Add(AbsoluteLifetime - 20*time.Minute)) {
			e.advance(20 * time.Minute) // active all day: never idle
			wantUser(t, e.do(c), 42, KindDoctor)
		}
		e.now = t0.Add(AbsoluteLifetime - time.Second)
		wantUser(t, e.do(c), 42, KindDoctor)
		e.now = t0.Add(AbsoluteLifetime)
		wantAnonymous(t, e.do(c), EndExpired)
	})
}
