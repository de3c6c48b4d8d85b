package models

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/keys"
)

// KeyRotation is one rotation of the field-aead key (migrations/*/0014_key_rotation.sql):
// FromKeyID was primary before, TargetKeyID (set once the key exists) is the key every
// ciphertext is re-encrypted under. Active is true while in progress, NULL when done.
type KeyRotation struct {
	ID          int64
	FromKeyID   int64
	TargetKeyID *int64
	Active      *bool
	StartedAt   time.Time
	RotatedAt   *time.Time
	FinishedAt  *time.Time
}

// TableName maps KeyRotation to key_rotations.
func (KeyRotation) TableName() string { return "key_rotations" }

// KeyRotationProgress is where the walk of one encrypted column stands in a rotation.
type KeyRotationProgress struct {
	RotationID  int64  `gorm:"primaryKey;autoIncrement:false"`
	Table       string `gorm:"column:table_name;primaryKey"`
	Column      string `gorm:"column:column_name;primaryKey"`
	LastPK      string `gorm:"column:last_pk"`
	Done        bool
	Batches     int64
	RowsScanned int64
	RowsChanged int64
	UpdatedAt   time.Time
}

// TableName maps KeyRotationProgress to key_rotation_progress.
func (KeyRotationProgress) TableName() string { return "key_rotation_progress" }

// DefaultRotationBatch is the number of rows a rotation reads and updates per
// transaction unless told otherwise.
const DefaultRotationBatch = 500

// conflictRetries is how often a row whose value changed under the rotation (a
// concurrent write) is read again before it is left as it is.
const conflictRetries = 3

// ErrRotationRaced means another `portal keys rotate` moved the same column's
// progress while this one was working: this run stops, its last batch rolled back.
var ErrRotationRaced = errors.New("key rotation: another run is working on this rotation; let it finish (or run again once it stopped)")

// KeyRotator adds a new primary field key and re-encrypts every ciphertext of
// EncryptedColumns under it, in batches committed together with the position
// reached, so that a run stopped at any point (crash, kill, Ctrl-C) continues where
// it stopped when run again, with the same key. Old keys stay in the keyset: a
// value written concurrently by a process still on the old key, a backup, or a
// ciphertext this run could not reach keeps decrypting.
type KeyRotator struct {
	DB   *gorm.DB
	Keys *keys.Keyring
	// Columns to walk; nil means EncryptedColumns.
	Columns []EncryptedColumn
	// Batch is the number of rows per transaction (DefaultRotationBatch when 0);
	// an entry's MaxBatch lowers it for that column.
	Batch int
	// Settle is how long after the new key became primary re-encryption waits, so
	// that every running server has reloaded the keyset (serve reloads it every
	// minute) before it meets a value under the new key. A resumed rotation waits
	// only for what is left of it.
	Settle time.Duration
	// Audit names the actor of the keys.rotate.start and keys.rotate.finish rows
	// (the system when empty).
	Audit AuditContext
	Now   func() time.Time
	Hooks RotationHooks
}

// RotationHooks let the caller observe a run (the CLI prints, tests interrupt it).
type RotationHooks struct {
	// Started is called once the rotation and its target key are known, before
	// the settle wait (wait is what is left of it).
	Started func(r RotationReport, wait time.Duration)
	// BeforeWrite is called after a batch was read and re-encrypted, before its
	// transaction (tests write concurrently here).
	BeforeWrite func(c EncryptedColumn, keys []string)
	// AfterBatch is called after each batch committed.
	AfterBatch func(b BatchDone)
}

// BatchDone describes a committed batch.
type BatchDone struct {
	Column    EncryptedColumn
	LastKey   string // the stored position
	Scanned   int    // values examined
	Changed   int    // values re-encrypted
	Conflicts int    // values changed concurrently (read again in the next batch)
	Done      bool   // the column is finished
}

