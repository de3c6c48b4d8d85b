package browser

import (
	"image/png"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// csp is the portal's strict policy; the harness must work under it.
const csp = "default-src 'self'; script-src 'self' 'nonce-abc'; style-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

func page(body string) string {
	return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>医保门户 Test</title><link rel="stylesheet" href="/app.css"></head>
<body>` + body + `</body></html>`
}

const cleanBody = `<header><h1>医保服务门户</h1></header>
<main><p id="intro">欢迎使用医保门户。Welcome to the health insurance portal.</p>
<button type="button" id="toggle">显示 Show</button><p id="out">hidden</p>
<form action="/hello" method="get">
<label for="name">姓名 Name</label><input id="name" name="name" required>
<button type="submit">提交 Submit</button></form></main>
<script nonce="abc">document.getElementById('toggle').addEventListener('click', () => {
document.getElementById('out').textContent = 'shown'; });</script>`

// site serves the test pages, all with the strict CSP header.
func site(t *testing.T) string {
	mux := http.NewServeMux()
	html := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(page(body)))
		}
	}
	mux.HandleFunc("/{$}", html(cleanBody))
	mux.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) {
		html(`<main><h1 id="greeting">你好, `+r.FormValue("name")+`</h1></main>`)(w, r)
	})
	mux.HandleFunc("/upload", func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			html(`<main><h1>Upload</h1><form action="/upload" method="post" enctype="multipart/form-data">
<label for="doc">文件 File</label><input id="doc" name="doc" type="file"><button type="submit">提交</button></form></main>`)(w, r)
			return
		}
		f, fh, err := r.FormFile("doc")
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		b, _ := io.ReadAll(f)
		html(`<main><h1 id="got">`+fh.Filename+` `+string(b)+`</h1></main>`)(w, r)
	})
	mux.HandleFunc("/bad-a11y", html(`<main><h1>Bad</h1><img src="/app.css"><input type="text" name="q"></main>`))
	mux.HandleFunc("/foreign", html(`<main><h1>Foreign</h1><img alt="" src="http://example.invalid/x.png"></main>`))
	mux.HandleFunc("/broken", html(`<main><h1>Broken</h1><link rel="stylesheet" href="/missing.css">
<script nonce="abc">console.error('boom', 42)</script><script>console.log('no nonce')</script></main>`))
	mux.HandleFunc("/app.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css")
		w.Write([]byte(`body{font-family:sans-serif;margin:0}header{background:#0b5394;color:#fff;padding:1rem}
main{padding:1rem}label,input,button{display:block;margin:.5rem 0;font-size:1rem}`))
	})
	return Serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", csp)
		mux.ServeHTTP(w, r)
	}))
}

func TestCleanPage(t *testing.T) {
	b := Start(t)
	base := site(t)
	for _, width := range []int{360, 1280} {
		p := b.NewPage(t, width, 800)
		p.Go(t, base+"/")
		if got := p.Title(t); got != "医保门户 Test" {
			t.Errorf("title %q", got)
		}
		var vw int
		p.Eval(t, `window.innerWidth`, &vw)
		if vw != width {
			t.Errorf("innerWidth %d, want %d", vw, width)
		}
		path := p.Screenshot(t, "testkit-clean")
		checkPNG(t, path, width)
		p.Axe(t)

		p.Click(t, "#toggle")
		if got := p.Text(t, "#out"); got != "shown" {
			t.Errorf("after click: %q", got)
		}
		p.Type(t, "#name", "张三")
		p.Submit(t, "button[type=submit]")
		if got := p.Location(t); got != base+"/hello?name=%E5%BC%A0%E4%B8%89" {
			t.Errorf("location %q", got)
		}
		if got := p.Text(t, "#greeting"); got != "你好, 张三" {
			t.Errorf("greeting %q", got)
		}
		p.AssertNoProblems(t)
	}
}

func TestSetFilesUploads(t *testing.T) {
	b := Start(t)
	base := site(t)
	file := filepath.Join(t.TempDir(), "licence.txt")
	if err := os.WriteFile(file, []byte("file-content"), 0o600); err != nil {
		t.Fatal(err)
	}
	p := b.NewPage(t, 1280, 800)
	p.Go(t, base+"/upload")
	p.SetFiles(t, "#doc", file)
	p.Submit(t, "form")
	if got := p.Text(t, "#got"); got != "licence.txt file-content" {
		t.Errorf("uploaded: %q", got)
	}
}

func checkPNG(t *testing.T, path string, width int) {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if cfg.Width != width || cfg.Height < 100 {
		t.Errorf("%s is %dx%d, want width %d", path, cfg.Width, cfg.Height, width)
	}
}

func TestAxeFindsViolations(t *testing.T) {
	b := Start(t)
	p := b.NewPage(t, 1280, 800)
	p.Go(t, site(t)+"/bad-a11y")
	vs := p.AxeResult(t)
	ids := map[string]bool{}
	for _, v := range vs {
		ids[v.ID] = true
	}
	if !ids["image-alt"] || !ids["label"] {
		t.Fatalf("want image-alt and label violations, got %+v", vs)
	}
	report := axeReport("http://x/bad-a11y", 1280, vs)
	for _, want := range []string{"image-alt [critical]", `<img src="/app.css">`, "label [critical]", `input: <input type="text" name="q">`} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
}

func TestProblems(t *testing.T) {
	b := Start(t)
	base := site(t)
	for path, wants := range map[string][]string{
		"/foreign": {"request to foreign origin http://example.invalid", "request failed: http://example.invalid/x.png"},
		"/broken":  {"request failed: " + base + "/missing.css", "console.error: boom 42", "Content Security Policy"},
		"/nope":    {"HTTP 404: " + base + "/nope"},
	} {
		p := b.NewPage(t, 360, 640)
		p.Go(t, base+path)
		got := strings.Join(p.Problems(), "\n")
		for _, want := range wants {
			if !strings.Contains(got, want) {
				t.Errorf("%s: problems lack %q; got:\n%s", path, want, got)
			}
		}
	}
}

// TestMissingChromium checks the skip, and (in a child process) the failure
// that PORTAL_TEST_REQUIRE=browser turns it into.
func TestMissingChromium(t *testing.T) {
	if os.Getenv("BROWSER_TEST_CHILD") == "1" {
		Start(t)
		return
	}
	t.Run("skip", func(t *testing.T) {
		t.Setenv("PORTAL_TEST_CHROMIUM", "/nonexistent/chromium")
		t.Setenv("PORTAL_TEST_REQUIRE", "db, other")
		Start(t)
		t.Error("Start did not skip")
	})
	cmd := exec.Command(os.Args[0], "-test.run=^TestMissingChromium$")
	cmd.Env = append(os.Environ(), "BROWSER_TEST_CHILD=1",
		"PORTAL_TEST_CHROMIUM=/nonexistent/chromium", "PORTAL_TEST_REQUIRE=db, browser")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "PORTAL_TEST_REQUIRE contains \"browser\"") {
		t.Errorf("want failure with PORTAL_TEST_REQUIRE=browser, got err=%v:\n%s", err, out)
	}
}
