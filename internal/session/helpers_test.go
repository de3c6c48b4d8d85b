package session

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
	"gorm.io/gorm"
)

const (
	testCookie = "__Host-sid"
	uaChrome   = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.122 Mobile Safari/537.36"
	uaSafari   = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)

var (
	keyOld = bytes.Repeat([]byte{1}, 32)
	keyNew = bytes.Repeat([]byte{2}, 32)
	t0     = time.Date(2026, 3, 1, 8, 0, 0, 120_000_000, time.UTC) // a fraction: SQLite compares times as text
)

// env is a Store on a test database with a clock the test moves.
type env struct {
	t   *testing.T
	g   *gorm.DB
	s   *Store
	now time.Time
}

func newEnv(t *testing.T, g *gorm.DB, keys ...[]byte) *env {
	t.Helper()
	if len(keys) == 0 {
		keys = [][]byte{keyNew}
	}
	s, err := NewStore(g, Config{CookieName: testCookie, Secure: true, Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, g: g, s: s, now: t0}
	s.Now = func() time.Time { return e.now }
	return e
}

func (e *env) advance(d time.Duration) { e.now = e.now.Add(d) }

// req is one request: a fresh http.Request carrying a cookie, its
// recorder, and the session Get returned for it.
type req struct {
	r    *http.Request
	w    *httptest.ResponseRecorder
	sess *sessions.Session
}

// do starts a request with cookie c (nil for none) from a Chrome on Android.
func (e *env) do(c *http.Cookie) *req {
	e.t.Helper()
	return e.doUA(c, uaChrome)
}

func (e *env) doUA(c *http.Cookie, ua string) *req {
	e.t.Helper()
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.RemoteAddr = "203.0.113.77:50123"
	r.Header.Set("User-Agent", ua)
	if c != nil {
		r.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	sess, err := e.s.Get(r, testCookie)
	if err != nil {
		e.t.Fatalf("Get: %v", err)
	}
	return &req{r: r, w: httptest.NewRecorder(), sess: sess}
}

// cookie returns the session cookie the response set, or nil.
func (q *req) cookie() *http.Cookie {
	// Not Result(): it snapshots the first call, and tests look repeatedly.
	// The last matching Set-Cookie wins, as in a browser.
	var last *http.Cookie
	for _, c := range (&http.Response{Header: q.w.Header()}).Cookies() {
		if c.Name == testCookie {
			last = c
		}
	}
	return last
}

// login signs userID in on a new browser and returns its cookie.
func (e *env) login(userID int64, kind, ua string) *http.Cookie {
	e.t.Helper()
	q := e.doUA(nil, ua)
	if err := e.s.Login(q.w, q.r, q.sess, userID, kind); err != nil {
		e.t.Fatalf("Login: %v", err)
	}
	c := q.cookie()
	if c == nil {
		e.t.Fatal("Login set no cookie")
	}
	return c
}

// rawID decodes the random session ID a cookie carries.
func (e *env) rawID(c *http.Cookie) string {
	e.t.Helper()
	var raw string
	if err := securecookie.DecodeMulti(testCookie, c.Value, &raw, e.s.codecs...); err != nil {
		e.t.Fatalf("decode cookie: %v", err)
	}
	return raw
}

// row reads the stored row of a cookie's session.
func (e *env) row(c *http.Cookie) row {
	e.t.Helper()
	var rw row
	if err := e.g.Where("id_hash = ?", hashID(e.rawID(c))).Take(&rw).Error; err != nil {
		e.t.Fatalf("read row: %v", err)
	}
	return rw
}

// wantAnonymous fails unless q's session is a new empty anonymous one that
// replaced a dead one for reason why.
func wantAnonymous(t *testing.T, q *req, why string) {
	t.Helper()
	uid, kind, h := Current(q.sess)
	got, _ := EndReason(q.sess)
	if !q.sess.IsNew || uid != 0 || kind != "" || h != "" || len(userValues(q.sess)) != 0 || got != why {
		t.Fatalf("session = new %v user %d %q hash %q values %v end %q; want new empty anonymous, end %q",
			q.sess.IsNew, uid, kind, h, userValues(q.sess), got, why)
	}
}

// wantUser fails unless q's session is the live session of userID.
func wantUser(t *testing.T, q *req, userID int64, kind string) {
	t.Helper()
	uid, k, h := Current(q.sess)
	if q.sess.IsNew || uid != userID || k != kind || h == "" {
		t.Fatalf("session = new %v user %d %q hash %q; want user %d %q", q.sess.IsNew, uid, k, h, userID, kind)
	}
}
