package textdiff

import "testing"

// A one-word change in Chinese text is reported as that word, not as the whole line.
func TestDiffFindsTheChangedChineseWords(t *testing.T) {
	old := "我们会将您的订单信息共享给物流公司，以便完成配送。\n第二段保持不变。\n"
	new := "我们会将您的订单信息共享给合作的物流公司，以便完成配送和售后。\n第二段保持不变。\n"
	segs := Diff(old, new)
	var ins, del []string
	var rebuiltOld, rebuiltNew string
	for _, s := range segs {
		switch s.Op {
		case Insert:
			ins = append(ins, s.Text)
			rebuiltNew += s.Text
		case Delete:
			del = append(del, s.Text)
			rebuiltOld += s.Text
		default:
			rebuiltOld += s.Text
			rebuiltNew += s.Text
		}
	}
	if rebuiltOld != old || rebuiltNew != new {
		t.Fatal("segments do not rebuild both texts")
	}
	if len(del) != 0 || len(ins) != 2 || ins[0] != "合作的" || ins[1] != "和售后" {
		t.Fatalf("want insertions 合作的 and 和售后 only, got ins=%q del=%q", ins, del)
	}
	if Changed(Diff(old, old)) {
		t.Fatal("identical texts reported as changed")
	}
}
