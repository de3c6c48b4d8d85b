package models

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/blob"
)

// Field lengths of a document, in characters.
const (
	MaxDocumentTitle    = 100
	MaxDocumentHospital = 100
	MaxDocumentNotes    = 2000
)

// DocumentInput is what the patient types about a document (the upload form's
// text fields, which come before its files).
type DocumentInput struct {
	Category, Title, Date, Hospital, Notes string
}

func (in *DocumentInput) normalize() {
	in.Category = strings.TrimSpace(in.Category)
	in.Title = strings.Join(strings.Fields(in.Title), " ")
	in.Hospital = strings.Join(strings.Fields(in.Hospital), " ")
	in.Date = strings.TrimSpace(in.Date)
	in.Notes = strings.TrimSpace(strings.ReplaceAll(in.Notes, "\r\n", "\n"))
}

// problems checks the text fields; today is the date in China.
func (in *DocumentInput) problems(today time.Time) (Problems, time.Time) {
	var p Problems
	if !slices.Contains(DocumentCategories, in.Category) {
		p.Add("category", "documents.category.required")
	}
	text := func(field, v string, max int, required bool) {
		switch n := utf8.RuneCountInString(v); {
		case n == 0 && required:
			p.Add(field, "documents."+field+".required")
		case n > max:
			p = append(p, &Error{Kind: KindInvalid, Field: field, Key: "documents.too_long", Args: []any{max}})
		case strings.ContainsFunc(v, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }):
			p.Add(field, "documents.control_chars")
		}
	}
	text("title", in.Title, MaxDocumentTitle, true)
	text("hospital", in.Hospital, MaxDocumentHospital, false)
	text("notes", in.Notes, MaxDocumentNotes, false)
	var date time.Time
	switch t, err := time.Parse(dateLayout, in.Date); {
	case in.Date == "":
		p.Add("date", "documents.date.required")
	case err != nil || t.Year() < 1900:
		p.Add("date", "documents.date.invalid")
	case t.After(today):
		p.Add("date", "documents.date.future")
	default:
		date = t
	}
	return p, date
}

// ErrConsentRequired refuses health-data processing without the separate
// consent (or after its withdrawal).
var errConsentRequired = &Error{Kind: KindForbidden, Key: "documents.consent.required"}

// Upload is one document being uploaded: BeginUpload checks the text fields and
// the consent, AddFile streams each file into the blob store encrypted, Commit
// stores the rows. Until Commit succeeds nothing is visible; Abort (always
// deferred by the caller) deletes every blob written. Not safe for concurrent use.
type Upload struct {
	d         *Documents
	owner     int64
	doc       Document
	in        DocumentInput
	files     []DocumentFile
	blobs     []string // every blob this upload wrote or started to write
	bytes     int64
	committed bool
}

// BeginUpload validates what the patient typed and that the health-data
// consent is in force; every field problem is reported at once.
func (d *Documents) BeginUpload(ctx context.Context, owner int64, in DocumentInput) (*Upload, error) {
	in.normalize()
	now := d.Now()
	today, _ := time.Parse(dateLayout, now.In(ChinaTime).Format(dateLayout))
	p, date := in.problems(today)
	if len(p) > 0 {
		return nil, p
	}
	ok, err := HasConsent(ctx, d.DB, owner, PurposeHealthData, "")
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errConsentRequired
	}
	return &Upload{d: d, owner: owner, in: in,
		doc: Document{ID: newRowID(), UserID: owner, Category: in.Category, DocDate: date, CreatedAt: now.UTC()}}, nil
}

// Files is how many files were added.
func (u *Upload) Files() int { return len(u.files) }

