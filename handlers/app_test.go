package handlers_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/yibao-health/portal/handlers"
	"github.com/yibao-health/portal/internal/blob"
	"github.com/yibao-health/portal/internal/config"
	"github.com/yibao-health/portal/internal/keys"
	"github.com/yibao-health/portal/internal/notify"
	"github.com/yibao-health/portal/internal/password"
	"github.com/yibao-health/portal/internal/session"
	"github.com/yibao-health/portal/internal/testkit/dbtest"
	"github.com/yibao-health/portal/internal/testkit/webclient"
	"github.com/yibao-health/portal/models"
	"golang.org/x/net/html"
	"gorm.io/gorm"
)

// syncBuffer lets the server's goroutines and the test share one log buffer.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type testApp struct {
	app    *handlers.App
	db     *gorm.DB
	outbox *notify.Recorder
	url    string
	logs   *syncBuffer

	accounts *models.Accounts
	sessions *session.Store
	clock    *testClock
	notifier *models.Notifier
}

// testClock is the wall clock plus an offset tests move forward.
type testClock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

// Advance moves the clock forward by d.
func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
}

// newApp starts the real application on httptest with a fresh SQLite database.
// mod may change the configuration first.
func newApp(t testing.TB, mod func(*config.Config)) *testApp {
	t.Helper()
	cfg, err := config.FromEnv(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataDir = t.TempDir()
	if mod != nil {
		mod(&cfg)
	}
	return startApp(t, cfg, dbtest.SQLite(t))
}

// startApp runs the real application on g with cfg: real keyring, hasher, session
// store and a recording notifier (development) — nothing mocked.
func startApp(t testing.TB, cfg config.Config, g *gorm.DB) *testApp {
	t.Helper()
	if len(cfg.Secrets.MasterKey) == 0 {
		cfg.Secrets = testSecrets(t)
	}
	logs := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	deps := handlers.Deps{Config: cfg, DB: g, Log: log}
	var email notify.EmailSender = notify.Unconfigured{}
	var sms notify.SMSProvider = notify.Unconfigured{}
	if !cfg.Production() {
		deps.Outbox = notify.NewRecorder(log)
		email, sms = deps.Outbox, deps.Outbox
	}
	deps.Notifier = models.NewNotifier(g, email, sms, log)
	deps.Notifier.MarketingAllowed = models.MarketingConsent // marketing only with a current opt-in
	kr, err := keys.Open(context.Background(), g, cfg.Secrets.MasterKey)
	if err != nil {
		t.Fatal(err)
	}
	clock := &testClock{}
	deps.Now = clock.Now
	deps.Accounts = models.NewAccounts(g, kr, password.New(password.DefaultParams, 2), deps.Notifier, clock.Now)
	if deps.Sessions, err = handlers.NewSessionStore(g, cfg); err != nil {
		t.Fatal(err)
	}
	deps.Sessions.Now = clock.Now
	if deps.Blobs, err = blob.NewLocal(filepath.Join(cfg.DataDir, "blobs")); err != nil {
		t.Fatal(err)
	}
	app, err := handlers.New(deps)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(app.Handler())
	t.Cleanup(srv.Close)
	return &testApp{app: app, db: g, outbox: deps.Outbox, url: srv.URL, logs: logs, accounts: deps.Accounts, sessions: deps.Sessions, clock: clock, notifier: deps.Notifier}
}

// testSecrets are fresh random keys for one test.
func testSecrets(t testing.TB) config.Secrets {
	key := func() []byte {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			t.Fatal(err)
		}
		return b
	}
	return config.Secrets{MasterKey: key(), SessionKeys: [][]byte{key()}}
}

// htmlLang is the <html lang> of a page, for language tests.
func htmlLang(r *webclient.Response) string {
	for n := r.Doc().FirstChild; n != nil; n = n.NextSibling {
		if n.Type == html.ElementNode && n.Data == "html" {
			for _, a := range n.Attr {
				if a.Key == "lang" {
					return a.Val
				}
			}
		}
	}
	return ""
}
