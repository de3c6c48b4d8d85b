package i18n

import (
	"sort"
	"strings"
	"testing"
)

func TestCataloguesHaveTheSameKeys(t *testing.T) {
	zhKeys, enKeys := Keys(ZH), Keys(EN)
	sort.Strings(zhKeys)
	sort.Strings(enKeys)
	missing := func(a, b map[string]string) []string {
		var out []string
		for k := range a {
			if _, ok := b[k]; !ok {
				out = append(out, k)
			}
		}
		sort.Strings(out)
		return out
	}
	if m := missing(zh, en); len(m) > 0 {
		t.Errorf("keys missing in English: %s", strings.Join(m, ", "))
	}
	if m := missing(en, zh); len(m) > 0 {
		t.Errorf("keys missing in zh-CN: %s", strings.Join(m, ", "))
	}
	for k, v := range en {
		if strings.TrimSpace(v) == "" || strings.TrimSpace(zh[k]) == "" {
			t.Errorf("empty message for %q", k)
		}
		if strings.Count(v, "%") != strings.Count(zh[k], "%") {
			t.Errorf("format verbs differ for %q", k)
		}
	}
}

func TestFromAcceptLanguage(t *testing.T) {
	cases := map[string]Lang{
		"":                        ZH,
		"en-US,en;q=0.9":          EN,
		"zh-CN,zh;q=0.9,en;q=0.8": ZH,
		"fr-FR":                   ZH,
		"de;q=0.9, en;q=0.5":      EN,
		"garbage;;;":              ZH,
		"zh-TW":                   ZH,
	}
	for h, want := range cases {
		if got := FromAcceptLanguage(h); got != want {
			t.Errorf("FromAcceptLanguage(%q) = %s, want %s", h, got, want)
		}
	}
}
