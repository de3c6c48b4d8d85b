package models_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/blob"
	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/internal/keys"
	"github.com/yibao-health/portal/internal/testkit/dbtest"
	"github.com/yibao-health/portal/models"
)

// docEnv is the documents domain on a real keyring and a local blob store, with
// one patient who has given the health-data consent.
type docEnv struct {
	g        *gorm.DB
	acc      *models.Accounts
	docs     *models.Documents
	consents *models.Consents
	dir      string
	uid      int64
	clock    *fixtureClock
}

func newDocEnv(t *testing.T, g *gorm.DB) *docEnv {
	t.Helper()
	c, a, _, clock := consentsFixture(t, g)
	publishPolicy(t, g, "2026-01", time.Now().Add(-time.Hour))
	dir := t.TempDir()
	store, err := blob.NewLocal(dir)
	if err != nil {
		t.Fatal(err)
	}
	u := newPatient(t, a, "13900000077", "")
	change(t, c, u.ID, models.PurposeHealthData, true)
	docs := models.NewDocuments(g, a.Keys, store, clock.now, models.UploadLimits{MaxFileSize: 64 << 10, MaxFiles: 3})
	return &docEnv{g: g, acc: a, docs: docs, consents: c, dir: dir, uid: u.ID, clock: clock}
}

func (e *docEnv) patient(t *testing.T, phone string) int64 {
	t.Helper()
	u := newPatient(t, e.acc, phone, "")
	change(t, e.consents, u.ID, models.PurposeHealthData, true)
	return u.ID
}

var patientActor = models.AuditContext{ActorKind: models.ActorPatient, RequestID: "req", ClientIP: "192.0.2.1"}

func docPDF(body string) []byte {
	return []byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n% " + body + "\ntrailer << /Root 1 0 R >>\n%%EOF\n")
}

func docPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.NRGBA{uint8(x), uint8(y), 200, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func docJPEG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = uint8(i)
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func upload(t *testing.T, e *docEnv, owner int64, in models.DocumentInput, files ...[]byte) (int64, error) {
	t.Helper()
	ctx := context.Background()
	u, err := e.docs.BeginUpload(ctx, owner, in)
	if err != nil {
		return 0, err
	}
	defer u.Abort(ctx)
	for _, f := range files {
		if err := u.AddFile(ctx, bytes.NewReader(f)); err != nil {
			return 0, err
		}
	}
	return u.Commit(ctx, patientActor)
}

func labInput(title string) models.DocumentInput {
	return models.DocumentInput{Category: models.CategoryLab, Title: title, Date: "2026-03-01", Hospital: "协和医院", Notes: "空腹"}
}

// blobFiles lists every file under the blob directory (temporary files too).
func blobFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// nothingStored fails unless no document, file, pending row or blob exists.
func nothingStored(t *testing.T, e *docEnv) {
	t.Helper()
	for _, table := range []string{"documents", "document_files", "pending_blobs"} {
		if n := countRows(t, e.g, table, ""); n != 0 {
			t.Errorf("%s has %d rows", table, n)
		}
	}
	if files := blobFiles(t, e.dir); len(files) > 0 {
		t.Errorf("blobs left: %v", files)
	}
}

// An upload stores the text encrypted and each file as ciphertext under its own
// key; the owner reads everything back, an image gets a thumbnail, and the raw
// tables, the audit log and the blobs hold no canary.
// policy: C4.1-3
func TestDocumentUploadIsEncryptedAndReadable(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		e := newDocEnv(t, g)
		ctx := context.Background()
		in := models.DocumentInput{Category: models.CategoryImaging, Title: "CANARY-TITLE 胸部CT", Date: "2026-02-03",
			Hospital: "CANARY-HOSPITAL 北京协和", Notes: "CANARY-NOTES 复查"}
		pdf := docPDF("CANARY-FILE-BODY")
		img := docPNG(t, 400, 200)
		id, err := upload(t, e, e.uid, in, pdf, img)
		if err != nil {
			t.Fatal(err)
		}
		v, err := e.docs.Get(ctx, models.DocumentReader{UserID: e.uid}, id)
		if err != nil {
			t.Fatal(err)
		}
		if v.Title != in.Title || v.Hospital != in.Hospital || v.Notes != in.Notes || v.Date.Format("2006-01-02") != "2026-02-03" || v.Category != models.CategoryImaging {
			t.Errorf("view = %+v", v)
		}
		if len(v.Files) != 2 || v.Files[0].ContentType != models.TypePDF || v.Files[1].ContentType != models.TypePNG ||
			v.Files[0].HasThumbnail || !v.Files[1].HasThumbnail || v.Files[0].Size != int64(len(pdf)) {
			t.Fatalf("files = %+v", v.Files)
		}
		read := func(fid int64, thumb bool) []byte {
			fc, err := e.docs.OpenFile(ctx, models.DocumentReader{UserID: e.uid}, id, fid, thumb)
			if err != nil {
				t.Fatal(err)
			}
			defer fc.Close()
			b, err := io.ReadAll(fc)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		if got := read(v.Files[0].ID, false); !bytes.Equal(got, pdf) {
			t.Error("PDF does not read back")
		}
		if got := read(v.Files[1].ID, false); !bytes.Equal(got, img) {
			t.Error("PNG does not read back")
		}
		thumb, err := jpeg.Decode(bytes.NewReader(read(v.Files[1].ID, true)))
		if err != nil || thumb.Bounds().Dx() != 320 || thumb.Bounds().Dy() != 160 {
			t.Errorf("thumbnail: %v %v", thumb.Bounds(), err)
		}
		if _, err := e.docs.OpenFile(ctx, models.DocumentReader{UserID: e.uid}, id, v.Files[0].ID, true); !models.IsNotFound(err) {
			t.Errorf("PDF thumbnail: %v", err)
		}
		// Nothing in clear: the tables, the audit log, every blob.
		raw := dumpTable(t, g, "documents") + dumpTable(t, g, "document_files") + dumpTable(t, g, "audit_log")
		for _, f := range blobFiles(t, e.dir) {
			b, _ := os.ReadFile(f)
			raw += string(b)
		}
		for _, canary := range []string{"CANARY", "胸部", "协和", "复查"} {
			if strings.Contains(raw, canary) {
				t.Errorf("%q stored in clear", canary)
			}
		}
		if n := len(blobFiles(t, e.dir)); n != 3 {
			t.Errorf("%d blobs, want 3 (PDF, PNG, thumbnail)", n)
		}
		if n := countRows(t, g, "pending_blobs", ""); n != 0 {
			t.Errorf("%d pending rows after commit", n)
		}
		if n := countRows(t, g, "audit_log", "action = ? AND object_id = ?", "health.document.upload", fmt.Sprint(id)); n != 1 {
			t.Errorf("%d upload audit rows", n)
		}
	})
}

