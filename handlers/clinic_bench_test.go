package handlers_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	otptotp "github.com/pquerna/otp/totp"

	"github.com/yibao-health/portal/models"
)

// BenchmarkClinicDashboard20Concurrent measures the doctor's dashboard (GET
// /clinic, the queue) with 20 signed-in doctors asking at once against the real
// server (loopback HTTP, SQLite) on a seed-scale data set: PORTAL_BENCH_SCALE=full
// is 10,000 patients, 200 doctors, 200,000 documents, 50 consultations per doctor
// and 20 access-log rows per patient (seeding takes about a minute); anything else
// a small set. Half the requests ask for the new consultations, half for the
// active ones. It reports p50/p95 of the page and, as a baseline under the same
// concurrency, of GET /healthz.
//
//	PORTAL_BENCH_SCALE=full go test ./handlers -run '^$' -bench ClinicDashboard20Concurrent -benchtime 50x
func BenchmarkClinicDashboard20Concurrent(b *testing.B) {
	const workers = 20
	s := models.ScaleSeed{Patients: 500, Doctors: workers, Documents: 5000, ConsultationsPerDoctor: 50, AccessPerPatient: 5}
	if os.Getenv("PORTAL_BENCH_SCALE") == "full" {
		s = models.ScaleSeed{Patients: 10000, Doctors: 200, Documents: 200000, ConsultationsPerDoctor: 50, AccessPerPatient: 20}
	}
	ta := newApp(b, nil)
	s.Password, s.TOTPSecret, s.Now = testPassword, testTOTPSecret, ta.clock.Now()
	started := time.Now()
	if _, err := models.SeedScale(context.Background(), ta.accounts, s); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d patients, %d doctors, %d documents in %s", s.Patients, s.Doctors, s.Documents, time.Since(started).Round(time.Second))
	clients := make([]*http.Client, workers)
	for i := range clients {
		clients[i] = signInDoctor(b, ta, models.ScaleDoctorPhone(i))
	}
	get := func(path string) func(i int) error {
		return func(i int) error {
			if i%2 == 1 && path == "/clinic" {
				path += "?status=active"
			}
			res, err := clients[i].Get(ta.url + path)
			if err != nil {
				return err
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				return fmt.Errorf("GET %s: status %d", path, res.StatusCode)
			}
			return nil
		}
	}
	b.ResetTimer()
	page := burst(b, workers, b.N, get("/clinic"))
	b.StopTimer()
	base := burst(b, workers, b.N, get("/healthz"))
	b.ReportMetric(pct(page, 50), "p50-ms")
	b.ReportMetric(pct(page, 95), "p95-ms")
	b.ReportMetric(pct(base, 50), "baseline-p50-ms")
	b.ReportMetric(pct(base, 95), "baseline-p95-ms")
}

// signInDoctor signs a seeded doctor in (password, then TOTP) on a fresh client
// and checks the dashboard answers.
func signInDoctor(b *testing.B, ta *testApp, phone string) *http.Client {
	b.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(path string, form url.Values) *http.Response {
		form.Set("_csrf", csrfToken(b, c, ta.url+path))
		req, _ := http.NewRequest(http.MethodPost, ta.url+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", ta.url)
		res, err := c.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res
	}
	res := post("/login", url.Values{"login": {phone}, "password": {testPassword}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login/mfa" {
		b.Fatalf("sign in %s: %d to %q", phone, res.StatusCode, res.Header.Get("Location"))
	}
	code, err := otptotp.GenerateCode(testTOTPSecret, ta.clock.Now())
	if err != nil {
		b.Fatal(err)
	}
	if res := post("/login/mfa", url.Values{"code": {code}}); res.StatusCode != http.StatusSeeOther {
		b.Fatalf("mfa %s: %d", phone, res.StatusCode)
	}
	res, err = c.Get(ta.url + "/clinic")
	if err != nil {
		b.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b.Fatalf("GET /clinic as %s: %d", phone, res.StatusCode)
	}
	return c
}
