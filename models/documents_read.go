package models

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// DocumentView is a document as its owner's pages show it, decrypted.
type DocumentView struct {
	ID        int64
	Category  string
	Title     string
	Hospital  string
	Notes     string // only filled by Get
	Date      time.Time
	CreatedAt time.Time
	Files     []FileView
}

// FileView is what pages show about one file: never its key or blob names.
type FileView struct {
	ID           int64
	Position     int
	ContentType  string
	Size         int64
	HasThumbnail bool
}

// IsImage reports whether the file is a JPEG, PNG or WebP image.
func (f FileView) IsImage() bool { return strings.HasPrefix(f.ContentType, "image/") }

// Viewable reports whether browsers show the file inline (images and PDF; a
// DICOM file needs a viewer and is only downloaded).
func (f FileView) Viewable() bool { return f.IsImage() || f.ContentType == TypePDF }

// Ext is the file name extension for the file's type.
func (f FileView) Ext() string { return fileExt(f.ContentType) }

// FirstThumbnail is the first file with a thumbnail, for list entries.
func (v DocumentView) FirstThumbnail() (FileView, bool) {
	for _, f := range v.Files {
		if f.HasThumbnail {
			return f, true
		}
	}
	return FileView{}, false
}

// DocumentQuery filters and pages the list of documents: newest date first,
// then newest ID, by keyset (After is the cursor the previous page returned).
type DocumentQuery struct {
	Category string // "" for every category
	From, To string // dates "2006-01-02", inclusive; "" for no bound
	After    string
	Limit    int // 0 means DocumentPageSize
}

// DocumentPageSize is the default and MaxDocumentPage the largest page.
const (
	DocumentPageSize = 20
	MaxDocumentPage  = 50
)

// DocumentList is one page of documents and the cursor of the next ("" at the end).
type DocumentList struct {
	Items []DocumentView
	Next  string
}

// cursor is the position after which a page starts.
type cursor struct {
	date time.Time
	id   int64
}

func (c cursor) String() string { return c.date.Format(dateLayout) + "_" + strconv.FormatInt(c.id, 10) }

func parseCursor(s string) (cursor, bool) {
	d, id, ok := strings.Cut(s, "_")
	if !ok {
		return cursor{}, false
	}
	t, err := time.Parse(dateLayout, d)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if err != nil || err2 != nil || n <= 0 {
		return cursor{}, false
	}
	return cursor{t, n}, true
}

// List returns a page of the documents r may read, decrypted, each with its
// files: two statements whatever the page size (documents, then their files).
// A bad filter value is Invalid on its field.
func (d *Documents) List(ctx context.Context, r DocumentReader, q DocumentQuery) (*DocumentList, error) {
	var p Problems
	if q.Category != "" && !slices.Contains(DocumentCategories, q.Category) {
		p.Add("category", "documents.filter.category")
	}
	from, okFrom := parseDate(q.From)
	to, okTo := parseDate(q.To)
	if !okFrom {
		p.Add("from", "documents.filter.date")
	}
	if !okTo {
		p.Add("to", "documents.filter.date")
	}
	var after cursor
	if q.After != "" {
		var ok bool
		if after, ok = parseCursor(q.After); !ok {
			p.Add("", "documents.filter.cursor")
		}
	}
	if len(p) > 0 {
		return nil, p
	}
	limit := q.Limit
	if limit <= 0 || limit > MaxDocumentPage {
		limit = DocumentPageSize
	}
	tx := readableDocuments(d.DB.WithContext(ctx), r)
	if q.Category != "" {
		tx = tx.Where("documents.category = ?", q.Category)
	}
	if from != nil {
		tx = tx.Where("documents.doc_date >= ?", *from)
	}
	if to != nil {
		tx = tx.Where("documents.doc_date <= ?", *to)
	}
	if q.After != "" {
		tx = tx.Where("documents.doc_date < ? OR (documents.doc_date = ? AND documents.id < ?)", after.date, after.date, after.id)
	}
	var rows []Document
	if err := tx.Select("documents.*").Order("documents.doc_date DESC, documents.id DESC").Limit(limit + 1).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("documents: list: %w", err)
	}
	out := &DocumentList{}
	if len(rows) > limit {
		rows = rows[:limit]
		last := rows[limit-1]
		out.Next = cursor{last.DocDate.UTC(), last.ID}.String()
	}
	files, err := d.filesOf(ctx, rows)
	if err != nil {
		return nil, err
	}
	if err := d.logDoctorReads(ctx, r, ItemDocument, rows, 0); err != nil {
		return nil, err
	}
	for i := range rows {
		v, err := d.view(&rows[i], false)
		if err != nil {
			return nil, err
		}
		v.Files = files[rows[i].ID]
		out.Items = append(out.Items, v)
	}
	return out, nil
}

// parseDate reads a "2006-01-02" date as UTC midnight; "" is nil (and ok).
func parseDate(s string) (*time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, true
	}
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return nil, false
	}
	return &t, true
}

