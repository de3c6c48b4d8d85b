// Package gate holds the views of the re-consent gate (review page, exits after a
// decline) and of the version comparison, which share the diff display.
package gate

import (
	"strings"
	"unicode/utf8"

	"github.com/yibao-health/portal/internal/textdiff"
)

// Part kinds of a displayed diff.
const (
	PartEqual  = "eq"
	PartInsert = "ins"
	PartDelete = "del"
)

// Context is how many characters of unchanged text stay visible on each side of a
// change; longer unchanged runs are folded into a <details> element.
const Context = 80

// minFold is the shortest run worth folding: folding a few characters saves nothing.
const minFold = 40

// Part is one run of a displayed diff. An unchanged run may be folded: Text is then
// the visible head, Folded the hidden middle (FoldedChars long) and Tail the
// visible end.
type Part struct {
	Kind        string
	Text        string
	Folded      string
	FoldedChars int
	Tail        string
}

// Diff is a diff ready for display.
type Diff struct {
	Parts                 []Part
	Insertions, Deletions int // how many inserted and deleted runs
}

// Changed reports whether the two texts differ.
func (d Diff) Changed() bool { return d.Insertions+d.Deletions > 0 }

// Build turns diff segments into display parts, folding unchanged text far from any
// change. The head of a fold ends at a line break when one is near, and its tail
// starts after one, so the visible context is whole lines where possible.
func Build(segs []textdiff.Segment) Diff {
	var d Diff
	for i, s := range segs {
		switch s.Op {
		case textdiff.Insert:
			d.Insertions++
			d.Parts = append(d.Parts, Part{Kind: PartInsert, Text: s.Text})
			continue
		case textdiff.Delete:
			d.Deletions++
			d.Parts = append(d.Parts, Part{Kind: PartDelete, Text: s.Text})
			continue
		}
		d.Parts = append(d.Parts, fold(s.Text, i > 0, i < len(segs)-1))
	}
	// A final line break would show as an empty line in the preserved-whitespace box.
	if n := len(d.Parts); n > 0 && d.Parts[n-1].Kind == PartEqual {
		last := &d.Parts[n-1]
		if last.Folded != "" {
			last.Tail = strings.TrimRight(last.Tail, "\n")
		} else {
			last.Text = strings.TrimRight(last.Text, "\n")
		}
	}
	return d
}

// fold keeps up to Context characters after a preceding change (keepHead) and before
// a following one (keepTail), and folds the rest when it is long enough.
func fold(text string, keepHead, keepTail bool) Part {
	n := utf8.RuneCountInString(text)
	headN, tailN := 0, 0
	if keepHead {
		headN = Context
	}
	if keepTail {
		tailN = Context
	}
	if n-headN-tailN < minFold {
		return Part{Kind: PartEqual, Text: text}
	}
	r := []rune(text)
	head := headN
	if keepHead {
		// End the head at the first line break within reach (inclusive).
		if i := strings.IndexRune(string(r[:headN]), '\n'); i >= 0 {
			head = utf8.RuneCountInString(string(r[:headN])[:i]) + 1
		}
	}
	tail := n - tailN
	if keepTail {
		// Start the tail after the last line break within reach.
		win := string(r[tail:])
		if i := strings.LastIndex(win, "\n"); i >= 0 {
			tail += utf8.RuneCountInString(win[:i]) + 1
		}
	}
	return Part{Kind: PartEqual, Text: string(r[:head]), Folded: string(r[head:tail]), FoldedChars: tail - head, Tail: string(r[tail:])}
}
