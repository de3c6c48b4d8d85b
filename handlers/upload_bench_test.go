package handlers_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/yibao-health/portal/internal/config"
	"github.com/yibao-health/portal/models"
)

// uploadBenchSize is the file each upload sends: 50 MB.
const uploadBenchSize = 50 << 20

// BenchmarkDocumentUpload50MB uploads one 50 MB file through the real server
// (loopback HTTP, SQLite, local blob store): multipart streaming, type sniffing,
// per-file streaming AEAD, blob write, commit. It reports the throughput, the
// throughput of the same bodies sent to a handler that only discards them (the
// bare baseline, same run), and the growth of the process's resident memory while
// the upload runs (peak VmRSS sampled every 5 ms, minus VmRSS before; the client
// generates its body on the fly, so the figure is the server's). BenchmarkDocument-
// Upload50MBx4 does the same with 4 uploads at once.
//
//	go test ./handlers -run '^$' -bench DocumentUpload50MB -benchtime 3x
func BenchmarkDocumentUpload50MB(b *testing.B)   { benchUpload(b, 1) }
func BenchmarkDocumentUpload50MBx4(b *testing.B) { benchUpload(b, 4) }

func benchUpload(b *testing.B, concurrent int) {
	ta := newApp(b, func(c *config.Config) { c.UploadMaxFile = 64 << 20 })
	ctx := context.Background()
	u, err := ta.accounts.CreateAccount(ctx, models.NewAccount{Kind: models.KindPatient, Phone: "13800009998",
		Password: testPassword}, models.AuditContext{ActorKind: models.ActorSystem})
	if err != nil {
		b.Fatal(err)
	}
	consents := models.NewConsents(ta.db, ta.accounts.Keys, nil)
	tok, _ := consents.ConfirmToken(ctx, u.ID, models.PurposeHealthData, true)
	if _, err := consents.Change(ctx, u.ID, models.PurposeHealthData, true, tok, models.ConsentContext{Channel: models.ChannelWeb}); err != nil {
		b.Fatal(err)
	}
	block := make([]byte, 1<<20)
	_, _ = rand.Read(block)
	clients := make([]*http.Client, concurrent)
	actions := make([]string, concurrent)
	for i := range clients {
		clients[i], actions[i] = benchSignIn(b, ta.url, "13800009998")
	}
	upload := func(i int) error {
		body, ctype := streamedUpload(block)
		req, _ := http.NewRequest(http.MethodPost, actions[i], body)
		req.Header.Set("Content-Type", ctype)
		req.Header.Set("Origin", ta.url)
		res, err := clients[i].Do(req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		msg, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusSeeOther {
			return fmt.Errorf("upload status %d: %.300s", res.StatusCode, msg)
		}
		return nil
	}
	bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusSeeOther)
	}))
	defer bare.Close()
	discard := func(int) error {
		body, ctype := streamedUpload(block)
		res, err := http.Post(bare.URL, ctype, body)
		if err != nil {
			return err
		}
		res.Body.Close()
		return nil
	}

	runtime.GC()
	debug.FreeOSMemory()
	before := vmRSS(b)
	peak := &peakSampler{}
	stop := peak.start(b)
	b.ResetTimer()
	start := time.Now()
	burst(b, concurrent, b.N, upload)
	elapsed := time.Since(start)
	b.StopTimer()
	stop()
	baseStart := time.Now()
	burst(b, concurrent, b.N, discard)
	baseElapsed := time.Since(baseStart)

	total := float64(b.N*concurrent*uploadBenchSize) / (1 << 20)
	growth := float64(peak.max.Load()-before) / (1 << 20)
	b.ReportMetric(total/elapsed.Seconds(), "MB/s")
	b.ReportMetric(total/baseElapsed.Seconds(), "baseline-MB/s")
	b.ReportMetric(growth, "peak-rss-growth-MB")
	b.ReportMetric(growth/float64(concurrent), "rss-growth-MB/upload")
	b.Logf("%d × %d upload(s) of 50 MB: %.1f MB/s (bare baseline %.1f MB/s); RSS before %.1f MB, peak %.1f MB, growth %.1f MB (%.1f MB per concurrent upload)",
		b.N, concurrent, total/elapsed.Seconds(), total/baseElapsed.Seconds(), float64(before)/(1<<20),
		float64(peak.max.Load())/(1<<20), growth, growth/float64(concurrent))
	var n int64
	ta.db.Model(&models.Document{}).Count(&n)
	if n != int64(b.N*concurrent) {
		b.Errorf("%d documents stored, want %d", n, b.N*concurrent)
	}
}

