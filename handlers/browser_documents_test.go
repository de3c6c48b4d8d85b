package handlers_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yibao-health/portal/internal/testkit/browser"
)

// The documents journey of issue 5 in real Chromium at phone and desktop width: a
// patient opens My medical documents from the account page, is asked for the
// health-data consent first, uploads a PDF (chosen files) and a photo (the camera
// input) as two documents through the JavaScript upload with its progress bar,
// sees the photo's thumbnail in the list and on its page, views and downloads
// both (checked with fetch: type, CSP, nosniff, no-store, the server-made name),
// and deletes the PDF's document through its confirmation page. Every page is
// screenshotted and checked with axe-core; no page scrolls sideways.
// policy: C1.3, C4.1-3
func TestDocumentsJourneyInBrowser(t *testing.T) {
	b := browser.Start(t)
	dir := t.TempDir()
	pdfPath, photoPath := filepath.Join(dir, "lab-report.pdf"), filepath.Join(dir, "IMG_2041.jpg")
	pdf := realPDF("Lab report: hemoglobin 135 g/L")
	photo := docJPEG(t, 1200, 900)
	if err := os.WriteFile(pdfPath, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(photoPath, photo, 0o600); err != nil {
		t.Fatal(err)
	}
	fakePath := filepath.Join(dir, "notes.pdf")
	if err := os.WriteFile(fakePath, []byte("just some text, not a PDF\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for i, width := range []int{360, 1280} {
		ta := newApp(t, nil)
		base := browser.Serve(t, ta.app.Handler())
		p := b.NewPage(t, width, 900)
		phone := []string{"13800005101", "13800005102"}[i]

		p.Go(t, base+"/register")
		useLang(t, p, "zh-CN")
		p.SetValue(t, "#f-contact", phone)
		p.Submit(t, `button[formaction="/register/code"]`)
		p.SetValue(t, "#f-code", ta.lastCode(t, phone))
		p.SetValue(t, "#f-username", "docs_"+phone[7:])
		p.SetValue(t, "#f-password", testPassword)
		p.Click(t, "#f-agree")
		p.Submit(t, `form[action="/register"]`)

		// From the account page to the list, then to the form: the consent first.
		var linked bool
		p.Eval(t, `!!document.querySelector('main a[href="/health/documents"]')`, &linked)
		if !linked {
			t.Fatal("the account page has no link to the documents")
		}
		p.Go(t, base+"/health/documents")
		if !strings.Contains(p.Text(t, "main"), "还没有资料") {
			t.Errorf("empty list: %s", p.Text(t, "main"))
		}
		p.Screenshot(t, "documents-empty")
		p.Axe(t)
		p.Go(t, base+"/health/documents/new")
		if loc := p.Location(t); !strings.Contains(loc, "/consents/health?next=") {
			t.Fatalf("form without consent went to %s", loc)
		}
		p.Submit(t, `button[name="decision"][value="accept"]`)
		if loc := p.Location(t); !strings.HasSuffix(loc, "/health/documents/new") {
			t.Fatalf("after the consent: %s", loc)
		}
		p.Screenshot(t, "documents-upload-form")
		p.Axe(t)

		// Document 1: a lab report PDF through "choose files".
		fill := func(category, title, date, hospital string) {
			p.SetValue(t, "#f-category", category)
			p.SetValue(t, "#f-title", title)
			p.SetValue(t, "#f-date", date)
			if hospital != "" {
				p.SetValue(t, "#f-hospital", hospital)
			}
		}
		fill("lab", "血常规检查报告", "2026-03-02", "北京协和医院")
		p.SetValue(t, "#f-notes", "空腹抽血，复查。")
		// The script refuses an empty choice before sending anything…
		p.Click(t, "#upload-form button[type=submit]")
		if msg := waitText(t, p, "#upload-client-error:not(.hidden)"); !strings.Contains(msg, "请至少选择一个文件") {
			t.Errorf("no-file message: %q", msg)
		}
		// …and shows the server's refusal of a text file named .pdf in place, with
		// what was typed kept; the re-rendered form then uploads through the script.
		p.SetFiles(t, "#f-files", fakePath)
		p.Click(t, "#upload-form button[type=submit]")
		if msg := waitText(t, p, "#f-files-error"); !strings.Contains(msg, "第 1 个文件不是可接受的类型") {
			t.Errorf("refusal shown: %q", msg)
		}
		var kept string
		p.Eval(t, `document.getElementById("f-title").value + "|" + document.getElementById("f-notes").value`, &kept)
		if kept != "血常规检查报告|空腹抽血，复查。" {
			t.Errorf("typed values after the refusal: %q", kept)
		}
		p.Screenshot(t, "documents-upload-refused")
		p.Axe(t)
		p.SetFiles(t, "#f-files", pdfPath)
		p.Submit(t, "#upload-form")
		if loc := p.Location(t); !documentPath.MatchString(strings.TrimPrefix(loc, base)) {
			t.Fatalf("after the PDF upload: %s: %s", loc, p.Text(t, "main"))
		}
		pdfDoc := strings.TrimPrefix(p.Location(t), base)
		if msg := p.Text(t, "[role=status]"); !strings.Contains(msg, "已上传并加密保存") {
			t.Errorf("no upload notice: %q", msg)
		}
		p.Screenshot(t, "documents-pdf")
		p.Axe(t)

		// Document 2: a photo through the camera input.
		p.Go(t, base+"/health/documents/new")
		fill("imaging", "胸部X光片", "2026-03-05", "")
		p.SetFiles(t, "#f-photo", photoPath)
		p.Submit(t, "#upload-form")
		if !strings.Contains(p.Text(t, "h1"), "胸部X光片") {
			t.Fatalf("after the photo upload: %s", p.Text(t, "main"))
		}
		var thumbOK bool
		p.Eval(t, `(async () => { const i = document.querySelector('[data-testid=thumbnail]'); if (!i) return false;
			await i.decode(); return i.naturalWidth === 320 && i.naturalHeight === 240; })()`, &thumbOK)
		if !thumbOK {
			t.Error("the photo's thumbnail is not shown at 320×240")
		}
		p.Screenshot(t, "documents-photo")
		p.Axe(t)

		// The list: newest date first, the photo's thumbnail.
		p.Go(t, base+"/health/documents")
		var titles []string
		p.Eval(t, `[...document.querySelectorAll('[data-testid=documents-list] li p:first-child a')].map(a => a.textContent.trim())`, &titles)
		if strings.Join(titles, "|") != "胸部X光片|血常规检查报告" {
			t.Errorf("list = %q", titles)
		}
		var listThumb bool
		p.Eval(t, `(async () => { const i = document.querySelector('[data-testid=documents-list] img'); if (!i) return false;
			await i.decode(); return i.naturalWidth > 0; })()`, &listThumb)
		if !listThumb {
			t.Error("no thumbnail in the list")
		}
		p.Screenshot(t, "documents-list")
		p.Axe(t)

		// View and download both, checked with fetch.
		type fetched struct {
			Status                                 int
			Type, CSP, Nosniff, Cache, Disposition string
			Size                                   int
		}
		fetchFile := func(url string) fetched {
			var f fetched
			p.Eval(t, `(async () => { const r = await fetch(`+jsString(url)+`); const b = await r.arrayBuffer();
				const h = n => r.headers.get(n) || "";
				return {Status: r.status, Type: h("content-type"), CSP: h("content-security-policy"), Nosniff: h("x-content-type-options"),
					Cache: h("cache-control"), Disposition: h("content-disposition"), Size: b.byteLength}; })()`, &f)
			return f
		}
		for _, doc := range []struct {
			path, typ, name string
			size            int
		}{{pdfDoc, "application/pdf", `filename="document.pdf"; filename*=UTF-8''%E8%A1%80`, len(pdf)},
			{"", "image/jpeg", `filename="document.jpg"; filename*=UTF-8''%E8%83%B8`, len(photo)}} {
			if doc.path == "" {
				p.Go(t, base+"/health/documents")
				p.Follow(t, `[data-testid=documents-list] li:first-child a`)
				doc.path = strings.TrimPrefix(p.Location(t), base)
			} else {
				p.Go(t, base+doc.path)
			}
			var view, download string
			p.Eval(t, `document.querySelector('[data-testid=view-link]').getAttribute('href')`, &view)
			p.Eval(t, `document.querySelector('[data-testid=download-link]').getAttribute('href')`, &download)
			v := fetchFile(view)
			if v.Status != 200 || v.Type != doc.typ || v.Size != doc.size || v.Nosniff != "nosniff" || v.Cache != "no-store" ||
				!strings.Contains(v.CSP, "default-src 'none'") || v.Disposition != "inline" {
				t.Errorf("view %s: %+v", doc.typ, v)
			}
			d := fetchFile(download)
			if d.Status != 200 || d.Size != doc.size || !strings.HasPrefix(d.Disposition, "attachment; ") || !strings.Contains(d.Disposition, doc.name) {
				t.Errorf("download %s: %+v", doc.typ, d)
			}
			if doc.typ == "application/pdf" {
				// The PDF opens on its own in the browser's viewer, sandboxed.
				p.Go(t, base+view)
				var ct string
				p.Eval(t, `new Promise(r => setTimeout(() => r(document.contentType), 1000))`, &ct)
				if ct != "application/pdf" {
					t.Errorf("viewed PDF is %q", ct)
				}
				p.Screenshot(t, "documents-view-pdf")
			}
			if doc.typ == "image/jpeg" {
				// The image opens on its own, sandboxed, and shows.
				p.Go(t, base+view)
				var w int
				p.Eval(t, `document.images.length ? document.images[0].naturalWidth : 0`, &w)
				if w != 1200 {
					t.Errorf("viewed image width %d", w)
				}
				p.Screenshot(t, "documents-view-image")
			}
		}

		// Delete the PDF's document through its confirmation page.
		p.Go(t, base+pdfDoc)
		// Follow the link by its address: a click's navigation can race the next
		// evaluation ("target navigated or closed").
		var del string
		p.Eval(t, `document.querySelector("[data-testid=delete-link]").getAttribute("href")`, &del)
		p.Go(t, base+del)
		if !strings.Contains(p.Text(t, "main"), "无法恢复") {
			t.Fatalf("delete confirmation: %s", p.Text(t, "main"))
		}
		p.Screenshot(t, "documents-delete-confirm")
		p.Axe(t)
		p.Submit(t, `form[action="`+pdfDoc+`/delete"] button[type=submit]`)
		if msg := p.Text(t, "[role=status]"); !strings.Contains(msg, "已删除") {
			t.Errorf("no delete notice: %q", msg)
		}
		p.Eval(t, `[...document.querySelectorAll('[data-testid=documents-list] li p:first-child a')].map(a => a.textContent.trim())`, &titles)
		if strings.Join(titles, "|") != "胸部X光片" {
			t.Errorf("list after delete = %q", titles)
		}
		p.Screenshot(t, "documents-after-delete")
		p.Axe(t)

		// English, too.
		useLang(t, p, "en")
		if !strings.Contains(p.Text(t, "h1"), "My medical documents") {
			t.Errorf("English h1: %s", p.Text(t, "h1"))
		}
		p.Axe(t)
		p.Go(t, base+"/health/documents/new")
		p.Screenshot(t, "documents-upload-form-en")
		p.Axe(t)

		var scrollW int
		p.Eval(t, `document.documentElement.scrollWidth`, &scrollW)
		if scrollW > width {
			t.Errorf("horizontal scroll at %d px: page is %d px wide", width, scrollW)
		}
		for _, prob := range p.Problems() {
			if !strings.Contains(prob, "HTTP 422") { // the refused upload above
				t.Errorf("width %d: %s", width, prob)
			}
		}
	}
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// realPDF is a one-page PDF with a line of text that viewers render.
func realPDF(text string) []byte {
	content := "BT /F1 24 Tf 72 720 Td (" + text + ") Tj ET"
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var b strings.Builder
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return []byte(b.String())
}

// waitText waits up to 10 s for an element to exist and returns its text.
func waitText(t *testing.T, p *browser.Page, selector string) string {
	t.Helper()
	var text string
	p.Eval(t, `new Promise(resolve => { const end = Date.now() + 10000; (function poll() {
		const el = document.querySelector(`+jsString(selector)+`);
		if (el && el.textContent.trim()) return resolve(el.textContent.trim());
		if (Date.now() > end) return resolve("");
		setTimeout(poll, 50); })(); })`, &text)
	return text
}