// A file's wrapped key copied to another file's row does not open there, and
// a title ciphertext moved to another document does not decrypt.
// policy: C4.1-3
func TestDocumentCiphertextsAreBoundToTheirRows(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		e := newDocEnv(t, g)
		ctx := context.Background()
		r := models.DocumentReader{UserID: e.uid}
		a, err := upload(t, e, e.uid, labInput("A"), docPDF("a"))
		if err != nil {
			t.Fatal(err)
		}
		b, err := upload(t, e, e.uid, labInput("B"), docPDF("b"))
		if err != nil {
			t.Fatal(err)
		}
		va, _ := e.docs.Get(ctx, r, a)
		vb, _ := e.docs.Get(ctx, r, b)
		var ka models.DocumentFile
		g.Where("id = ?", va.Files[0].ID).Take(&ka)
		if err := g.Model(&models.DocumentFile{}).Where("id = ?", vb.Files[0].ID).Update("key_enc", ka.KeyEnc).Error; err != nil {
			t.Fatal(err)
		}
		if _, err := e.docs.OpenFile(ctx, r, b, vb.Files[0].ID, false); !errors.Is(err, keys.ErrDecrypt) {
			t.Errorf("moved key: err = %v, want ErrDecrypt", err)
		}
		// The blob of A under A's key but filed in document B: the stream label fails.
		var fa models.DocumentFile
		g.Where("id = ?", va.Files[0].ID).Take(&fa)
		if err := g.Model(&models.DocumentFile{}).Where("id = ?", vb.Files[0].ID).
			Updates(map[string]any{"key_enc": fa.KeyEnc, "blob_name": fa.BlobName + "x"}).Error; err != nil {
			t.Fatal(err)
		}
		var title string
		g.Model(&models.Document{}).Where("id = ?", a).Pluck("title_enc", &title)
		g.Model(&models.Document{}).Where("id = ?", b).Update("title_enc", title)
		if _, err := e.docs.Get(ctx, r, b); !errors.Is(err, keys.ErrDecrypt) {
			t.Errorf("moved title: err = %v, want ErrDecrypt", err)
		}
	})
}

// Every refused upload — wrong type by content, empty, truncated PDF, too
// large, too many files, an image too large in pixels, a damaged image, bad
// fields, no consent — stores no row and leaves no blob.
func TestDocumentUploadRefusalsLeaveNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		e := newDocEnv(t, g)
		good := docPDF("ok")
		big := append(docPDF("x"), bytes.Repeat([]byte("0"), 64<<10)...)
		truncated := docPDF("cut")[:40]
		jpg := docJPEG(t, 256, 256)
		cases := []struct {
			name  string
			in    models.DocumentInput
			files [][]byte
			kind  models.Kind
			key   string
		}{
			{"script as jpg", labInput("t"), [][]byte{good, []byte("#!/bin/sh\nrm -rf /\n")}, models.KindInvalid, "documents.file.type"},
			{"html", labInput("t"), [][]byte{[]byte("<!DOCTYPE html><script>alert(1)</script>")}, models.KindInvalid, "documents.file.type"},
			{"gzip", labInput("t"), [][]byte{{0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0}}, models.KindInvalid, "documents.file.type"},
			{"empty", labInput("t"), [][]byte{{}}, models.KindInvalid, "documents.file.empty"},
			{"truncated pdf", labInput("t"), [][]byte{good, truncated}, models.KindInvalid, "documents.file.pdf_incomplete"},
			{"too large", labInput("t"), [][]byte{good, big}, models.KindTooLarge, "documents.file.too_large"},
			{"too many", labInput("t"), [][]byte{good, good, good, good}, models.KindTooLarge, "documents.files.too_many"},
			{"pixel bomb", labInput("t"), [][]byte{good, pngHeader(20000, 20000)}, models.KindInvalid, "documents.image.too_large"},
			{"damaged jpeg", labInput("t"), [][]byte{good, jpg[:len(jpg)/2]}, models.KindInvalid, "documents.file.damaged"},
			{"no files", labInput("t"), nil, models.KindInvalid, "documents.files.required"},
			{"no title", models.DocumentInput{Category: models.CategoryLab, Date: "2026-01-01"}, [][]byte{good}, models.KindInvalid, "documents.title.required"},
			{"future date", models.DocumentInput{Category: models.CategoryLab, Title: "t", Date: "2999-01-01"}, [][]byte{good}, models.KindInvalid, "documents.date.future"},
			{"bad category", models.DocumentInput{Category: "x", Title: "t", Date: "2026-01-01"}, [][]byte{good}, models.KindInvalid, "documents.category.required"},
		}
		for _, c := range cases {
			_, err := upload(t, e, e.uid, c.in, c.files...)
			de := models.AsError(err)
			if de == nil || de.Kind != c.kind || de.Key != c.key {
				t.Errorf("%s: err = %v, want %s %s", c.name, err, c.kind, c.key)
			}
			nothingStored(t, e)
		}
		// Without the consent nothing starts; withdrawn between the first check
		// and the commit, the transaction refuses.
		stranger := e.patient(t, "13900000078")
		tok, _ := e.consents.ConfirmToken(context.Background(), stranger, models.PurposeHealthData, false)
		if _, err := e.consents.Change(context.Background(), stranger, models.PurposeHealthData, false, tok, webCC); err != nil {
			t.Fatal(err)
		}
		if _, err := upload(t, e, stranger, labInput("t"), good); models.AsError(err) == nil || models.AsError(err).Key != "documents.consent.required" {
			t.Errorf("no consent: %v", err)
		}
		ctx := context.Background()
		u, err := e.docs.BeginUpload(ctx, e.uid, labInput("t"))
		if err != nil {
			t.Fatal(err)
		}
		if err := u.AddFile(ctx, bytes.NewReader(good)); err != nil {
			t.Fatal(err)
		}
		tok, _ = e.consents.ConfirmToken(ctx, e.uid, models.PurposeHealthData, false)
		if _, err := e.consents.Change(ctx, e.uid, models.PurposeHealthData, false, tok, webCC); err != nil {
			t.Fatal(err)
		}
		if _, err := u.Commit(ctx, patientActor); models.AsError(err) == nil || models.AsError(err).Key != "documents.consent.required" {
			t.Errorf("withdrawn before commit: %v", err)
		}
		if err := u.Abort(ctx); err != nil {
			t.Fatal(err)
		}
		nothingStored(t, e)
	})
}