// Get returns document id with its notes and files, if r may read it.
func (d *Documents) Get(ctx context.Context, r DocumentReader, id int64) (*DocumentView, error) {
	doc, err := d.readableDocument(ctx, r, id)
	if err != nil {
		return nil, err
	}
	files, err := d.filesOf(ctx, []Document{*doc})
	if err != nil {
		return nil, err
	}
	if err := d.logDoctorReads(ctx, r, ItemDocument, []Document{*doc}, 0); err != nil {
		return nil, err
	}
	v, err := d.view(doc, true)
	if err != nil {
		return nil, err
	}
	v.Files = files[doc.ID]
	return &v, nil
}

// filesOf loads the files of docs (already through the access rule), by document.
func (d *Documents) filesOf(ctx context.Context, docs []Document) (map[int64][]FileView, error) {
	out := make(map[int64][]FileView, len(docs))
	if len(docs) == 0 {
		return out, nil
	}
	ids := make([]int64, len(docs))
	for i, doc := range docs {
		ids[i] = doc.ID
	}
	var rows []DocumentFile
	err := d.DB.WithContext(ctx).Select("id", "document_id", "position", "content_type", "size", "thumb_blob_name").
		Where("document_id IN ?", ids).Order("document_id, position").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("documents: files: %w", err)
	}
	for _, f := range rows {
		out[f.DocumentID] = append(out[f.DocumentID], fileView(&f))
	}
	return out, nil
}

func fileView(f *DocumentFile) FileView {
	return FileView{ID: f.ID, Position: f.Position, ContentType: f.ContentType, Size: f.Size, HasThumbnail: f.ThumbBlobName != nil}
}

// view decrypts doc; notes only when withNotes (lists do not show them).
func (d *Documents) view(doc *Document, withNotes bool) (DocumentView, error) {
	v := DocumentView{ID: doc.ID, Category: doc.Category, Date: doc.DocDate.UTC(), CreatedAt: doc.CreatedAt}
	open := func(column, ct string) (string, error) {
		if ct == "" {
			return "", nil
		}
		s, err := d.Keys.DecryptString(ct, documentAD(column, doc.ID, doc.UserID))
		if err != nil {
			return "", fmt.Errorf("documents: decrypt %s of %d: %w", column, doc.ID, err)
		}
		return s, nil
	}
	var err error
	if v.Title, err = open("title", doc.TitleEnc); err != nil {
		return v, err
	}
	if v.Hospital, err = open("hospital", doc.HospitalEnc); err != nil {
		return v, err
	}
	if withNotes {
		if v.Notes, err = open("notes", doc.NotesEnc); err != nil {
			return v, err
		}
	}
	return v, nil
}

// FileContent is the plaintext of one file (or its thumbnail) as a stream, with
// what a response needs: the file's type and size, the document's title (for
// the download name) and how many files the document has. Close it.
type FileContent struct {
	io.Reader
	closer    io.Closer
	File      FileView
	Title     string
	Files     int
	Thumbnail bool
}

// Close closes the underlying blob.
func (f *FileContent) Close() error { return f.closer.Close() }

// OpenFile streams file fileID of document docID, decrypted with the file's own
// key, if r may read the document; thumbnail asks for the server-made
// thumbnail instead (NotFound when the file has none). Authentication is per
// 4 KB segment: a blob that was altered fails while being read.
func (d *Documents) OpenFile(ctx context.Context, r DocumentReader, docID, fileID int64, thumbnail bool) (*FileContent, error) {
	doc, err := d.readableDocument(ctx, r, docID)
	if err != nil {
		return nil, err
	}
	var f DocumentFile
	err = d.DB.WithContext(ctx).Where("id = ? AND document_id = ?", fileID, doc.ID).Take(&f).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, NotFound("")
	}
	if err != nil {
		return nil, fmt.Errorf("documents: load file: %w", err)
	}
	var n int64
	if err := d.DB.WithContext(ctx).Model(&DocumentFile{}).Where("document_id = ?", doc.ID).Count(&n).Error; err != nil {
		return nil, fmt.Errorf("documents: count files: %w", err)
	}
	name, label := f.BlobName, originalLabel(doc.ID)
	if thumbnail {
		if f.ThumbBlobName == nil {
			return nil, NotFound("")
		}
		name, label = *f.ThumbBlobName, thumbnailLabel(doc.ID)
	}
	title, err := d.Keys.DecryptString(doc.TitleEnc, documentAD("title", doc.ID, doc.UserID))
	if err != nil {
		return nil, fmt.Errorf("documents: decrypt title of %d: %w", doc.ID, err)
	}
	key, err := d.Keys.OpenFileKey(f.KeyEnc, fileKeyAD(f.ID, f.UserID))
	if err != nil {
		return nil, fmt.Errorf("documents: file key of %d: %w", f.ID, err)
	}
	if err := d.logDoctorReads(ctx, r, ItemDocumentFile, []Document{*doc}, f.ID); err != nil {
		return nil, err
	}
	rc, err := d.Blobs.Open(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("documents: open blob of file %d: %w", f.ID, err)
	}
	plain, err := key.NewDecryptingReader(rc, label)
	if err != nil {
		rc.Close()
		return nil, fmt.Errorf("documents: decrypt file %d: %w", f.ID, err)
	}
	return &FileContent{Reader: plain, closer: rc, File: fileView(&f), Title: title, Files: int(n), Thumbnail: thumbnail}, nil
}
