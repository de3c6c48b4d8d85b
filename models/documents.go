package models

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/blob"
	"github.com/yibao-health/portal/internal/keys"
)

// Document categories (issue 5), stored as these codes and shown through the
// message keys "documents.category.<code>".
const (
	CategoryRecord  = "record"  // 病历 medical record
	CategoryImaging = "imaging" // 影像检查 imaging exam
	CategoryLab     = "lab"     // 化验检查 lab test
	CategoryExam    = "exam"    // 体检报告 physical exam report
	CategoryOther   = "other"
)

// DocumentCategories lists the categories in display order.
var DocumentCategories = []string{CategoryRecord, CategoryImaging, CategoryLab, CategoryExam, CategoryOther}

// Document is a row of documents (migrations/*/0013_documents.sql): one medical
// document of a patient. Title, hospital and notes are field-AEAD ciphertexts
// bound to the row (documentAD); category and date are clear for filtering.
type Document struct {
	ID          int64 `gorm:"primaryKey;autoIncrement:false"`
	UserID      int64
	Category    string
	TitleEnc    string
	HospitalEnc string
	NotesEnc    string
	DocDate     time.Time `gorm:"type:date"`
	CreatedAt   time.Time
}

// TableName maps Document to documents.
func (Document) TableName() string { return "documents" }

// DocumentFile is one file of a document: the names of its blobs (the file and,
// for images, a thumbnail), what was sniffed from its bytes, and its own
// streaming key wrapped by the field AEAD (KeyEnc, bound by fileKeyAD).
type DocumentFile struct {
	ID            int64 `gorm:"primaryKey;autoIncrement:false"`
	DocumentID    int64
	UserID        int64
	Position      int
	BlobName      string
	ThumbBlobName *string
	ContentType   string
	Size          int64
	BlobSHA256    string `gorm:"column:blob_sha256"`
	KeyEnc        []byte
	CreatedAt     time.Time
}

// TableName maps DocumentFile to document_files.
func (DocumentFile) TableName() string { return "document_files" }

// PendingBlob names a blob that no committed row references yet (an upload in
// progress) or any more (a deletion in progress); see SweepOrphanBlobs.
type PendingBlob struct {
	Name      string `gorm:"primaryKey"`
	CreatedAt time.Time
}

// TableName maps PendingBlob to pending_blobs.
func (PendingBlob) TableName() string { return "pending_blobs" }

// UploadLimits bound one upload: bytes per file and files per document.
type UploadLimits struct {
	MaxFileSize int64
	MaxFiles    int
}

// MaxBody is the largest request body an upload within these limits can need:
// every file at its limit plus 1 MiB for the text fields and multipart framing.
func (l UploadLimits) MaxBody() int64 { return int64(l.MaxFiles)*l.MaxFileSize + 1<<20 }

// MaxFileMB is the per-file limit in whole megabytes, for messages.
func (l UploadLimits) MaxFileMB() int64 { return (l.MaxFileSize + 1<<20 - 1) >> 20 }

// Documents is the medical-documents domain: uploads (documents_upload.go),
// reads through the one access rule (readableDocuments), deletion with its
// keys and blobs, and the orphan sweep.
type Documents struct {
	DB     *gorm.DB
	Keys   *keys.Keyring
	Blobs  blob.Store
	Now    func() time.Time
	Limits UploadLimits

	// decodes bounds the images decoded for thumbnails at once: decoding takes
	// memory in proportion to the pixels (up to MaxImagePixels), not the file.
	decodes chan struct{}
}

// NewDocuments returns the documents domain; now defaults to time.Now.
func NewDocuments(db *gorm.DB, k *keys.Keyring, blobs blob.Store, now func() time.Time, limits UploadLimits) *Documents {
	if now == nil {
		now = time.Now
	}
	return &Documents{DB: db, Keys: k, Blobs: blobs, Now: now, Limits: limits, decodes: make(chan struct{}, 2)}
}

// DocumentReader is who asks to read documents: the signed-in owner (Basis
// zero), or a doctor (UserID) reading under a consultation's grant (Basis), at
// At (the request's clock). RequestID goes into the access log.
type DocumentReader struct {
	UserID    int64
	Basis     DoctorBasis
	At        time.Time
	RequestID string
}

// doctor reports whether r reads as a doctor under a grant (not as the owner).
func (r DocumentReader) doctor() bool { return r.Basis.Kind != "" }

// readableDocuments is the one access rule for documents (DESIGN.md §4
// invariant 1): every read of a document, its list entry, its files or their
// bytes selects the document through it, so a row outside the rule is simply
// not found (404, never 403). The owner reads their own; a doctor reads only
// what the consultation's active grant covers (grantedDocuments), and each such
// read is logged for the patient (logDoctorReads) before it is returned.
func readableDocuments(tx *gorm.DB, r DocumentReader) *gorm.DB {
	q := tx.Model(&Document{})
	if r.doctor() {
		return grantedDocuments(q, r.UserID, r.Basis, r.At)
	}
	return q.Where("documents.user_id = ?", r.UserID)
}

// logDoctorReads appends one access-log row per document (or file) a doctor
// read, in one statement; owners' reads are not logged. A failure fails the read.
func (d *Documents) logDoctorReads(ctx context.Context, r DocumentReader, item string, docs []Document, fileID int64) error {
	if !r.doctor() || len(docs) == 0 {
		return nil
	}
	entries := make([]AccessEntry, len(docs))
	for i, doc := range docs {
		id := doc.ID
		if item == ItemDocumentFile {
			id = fileID
		}
		entries[i] = AccessEntry{PatientID: doc.UserID, ViewerID: r.UserID, ViewerKind: KindDoctor, ItemType: item,
			ItemID: idString(id), ItemCategory: doc.Category, Basis: r.Basis.Kind, BasisID: &r.Basis.ID, RequestID: r.RequestID}
	}
	return LogAccesses(d.DB.WithContext(ctx), entries)
}

// readableDocument loads document id through the access rule; outside it, or
// absent, it is NotFound.
func (d *Documents) readableDocument(ctx context.Context, r DocumentReader, id int64) (*Document, error) {
	var doc Document
	err := readableDocuments(d.DB.WithContext(ctx), r).Select("documents.*").Where("documents.id = ?", id).Take(&doc).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, NotFound("")
	}
	if err != nil {
		return nil, fmt.Errorf("documents: load: %w", err)
	}
	return &doc, nil
}

// newRowID returns a random positive 63-bit ID. Rows of documents and
// document_files get their ID before the INSERT because the associated data
// of their ciphertexts names it.
func newRowID() int64 {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("documents: random: " + err.Error())
	}
	id := int64(binary.BigEndian.Uint64(b[:]) >> 1)
	if id == 0 {
		return newRowID()
	}
	return id
}

// documentAD binds a document's encrypted column to its row and owner.
func documentAD(column string, docID, owner int64) keys.AD {
	return keys.AD{Table: "documents", Column: column, RowID: idString(docID), OwnerID: owner}
}

// fileKeyAD binds a file's wrapped streaming key to its row and owner.
func fileKeyAD(fileID, owner int64) keys.AD {
	return keys.AD{Table: "document_files", Column: "key", RowID: idString(fileID), OwnerID: owner}
}

// Stream labels of a file's blobs (keys.FileKey): the original and its
// thumbnail, each bound to the document.
func originalLabel(docID int64) string  { return "document:" + idString(docID) + "/original" }
func thumbnailLabel(docID int64) string { return "document:" + idString(docID) + "/thumbnail" }
