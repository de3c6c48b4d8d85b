package models

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/blob"
)

// Delete removes document docID of owner: its row, its file rows — and with
// them the only copies of the files' keys — in one transaction with the audit
// row, then the blobs. Once the transaction commits the files are unreadable
// even if a blob deletion fails (a copy of a blob is ciphertext under a key
// that no longer exists); the blob names are recorded as pending in the same
// transaction, so the sweep removes any blob left behind. Only the owner
// deletes: a document of anyone else is NotFound.
func (d *Documents) Delete(ctx context.Context, owner, docID int64, actx AuditContext) error {
	var names []string
	err := d.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var doc Document
		err := tx.Where("id = ? AND user_id = ?", docID, owner).Take(&doc).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return NotFound("")
		}
		if err != nil {
			return fmt.Errorf("documents: load for delete: %w", err)
		}
		var files []DocumentFile
		if err := tx.Select("id", "blob_name", "thumb_blob_name").Where("document_id = ?", doc.ID).Find(&files).Error; err != nil {
			return fmt.Errorf("documents: files for delete: %w", err)
		}
		now := d.Now().UTC()
		var pending []PendingBlob
		for _, f := range files {
			names = append(names, f.BlobName)
			if f.ThumbBlobName != nil {
				names = append(names, *f.ThumbBlobName)
			}
		}
		for _, n := range names {
			pending = append(pending, PendingBlob{Name: n, CreatedAt: now})
		}
		if len(pending) > 0 {
			if err := tx.Create(&pending).Error; err != nil {
				return fmt.Errorf("documents: record blobs to delete: %w", err)
			}
		}
		if err := tx.Where("document_id = ?", doc.ID).Delete(&DocumentFile{}).Error; err != nil {
			return fmt.Errorf("documents: delete files: %w", err)
		}
		if err := tx.Delete(&doc).Error; err != nil {
			return fmt.Errorf("documents: delete document: %w", err)
		}
		e := actx.Entry("health.document.delete", "document", idString(doc.ID), OutcomeSuccess).
			With(map[string]string{"files": strconv.Itoa(len(files))})
		e.OccurredAt = now
		_, err = AppendAudit(tx, e)
		return err
	})
	if err != nil {
		return err
	}
	// The keys are gone; the blobs go now, or with the next sweep.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := d.removeBlobs(ctx, names); err != nil {
		return fmt.Errorf("%w: %w", ErrBlobsLeft, err)
	}
	return nil
}

// ErrBlobsLeft means a document was deleted (rows and keys gone, audited) but
// some of its blobs could not be removed yet; they stay pending for the sweep.
var ErrBlobsLeft = errors.New("documents: deleted; some blobs are left for the sweep")

// OrphanGrace is how long a pending blob may stay pending before the sweep
// takes it for the leftover of a failed upload: longer than any upload runs.
const OrphanGrace = time.Hour

// SweepOrphanBlobs deletes the blobs no committed row references, and reports
// how many it deleted. Two passes:
//
//  1. pending_blobs rows older than before (callers pass now − OrphanGrace):
//     an upload that failed without cleaning up (a crash, a lost database
//     connection) or a deletion interrupted before its blobs were removed. The
//     blob goes, then the row.
//  2. every blob in the store that neither a document_files row nor a
//     pending_blobs row names (List also clears a local store's temporary
//     files of crashed writes). Uploads record a blob as pending before they
//     write it, so an upload in progress is never taken; one statement reads
//     both tables, so a commit between two reads cannot be missed.
//
// Pass 2 reads the whole store: run it at start-up, before serving (a local
// store's List removes temporary files, which would break a write in
// progress). Every blob in the store belongs to medical documents; a feature
// that stores other blobs must add its references to pass 2.
func SweepOrphanBlobs(ctx context.Context, g *gorm.DB, store blob.Store, before time.Time) (int, error) {
	deleted := 0
	for {
		var stale []PendingBlob
		if err := g.WithContext(ctx).Where("created_at < ?", before.UTC()).Order("created_at").Limit(200).Find(&stale).Error; err != nil {
			return deleted, fmt.Errorf("documents: sweep: pending: %w", err)
		}
		if len(stale) == 0 {
			break
		}
		names := make([]string, len(stale))
		for i, p := range stale {
			names[i] = p.Name
		}
		used, err := referencedBlobs(ctx, g, names, false)
		if err != nil {
			return deleted, err
		}
		for _, n := range names {
			if used[n] {
				continue // committed after all: only the row is stale
			}
			if err := store.Delete(ctx, n); err != nil {
				return deleted, fmt.Errorf("documents: sweep: %w", err)
			}
			deleted++
		}
		if err := g.WithContext(ctx).Where("name IN ?", names).Delete(&PendingBlob{}).Error; err != nil {
			return deleted, fmt.Errorf("documents: sweep: clear pending: %w", err)
		}
	}
	var batch []string
	flush := func() error {
		used, err := referencedBlobs(ctx, g, batch, true)
		if err != nil {
			return err
		}
		for _, n := range batch {
			if !used[n] {
				if err := store.Delete(ctx, n); err != nil {
					return fmt.Errorf("documents: sweep: %w", err)
				}
				deleted++
			}
		}
		batch = batch[:0]
		return nil
	}
	err := store.List(ctx, func(name string) error {
		batch = append(batch, name)
		if len(batch) == 200 {
			return flush()
		}
		return nil
	})
	if err == nil && len(batch) > 0 {
		err = flush()
	}
	if err != nil {
		return deleted, fmt.Errorf("documents: sweep: %w", err)
	}
	return deleted, nil
}

// referencedBlobs returns which of names a file row references (as file or
// thumbnail) or, with pending, a pending_blobs row names — in one statement.
func referencedBlobs(ctx context.Context, g *gorm.DB, names []string, pending bool) (map[string]bool, error) {
	q := "SELECT blob_name AS name FROM document_files WHERE blob_name IN ? " +
		"UNION SELECT thumb_blob_name FROM document_files WHERE thumb_blob_name IN ?"
	args := []any{names, names}
	if pending {
		q += " UNION SELECT name FROM pending_blobs WHERE name IN ?"
		args = append(args, names)
	}
	var used []string
	if err := g.WithContext(ctx).Raw(q, args...).Scan(&used).Error; err != nil {
		return nil, fmt.Errorf("documents: sweep: references: %w", err)
	}
	out := make(map[string]bool, len(used))
	for _, n := range used {
		out[n] = true
	}
	return out, nil
}
