package handlers_test

import (
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/config"
	"github.com/yibao-health/portal/internal/testkit/webclient"
)

var nonceRe = regexp.MustCompile(`script-src 'self' 'nonce-([A-Za-z0-9+/]+)'`)

// policy: C4.1-2
func TestSecurityHeadersOnPagesAndErrors(t *testing.T) {
	ta := newApp(t, nil)
	c := webclient.New(t, ta.url)
	var nonces []string
	for _, path := range []string{"/", "/no-such-page"} {
		r := c.Get(path)
		h := r.Header
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'", "default-src 'self'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %s", path, csp, want)
			}
		}
		m := nonceRe.FindStringSubmatch(csp)
		if m == nil {
			t.Fatalf("%s: no nonce in CSP %q", path, csp)
		}
		nonces = append(nonces, m[1])
		if !strings.Contains(r.Body, `nonce="`+m[1]+`"`) {
			t.Errorf("%s: the page's script does not carry the CSP nonce", path)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" {
			t.Errorf("%s: missing nosniff or Referrer-Policy", path)
		}
		if h.Get("Strict-Transport-Security") != "" {
			t.Errorf("%s: HSTS in development", path)
		}
		if h.Get("X-Request-ID") == "" {
			t.Errorf("%s: no request ID", path)
		}
	}
	if nonces[0] == nonces[1] {
		t.Error("CSP nonce repeated across requests")
	}
	prod := webclient.New(t, newApp(t, func(c *config.Config) { c.Env = config.Production }).url)
	if hsts := prod.Get("/").Header.Get("Strict-Transport-Security"); !strings.Contains(hsts, "max-age=") {
		t.Errorf("production lacks HSTS: %q", hsts)
	}
}

func TestForgedForwardedForIsIgnoredUnlessProxyTrusted(t *testing.T) {
	forged := http.Header{"X-Forwarded-For": {"203.0.113.77"}}

	untrusted := newApp(t, nil)
	webclient.New(t, untrusted.url).Get("/", forged)
	if logs := untrusted.logs.String(); strings.Contains(logs, "203.0.113.77") || !strings.Contains(logs, `"client_ip":"127.0.0.1"`) {
		t.Errorf("untrusted peer changed the logged client IP:\n%s", logs)
	}

	trusted := newApp(t, func(c *config.Config) {
		_, loopback, _ := net.ParseCIDR("127.0.0.1/32")
		c.TrustedProxies = []*net.IPNet{loopback}
	})
	webclient.New(t, trusted.url).Get("/", forged)
	if logs := trusted.logs.String(); !strings.Contains(logs, `"client_ip":"203.0.113.77"`) {
		t.Errorf("trusted proxy's X-Forwarded-For not used:\n%s", logs)
	}
}

// policy: C2.1.3
func TestAccessLogHoldsNoQueryString(t *testing.T) {
	ta := newApp(t, nil)
	webclient.New(t, ta.url).Get("/?phone=13800001234&q=diabetes")
	logs := ta.logs.String()
	if !strings.Contains(logs, `"msg":"request"`) {
		t.Fatalf("no access log line:\n%s", logs)
	}
	for _, secret := range []string{"13800001234", "diabetes", "phone="} {
		if strings.Contains(logs, secret) {
			t.Errorf("access log contains %q", secret)
		}
	}
}