// pngHeader is a PNG that claims w×h in its header (and holds almost nothing).
func pngHeader(w, h int) []byte {
	var b bytes.Buffer
	img := image.NewGray(image.Rect(0, 0, 1, 1))
	_ = png.Encode(&b, img)
	out := b.Bytes()
	// IHDR data starts at 16: width, height (big-endian); fix the CRC after it.
	put := func(off, v int) {
		out[off], out[off+1], out[off+2], out[off+3] = byte(v>>24), byte(v>>16), byte(v>>8), byte(v)
	}
	put(16, w)
	put(20, h)
	crc := crc32.ChecksumIEEE(out[12:29])
	put(29, int(crc))
	return out
}

// Only the owner reads, lists or deletes a document; for anyone else it does
// not exist.
// policy: C4.1-4
func TestDocumentsAreScopedToTheOwner(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		e := newDocEnv(t, g)
		ctx := context.Background()
		id, err := upload(t, e, e.uid, labInput("mine"), docPNG(t, 20, 20))
		if err != nil {
			t.Fatal(err)
		}
		v, _ := e.docs.Get(ctx, models.DocumentReader{UserID: e.uid}, id)
		other := e.patient(t, "13900000079")
		r := models.DocumentReader{UserID: other}
		if _, err := e.docs.Get(ctx, r, id); !models.IsNotFound(err) {
			t.Errorf("Get: %v", err)
		}
		for _, thumb := range []bool{false, true} {
			if _, err := e.docs.OpenFile(ctx, r, id, v.Files[0].ID, thumb); !models.IsNotFound(err) {
				t.Errorf("OpenFile(thumb %v): %v", thumb, err)
			}
		}
		if l, err := e.docs.List(ctx, r, models.DocumentQuery{}); err != nil || len(l.Items) != 0 {
			t.Errorf("List: %v %v", l, err)
		}
		if err := e.docs.Delete(ctx, other, id, patientActor); !models.IsNotFound(err) {
			t.Errorf("Delete: %v", err)
		}
		if n := countRows(t, g, "documents", ""); n != 1 {
			t.Errorf("%d documents", n)
		}
	})
}

