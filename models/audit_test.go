package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/internal/testkit/dbtest"
)

var staff = AuditContext{ActorKind: ActorStaff, ActorID: 7, RequestID: "req-1", ClientIP: "203.0.113.9"}

// appendN appends n rows, each in its own transaction, and returns them.
func appendN(t *testing.T, g *gorm.DB, n int) []AuditEntry {
	t.Helper()
	var out []AuditEntry
	for i := 0; i < n; i++ {
		e := staff.Entry("consent.withdraw", "consent", fmt.Sprint(100+i), OutcomeSuccess)
		e.Details = fmt.Sprintf(`{"n":%d,"note":"第%d条"}`, i, i)
		err := g.Transaction(func(tx *gorm.DB) error {
			var err error
			e, err = AppendAudit(tx, e)
			return err
		})
		if err != nil {
			t.Fatalf("append %d: %v", i, err)
		}
		out = append(out, e)
	}
	return out
}

func verify(t *testing.T, g *gorm.DB) VerifyResult {
	t.Helper()
	res, err := VerifyAudit(context.Background(), g)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	return res
}

func TestAuditChainVerifies(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		if res := verify(t, g); !res.OK || res.Rows != 0 {
			t.Fatalf("empty log: %+v", res)
		}
		rows := appendN(t, g, 5)
		if rows[0].ID != 1 || rows[0].PrevHash != GenesisHash || rows[4].ID != 5 || rows[4].PrevHash != rows[3].Hash {
			t.Fatalf("chain not linked: %+v", rows)
		}
		var back AuditEntry
		if err := g.Take(&back, 3).Error; err != nil {
			t.Fatal(err)
		}
		if !back.OccurredAt.Equal(rows[2].OccurredAt) || back.Details != rows[2].Details || back.Hash != rows[2].Hash {
			t.Errorf("row 3 read back differs:\n got %+v\nwant %+v", back, rows[2])
		}
		if res := verify(t, g); !res.OK || res.Rows != 5 {
			t.Fatalf("verify = %+v", res)
		}
		defer func(b int) { auditVerifyBatch = b }(auditVerifyBatch)
		for _, auditVerifyBatch = range []int{1, 2, 5} {
			if res := verify(t, g); !res.OK || res.Rows != 5 {
				t.Fatalf("verify in batches of %d = %+v", auditVerifyBatch, res)
			}
		}
	})
}

func TestAuditConcurrentAppendsDoNotFork(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		const workers, each = 8, 10
		var wg sync.WaitGroup
		errs := make(chan error, workers*each)
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < each; i++ {
					errs <- g.Transaction(func(tx *gorm.DB) error {
						_, err := AppendAudit(tx, AuditEntry{ActorKind: ActorSystem, Action: "test.concurrent",
							Outcome: OutcomeSuccess, ObjectID: fmt.Sprintf("%d-%d", w, i)})
						return err
					})
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("concurrent append: %v", err)
			}
		}
		if res := verify(t, g); !res.OK || res.Rows != workers*each {
			t.Fatalf("verify = %+v", res)
		}
	})
}