func TestCSRFTokenRequiredOnPost(t *testing.T) {
	ta := newApp(t, nil)
	c := webclient.New(t, ta.url)
	c.Get("/") // obtain the CSRF cookie, as a browser would
	r := c.PostForm("/lang", url.Values{"lang": {"en"}, "next": {"/"}})
	if r.Status != http.StatusForbidden || !r.HasText("页面已过期") {
		t.Errorf("post without token: %d\n%s", r.Status, r.Text())
	}
	r = c.Submit("/", "/lang", url.Values{"lang": {"en"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("post with token: %d %s", r.Status, r.Text())
	}
}

func TestCrossSitePostRefusedEvenWithToken(t *testing.T) {
	ta := newApp(t, nil)
	c := webclient.New(t, ta.url)
	c.Get("/")
	tok := c.Get("/").Form("/lang").Value("_csrf")
	body := url.Values{"_csrf": {tok}, "lang": {"en"}}.Encode()
	r := c.Do(http.MethodPost, "/lang", "application/x-www-form-urlencoded", strings.NewReader(body), http.Header{"Sec-Fetch-Site": {"cross-site"}})
	if r.Status != http.StatusForbidden {
		t.Errorf("cross-site post: %d, want 403", r.Status)
	}
}

func TestLanguageSwitchIsRememberedAndSafe(t *testing.T) {
	ta := newApp(t, nil)
	c := webclient.New(t, ta.url)
	if r := c.Get("/"); htmlLang(r) != "zh-CN" {
		t.Fatalf("default language: %q", htmlLang(r))
	}
	if r := c.Get("/", http.Header{"Accept-Language": {"en-GB,en;q=0.9"}}); htmlLang(r) != "en" {
		t.Errorf("Accept-Language en gave %q", htmlLang(r))
	}
	r := c.Submit("/privacy", "/lang", url.Values{"lang": {"en"}, "next": {"//evil.example/"}})
	if loc := r.Header.Get("Location"); loc != "/" {
		t.Errorf("open redirect: Location %q", loc)
	}
	r = c.Submit("/privacy", "/lang", url.Values{"lang": {"en"}})
	if loc := r.Header.Get("Location"); loc != "/privacy" {
		t.Errorf("switch did not return to the page: %q", loc)
	}
	if got := htmlLang(c.Get("/")); got != "en" {
		t.Errorf("choice not remembered: %q", got)
	}
	// The remembered choice wins over the browser's header.
	if got := htmlLang(c.Get("/", http.Header{"Accept-Language": {"zh-CN"}})); got != "en" {
		t.Errorf("cookie should win over Accept-Language: %q", got)
	}
}

func TestErrorPagesAreLocalizedAndHideInternals(t *testing.T) {
	ta := newApp(t, func(c *config.Config) { c.RequestTimeout = 100 * time.Millisecond })
	e := ta.app.Echo()
	e.GET("/test/panic", func(echo.Context) error { panic("secret stack detail") })
	e.GET("/test/slow", func(c echo.Context) error {
		<-c.Request().Context().Done()
		return c.Request().Context().Err()
	})
	c := webclient.New(t, ta.url)
	cases := []struct {
		path, lang string
		status     int
		want       string
	}{
		{"/nope", "zh-CN", 404, "页面不存在"},
		{"/nope", "en", 404, "Page not found"},
		{"/test/panic", "zh-CN", 500, "服务暂时出错"},
		{"/test/panic", "en", 500, "Something went wrong"},
		{"/test/slow", "en", 503, "Service unavailable"},
	}
	for _, tc := range cases {
		r := c.Get(tc.path, http.Header{"Accept-Language": {tc.lang}})
		if r.Status != tc.status || !r.HasText(tc.want) {
			t.Errorf("%s (%s): %d, want %d with %q", tc.path, tc.lang, r.Status, tc.status, tc.want)
		}
		if strings.Contains(r.Body, "secret stack detail") || strings.Contains(r.Body, "goroutine") {
			t.Errorf("%s leaks internals", tc.path)
		}
		if !r.HasText(r.Header.Get("X-Request-ID")) {
			t.Errorf("%s: error page does not show the request ID", tc.path)
		}
	}
	logs := ta.logs.String()
	if !strings.Contains(logs, `"level":"ERROR","msg":"request failed"`) || !strings.Contains(logs, `"level":"WARN","msg":"request refused"`) {
		t.Errorf("5xx should log as error and 4xx as warning:\n%s", logs)
	}
}

func TestBodyLimitAndGzip(t *testing.T) {
	ta := newApp(t, nil)
	c := webclient.New(t, ta.url)
	big := url.Values{"lang": {strings.Repeat("x", 2<<20)}}
	if r := c.Submit("/", "/lang", big); r.Status != http.StatusRequestEntityTooLarge {
		t.Errorf("2 MiB form: %d, want 413", r.Status)
	}
	r := c.Get("/", http.Header{"Accept-Encoding": {"gzip"}})
	if r.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("home page not gzipped: %v", r.Header)
	}
}

// htmx requests carry the token in a header, taken from the page's hx-headers.
func TestCSRFHeaderForHtmx(t *testing.T) {
	ta := newApp(t, nil)
	c := webclient.New(t, ta.url)
	page := c.Get("/")
	m := regexp.MustCompile(`hx-headers="\{&#34;X-CSRF-Token&#34;:&#34;([^&]+)&#34;\}"`).FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatalf("page has no hx-headers with the CSRF token")
	}
	if m[1] != page.Form("/lang").Value("_csrf") {
		t.Errorf("hx-headers token %q differs from the form token", m[1])
	}
	body := strings.NewReader(url.Values{"lang": {"en"}}.Encode())
	r := c.Do(http.MethodPost, "/lang", "application/x-www-form-urlencoded", body, http.Header{"X-CSRF-Token": {m[1]}, "HX-Request": {"true"}})
	if r.Status != http.StatusSeeOther {
		t.Errorf("post with header token: %d", r.Status)
	}
}
