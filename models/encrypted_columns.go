package models

import (
	"fmt"
	"regexp"

	"github.com/yibao-health/portal/internal/keys"
)

// EncryptedColumns lists every database column that holds a field-aead ciphertext
// (keys.Keyring.Encrypt or EncryptString), with what is needed to rebuild the
// associated data it was sealed with. `portal keys rotate` (KeyRotator) walks exactly
// these columns; a ciphertext in a column missing here would stay under an old key.
//
// Adding an encrypted column is a one-line change: append an entry next to the
// code that seals it, e.g.
//
//	{Table: "documents", Column: "title_enc", ADColumn: "title", Key: "id", Owner: "user_id", Encoding: Base64},
//
// Table, Column: where the ciphertext is stored (the column name ends in _enc).
// ADColumn: keys.AD.Column as passed at seal time (not necessarily Column).
// Key: the table's single-column primary key, walked in order; an integer unless
// TextKey is set. Owner: an SQL expression over the row giving keys.AD.OwnerID — a
// column ("user_id"), or a scalar subquery for a row that does not carry its owner,
// e.g. "(SELECT d.user_id FROM documents d WHERE d.id = document_files.document_id)".
// RowID: an SQL expression giving keys.AD.RowID; empty means the Key column. When the
// AD cannot be written as SQL, set AD instead (it gets the row's key, owner and RowID
// values). Encoding: Base64 for TEXT columns written by EncryptString, Raw for BLOB
// columns written by Encrypt. A value that is not a plain ciphertext (a wrapped file
// keyset) sets KeyID (which field key sealed it) and Reseal (seal it again under the
// primary key, same AD) as well:
//
//	{Table: "document_files", Column: "key_enc", ADColumn: "key", Key: "id", Owner: "user_id", Encoding: Raw, KeyID: keys.WrappedFileKeyID, Reseal: (*keys.Keyring).RewrapFileKey},
//
// MaxBatch caps the batch for large values (BLOBs of megabytes). NULL and empty
// values are skipped.
//
// TestEncryptedColumnsCoverMigrations fails when a migration adds an *_enc column
// that is not listed here (or an entry names a column no migration creates), and
// the rotation test re-encrypts and reads back every entry.
var EncryptedColumns = []EncryptedColumn{
	// Accounts (issue 3): contact data and second-factor secrets, sealed by Accounts.Seal
	// with the user's own ID as row and owner.
	{Table: "users", Column: "phone_enc", ADColumn: "phone", Key: "id", Owner: "id", Encoding: Base64},
	{Table: "users", Column: "email_enc", ADColumn: "email", Key: "id", Owner: "id", Encoding: Base64},
	{Table: "users", Column: "mfa_secret_enc", ADColumn: "mfa_secret", Key: "id", Owner: "id", Encoding: Base64},
	{Table: "users", Column: "mfa_pending_enc", ADColumn: "mfa_pending", Key: "id", Owner: "id", Encoding: Base64},
	// Identity details (identity.go): one row per user, row and owner are the user.
	{Table: "identities", Column: "real_name_enc", ADColumn: "real_name", Key: "user_id", Owner: "user_id", Encoding: Base64},
	{Table: "identities", Column: "birthday_enc", ADColumn: "birthday", Key: "user_id", Owner: "user_id", Encoding: Base64},
	{Table: "identities", Column: "birthplace_enc", ADColumn: "birthplace", Key: "user_id", Owner: "user_id", Encoding: Base64},
	{Table: "identities", Column: "id_number_enc", ADColumn: "id_number", Key: "user_id", Owner: "user_id", Encoding: Base64},
	// Doctor licence documents (doctor.go licenceAD): raw bytes up to MaxLicenceSize.
	{Table: "doctor_licences", Column: "data_enc", ADColumn: "data", Key: "user_id", Owner: "user_id", Encoding: Raw, MaxBatch: 4},
	// Reasons of admin actions (staff_lock.go): row is the action, owner the account.
	{Table: "account_actions", Column: "reason_enc", ADColumn: "reason", Key: "id", Owner: "user_id", Encoding: Base64},
	// Health profile (issue 5, health_profile.go HealthProfileAD): one row per saved
	// version, the whole profile as JSON; row is the version's id, owner the patient.
	{Table: "health_profiles", Column: "data_enc", ADColumn: "data", Key: "id", Owner: "user_id", Encoding: Base64},
	// Medical documents (issue 5, documents.go documentAD and fileKeyAD): row is the
	// document or the file, owner the patient. key_enc is a file's own streaming
	// keyset wrapped by the field AEAD (keys.NewFileKey), resealed, never re-encrypted
	// as a plain ciphertext; the blobs under it do not change.
	{Table: "documents", Column: "title_enc", ADColumn: "title", Key: "id", Owner: "user_id", Encoding: Base64},
	{Table: "documents", Column: "hospital_enc", ADColumn: "hospital", Key: "id", Owner: "user_id", Encoding: Base64},
	{Table: "documents", Column: "notes_enc", ADColumn: "notes", Key: "id", Owner: "user_id", Encoding: Base64},
	{Table: "document_files", Column: "key_enc", ADColumn: "key", Key: "id", Owner: "user_id", Encoding: Raw,
		KeyID: keys.WrappedFileKeyID, Reseal: (*keys.Keyring).RewrapFileKey},
	// Consultations (issue 6, consultation.go consultationAD): the question, each
	// message, and break-glass texts; the owner is always the patient.
	{Table: "consultations", Column: "question_enc", ADColumn: "question", Key: "id", Owner: "patient_id", Encoding: Base64},
	{Table: "consultation_messages", Column: "body_enc", ADColumn: "body", Key: "id", Encoding: Base64,
		Owner: "(SELECT c.patient_id FROM consultations c WHERE c.id = consultation_messages.consultation_id)"},
	{Table: "emergency_accesses", Column: "justification_enc", ADColumn: "justification", Key: "id", Owner: "patient_id", Encoding: Base64},
	{Table: "emergency_accesses", Column: "review_note_enc", ADColumn: "review_note", Key: "id", Owner: "patient_id", Encoding: Base64},
	// Shop (issue 7): addresses and orders' consignee fields, after-sale texts,
	// support conversations and unmask reasons; the owner is always the patient.
	{Table: "addresses", Column: "name_enc", ADColumn: "name", Key: "id", Owner: "user_id", Encoding: Base64},
	{Table: "addresses", Column: "phone_enc", ADColumn: "phone", Key: "id", Owner: "user_id", Encoding: Base64},
	{Table: "addresses", Column: "street_enc", ADColumn: "street", Key: "id", Owner: "user_id", Encoding: Base64},
	{Table: "orders", Column: "consignee_enc", ADColumn: "consignee", Key: "id", Owner: "user_id", Encoding: Base64},
	{Table: "orders", Column: "phone_enc", ADColumn: "phone", Key: "id", Owner: "user_id", Encoding: Base64},
	{Table: "orders", Column: "street_enc", ADColumn: "street", Key: "id", Owner: "user_id", Encoding: Base64},
	{Table: "after_sales", Column: "reason_enc", ADColumn: "reason", Key: "id", Owner: "user_id", Encoding: Base64},
	{Table: "after_sales", Column: "resolution_enc", ADColumn: "resolution", Key: "id", Owner: "user_id", Encoding: Base64},
	{Table: "support_conversations", Column: "subject_enc", ADColumn: "subject", Key: "id", Owner: "user_id", Encoding: Base64},
	{Table: "support_messages", Column: "body_enc", ADColumn: "body", Key: "id", Encoding: Base64,
		Owner: "(SELECT sc.user_id FROM support_conversations sc WHERE sc.id = support_messages.conversation_id)"},
	{Table: "order_unmasks", Column: "reason_enc", ADColumn: "reason", Key: "id", Owner: "user_id", Encoding: Base64},
}