// AddFile streams one file from r: its first bytes decide its type (refused
// before anything is stored if not accepted), then everything flows through
// the file's own streaming AEAD into a new blob, counting bytes and stopping
// past the per-file limit. Memory is a few buffers, whatever the file's size;
// an image is also decoded on the way for its thumbnail (bounded in pixels).
// On error the upload must be aborted.
func (u *Upload) AddFile(ctx context.Context, r io.Reader) error {
	lim := u.d.Limits
	if len(u.files) >= lim.MaxFiles {
		return &Error{Kind: KindTooLarge, Field: "files", Key: "documents.files.too_many", Args: []any{lim.MaxFiles}}
	}
	pos := len(u.files) + 1 // messages name the file by its place in the upload
	head := make([]byte, SniffLen)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return fmt.Errorf("documents: read upload: %w", err)
	}
	head = head[:n]
	if n == 0 {
		return &Error{Kind: KindInvalid, Field: "files", Key: "documents.file.empty", Args: []any{pos}}
	}
	contentType, ok := SniffDocument(head)
	if !ok {
		return &Error{Kind: KindInvalid, Field: "files", Key: "documents.file.type", Args: []any{pos}}
	}
	f := DocumentFile{ID: newRowID(), DocumentID: u.doc.ID, UserID: u.owner, Position: len(u.files) + 1,
		ContentType: contentType, CreatedAt: u.doc.CreatedAt}
	key, wrapped, err := u.d.Keys.NewFileKey(fileKeyAD(f.ID, u.owner))
	if err != nil {
		return err
	}
	f.KeyEnc = wrapped

	var tail tailWriter
	var thumbs *thumbStream
	plainSinks := []io.Writer{}
	if contentType == TypePDF {
		plainSinks = append(plainSinks, &tail)
	}
	if strings.HasPrefix(contentType, "image/") {
		thumbs = u.d.startThumbnail(ctx, contentType)
		plainSinks = append(plainSinks, thumbs.w)
	}
	src := &limitedReader{r: io.MultiReader(bytes.NewReader(head), r), left: lim.MaxFileSize}
	f.BlobName = blob.NewName()
	size, sum, err := u.putEncrypted(ctx, f.BlobName, func(enc io.Writer) (int64, error) {
		return io.Copy(io.MultiWriter(append([]io.Writer{enc}, plainSinks...)...), src)
	}, key.NewEncryptingWriter, originalLabel(u.doc.ID))
	var thumb []byte
	if thumbs != nil {
		thumbs.w.CloseWithError(err) // nil: the whole image went past
		var terr error
		thumb, terr = thumbs.wait()
		if err == nil {
			err = terr
		}
	}
	switch {
	case src.over:
		return &Error{Kind: KindTooLarge, Field: "files", Key: "documents.file.too_large", Args: []any{pos, lim.MaxFileMB()}}
	case err != nil:
		if e := AsError(err); e != nil && e.Field == "files" {
			return &Error{Kind: e.Kind, Field: e.Field, Key: e.Key, Args: append([]any{pos}, e.Args...), Err: e.Err}
		}
		return err
	case contentType == TypePDF && !tail.pdfComplete():
		return &Error{Kind: KindInvalid, Field: "files", Key: "documents.file.pdf_incomplete", Args: []any{pos}}
	}
	f.Size, f.BlobSHA256 = size, sum
	if thumb != nil {
		name := blob.NewName()
		if _, _, err := u.putEncrypted(ctx, name, func(enc io.Writer) (int64, error) {
			n, err := enc.Write(thumb)
			return int64(n), err
		}, key.NewEncryptingWriter, thumbnailLabel(u.doc.ID)); err != nil {
			return err
		}
		f.ThumbBlobName = &name
	}
	u.files = append(u.files, f)
	u.bytes += size
	return nil
}

// putEncrypted records name as pending, then writes a new blob called name
// with the ciphertext of what fill writes, streamed through a pipe (the store
// reads as fill writes; nothing is buffered whole). It returns the plaintext
// size and the hex SHA-256 of the ciphertext.
func (u *Upload) putEncrypted(ctx context.Context, name string, fill func(io.Writer) (int64, error),
	encrypt func(io.Writer, string) (io.WriteCloser, error), label string) (int64, string, error) {
	if err := u.d.DB.WithContext(ctx).Create(&PendingBlob{Name: name, CreatedAt: u.d.Now().UTC()}).Error; err != nil {
		return 0, "", fmt.Errorf("documents: record pending blob: %w", err)
	}
	u.blobs = append(u.blobs, name)
	pr, pw := io.Pipe()
	stored := make(chan error, 1)
	go func() {
		_, err := u.d.Blobs.Put(ctx, name, pr)
		pr.CloseWithError(err) // unblocks the writer if the store gave up
		stored <- err
	}()
	hash := sha256.New()
	// The encryptor writes 4 KB segments; batching them into 64 KB writes keeps
	// the store's system calls (and their cost) down.
	out := bufio.NewWriterSize(io.MultiWriter(pw, hash), 64<<10)
	size, err := func() (int64, error) {
		enc, err := encrypt(out, label)
		if err != nil {
			return 0, err
		}
		n, err := fill(enc)
		if err != nil {
			return n, err
		}
		if err := enc.Close(); err != nil {
			return n, err
		}
		return n, out.Flush()
	}()
	pw.CloseWithError(err) // nil: the store sees EOF and commits the blob
	if serr := <-stored; err == nil && serr != nil {
		err = fmt.Errorf("documents: store blob: %w", serr)
	}
	if err != nil {
		return 0, "", err
	}
	return size, hex.EncodeToString(hash.Sum(nil)), nil
}

