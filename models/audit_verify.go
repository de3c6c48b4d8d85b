package models

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"
)

// auditVerifyBatch bounds the rows VerifyAudit holds in memory at once (a var so
// tests can cross batch boundaries with few rows).
var auditVerifyBatch = 1000

// VerifyResult is the outcome of VerifyAudit. When OK is false, BrokenAt is the
// first bad row ID (or the head's last ID) and Reason says what is wrong with it.
type VerifyResult struct {
	Rows     int64 // rows checked
	OK       bool
	BrokenAt int64
	Reason   string
}

// VerifyAudit walks the whole audit log in ID order and reports the first broken
// link: an edited row (hash mismatch), a deleted row (ID gap), a row whose prev_hash
// does not point at its predecessor, or a head that disagrees with the last row
// (rows deleted at the end). It reads in keyset-paginated batches inside one
// read transaction, so memory stays bounded and concurrent appends do not produce
// false alarms (the head and the rows come from the same snapshot).
//
// The chain proves rows were not changed without recomputing every later hash; it
// cannot catch a full rewrite by someone with write access to both tables. Anchoring
// the head hash outside the database (e.g. a periodic signed export) closes that.
func VerifyAudit(ctx context.Context, g *gorm.DB) (VerifyResult, error) {
	var res VerifyResult
	err := g.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var head AuditHead
		if err := tx.Take(&head, 1).Error; err != nil {
			return fmt.Errorf("audit: verify: read head: %w", err)
		}
		res = VerifyResult{OK: true}
		wantID, prev := int64(1), GenesisHash
		for {
			var batch []AuditEntry
			if err := tx.Where("id >= ?", wantID).Order("id").Limit(auditVerifyBatch).Find(&batch).Error; err != nil {
				return fmt.Errorf("audit: verify: read rows from %d: %w", wantID, err)
			}
			for i := range batch {
				e := &batch[i]
				if reason := checkLink(e, wantID, prev); reason != "" {
					res.OK, res.BrokenAt, res.Reason = false, wantID, reason
					return nil
				}
				res.Rows++
				wantID, prev = e.ID+1, e.Hash
			}
			if len(batch) < auditVerifyBatch {
				break
			}
		}
		last := wantID - 1
		switch {
		case head.LastID > last:
			res.OK, res.BrokenAt = false, head.LastID
			res.Reason = fmt.Sprintf("head says last row %d but table ends at %d (rows deleted at the end)", head.LastID, last)
		case head.LastID < last:
			res.OK, res.BrokenAt = false, head.LastID+1
			res.Reason = fmt.Sprintf("head says last row %d but table goes on to %d (rows added past the head)", head.LastID, last)
		case head.LastHash != prev:
			res.OK, res.BrokenAt = false, last
			res.Reason = fmt.Sprintf("head hash does not match row %d", last)
		}
		return nil
	})
	return res, err
}

// checkLink returns why row e (expected to have ID want and to follow a row whose
// hash is prev) breaks the chain, or "".
func checkLink(e *AuditEntry, want int64, prev string) string {
	switch {
	case e.ID != want:
		return fmt.Sprintf("row %d: missing (deleted) — next row is %d", want, e.ID)
	case e.Hash != auditHash(e):
		return fmt.Sprintf("row %d: hash mismatch (row edited)", e.ID)
	case e.PrevHash != prev && want == 1:
		return "row 1: prev_hash is not the genesis value"
	case e.PrevHash != prev:
		return fmt.Sprintf("row %d: prev_hash does not match row %d", e.ID, e.ID-1)
	}
	return ""
}

// sensitiveDetailKeys are substrings of JSON keys that name secrets or health data.
// This is a tripwire for mistakes, not a guarantee: callers must still choose what
// they log (invariant 10).
var sensitiveDetailKeys = []string{"password", "passwd", "secret", "token", "otp", "captcha",
	"verification_code", "verify_code", "sms_code", "id_number", "diagnos", "allerg"}

// validateAudit checks an entry before it is hashed and stored: required fields,
// column sizes (so MySQL never truncates what was hashed), valid UTF-8 (JSON would
// silently replace bad bytes, making two values hash alike), and the Details rules.
func validateAudit(e *AuditEntry) error {
	if e.ActorKind == "" || e.Action == "" || e.Outcome == "" {
		return fmt.Errorf("audit: actor kind, action and outcome are required")
	}
	for _, f := range []struct {
		name, v string
		max     int
	}{{"actor_kind", e.ActorKind, 16}, {"action", e.Action, 64}, {"object_type", e.ObjectType, 64},
		{"object_id", e.ObjectID, 64}, {"outcome", e.Outcome, 16}, {"request_id", e.RequestID, 64},
		{"client_ip", e.ClientIP, 45}, {"details", e.Details, MaxAuditDetails}} {
		if !utf8.ValidString(f.v) || strings.ContainsRune(f.v, 0) {
			return fmt.Errorf("audit: %s is not valid UTF-8 text", f.name)
		}
		if len(f.v) > f.max {
			return fmt.Errorf("audit: %s is %d bytes, limit %d", f.name, len(f.v), f.max)
		}
	}
	if e.Details == "" {
		return nil
	}
	var v any
	if err := json.Unmarshal([]byte(e.Details), &v); err != nil {
		return fmt.Errorf("audit: details is not JSON: %w", err)
	}
	if _, ok := v.(map[string]any); !ok {
		return fmt.Errorf("audit: details must be a JSON object")
	}
	return checkDetailKeys(v)
}

// checkDetailKeys walks decoded JSON and rejects keys that look like secrets.
func checkDetailKeys(v any) error {
	switch t := v.(type) {
	case map[string]any:
		for k, child := range t {
			lk := strings.ToLower(k)
			for _, bad := range sensitiveDetailKeys {
				if strings.Contains(lk, bad) {
					return fmt.Errorf("audit: details key %q may hold sensitive data", k)
				}
			}
			if err := checkDetailKeys(child); err != nil {
				return err
			}
		}
	case []any:
		for _, child := range t {
			if err := checkDetailKeys(child); err != nil {
				return err
			}
		}
	}
	return nil
}
