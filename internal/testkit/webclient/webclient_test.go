package webclient

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"testing"
)

// testServer mimics the portal's CSRF scheme: a token in a cookie, echoed in a
// hidden _csrf input, and compared on every POST.
func testServer(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	token := func(w http.ResponseWriter, r *http.Request) string {
		if c, err := r.Cookie("csrf"); err == nil {
			return c.Value
		}
		b := make([]byte, 16)
		_, _ = rand.Read(b)
		v := hex.EncodeToString(b)
		http.SetCookie(w, &http.Cookie{Name: "csrf", Value: v, Path: "/", HttpOnly: true})
		return v
	}
	mux.HandleFunc("GET /form", func(w http.ResponseWriter, r *http.Request) {
		tok := token(w, r)
		fmt.Fprintf(w, `<!doctype html><html><head><title>T</title><script>var leak="script-text"</script></head><body>
<form action="/search" method="get"><input name="q" value="默认"></form>
<p>可见 visible</p><div hidden>invisible</div><style>.x{}</style>
<form action="/submit" method="post">
 <input type="hidden" name="_csrf" value="%s"><input type="hidden" name="step" value="2">
 <input name="name" value="预填"><textarea name="note">
line</textarea>
 <select name="city"><option value="bj">北京</option><option selected>上海</option></select>
 <input type="checkbox" name="agree" checked><input type="checkbox" name="spam" value="y">
 <input name="off" value="x" disabled><button type="submit" name="go">Go</button>
</form>
<form action="upload" method="post" enctype="multipart/form-data"><input type="hidden" name="_csrf" value="%s"></form>
</body></html>`, tok, tok)
	})
	checkToken := func(w http.ResponseWriter, r *http.Request) bool {
		c, err := r.Cookie("csrf")
		if err != nil || r.FormValue("_csrf") != c.Value {
			http.Error(w, "CSRF token refused", http.StatusForbidden)
			return false
		}
		return true
	}
	mux.HandleFunc("POST /submit", func(w http.ResponseWriter, r *http.Request) {
		if !checkToken(w, r) {
			return
		}
		q := url.Values{"name": {r.PostFormValue("name")}, "step": {r.PostFormValue("step")},
			"city": {r.PostFormValue("city")}, "origin": {r.Header.Get("Origin")}}
		http.Redirect(w, r, "/done?"+q.Encode(), http.StatusSeeOther)
	})
	mux.HandleFunc("POST /upload", func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseMultipartForm(1 << 20); err != nil || !checkToken(w, r) {
			return
		}
		msg := "uploaded " + r.FormValue("title")
		if f, fh, err := r.FormFile("doc"); err == nil {
			b, _ := io.ReadAll(f)
			msg += fmt.Sprintf(" file %s %s %q", fh.Filename, fh.Header.Get("Content-Type"), b)
		}
		fmt.Fprintf(w, "<p>%s</p>", html.EscapeString(msg))
	})
	mux.HandleFunc("GET /done", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		fmt.Fprintf(w, "<p>你好 %s, step %s, city %s, origin %s</p>", html.EscapeString(q.Get("name")),
			html.EscapeString(q.Get("step")), html.EscapeString(q.Get("city")), html.EscapeString(q.Get("origin")))
	})
	mux.HandleFunc("GET /search", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "<p>results for %s</p>", html.EscapeString(r.URL.Query().Get("q")))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestSubmitCarriesCSRFToken(t *testing.T) {
	srv := testServer(t)
	c := New(t, srv.URL)
	r := c.Submit("/form", "/submit", url.Values{"name": {"张三"}}).Expect(http.StatusSeeOther)
	if !strings.HasPrefix(r.Location(), "/done?") {
		t.Fatalf("Location = %q", r.Location())
	}
	done := c.Get(r.Location()).Expect(http.StatusOK)
	if !done.HasText("你好 张三, step 2, city , origin " + srv.URL) {
		t.Errorf("hidden inputs or Origin not sent; got %q", done.Text())
	}
	c.FollowRedirects = true
	// Only hidden inputs and the given fields are sent, so name arrives empty.
	if r := c.Submit("/form", "/submit", nil).Expect(http.StatusOK); r.URL.Path != "/done" || !r.HasText("你好 , step 2") {
		t.Errorf("followed to %s: %q", r.URL, r.Text())
	}
}