// Commit stores the document, its files and their keys in one transaction,
// with the consent checked inside it (a withdrawal committed first refuses the
// upload), and the audit row. It needs at least one file.
func (u *Upload) Commit(ctx context.Context, actx AuditContext) (int64, error) {
	if len(u.files) == 0 {
		return 0, Invalid("files", "documents.files.required")
	}
	d := u.d
	enc := func(column, v string) (string, error) {
		return d.Keys.EncryptString(v, documentAD(column, u.doc.ID, u.owner))
	}
	var err error
	if u.doc.TitleEnc, err = enc("title", u.in.Title); err != nil {
		return 0, err
	}
	if u.doc.HospitalEnc, err = enc("hospital", u.in.Hospital); err != nil {
		return 0, err
	}
	if u.doc.NotesEnc, err = enc("notes", u.in.Notes); err != nil {
		return 0, err
	}
	err = d.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// The first write takes SQLite's write lock, so the consent read below sees
		// every committed withdrawal and none can commit before this transaction ends.
		if err := tx.Create(&u.doc).Error; err != nil {
			return fmt.Errorf("documents: insert document: %w", err)
		}
		ok, err := HasConsent(ctx, tx, u.owner, PurposeHealthData, "")
		if err != nil {
			return err
		}
		if !ok {
			return errConsentRequired
		}
		if err := tx.Create(&u.files).Error; err != nil {
			return fmt.Errorf("documents: insert files: %w", err)
		}
		if err := tx.Where("name IN ?", u.blobs).Delete(&PendingBlob{}).Error; err != nil {
			return fmt.Errorf("documents: clear pending blobs: %w", err)
		}
		e := actx.Entry("health.document.upload", "document", idString(u.doc.ID), OutcomeSuccess).
			With(map[string]string{"files": strconv.Itoa(len(u.files)), "bytes": strconv.FormatInt(u.bytes, 10)})
		e.OccurredAt = u.doc.CreatedAt
		_, err = AppendAudit(tx, e)
		return err
	})
	if err != nil {
		return 0, err
	}
	u.committed = true
	return u.doc.ID, nil
}

// Abort deletes every blob this upload wrote and their pending rows, unless it
// committed. It runs on a context of its own: the request's may be over (a
// client that went away). What it cannot delete the orphan sweep will.
func (u *Upload) Abort(ctx context.Context) error {
	if u == nil || u.committed || len(u.blobs) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	return u.d.removeBlobs(ctx, u.blobs)
}

// removeBlobs deletes blobs, then their pending rows (a row whose blob could
// not be deleted stays for the sweep).
func (d *Documents) removeBlobs(ctx context.Context, names []string) error {
	var done []string
	var errs []error
	for _, name := range names {
		if err := d.Blobs.Delete(ctx, name); err != nil {
			errs = append(errs, err)
			continue
		}
		done = append(done, name)
	}
	if len(done) > 0 {
		if err := d.DB.WithContext(ctx).Where("name IN ?", done).Delete(&PendingBlob{}).Error; err != nil {
			errs = append(errs, fmt.Errorf("documents: clear pending blobs: %w", err))
		}
	}
	return errors.Join(errs...)
}

// limitedReader reads at most left bytes and records whether r had more.
type limitedReader struct {
	r    io.Reader
	left int64
	over bool
}

var errFileTooLarge = errors.New("documents: file over the size limit")

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.left < 0 {
		return 0, errFileTooLarge
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		l.over = true
		return 0, errFileTooLarge
	}
	return n, err
}
