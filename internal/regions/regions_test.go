package regions

import "testing"

func TestBundledList(t *testing.T) {
	if n := len(Provinces()); n != 31 {
		t.Fatalf("%d provinces, want the 31 of the mainland", n)
	}
	p, ok := Lookup("110105")
	if !ok || p.Text() != "北京市朝阳区" {
		t.Fatalf("110105: %+v %v", p, ok)
	}
	p, ok = Lookup("440305")
	if !ok || p.Text() != "广东省深圳市南山区" {
		t.Fatalf("440305: %+v %v", p, ok)
	}
	for _, bad := range []string{"", "11", "1101", "999999", "11010x"} {
		if _, ok := Lookup(bad); ok {
			t.Errorf("%q accepted as a district", bad)
		}
	}
}
