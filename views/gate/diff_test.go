package gate

import (
	"strings"
	"testing"

	"github.com/yibao-health/portal/internal/textdiff"
)

// Folding hides only unchanged text far from a change, keeps whole lines of context
// where it can, and loses nothing: the parts rebuild both texts.
func TestBuildFoldsLongUnchangedRuns(t *testing.T) {
	long := strings.Repeat("未改变的句子。\n", 60)
	old := "第一段：物流公司。\n" + long + "最后一段：电话联系。"
	new := "第一段：合作的物流公司。\n" + long + "最后一段：联系。"
	d := Build(textdiff.Diff(old, new))
	if d.Insertions != 1 || d.Deletions != 1 {
		t.Fatalf("insertions %d, deletions %d", d.Insertions, d.Deletions)
	}
	var rebuiltOld, rebuiltNew strings.Builder
	folds := 0
	for _, p := range d.Parts {
		switch p.Kind {
		case PartInsert:
			rebuiltNew.WriteString(p.Text)
		case PartDelete:
			rebuiltOld.WriteString(p.Text)
		default:
			s := p.Text + p.Folded + p.Tail
			rebuiltOld.WriteString(s)
			rebuiltNew.WriteString(s)
			if p.Folded != "" {
				folds++
				if n := len([]rune(p.Folded)); n != p.FoldedChars || n < minFold {
					t.Errorf("fold of %d characters reported as %d", n, p.FoldedChars)
				}
				if !strings.HasSuffix(p.Text, "\n") || strings.Count(p.Text, "\n") != 1 {
					t.Errorf("head does not end at the changed line's end: %q", p.Text)
				}
				if len([]rune(p.Tail)) > Context || strings.Contains(strings.TrimSuffix(p.Tail, "\n"), "\n") {
					t.Errorf("tail is not the line before the change: %q", p.Tail)
				}
			}
		}
	}
	if folds != 1 {
		t.Errorf("%d folds, want 1", folds)
	}
	if rebuiltOld.String() != old || rebuiltNew.String() != new {
		t.Error("parts do not rebuild the texts")
	}
	if Build(textdiff.Diff(old, old)).Changed() {
		t.Error("identical texts reported as changed")
	}
}