// policy: C4.2 — the audit log is tamper-evident: editing, deleting or re-chaining
// any row is reported by VerifyAudit, naming the row.
func TestAuditTamperIsDetected(t *testing.T) {
	cases := []struct {
		name   string
		tamper func(g *gorm.DB) error
		at     int64
		reason string
	}{
		{"edit details", func(g *gorm.DB) error {
			return g.Exec(`UPDATE audit_log SET details = '{"n":99}' WHERE id = 3`).Error
		}, 3, "row 3: hash mismatch (row edited)"},
		{"edit outcome", func(g *gorm.DB) error {
			return g.Exec("UPDATE audit_log SET outcome = 'denied' WHERE id = 5").Error
		}, 5, "row 5: hash mismatch (row edited)"},
		{"delete middle row", func(g *gorm.DB) error {
			return g.Exec("DELETE FROM audit_log WHERE id = 4").Error
		}, 4, "row 4: missing (deleted) — next row is 5"},
		{"delete first row", func(g *gorm.DB) error {
			return g.Exec("DELETE FROM audit_log WHERE id = 1").Error
		}, 1, "row 1: missing (deleted) — next row is 2"},
		{"delete last row", func(g *gorm.DB) error {
			return g.Exec("DELETE FROM audit_log WHERE id = 6").Error
		}, 6, "head says last row 6 but table ends at 5 (rows deleted at the end)"},
		{"edit and rehash a row", func(g *gorm.DB) error {
			var e AuditEntry
			if err := g.Take(&e, 2).Error; err != nil {
				return err
			}
			e.Outcome = OutcomeFailure
			return g.Exec("UPDATE audit_log SET outcome = ?, hash = ? WHERE id = 2", e.Outcome, auditHash(&e)).Error
		}, 3, "row 3: prev_hash does not match row 2"},
		{"delete last row and rewind head", func(g *gorm.DB) error {
			var e AuditEntry
			if err := g.Take(&e, 6).Error; err != nil {
				return err
			}
			if err := g.Exec("DELETE FROM audit_log WHERE id = 6").Error; err != nil {
				return err
			}
			// The head now names row 5 but with row 6's hash; only a full forgery also fixes that.
			return g.Exec("UPDATE audit_head SET last_id = 5 WHERE id = 1").Error
		}, 5, "head hash does not match row 5"},
	}
	defer func(b int) { auditVerifyBatch = b }(auditVerifyBatch)
	auditVerifyBatch = 3 // gaps and links must be caught across batch boundaries too
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
				appendN(t, g, 6)
				if err := tc.tamper(g); err != nil {
					t.Fatalf("tamper: %v", err)
				}
				res := verify(t, g)
				if res.OK || res.BrokenAt != tc.at || res.Reason != tc.reason {
					t.Fatalf("verify = %+v, want broken at %d: %q", res, tc.at, tc.reason)
				}
			})
		})
	}
}

func TestAuditRollbackLeavesNoRow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		appendN(t, g, 2)
		boom := errors.New("the change failed")
		err := g.Transaction(func(tx *gorm.DB) error {
			if _, err := AppendAudit(tx, staff.Entry("doc.upload", "document", "9", OutcomeSuccess)); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("transaction error = %v", err)
		}
		var n int64
		g.Model(&AuditEntry{}).Count(&n)
		if n != 2 {
			t.Fatalf("rows after rollback = %d, want 2", n)
		}
		if rows := appendN(t, g, 1); rows[0].ID != 3 {
			t.Fatalf("next ID after rollback = %d, want 3", rows[0].ID)
		}
		if res := verify(t, g); !res.OK || res.Rows != 3 {
			t.Fatalf("verify = %+v", res)
		}
	})
}

func TestAuditRejectsSensitiveOrOversizedDetails(t *testing.T) {
	g := dbtest.SQLite(t)
	for name, e := range map[string]AuditEntry{
		"too long":      {Details: `{"x":"` + strings.Repeat("a", MaxAuditDetails) + `"}`},
		"not JSON":      {Details: "reason=expired"},
		"not an object": {Details: `["a"]`},
		"password key":  {Details: `{"new_Password":"x"}`},
		"nested token":  {Details: `{"ctx":[{"reset_token":"x"}]}`},
		"sms code":      {Details: `{"sms_code":"123456"}`},
		"bad UTF-8":     {ObjectID: "\xff"},
		"no action":     {Action: "-"},
		"long action":   {Action: strings.Repeat("a", 65)},
	} {
		if e.Action == "" {
			e.Action = "auth.signin"
		} else if e.Action == "-" {
			e.Action = ""
		}
		e.ActorKind, e.Outcome = ActorAnonymous, OutcomeFailure
		err := g.Transaction(func(tx *gorm.DB) error { _, err := AppendAudit(tx, e); return err })
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := AppendAudit(g, staff.Entry("auth.signin", "", "", OutcomeSuccess)); err == nil {
		t.Error("append outside a transaction accepted")
	}
	var n int64
	g.Model(&AuditEntry{}).Count(&n)
	if n != 0 {
		t.Fatalf("%d rows written by rejected appends", n)
	}
}

func TestAuditHashIsUnambiguous(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.FixedZone("CST", 8*3600))
	a := AuditEntry{ID: 1, PrevHash: GenesisHash, OccurredAt: at, ObjectType: "ab", ObjectID: "c"}
	b := a
	b.ObjectType, b.ObjectID = "a", "bc"
	c := a
	c.OccurredAt = at.UTC().Truncate(time.Microsecond)
	if auditHash(&a) == auditHash(&b) {
		t.Error("field boundaries are not part of the hash")
	}
	if auditHash(&a) != auditHash(&c) {
		t.Error("hash depends on time zone or sub-microsecond digits, which the database drops")
	}
}