// Deleting a document removes its rows — and with them the files' keys —
// and its blobs, and is audited without the title.
func TestDocumentDeleteDestroysKeysAndBlobs(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		e := newDocEnv(t, g)
		ctx := context.Background()
		id, err := upload(t, e, e.uid, labInput("CANARY-DEL"), docPDF("x"), docJPEG(t, 50, 40))
		if err != nil {
			t.Fatal(err)
		}
		keep, err := upload(t, e, e.uid, labInput("keep"), docPDF("y"))
		if err != nil {
			t.Fatal(err)
		}
		if err := e.docs.Delete(ctx, e.uid, id, patientActor); err != nil {
			t.Fatal(err)
		}
		if n := countRows(t, g, "document_files", "document_id = ?", id); n != 0 {
			t.Errorf("%d file rows (keys) left", n)
		}
		if n := countRows(t, g, "documents", "id = ?", id); n != 0 {
			t.Error("document row left")
		}
		if n := len(blobFiles(t, e.dir)); n != 1 {
			t.Errorf("%d blobs left, want the other document's 1", n)
		}
		if n := countRows(t, g, "pending_blobs", ""); n != 0 {
			t.Errorf("%d pending rows", n)
		}
		if n := countRows(t, g, "audit_log", "action = ? AND object_id = ?", "health.document.delete", fmt.Sprint(id)); n != 1 {
			t.Errorf("%d delete audit rows", n)
		}
		if strings.Contains(dumpTable(t, g, "audit_log"), "CANARY") {
			t.Error("title in the audit log")
		}
		if _, err := e.docs.Get(ctx, models.DocumentReader{UserID: e.uid}, keep); err != nil {
			t.Errorf("other document: %v", err)
		}
	})
}

// The list pages by (date, id) without gaps or repeats, newest first, and
// filters by category and date range.
func TestDocumentListPagesAndFilters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		e := newDocEnv(t, g)
		e.docs.Limits.MaxFiles = 1
		ctx := context.Background()
		r := models.DocumentReader{UserID: e.uid}
		want := map[int64]bool{}
		for i := 0; i < 13; i++ {
			cat := models.CategoryLab
			if i%3 == 0 {
				cat = models.CategoryImaging
			}
			day := fmt.Sprintf("2026-01-%02d", 1+i%5) // repeated dates: the id breaks ties
			id, err := upload(t, e, e.uid, models.DocumentInput{Category: cat, Title: fmt.Sprint("doc ", i), Date: day}, docPDF("p"))
			if err != nil {
				t.Fatal(err)
			}
			want[id] = true
		}
		seen := map[int64]bool{}
		var last time.Time
		q := models.DocumentQuery{Limit: 5}
		pages := 0
		for {
			l, err := e.docs.List(ctx, r, q)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, it := range l.Items {
				if seen[it.ID] {
					t.Errorf("document %d listed twice", it.ID)
				}
				seen[it.ID] = true
				if !last.IsZero() && it.Date.After(last) {
					t.Errorf("order: %s after %s", it.Date, last)
				}
				last = it.Date
				if len(it.Files) != 1 || it.Title == "" {
					t.Errorf("item %+v", it)
				}
			}
			if l.Next == "" {
				break
			}
			q.After = l.Next
		}
		if len(seen) != len(want) || pages != 3 {
			t.Errorf("listed %d of %d in %d pages", len(seen), len(want), pages)
		}
		l, err := e.docs.List(ctx, r, models.DocumentQuery{Category: models.CategoryImaging, Limit: 50})
		if err != nil || len(l.Items) != 5 {
			t.Errorf("imaging: %d, %v", len(l.Items), err)
		}
		l, err = e.docs.List(ctx, r, models.DocumentQuery{From: "2026-01-02", To: "2026-01-03", Limit: 50})
		if err != nil || len(l.Items) != 6 {
			t.Errorf("date range: %d, %v", len(l.Items), err)
		}
		for _, it := range l.Items {
			if s := it.Date.Format("2006-01-02"); s != "2026-01-02" && s != "2026-01-03" {
				t.Errorf("out of range: %s", s)
			}
		}
		if _, err := e.docs.List(ctx, r, models.DocumentQuery{From: "yesterday"}); models.AsError(err) == nil {
			t.Error("bad date accepted")
		}
	})
}

