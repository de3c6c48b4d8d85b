package static

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func serve(t *testing.T, method, target string, hdr map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	Handler().ServeHTTP(rec, req)
	return rec
}

func TestURLContainsContentHash(t *testing.T) {
	data, err := files.ReadFile("css/app.css")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	want := "/static/css/app." + hex.EncodeToString(sum[:])[:hashLen] + ".css"
	if got := URL("css/app.css"); got != want {
		t.Fatalf("URL(css/app.css) = %q, want %q", got, want)
	}
	if got := URL("vendor/htmx.min.js"); !strings.HasPrefix(got, "/static/vendor/htmx.min.") || !strings.HasSuffix(got, ".js") {
		t.Errorf("URL(vendor/htmx.min.js) = %q", got)
	}
}

func TestHandlerServesHashedAssetsImmutable(t *testing.T) {
	cases := map[string]string{
		"css/app.css":        "text/css; charset=utf-8",
		"vendor/htmx.min.js": "text/javascript; charset=utf-8",
		"img/logo.svg":       "image/svg+xml",
	}
	for name, ctype := range cases {
		rec := serve(t, http.MethodGet, URL(name), nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: status %d", name, rec.Code)
		}
		h := rec.Header()
		if got := h.Get("Content-Type"); got != ctype {
			t.Errorf("%s: Content-Type %q, want %q", name, got, ctype)
		}
		if got := h.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
			t.Errorf("%s: Cache-Control %q", name, got)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("ETag") == "" {
			t.Errorf("%s: missing nosniff or ETag: %v", name, h)
		}
		if rec.Body.Len() == 0 {
			t.Errorf("%s: empty body", name)
		}
	}
}

func TestServedCSSIsTailwindOutput(t *testing.T) {
	body := serve(t, http.MethodGet, URL("css/app.css"), nil).Body.String()
	// A real build contains the preflight and at least one utility the views use.
	if len(body) < 1000 || !strings.Contains(body, "tailwindcss") {
		t.Fatalf("served CSS looks wrong (%d bytes)", len(body))
	}
}

func TestHandlerHeadAndConditional(t *testing.T) {
	u := URL("css/app.css")
	head := serve(t, http.MethodHead, u, nil)
	if head.Code != http.StatusOK || head.Body.Len() != 0 || head.Header().Get("Content-Length") == "" {
		t.Fatalf("HEAD: status %d, body %d bytes, length %q", head.Code, head.Body.Len(), head.Header().Get("Content-Length"))
	}
	etag := head.Header().Get("ETag")
	if rec := serve(t, http.MethodGet, u, map[string]string{"If-None-Match": etag}); rec.Code != http.StatusNotModified {
		t.Errorf("If-None-Match: status %d, want 304", rec.Code)
	}
	if rec := serve(t, http.MethodPost, u, nil); rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: status %d, want 405", rec.Code)
	}
}

func TestHandlerRejectsStaleUnknownAndTraversal(t *testing.T) {
	for _, target := range []string{
		"/static/css/app.000000000000.css",  // stale hash
		"/static/css/app.css",               // unhashed
		"/static/css/nope.0123456789ab.css", // unknown file
		"/static/../static.go",
		"/static/css/../css/" + strings.TrimPrefix(URL("css/app.css"), "/static/css/"),
		"/static/",
	} {
		if rec := serve(t, http.MethodGet, target, nil); rec.Code != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", target, rec.Code)
		}
	}
	if got := URL("nope.css"); got != "/static/nope.css" {
		t.Errorf("URL(unknown) = %q", got)
	}
}

func TestHandlerWorksBehindStripPrefix(t *testing.T) {
	h := http.StripPrefix("/static", Handler())
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, URL("img/logo.svg"), nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
}