// RotationReport sums up a run.
type RotationReport struct {
	RotationID  int64
	FromKeyID   uint32
	TargetKeyID uint32
	// Resumed: an earlier run started this rotation (no new key was added now).
	Resumed bool
	// Retargeted: the primary key was no longer the rotation's target (the keyset
	// was rotated outside this rotation), so the walk restarted for the primary.
	Retargeted bool
	Columns    []ColumnReport
	// Finished is true when every column is done and the rotation is closed.
	Finished bool
}

// ColumnReport is one column's share of a run.
type ColumnReport struct {
	Table, Column string
	// This run.
	Scanned, Changed, Conflicts, Left int64
	// All runs of this rotation, from the progress table.
	TotalScanned, TotalChanged int64
	// DoneBefore: an earlier run finished this column.
	DoneBefore bool
}

// Changed is the number of values this run re-encrypted.
func (r RotationReport) Changed() (n int64) {
	for _, c := range r.Columns {
		n += c.Changed
	}
	return n
}

// TotalChanged is the number of values re-encrypted by every run of the rotation.
func (r RotationReport) TotalChanged() (n int64) {
	for _, c := range r.Columns {
		n += c.TotalChanged
	}
	return n
}

// Left is the number of values this run left under an older key because they kept
// changing under it (written by a process still on the old key); they still decrypt.
func (r RotationReport) Left() (n int64) {
	for _, c := range r.Columns {
		n += c.Left
	}
	return n
}

func (r *KeyRotator) now() time.Time {
	if r.Now != nil {
		return r.Now().UTC()
	}
	return time.Now().UTC()
}

// audit is the audit context of the rotation's rows (the system by default).
func (r *KeyRotator) audit() AuditContext {
	if r.Audit.ActorKind == "" {
		return AuditContext{ActorKind: ActorSystem, RequestID: "key-rotation"}
	}
	return r.Audit
}

func (r *KeyRotator) columns() []EncryptedColumn {
	if r.Columns != nil {
		return r.Columns
	}
	return EncryptedColumns
}

// Run starts a rotation (a new primary key) when none is in progress, or continues
// the one in progress, and re-encrypts until every column is done. On any error,
// including ctx's end, everything committed so far stays and a later Run resumes.
func (r *KeyRotator) Run(ctx context.Context) (*RotationReport, error) {
	seen := map[string]bool{}
	for _, c := range r.columns() {
		if err := c.Validate(); err != nil {
			return nil, err
		}
		if seen[c.Name()] {
			return nil, fmt.Errorf("encrypted column %s is listed twice", c.Name())
		}
		seen[c.Name()] = true
	}
	rot, rep, err := r.begin(ctx)
	if err != nil {
		return nil, err
	}
	wait := time.Duration(0)
	if rot.RotatedAt != nil {
		wait = rot.RotatedAt.Add(r.Settle).Sub(r.now())
	}
	if r.Hooks.Started != nil {
		r.Hooks.Started(*rep, max(wait, 0))
	}
	if wait > 0 {
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return rep, ctx.Err()
		case <-t.C:
		}
	}
	for _, c := range r.columns() {
		rep.Columns = append(rep.Columns, ColumnReport{Table: c.Table, Column: c.Column})
		if err := r.walk(ctx, rot, c, &rep.Columns[len(rep.Columns)-1]); err != nil {
			return rep, err
		}
	}
	if err := r.finish(ctx, rot, rep); err != nil {
		return rep, err
	}
	rep.Finished = true
	return rep, nil
}

