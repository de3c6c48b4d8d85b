package password

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"sync"
)

// commonGz is the common/breached password list, lower-cased and NFC, one
// per line, 8..128 code points; built by scripts/extract-passwords.mjs from
// @zxcvbn-ts/language-common (MIT, see data/NOTICE) and data/common-zh.txt.
//
//go:embed data/common-passwords.txt.gz
var commonGz []byte

// commonSet is loaded on first use: about 18,000 entries, ~1 MB in memory,
// which processes that never check a password (migrate, audit) do not pay.
var commonSet = sync.OnceValues(func() (map[string]struct{}, error) {
	zr, err := gzip.NewReader(bytes.NewReader(commonGz))
	if err != nil {
		return nil, fmt.Errorf("password: common list: %w", err)
	}
	set := make(map[string]struct{}, 20000)
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		if line := sc.Text(); line != "" {
			set[line] = struct{}{}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("password: common list: %w", err)
	}
	return set, nil
})

// isCommon reports whether the lower-cased, NFC password p is in the list.
// The list is embedded and checked by tests, so a load error is a broken
// build; it panics rather than silently accepting every password.
func isCommon(p string) bool {
	set, err := commonSet()
	if err != nil {
		panic(err)
	}
	_, ok := set[p]
	return ok
}
