package models

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Actor kinds and outcomes used in the audit log.
const (
	ActorAnonymous = "anonymous"
	ActorPatient   = "patient"
	ActorDoctor    = "doctor"
	ActorStaff     = "staff"
	ActorSystem    = "system"

	OutcomeSuccess = "success"
	OutcomeFailure = "failure"
	OutcomeDenied  = "denied"
)

// MaxAuditDetails is the largest Details value, in bytes. Details is a short note,
// not a place for payloads.
const MaxAuditDetails = 2048

// GenesisHash (64 zeros) is the PrevHash of the first row.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// AuditEntry is one row of the append-only, hash-chained audit log (invariant 6).
// Rows are only ever inserted through AppendAudit; nothing updates or deletes them.
type AuditEntry struct {
	ID         int64     `gorm:"primaryKey;autoIncrement:false"`
	PrevHash   string    `gorm:"size:64;not null"`
	Hash       string    `gorm:"size:64;not null"`
	OccurredAt time.Time `gorm:"not null"`
	ActorKind  string    `gorm:"size:16;not null"`
	ActorID    int64     `gorm:"not null;default:0"` // 0 when there is no actor account
	Action     string    `gorm:"size:64;not null"`   // e.g. "auth.signin"
	ObjectType string    `gorm:"size:64;not null"`
	ObjectID   string    `gorm:"size:64;not null"` // an internal id, never a phone, e-mail or ID number
	Outcome    string    `gorm:"size:16;not null"`
	RequestID  string    `gorm:"size:64;not null"`
	ClientIP   string    `gorm:"size:45;not null"`
	// Details is a short JSON object giving context (e.g. {"reason":"expired"}).
	// It must never hold health data, passwords, tokens, one-time codes or full
	// identifiers (invariant 10): the log is kept forever and read by staff.
	// AppendAudit rejects values over MaxAuditDetails and keys that name secrets.
	Details string `gorm:"size:2048;not null"`
}

// TableName maps AuditEntry to audit_log.
func (AuditEntry) TableName() string { return "audit_log" }

// AuditHead is the single-row chain head (id = 1). Appends lock it, so they
// serialize and the chain cannot fork; Verify compares it with the last row, which
// is how a deleted last row is detected.
type AuditHead struct {
	ID       int8   `gorm:"primaryKey;autoIncrement:false"`
	LastID   int64  `gorm:"not null"`
	LastHash string `gorm:"size:64;not null"`
}

// TableName maps AuditHead to audit_head.
func (AuditHead) TableName() string { return "audit_head" }

// AuditContext is the request metadata a handler passes down to audited operations.
type AuditContext struct {
	ActorKind string
	ActorID   int64
	RequestID string
	ClientIP  string
}

// Entry starts an AuditEntry for this context; the caller may set Details.
func (a AuditContext) Entry(action, objectType, objectID, outcome string) AuditEntry {
	return AuditEntry{ActorKind: a.ActorKind, ActorID: a.ActorID, RequestID: a.RequestID,
		ClientIP: a.ClientIP, Action: action, ObjectType: objectType, ObjectID: objectID, Outcome: outcome}
}

// AppendAudit appends e to the audit log inside the caller's transaction tx, so a
// change and its audit row commit or roll back together. Call it last in the
// transaction: it locks the chain head until commit, and every append waits on it.
//
// The ID is allocated explicitly as head.last_id+1 rather than by AUTO_INCREMENT:
// the row and its hash are then written in one INSERT (the hash covers the ID), IDs
// are gap-free by construction (auto-increment leaks numbers on rollback), and a gap
// therefore proves a deletion.
func AppendAudit(tx *gorm.DB, e AuditEntry) (AuditEntry, error) {
	if e.OccurredAt.IsZero() {
		e.OccurredAt = time.Now()
	}
	// The database keeps microseconds; hash exactly what will be read back.
	e.OccurredAt = e.OccurredAt.UTC().Truncate(time.Microsecond)
	if err := validateAudit(&e); err != nil {
		return AuditEntry{}, err
	}
	// Outside a transaction the head lock would end with the SELECT, and the row and
	// the head update could commit apart.
	if _, ok := tx.Statement.ConnPool.(gorm.TxCommitter); !ok {
		return AuditEntry{}, errors.New("audit: AppendAudit must run inside a transaction")
	}
	if tx.Dialector.Name() == "sqlite" {
		// Take SQLite's write lock before reading the head. Reading first would start a
		// read snapshot that a concurrent committer invalidates (SQLITE_BUSY_SNAPSHOT,
		// which the busy timeout does not retry); a write first waits its turn instead.
		if err := tx.Exec("UPDATE audit_head SET last_id = last_id WHERE id = 1").Error; err != nil {
			return AuditEntry{}, fmt.Errorf("audit: lock head: %w", err)
		}
	}
	var head AuditHead
	// FOR UPDATE on MySQL: concurrent appenders queue here until this tx ends.
	if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Take(&head, 1).Error; err != nil {
		return AuditEntry{}, fmt.Errorf("audit: read head: %w", err)
	}
	e.ID = head.LastID + 1
	e.PrevHash = head.LastHash
	e.Hash = auditHash(&e)
	if err := tx.Create(&e).Error; err != nil {
		return AuditEntry{}, fmt.Errorf("audit: insert row %d: %w", e.ID, err)
	}
	res := tx.Model(&AuditHead{}).Where("id = ? AND last_id = ?", 1, head.LastID).
		Updates(map[string]any{"last_id": e.ID, "last_hash": e.Hash})
	if res.Error != nil {
		return AuditEntry{}, fmt.Errorf("audit: advance head: %w", res.Error)
	}
	if res.RowsAffected != 1 {
		return AuditEntry{}, errors.New("audit: head moved during append")
	}
	return e, nil
}

// auditHash is the hex SHA-256 of a canonical encoding of every field but Hash. The
// encoding is JSON of a struct, whose field order is fixed by its declaration and
// whose string quoting makes it unambiguous; "v" versions the encoding.
func auditHash(e *AuditEntry) string {
	canon := struct {
		V          int    `json:"v"`
		ID         int64  `json:"id"`
		PrevHash   string `json:"prev_hash"`
		OccurredAt string `json:"occurred_at"`
		ActorKind  string `json:"actor_kind"`
		ActorID    int64  `json:"actor_id"`
		Action     string `json:"action"`
		ObjectType string `json:"object_type"`
		ObjectID   string `json:"object_id"`
		Outcome    string `json:"outcome"`
		RequestID  string `json:"request_id"`
		ClientIP   string `json:"client_ip"`
		Details    string `json:"details"`
	}{1, e.ID, e.PrevHash, e.OccurredAt.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano),
		e.ActorKind, e.ActorID, e.Action, e.ObjectType, e.ObjectID, e.Outcome, e.RequestID, e.ClientIP, e.Details}
	b, err := json.Marshal(canon)
	if err != nil { // cannot happen: only strings and integers
		panic(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// With returns e with details encoded as its Details JSON (short, non-secret values).
func (e AuditEntry) With(details map[string]string) AuditEntry {
	b, err := json.Marshal(details)
	if err == nil {
		e.Details = string(b)
	}
	return e
}