// ActiveKeyRotation returns the rotation in progress, or nil.
func ActiveKeyRotation(ctx context.Context, g *gorm.DB) (*KeyRotation, error) {
	var rows []KeyRotation
	if err := g.WithContext(ctx).Where("active IS NOT NULL").Limit(1).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("key rotation: load: %w", err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	return &rows[0], nil
}

// begin finds or creates the rotation in progress and makes sure its target key
// exists and is the primary. The order (row first, then key, then target) means a
// crash at any point leaves at most one added key: a row without target whose
// from_key_id is no longer primary had its key added by the crashed run.
func (r *KeyRotator) begin(ctx context.Context) (*KeyRotation, *RotationReport, error) {
	g := r.DB.WithContext(ctx)
	if err := r.Keys.Reload(ctx); err != nil {
		return nil, nil, err
	}
	rot, err := ActiveKeyRotation(ctx, g)
	if err != nil {
		return nil, nil, err
	}
	rep := &RotationReport{Resumed: rot != nil}
	if rot == nil {
		active := true
		row := KeyRotation{FromKeyID: int64(r.Keys.PrimaryFieldKeyID()), Active: &active, StartedAt: r.now()}
		err := g.Create(&row).Error
		if err != nil && !errors.Is(err, gorm.ErrDuplicatedKey) {
			return nil, nil, fmt.Errorf("key rotation: start: %w", err)
		}
		// On a duplicate another run started one at this moment: continue that one.
		rep.Resumed = err != nil
		if rot, err = ActiveKeyRotation(ctx, g); err != nil {
			return nil, nil, err
		}
		if rot == nil {
			return nil, nil, errors.New("key rotation: the rotation just started is gone")
		}
	}
	rep.RotationID, rep.FromKeyID = rot.ID, uint32(rot.FromKeyID)
	primary := r.Keys.PrimaryFieldKeyID()
	switch {
	case rot.TargetKeyID == nil:
		target := primary
		if int64(primary) == rot.FromKeyID {
			if target, err = r.Keys.Rotate(ctx); err != nil {
				return nil, nil, err
			}
			rep.Resumed = false
		}
		if err := r.setTarget(ctx, rot, target, "keys.rotate.start"); err != nil {
			return nil, nil, err
		}
	case uint32(*rot.TargetKeyID) != primary:
		// The keyset was rotated outside this rotation: values are re-encrypted
		// under the primary, so the walk starts again for it (values already under
		// the former target are simply re-encrypted once more).
		if err := r.setTarget(ctx, rot, primary, "keys.rotate.retarget"); err != nil {
			return nil, nil, err
		}
		rep.Retargeted = true
	}
	rep.TargetKeyID = uint32(*rot.TargetKeyID)
	return rot, rep, nil
}

// setTarget records target as rot's key (and, when it replaces an earlier one,
// forgets the progress made for it), with an audit row, in one transaction.
func (r *KeyRotator) setTarget(ctx context.Context, rot *KeyRotation, target uint32, action string) error {
	now := r.now()
	err := r.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		q := tx.Model(&KeyRotation{}).Where("id = ? AND active IS NOT NULL", rot.ID)
		if rot.TargetKeyID == nil {
			q = q.Where("target_key_id IS NULL")
		} else {
			q = q.Where("target_key_id = ?", *rot.TargetKeyID)
		}
		res := q.Updates(map[string]any{"target_key_id": int64(target), "rotated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return ErrRotationRaced
		}
		if err := tx.Where("rotation_id = ?", rot.ID).Delete(&KeyRotationProgress{}).Error; err != nil {
			return err
		}
		details := map[string]string{"rotation": idString(rot.ID), "from_key": strconv.FormatInt(rot.FromKeyID, 10),
			"to_key": strconv.FormatUint(uint64(target), 10)}
		_, err := AppendAudit(tx, r.audit().Entry(action, "keyset", keys.FieldAEAD, OutcomeSuccess).With(details))
		return err
	})
	if err != nil {
		return fmt.Errorf("key rotation: record the new key: %w", err)
	}
	t := int64(target)
	rot.TargetKeyID, rot.RotatedAt = &t, &now
	return nil
}