// The sweep deletes blobs of failed uploads (pending rows older than the
// grace), blobs no row names at all, and keeps committed blobs and uploads in
// progress.
func TestSweepOrphanBlobs(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		e := newDocEnv(t, g)
		ctx := context.Background()
		if _, err := upload(t, e, e.uid, labInput("kept"), docPNG(t, 10, 10)); err != nil {
			t.Fatal(err)
		}
		store := e.docs.Blobs
		put := func(name string) {
			if _, err := store.Put(ctx, name, strings.NewReader("ciphertext")); err != nil {
				t.Fatal(err)
			}
		}
		old, fresh, stray := blob.NewName(), blob.NewName(), blob.NewName()
		put(old)
		put(fresh)
		put(stray)
		now := time.Now().UTC()
		g.Create(&models.PendingBlob{Name: old, CreatedAt: now.Add(-2 * time.Hour)})
		g.Create(&models.PendingBlob{Name: fresh, CreatedAt: now})
		g.Create(&models.PendingBlob{Name: blob.NewName(), CreatedAt: now.Add(-2 * time.Hour)}) // blob never written
		n, err := models.SweepOrphanBlobs(ctx, g, store, now.Add(-models.OrphanGrace))
		if err != nil {
			t.Fatal(err)
		}
		if n != 3 {
			t.Errorf("swept %d, want 3 (old pending, the one never written, the stray)", n)
		}
		var left []string
		_ = store.List(ctx, func(name string) error { left = append(left, name); return nil })
		if len(left) != 3 { // PNG, its thumbnail, the fresh pending one
			t.Errorf("left %v", left)
		}
		for _, name := range left {
			if name == old || name == stray {
				t.Errorf("%s survived", name)
			}
		}
		if c := countRows(t, g, "pending_blobs", ""); c != 1 {
			t.Errorf("%d pending rows, want the fresh one", c)
		}
		if v, err := e.docs.List(ctx, models.DocumentReader{UserID: e.uid}, models.DocumentQuery{}); err != nil || len(v.Items) != 1 {
			t.Fatalf("list: %v", err)
		}
	})
}

// A DICOM file (preamble, "DICM") is accepted by content and has no thumbnail;
// a WebP photo gets one.
func TestDocumentDICOMAndWebP(t *testing.T) {
	e := newDocEnv(t, dbtest.SQLite(t))
	ctx := context.Background()
	dicom := append(make([]byte, 128), []byte("DICM\x02\x00\x00\x00UL\x04\x00")...)
	webpImg, _ := base64.StdEncoding.DecodeString(tinyWebP)
	id, err := upload(t, e, e.uid, labInput("MRI"), dicom, webpImg)
	if err != nil {
		t.Fatal(err)
	}
	v, err := e.docs.Get(ctx, models.DocumentReader{UserID: e.uid}, id)
	if err != nil {
		t.Fatal(err)
	}
	if f := v.Files[0]; f.ContentType != models.TypeDICOM || f.HasThumbnail || f.Viewable() || f.Ext() != "dcm" {
		t.Errorf("DICOM file: %+v", f)
	}
	if f := v.Files[1]; f.ContentType != models.TypeWebP || !f.HasThumbnail || !f.Viewable() {
		t.Errorf("WebP file: %+v", f)
	}
	fc, err := e.docs.OpenFile(ctx, models.DocumentReader{UserID: e.uid}, id, v.Files[1].ID, true)
	if err != nil {
		t.Fatal(err)
	}
	defer fc.Close()
	if img, err := jpeg.Decode(fc); err != nil || img.Bounds().Dx() != 1 {
		t.Errorf("WebP thumbnail: %v", err)
	}
}

// tinyWebP is a 1×1 lossless WebP image.
const tinyWebP = "UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA=="
