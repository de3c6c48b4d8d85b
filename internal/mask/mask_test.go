package mask

import "testing"

// policy: C4.1-4
func TestMasks(t *testing.T) {
	cases := []struct {
		name, got, want string
	}{
		{"mobile", Phone("13812341234"), "138****1234"},
		{"mobile with spaces", Phone(" 13812341234 "), "138****1234"},
		{"short phone", Phone("12345"), "****45"},
		{"empty phone", Phone(""), ""},
		{"e-mail", Email("alice@example.com"), "a***@example.com"},
		{"e-mail without at", Email("alice"), "***"},
		{"resident ID", IDNumber("110101199003071234"), "110***********1234"},
		{"resident ID with X", IDNumber("11010119900307123X"), "110***********123X"},
		{"short document", IDNumber("E1234567"), "******67"},
		{"two-character name", Name("张三"), "张*"},
		{"compound surname", Name("欧阳娜娜"), "欧***"},
		{"one character", Name("李"), "*"},
		{"latin name", Name("Alice"), "A****"},
		{"address", Address("广东省", "深圳市", "南山区", "科技园路1号"), "广东省深圳市南山区****"},
		{"address without street", Address("北京市", "北京市", "朝阳区", ""), "北京市北京市朝阳区"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, c.got, c.want)
		}
	}
}

// A masked value never contains the hidden middle of the original.
func TestMaskHidesTheMiddle(t *testing.T) {
	if m := IDNumber("110101199003071234"); len(m) != 18 || m[3:14] != "***********" {
		t.Errorf("ID mask %q", m)
	}
	if m := Phone("13812345678"); m[3:7] != "****" {
		t.Errorf("phone mask %q", m)
	}
}