// finish closes the rotation with an audit row carrying the totals.
func (r *KeyRotator) finish(ctx context.Context, rot *KeyRotation, rep *RotationReport) error {
	err := r.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&KeyRotation{}).Where("id = ? AND active IS NOT NULL", rot.ID).
			Updates(map[string]any{"active": nil, "finished_at": r.now()})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return ErrRotationRaced
		}
		details := map[string]string{"rotation": idString(rot.ID), "to_key": strconv.FormatInt(*rot.TargetKeyID, 10),
			"re_encrypted": strconv.FormatInt(rep.TotalChanged(), 10)}
		_, err := AppendAudit(tx, r.audit().Entry("keys.rotate.finish", "keyset", keys.FieldAEAD, OutcomeSuccess).With(details))
		return err
	})
	if err != nil {
		return fmt.Errorf("key rotation: finish: %w", err)
	}
	return nil
}

// progress returns the progress row of c in rot, creating it on first use.
func (r *KeyRotator) progress(ctx context.Context, rot *KeyRotation, c EncryptedColumn) (*KeyRotationProgress, error) {
	g := r.DB.WithContext(ctx)
	var rows []KeyRotationProgress
	q := func() error {
		return g.Where("rotation_id = ? AND table_name = ? AND column_name = ?", rot.ID, c.Table, c.Column).
			Limit(1).Find(&rows).Error
	}
	if err := q(); err != nil {
		return nil, fmt.Errorf("key rotation: progress of %s: %w", c.Name(), err)
	}
	if len(rows) == 1 {
		return &rows[0], nil
	}
	p := KeyRotationProgress{RotationID: rot.ID, Table: c.Table, Column: c.Column, UpdatedAt: r.now()}
	if err := g.Create(&p).Error; err != nil {
		if !errors.Is(err, gorm.ErrDuplicatedKey) {
			return nil, fmt.Errorf("key rotation: progress of %s: %w", c.Name(), err)
		}
		if err := q(); err != nil || len(rows) != 1 {
			return nil, fmt.Errorf("key rotation: progress of %s: %v", c.Name(), err)
		}
		return &rows[0], nil
	}
	return &p, nil
}

// sealedValue is one row of a batch and what the rotation does with it.
type sealedValue struct {
	SealedRow
	old   []byte // the stored value as read
	fresh []byte // the value to store; nil when nothing is to be done
}

// walk re-encrypts column c batch after batch from its stored position.
func (r *KeyRotator) walk(ctx context.Context, rot *KeyRotation, c EncryptedColumn, cr *ColumnReport) error {
	p, err := r.progress(ctx, rot, c)
	if err != nil {
		return err
	}
	cr.TotalScanned, cr.TotalChanged = p.RowsScanned, p.RowsChanged
	if p.Done {
		cr.DoneBefore = true
		return nil
	}
	limit := r.Batch
	if limit <= 0 {
		limit = DefaultRotationBatch
	}
	if c.MaxBatch > 0 && c.MaxBatch < limit {
		limit = c.MaxBatch
	}
	target := uint32(*rot.TargetKeyID)
	attempts := map[string]int{} // conflicts seen per key
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		batch, err := r.readBatch(ctx, c, p.LastPK, limit)
		if err != nil {
			return err
		}
		for i := range batch {
			if err := r.reseal(c, &batch[i], target); err != nil {
				return err
			}
		}
		if r.Hooks.BeforeWrite != nil {
			ks := make([]string, len(batch))
			for i, v := range batch {
				ks[i] = v.Key
			}
			r.Hooks.BeforeWrite(c, ks)
		}
		b, err := r.writeBatch(ctx, c, p, batch, limit, attempts)
		if err != nil {
			return err
		}
		cr.Scanned += int64(b.Scanned)
		cr.Changed += int64(b.Changed)
		cr.Conflicts += int64(b.Conflicts)
		cr.TotalScanned, cr.TotalChanged = p.RowsScanned, p.RowsChanged
		if r.Hooks.AfterBatch != nil {
			r.Hooks.AfterBatch(b)
		}
		if b.Done {
			for _, n := range attempts {
				if n >= conflictRetries {
					cr.Left++
				}
			}
			return nil
		}
	}
}