// Encoding says how a column stores a ciphertext.
type Encoding int

const (
	// Base64 is a TEXT column holding keys.Keyring.EncryptString's output.
	Base64 Encoding = iota + 1
	// Raw is a BLOB column holding keys.Keyring.Encrypt's bytes.
	Raw
)

func (e Encoding) String() string {
	switch e {
	case Base64:
		return "base64"
	case Raw:
		return "raw"
	}
	return fmt.Sprintf("Encoding(%d)", int(e))
}

// EncryptedColumn describes one encrypted column; see EncryptedColumns.
type EncryptedColumn struct {
	Table    string
	Column   string
	ADColumn string
	Key      string
	TextKey  bool
	Owner    string
	RowID    string
	AD       func(r SealedRow) keys.AD
	Encoding Encoding
	KeyID    func(stored []byte) (uint32, bool)
	Reseal   func(k *keys.Keyring, stored []byte, ad keys.AD) ([]byte, error)
	MaxBatch int
}

// SealedRow is what the rotation reads of a row besides the ciphertext: the primary
// key (as text), and the values of the Owner and RowID expressions.
type SealedRow struct {
	Key     string
	OwnerID int64
	RowID   string
}

// Name is "table.column".
func (c EncryptedColumn) Name() string { return c.Table + "." + c.Column }

// AssociatedData is the keys.AD the value of r was sealed with.
func (c EncryptedColumn) AssociatedData(r SealedRow) keys.AD {
	if c.AD != nil {
		return c.AD(r)
	}
	return keys.AD{Table: c.Table, Column: c.ADColumn, RowID: r.RowID, OwnerID: r.OwnerID}
}

func (c EncryptedColumn) rowIDExpr() string {
	if c.RowID == "" {
		return c.Key
	}
	return c.RowID
}

var identifier = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// Validate checks that the entry is complete and its names are plain identifiers
// (they are spliced into SQL; the expressions Owner and RowID are code, never input).
func (c EncryptedColumn) Validate() error {
	for what, v := range map[string]string{"Table": c.Table, "Column": c.Column, "Key": c.Key} {
		if !identifier.MatchString(v) {
			return fmt.Errorf("encrypted column %s: %s %q is not a lower-case identifier", c.Name(), what, v)
		}
	}
	switch {
	case c.ADColumn == "" && c.AD == nil:
		return fmt.Errorf("encrypted column %s: ADColumn is required", c.Name())
	case c.Owner == "":
		return fmt.Errorf("encrypted column %s: Owner is required (a column or an SQL expression)", c.Name())
	case c.Encoding != Base64 && c.Encoding != Raw:
		return fmt.Errorf("encrypted column %s: Encoding must be Base64 or Raw", c.Name())
	case (c.KeyID == nil) != (c.Reseal == nil):
		return fmt.Errorf("encrypted column %s: KeyID and Reseal go together", c.Name())
	case c.MaxBatch < 0:
		return fmt.Errorf("encrypted column %s: MaxBatch is negative", c.Name())
	}
	return nil
}
