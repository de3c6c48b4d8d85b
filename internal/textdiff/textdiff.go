// Package textdiff compares two texts for people to read, at character level so that
// Chinese (which has no spaces between words) shows exactly the changed words. It uses
// the diff-match-patch algorithm (github.com/sergi/go-diff): a line pass first for
// speed, then characters inside the changed lines, then a semantic clean-up that
// merges tiny fragments into readable phrases.
package textdiff

import (
	"time"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// Op says what happened to a segment.
type Op int

// The operations.
const (
	Equal Op = iota
	Insert
	Delete
)

// Segment is a run of text with its operation.
type Segment struct {
	Op   Op
	Text string
}

// Timeout bounds the work on very different texts; past it the diff is coarser, never wrong.
const Timeout = 2 * time.Second

// Diff returns the segments that turn old into new.
func Diff(old, new string) []Segment {
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = Timeout
	diffs := dmp.DiffMain(old, new, true)
	diffs = dmp.DiffCleanupSemantic(diffs)
	out := make([]Segment, 0, len(diffs))
	for _, d := range diffs {
		op := Equal
		switch d.Type {
		case diffmatchpatch.DiffInsert:
			op = Insert
		case diffmatchpatch.DiffDelete:
			op = Delete
		}
		out = append(out, Segment{Op: op, Text: d.Text})
	}
	return out
}

// Changed reports whether any segment is an insertion or deletion.
func Changed(segs []Segment) bool {
	for _, s := range segs {
		if s.Op != Equal {
			return true
		}
	}
	return false
}