// readBatch reads up to limit non-NULL values of c after key last, in key order.
func (r *KeyRotator) readBatch(ctx context.Context, c EncryptedColumn, last string, limit int) ([]sealedValue, error) {
	q := fmt.Sprintf("SELECT %s, %s, %s, %s FROM %s WHERE %s IS NOT NULL", c.Key, c.Owner, c.rowIDExpr(), c.Column,
		c.Table, c.Column)
	var args []any
	if last != "" {
		k, err := c.keyArg(last)
		if err != nil {
			return nil, err
		}
		q += " AND " + c.Key + " > ?"
		args = append(args, k)
	}
	q += " ORDER BY " + c.Key + " LIMIT " + strconv.Itoa(limit)
	rows, err := r.DB.WithContext(ctx).Raw(q, args...).Rows()
	if err != nil {
		return nil, fmt.Errorf("key rotation: read %s: %w", c.Name(), err)
	}
	defer rows.Close()
	var out []sealedValue
	for rows.Next() {
		var v sealedValue
		var owner sql.NullInt64
		var rowID sql.NullString
		if err := rows.Scan(&v.Key, &owner, &rowID, &v.old); err != nil {
			return nil, fmt.Errorf("key rotation: read %s: %w", c.Name(), err)
		}
		v.OwnerID, v.RowID = owner.Int64, rowID.String
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("key rotation: read %s: %w", c.Name(), err)
	}
	return out, nil
}

// keyArg turns a stored position into the key's SQL argument.
func (c EncryptedColumn) keyArg(k string) (any, error) {
	if c.TextKey {
		return k, nil
	}
	n, err := strconv.ParseInt(k, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("key rotation: %s: key %q is not an integer (set TextKey?)", c.Name(), k)
	}
	return n, nil
}

// reseal sets v.fresh to v's value sealed again under the primary key, unless v is
// empty or already under target. A value that does not open stops the rotation:
// it means a wrong registry entry or a damaged value, and neither may pass silently.
func (r *KeyRotator) reseal(c EncryptedColumn, v *sealedValue, target uint32) error {
	if len(v.old) == 0 {
		return nil
	}
	ct := v.old
	if c.Encoding == Base64 {
		var err error
		if ct, err = base64.StdEncoding.DecodeString(string(v.old)); err != nil {
			return fmt.Errorf("key rotation: %s, key %s: the value is not base64", c.Name(), v.Key)
		}
	}
	keyID, seal := keys.FieldKeyID, resealField
	if c.KeyID != nil {
		keyID, seal = c.KeyID, c.Reseal
	}
	id, ok := keyID(ct)
	if !ok {
		return fmt.Errorf("key rotation: %s, key %s: the value is not a field-aead ciphertext", c.Name(), v.Key)
	}
	if id == target {
		return nil
	}
	fresh, err := seal(r.Keys, ct, c.AssociatedData(v.SealedRow))
	if err != nil {
		return fmt.Errorf("key rotation: %s, key %s (sealed with key %d): %w; check its EncryptedColumns entry (ADColumn, Owner, RowID); nothing after it was changed",
			c.Name(), v.Key, id, err)
	}
	if got, ok := keyID(fresh); !ok || got != target {
		return fmt.Errorf("key rotation: the primary key is %d, not the rotation's target %d; run again", got, target)
	}
	if c.Encoding == Base64 {
		fresh = []byte(base64.StdEncoding.EncodeToString(fresh))
	}
	v.fresh = fresh
	return nil
}

// resealField decrypts a field ciphertext and encrypts it again under the primary key.
func resealField(k *keys.Keyring, ct []byte, ad keys.AD) ([]byte, error) {
	pt, err := k.Decrypt(ct, ad)
	if err != nil {
		return nil, err
	}
	defer clear(pt)
	return k.Encrypt(pt, ad)
}

// A raw ciphertext larger than bigValue is compared by its length and its first
// rawPrefix bytes, not in full: Tink's 5-byte key prefix and the 12-byte random
// nonce, which no two encryptions share (2^-96), so that a BLOB of megabytes is not
// sent back to the server a second time.
const (
	bigValue  = 64 << 10
	rawPrefix = 5 + 12
)

