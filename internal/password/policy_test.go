package password

import (
	"bufio"
	"errors"
	"os"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCheck(t *testing.T) {
	ctx := []string{"zhangsan", "13800000001", "Zhang.San@example.com"}
	for _, tc := range []struct {
		name, pw string
		want     error
	}{
		{"too short", "abc1234", ErrTooShort},
		{"empty", "", ErrTooShort},
		{"129 chars", strings.Repeat("x", 129), ErrTooLong},
		{"128 chars ok", strings.Repeat("horse ", 21) + "ab", nil},
		{"common digits", "123456789", ErrCommon},
		{"chinese common", "woaini1314", ErrCommon},
		{"chinese digits", "147258369", ErrCommon},
		{"case ignored", "Password", ErrCommon},
		{"keyboard walk", "1QAZ2wsx", ErrCommon},
		{"username", "zhangsan", ErrCommon},
		{"username upper", "ZhangSan", ErrCommon},
		{"username affix", "zhangsan2024", ErrCommon},
		{"username near", "zhangsam1", ErrCommon},
		{"phone", "13800000001", ErrCommon},
		{"phone padded", "13800000001!!!!!", ErrCommon},
		{"email", "zhang.san@example.com", ErrCommon},
		{"email local part", "Zhang.San!", ErrCommon},
		{"passphrase", "violet kettle under the bridge", nil},
		{"passphrase with username", "zhangsan climbs tall mountains", nil},
		{"8 chinese chars", "春眠不觉晓处处", ErrTooShort}, // 7 code points
		{"8 chinese chars ok", "春眠不觉晓处处闻", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := Check(tc.pw, ctx...); !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Errorf("Check(%q) = %v, want %v", tc.pw, err, tc.want)
			}
		})
	}
	if n := utf8.RuneCountInString("春眠不觉晓处处闻"); n != 8 {
		t.Fatalf("fixture has %d code points", n)
	}
	// NFD input is counted after composition: 7 × "é" is 7, not 14.
	if err := Check(strings.Repeat("e\u0301", 7)); !errors.Is(err, ErrTooShort) {
		t.Errorf("7 decomposed é: %v, want ErrTooShort", err)
	}
}

func TestCommonList(t *testing.T) {
	set, err := commonSet()
	if err != nil {
		t.Fatal(err)
	}
	if len(set) < 10000 {
		t.Errorf("common list has %d entries, want ≥ 10000", len(set))
	}
	// Every long-enough entry of our own Chinese list made it into the
	// embedded data (catches a forgotten `npm run extract:passwords`).
	f, err := os.Open("data/common-zh.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") || utf8.RuneCountInString(line) < MinLength {
			continue
		}
		n++
		if !isCommon(strings.ToLower(line)) {
			t.Errorf("%q from common-zh.txt missing from the embedded list", line)
		}
	}
	if n < 50 {
		t.Errorf("common-zh.txt has %d usable entries, want ≥ 50", n)
	}
}
