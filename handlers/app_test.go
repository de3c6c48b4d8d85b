package handlers_test

import (
	"bytes"
	"log/slog"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/yibao-health/portal/handlers"
	"github.com/yibao-health/portal/internal/config"
	"github.com/yibao-health/portal/internal/notify"
	"github.com/yibao-health/portal/internal/testkit/dbtest"
	"github.com/yibao-health/portal/internal/testkit/webclient"
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
}

// newApp starts the real application on httptest with a fresh SQLite database.
// mod may change the configuration first.
func newApp(t *testing.T, mod func(*config.Config)) *testApp {
	t.Helper()
	cfg, err := config.FromEnv(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataDir = t.TempDir()
	if mod != nil {
		mod(&cfg)
	}
	logs := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	g := dbtest.SQLite(t)
	deps := handlers.Deps{Config: cfg, DB: g, Log: log}
	if !cfg.Production() {
		deps.Outbox = notify.NewRecorder(log)
	}
	app, err := handlers.New(deps)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(app.Handler())
	t.Cleanup(srv.Close)
	return &testApp{app: app, db: g, outbox: deps.Outbox, url: srv.URL, logs: logs}
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