// benchSignIn signs in with a fresh cookie jar and returns the client and the
// upload action (its CSRF token is the cookie's double-submit value).
func benchSignIn(b *testing.B, base, login string) (*http.Client, string) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	token := csrfToken(b, c, base+"/login")
	form := url.Values{"_csrf": {token}, "login": {login}, "password": {testPassword}}
	req, _ := http.NewRequest(http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	res, err := c.Do(req)
	if err != nil || res.StatusCode != http.StatusSeeOther {
		b.Fatalf("sign in: %v %v", res, err)
	}
	res.Body.Close()
	token = csrfToken(b, c, base+"/account") // the session's token after sign-in
	return c, base + "/health/documents?_csrf=" + url.QueryEscape(token)
}

// streamedUpload is an upload body made while it is sent: the text fields, then
// a 50 MB "PDF" (header, repeated random block, trailer). Nothing is buffered whole.
func streamedUpload(block []byte) (io.Reader, string) {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		for _, f := range [][2]string{{"category", "lab"}, {"title", "bench"}, {"date", "2026-01-01"}} {
			_ = mw.WriteField(f[0], f[1])
		}
		w, err := mw.CreateFormFile("files", "big.pdf")
		if err == nil {
			_, err = io.WriteString(w, "%PDF-1.7\n")
		}
		for left := uploadBenchSize - 16; err == nil && left > 0; left -= len(block) {
			_, err = w.Write(block[:min(left, len(block))])
		}
		if err == nil {
			_, err = io.WriteString(w, "\n%%EOF\n")
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	return pr, mw.FormDataContentType()
}

// vmRSS is the process's resident set size in bytes.
func vmRSS(tb testing.TB) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		tb.Skip("no /proc/self/status: " + err.Error())
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// peakSampler records the largest VmRSS seen while it runs.
type peakSampler struct{ max atomic.Int64 }

func (p *peakSampler) start(tb testing.TB) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			if v := vmRSS(tb); v > p.max.Load() {
				p.max.Store(v)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// BenchmarkDocumentUploadPhoto12MP uploads a 4000×3000 JPEG (a phone photo):
// the image is decoded on its way to the store to make the thumbnail, so memory
// grows with its pixels (bounded by models.MaxImagePixels and two decodes at a
// time), not with the file. Same figures as BenchmarkDocumentUpload50MB.
//
//	go test ./handlers -run '^$' -bench DocumentUploadPhoto12MP -benchtime 3x
func BenchmarkDocumentUploadPhoto12MP(b *testing.B) {
	ta := newApp(b, nil)
	ctx := context.Background()
	u, err := ta.accounts.CreateAccount(ctx, models.NewAccount{Kind: models.KindPatient, Phone: "13800009997",
		Password: testPassword}, models.AuditContext{ActorKind: models.ActorSystem})
	if err != nil {
		b.Fatal(err)
	}
	consents := models.NewConsents(ta.db, ta.accounts.Keys, nil)
	tok, _ := consents.ConfirmToken(ctx, u.ID, models.PurposeHealthData, true)
	if _, err := consents.Change(ctx, u.ID, models.PurposeHealthData, true, tok, models.ConsentContext{Channel: models.ChannelWeb}); err != nil {
		b.Fatal(err)
	}
	photo := docJPEG(b, 4000, 3000)
	client, action := benchSignIn(b, ta.url, "13800009997")
	upload := func(int) error {
		pr, pw := io.Pipe()
		mw := multipart.NewWriter(pw)
		go func() {
			for _, f := range [][2]string{{"category", "imaging"}, {"title", "photo"}, {"date", "2026-01-01"}} {
				_ = mw.WriteField(f[0], f[1])
			}
			w, err := mw.CreateFormFile("photo", "IMG.jpg")
			if err == nil {
				_, err = w.Write(photo)
			}
			if err == nil {
				err = mw.Close()
			}
			pw.CloseWithError(err)
		}()
		req, _ := http.NewRequest(http.MethodPost, action, pr)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Origin", ta.url)
		res, err := client.Do(req)
		if err != nil {
			return err
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			return fmt.Errorf("upload status %d", res.StatusCode)
		}
		return nil
	}
	runtime.GC()
	debug.FreeOSMemory()
	before := vmRSS(b)
	peak := &peakSampler{}
	stop := peak.start(b)
	b.ResetTimer()
	start := time.Now()
	burst(b, 1, b.N, upload)
	elapsed := time.Since(start)
	b.StopTimer()
	stop()
	growth := float64(peak.max.Load()-before) / (1 << 20)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "photos/s")
	b.ReportMetric(growth, "peak-rss-growth-MB")
	b.Logf("%d photo(s) of 12 MP (%.1f MB JPEG): %.2f s each; RSS growth %.1f MB", b.N, float64(len(photo))/(1<<20),
		elapsed.Seconds()/float64(b.N), growth)
}
