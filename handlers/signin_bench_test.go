package handlers_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yibao-health/portal/models"
)

var csrfValue = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// BenchmarkSignIn10Concurrent measures password sign-in latency with 10 sign-ins in
// flight at once against the real server (loopback HTTP, SQLite, argon2id at OWASP
// parameters, hasher bounded to 2 concurrent hashes like serve on a 2-CPU machine).
// It reports p50/p95 of POST /login, the same percentiles of GET /healthz under the
// same concurrency as a bare baseline, and the peak number of hashes that ran at
// once (the memory bound: peak × 19 MiB).
//
//	go test ./handlers -run '^$' -bench SignIn10Concurrent -benchtime 20x
func BenchmarkSignIn10Concurrent(b *testing.B) {
	const workers = 10
	ta := newApp(b, nil)
	ctx := context.Background()
	if _, err := ta.accounts.CreateAccount(ctx, models.NewAccount{Kind: models.KindPatient, Phone: "13800009999",
		Password: testPassword}, models.AuditContext{ActorKind: models.ActorSystem}); err != nil {
		b.Fatal(err)
	}
	clients := make([]*http.Client, workers)
	tokens := make([]string, workers)
	for i := range clients {
		jar, _ := cookiejar.New(nil)
		clients[i] = &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		tokens[i] = csrfToken(b, clients[i], ta.url+"/login")
	}
	signin := func(i int) error {
		form := url.Values{"_csrf": {tokens[i]}, "login": {"13800009999"}, "password": {testPassword}}
		req, _ := http.NewRequest(http.MethodPost, ta.url+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", ta.url)
		res, err := clients[i].Do(req)
		if err != nil {
			return err
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			return fmt.Errorf("sign-in status %d", res.StatusCode)
		}
		return nil
	}
	healthz := func(i int) error {
		res, err := clients[i].Get(ta.url + "/healthz")
		if err != nil {
			return err
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return nil
	}
	b.ResetTimer()
	login := burst(b, workers, b.N, signin)
	b.StopTimer()
	base := burst(b, workers, b.N, healthz)
	b.ReportMetric(pct(login, 50), "p50-ms")
	b.ReportMetric(pct(login, 95), "p95-ms")
	b.ReportMetric(pct(base, 50), "baseline-p50-ms")
	b.ReportMetric(pct(base, 95), "baseline-p95-ms")
	b.ReportMetric(float64(ta.accounts.Hasher.PeakInFlight()), "peak-hashes")
}

// burst runs rounds of n concurrent calls and returns every call's latency.
func burst(b *testing.B, n, rounds int, call func(i int) error) []time.Duration {
	var mu sync.Mutex
	var out []time.Duration
	for range rounds {
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				start := time.Now()
				if err := call(i); err != nil {
					b.Error(err)
					return
				}
				mu.Lock()
				out = append(out, time.Since(start))
				mu.Unlock()
			}()
		}
		wg.Wait()
	}
	return out
}

func pct(d []time.Duration, p int) float64 {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100
	return float64(s[max(i-1, 0)].Microseconds()) / 1000
}

func csrfToken(b *testing.B, c *http.Client, page string) string {
	res, err := c.Get(page)
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	m := csrfValue.FindSubmatch(body)
	if m == nil {
		b.Fatal("no CSRF token on " + page)
	}
	return string(m[1])
}
