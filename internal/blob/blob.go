// Package blob stores opaque byte streams (already encrypted by the caller) under
// server-made names: a local directory by default, S3-compatible object storage when
// configured (DESIGN.md §5 "Blobs", issue 5). Stores never see plaintext health data
// and never choose names from user input.
package blob

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"regexp"
)

// ErrNotFound is returned by Open and Delete for a name that does not exist.
var ErrNotFound = errors.New("blob: not found")

// Store keeps blobs by name. Implementations are safe for concurrent use.
type Store interface {
	// Put streams r into a new blob called name and returns its size. Memory use is
	// bounded by a chunk size, never by the blob's size. A failed Put leaves nothing.
	Put(ctx context.Context, name string, r io.Reader) (int64, error)
	// Open streams the blob back.
	Open(ctx context.Context, name string) (io.ReadCloser, error)
	// Delete removes the blob; deleting a missing blob is not an error.
	Delete(ctx context.Context, name string) error
	// List calls fn with every blob name (for the orphan sweep), in no fixed order.
	List(ctx context.Context, fn func(name string) error) error
}

var validName = regexp.MustCompile(`^[a-f0-9]{2}/[a-f0-9]{40}$`)

// NewName returns a fresh random blob name ("ab/<40 hex>"): two levels keep local
// directories small, and the name says nothing about owner or content.
func NewName() string {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		panic("blob: random: " + err.Error())
	}
	h := hex.EncodeToString(b)
	return h[:2] + "/" + h
}

// ValidName reports whether name could have come from NewName.
func ValidName(name string) bool { return validName.MatchString(name) }