// writeBatch stores the batch's new values, each only if the stored value is still
// the one read (a concurrent write wins), and moves the progress row in the same
// transaction. A value that changed concurrently rewinds the position to just
// before it so the next batch reads it again, at most conflictRetries times.
func (r *KeyRotator) writeBatch(ctx context.Context, c EncryptedColumn, p *KeyRotationProgress, batch []sealedValue,
	limit int, attempts map[string]int) (BatchDone, error) {
	b := BatchDone{Column: c}
	mysql := r.DB.Dialector.Name() == "mysql"
	update := fmt.Sprintf("UPDATE %s SET %s = ? WHERE %s = ? AND %s = ?", c.Table, c.Column, c.Key, c.Column)
	if mysql && c.Encoding == Base64 {
		// Compare bytes, not by the column's case-insensitive collation (a binary
		// argument alone does not do it on MariaDB).
		update = fmt.Sprintf("UPDATE %s SET %s = ? WHERE %s = ? AND CAST(%s AS BINARY) = ?", c.Table, c.Column, c.Key, c.Column)
	}
	updateBig := fmt.Sprintf("UPDATE %s SET %s = ? WHERE %s = ? AND LENGTH(%s) = ? AND SUBSTR(%s, 1, %d) = ?",
		c.Table, c.Column, c.Key, c.Column, c.Column, rawPrefix)
	cut := len(batch) // batch[:cut] is settled; the position moves to its end
	next := p.LastPK
	err := r.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		b.Changed, b.Conflicts, cut = 0, 0, len(batch)
		for i, v := range batch {
			if v.fresh == nil {
				continue
			}
			key, err := c.keyArg(v.Key)
			if err != nil {
				return err
			}
			q, args := update, []any{}
			switch {
			case c.Encoding == Raw && c.KeyID == nil && len(v.old) > bigValue:
				q, args = updateBig, append(args, v.fresh, key, len(v.old), v.old[:rawPrefix])
			case c.Encoding == Raw:
				args = append(args, v.fresh, key, v.old)
			default:
				args = append(args, string(v.fresh), key, string(v.old))
			}
			res := tx.Exec(q, args...)
			if res.Error != nil {
				return fmt.Errorf("key rotation: update %s, key %s: %w", c.Name(), v.Key, res.Error)
			}
			if res.RowsAffected == 1 {
				b.Changed++
				continue
			}
			b.Conflicts++
			if attempts[v.Key]++; attempts[v.Key] < conflictRetries && i < cut {
				cut = i
			}
		}
		if cut > 0 {
			next = batch[cut-1].Key
		}
		b.Scanned = 0
		for _, v := range batch[:cut] {
			if len(v.old) > 0 {
				b.Scanned++
			}
		}
		b.Done = cut == len(batch) && len(batch) < limit
		res := tx.Model(&KeyRotationProgress{}).
			Where("rotation_id = ? AND table_name = ? AND column_name = ? AND last_pk = ? AND done = ?",
				p.RotationID, p.Table, p.Column, p.LastPK, false).
			Updates(map[string]any{"last_pk": next, "done": b.Done, "batches": gorm.Expr("batches + 1"),
				"rows_scanned": gorm.Expr("rows_scanned + ?", b.Scanned),
				"rows_changed": gorm.Expr("rows_changed + ?", b.Changed), "updated_at": r.now()})
		if res.Error != nil {
			return fmt.Errorf("key rotation: progress of %s: %w", c.Name(), res.Error)
		}
		if res.RowsAffected != 1 {
			return ErrRotationRaced
		}
		return nil
	})
	if err != nil {
		return b, err
	}
	p.LastPK, p.Done = next, b.Done
	p.RowsScanned += int64(b.Scanned)
	p.RowsChanged += int64(b.Changed)
	b.LastKey = next
	return b, nil
}
