package session

import (
	"net/http"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/internal/testkit/dbtest"
)

func TestNewSessionRoundTrip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		e := newEnv(t, g)
		q := e.do(nil)
		wantAnonymous(t, q, EndNone)
		if err := q.sess.Save(q.r, q.w); err != nil {
			t.Fatal(err)
		}
		if q.cookie() != nil {
			t.Fatal("an empty new session set a cookie")
		}

		q.sess.Values["csrf"] = "tok"
		q.sess.AddFlash("hello")
		if err := q.sess.Save(q.r, q.w); err != nil {
			t.Fatal(err)
		}
		c := q.cookie()
		if c == nil {
			t.Fatal("no cookie")
		}
		if !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Domain != "" || c.MaxAge != 0 {
			t.Errorf("cookie attributes = %+v", c)
		}

		e.advance(10 * 1e9)
		q2 := e.do(c)
		wantUser(t, q2, 0, KindAnonymous)
		if q2.sess.Values["csrf"] != "tok" {
			t.Fatalf("values = %v", q2.sess.Values)
		}
		if f := q2.sess.Flashes(); len(f) != 1 || f[0] != "hello" {
			t.Fatalf("flashes = %v", f)
		}
		if err := q2.sess.Save(q2.r, q2.w); err != nil {
			t.Fatal(err)
		}
		if q2.cookie() != nil {
			t.Error("saving a live session re-sent its cookie")
		}
		if f := e.do(c).sess.Flashes(); len(f) != 0 {
			t.Errorf("consumed flash came back: %v", f)
		}
	})
}

// TestReadsDoNotWrite checks the cost of a request: one SELECT to load,
// nothing to save unchanged values, and a touch only after TouchInterval.
func TestReadsDoNotWrite(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		cg, n := dbtest.CountQueries(t, g)
		e := newEnv(t, cg)
		c := e.login(7, KindPatient, uaChrome)

		e.advance(59 * 1e9)
		n.Reset()
		q := e.do(c)
		if err := q.sess.Save(q.r, q.w); err != nil {
			t.Fatal(err)
		}
		if n.N() != 1 {
			t.Errorf("load+save within a minute ran %d statements, want 1:\n%s", n.N(), n)
		}
		q.sess.Values["x"] = 1
		n.Reset()
		if err := q.sess.Save(q.r, q.w); err != nil {
			t.Fatal(err)
		}
		if n.N() != 1 || !strings.HasPrefix(n.String(), "UPDATE") {
			t.Errorf("changed save ran:\n%s", n)
		}
		if e.do(c).sess.Values["x"] != 1 {
			t.Error("changed value not stored")
		}
	})
}

func TestTamperedCookieGivesNewSession(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		e := newEnv(t, g)
		c := e.login(7, KindPatient, uaChrome)
		v := []byte(c.Value)
		v[len(v)/2] ^= 0x01
		if v[len(v)/2] == c.Value[len(v)/2] {
			t.Fatal("no change")
		}
		for name, value := range map[string]string{
			"flipped": string(v), "garbage": "abc", "empty": "",
			"truncated": c.Value[:len(c.Value)-4],
		} {
			q := e.do(&http.Cookie{Name: testCookie, Value: value})
			if q.sess == nil {
				t.Fatalf("%s: nil session", name)
			}
			wantAnonymous(t, q, EndInvalid)
		}

		// Validly signed, but not an ID the store could have made.
		other := newEnv(t, g)
		signed, err := other.s.codecs[0].Encode(testCookie, "not-a-session-id")
		if err != nil {
			t.Fatal(err)
		}
		wantAnonymous(t, e.do(&http.Cookie{Name: testCookie, Value: signed}), EndInvalid)

		// Signed with a key the store does not hold.
		stranger := newEnv(t, g, []byte(strings.Repeat("x", 32)))
		wantAnonymous(t, e.do(stranger.login(7, KindPatient, uaChrome)), EndInvalid)

		// Validly signed random ID with no row.
		raw, _, _ := newID()
		signed, _ = e.s.codecs[0].Encode(testCookie, raw)
		wantAnonymous(t, e.do(&http.Cookie{Name: testCookie, Value: signed}), EndUnknown)

		wantUser(t, e.do(c), 7, KindPatient) // the real one still works
	})
}

func TestKeyRotation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		before := newEnv(t, g, keyOld)
		c := before.login(7, KindPatient, uaChrome)

		after := newEnv(t, g, keyNew, keyOld)
		wantUser(t, after.do(c), 7, KindPatient)

		// New cookies are signed with the newest key only.
		c2 := after.login(8, KindPatient, uaChrome)
		wantUser(t, newEnv(t, g, keyNew).do(c2), 8, KindPatient)
		wantAnonymous(t, newEnv(t, g, keyOld).do(c2), EndInvalid)

		// Once the old key is retired, its cookies stop working.
		wantAnonymous(t, newEnv(t, g, keyNew).do(c), EndInvalid)
	})
}

func TestTableHoldsOnlyHashes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		e := newEnv(t, g)
		c := e.login(7, KindDoctor, uaChrome)
		raw := e.rawID(c)
		q := e.do(c)
		q.sess.Values["csrf"] = "tok"
		if err := e.s.Rotate(q.w, q.r, q.sess); err != nil {
			t.Fatal(err)
		}
		c2 := q.cookie()

		var rows []map[string]any
		if err := g.Raw("SELECT * FROM sessions").Scan(&rows).Error; err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 {
			t.Fatalf("%d rows, want 1", len(rows))
		}
		needles := []string{raw, e.rawID(c2), c.Value, c2.Value, uaChrome, "203.0.113.77"}
		for col, v := range rows[0] {
			s := toString(v)
			for _, n := range needles {
				if strings.Contains(s, n) {
					t.Errorf("column %s holds %q", col, n)
				}
			}
		}
		if got := toString(rows[0]["id_hash"]); got != hashID(e.rawID(c2)) {
			t.Errorf("id_hash = %q, want SHA-256 hex of the cookie's ID", got)
		}
		if got := toString(rows[0]["client_ip"]); got != "203.0.113.0" {
			t.Errorf("client_ip = %q", got)
		}
	})
}

func toString(v any) string {
	if b, ok := v.([]byte); ok {
		return string(b)
	}
	if s, ok := v.(string); ok {
		return s
	}
	return ""
}

func TestNewStoreRefusesBadConfig(t *testing.T) {
	g := dbtest.SQLite(t)
	for name, cfg := range map[string]Config{
		"no name":         {Secure: true, Keys: [][]byte{keyNew}},
		"host w/o secure": {CookieName: "__Host-sid", Keys: [][]byte{keyNew}},
		"no keys":         {CookieName: "sid"},
		"short key":       {CookieName: "sid", Keys: [][]byte{keyNew, []byte("short")}},
	} {
		if _, err := NewStore(g, cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := NewStore(g, Config{CookieName: "sid", Keys: [][]byte{keyNew}}); err != nil {
		t.Errorf("development config refused: %v", err)
	}
}