func TestPostFormWithoutTokenIsRefused(t *testing.T) {
	c := New(t, testServer(t).URL)
	c.Get("/form").Expect(http.StatusOK) // the cookie alone is not enough
	r := c.PostForm("/submit", url.Values{"name": {"x"}})
	if r.Status != http.StatusForbidden || !strings.Contains(r.Body, "CSRF") {
		t.Fatalf("status %d body %q", r.Status, r.Body)
	}
}

func TestFormValuesAndText(t *testing.T) {
	c := New(t, testServer(t).URL)
	page := c.Get("/form")
	f := page.Form("/submit")
	want := url.Values{"_csrf": f.Hidden["_csrf"], "step": {"2"}, "name": {"预填"}, "note": {"line"},
		"city": {"上海"}, "agree": {"on"}}
	if fmt.Sprint(f.Values) != fmt.Sprint(want) || f.Method != http.MethodPost {
		t.Errorf("form = %s %v, want POST %v", f.Method, f.Values, want)
	}
	if len(f.Hidden) != 2 || f.Hidden.Get("_csrf") == "" {
		t.Errorf("hidden = %v", f.Hidden)
	}
	if up := page.Form("/upload"); up.RawAction != "upload" || up.Enctype != "multipart/form-data" {
		t.Errorf("relative action not resolved: %+v", up)
	}
	if first := page.Form(""); first.Action != "/search" {
		t.Errorf("first form = %q", first.Action)
	}
	text := page.Text()
	if !page.HasText("可见   visible") || strings.Contains(text, "script-text") || strings.Contains(text, "invisible") {
		t.Errorf("Text() = %q", text)
	}
}

func TestSubmitGetAndMultipart(t *testing.T) {
	c := New(t, testServer(t).URL)
	if r := c.Submit("/form", "/search", url.Values{"q": {"心内科"}}).Expect(http.StatusOK); !r.HasText("results for 心内科") {
		t.Errorf("GET form: %q", r.Text())
	}
	r := c.Submit("/form", "/upload", url.Values{"title": {"报告"}}).Expect(http.StatusOK)
	if !r.HasText("uploaded 报告") {
		t.Errorf("multipart form: %d %q", r.Status, r.Body)
	}
}

func TestSubmitFilesSendsFileParts(t *testing.T) {
	c := New(t, testServer(t).URL)
	r := c.SubmitFiles("/form", "/upload", url.Values{"title": {"证书"}},
		File{Field: "doc", Name: "a \"b\".pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4 x")}).Expect(http.StatusOK)
	if !r.HasText(`uploaded 证书 file a "b".pdf application/pdf "%PDF-1.4 x"`) {
		t.Errorf("file part: %q", r.Text())
	}
	// A form that is not multipart cannot carry files: the test fails.
	ft := &fakeTB{}
	fc := newClient(ft, c.Base.String())
	form := c.Get("/form").Form("/submit")
	done := make(chan struct{})
	go func() {
		defer close(done)
		fc.SubmitFormFiles(form, nil, File{Field: "doc"})
		t.Error("SubmitFormFiles returned for a urlencoded form")
	}()
	<-done
	if !strings.Contains(ft.msg, "not multipart/form-data") {
		t.Errorf("failure message = %q", ft.msg)
	}
}

// fakeTB records Fatalf and stops the goroutine, as testing.T does.
type fakeTB struct {
	testing.TB
	msg string
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func TestMissingFormFailsTheTest(t *testing.T) {
	srv := testServer(t)
	ft := &fakeTB{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		newClient(ft, srv.URL).Submit("/form", "/nope", nil)
		t.Error("Submit returned although the form does not exist")
	}()
	<-done
	if !strings.Contains(ft.msg, `no form with action "/nope"`) || !strings.Contains(ft.msg, "POST /submit") {
		t.Errorf("failure message = %q", ft.msg)
	}
}
