// Package i18n holds the portal's two message catalogues (zh-CN, the default, and
// English) and picks the language for a request.
package i18n

import (
	"context"
	"fmt"

	"golang.org/x/text/language"
)

// Lang is a supported interface language tag.
type Lang string

// The supported languages. ZH is the default.
const (
	ZH Lang = "zh-CN"
	EN Lang = "en"
)

// All lists the supported languages in display order.
var All = []Lang{ZH, EN}

var matcher = language.NewMatcher([]language.Tag{language.SimplifiedChinese, language.English})

// Parse returns the supported language named by s, or ok=false.
func Parse(s string) (Lang, bool) {
	switch s {
	case string(ZH), "zh", "zh-Hans", "zh-hans", "zh-cn":
		return ZH, true
	case string(EN), "en-US", "en-GB":
		return EN, true
	}
	return "", false
}

// FromAcceptLanguage picks the best supported language for an Accept-Language header,
// falling back to ZH.
func FromAcceptLanguage(header string) Lang {
	if header == "" {
		return ZH
	}
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil || len(tags) == 0 {
		return ZH
	}
	_, idx, conf := matcher.Match(tags...)
	if conf == language.No {
		return ZH
	}
	if idx == 1 {
		return EN
	}
	return ZH
}

// HTMLLang is the value for the <html lang> attribute.
func (l Lang) HTMLLang() string { return string(l) }

// Name is the language's own name, for the language switch.
func (l Lang) Name() string {
	if l == EN {
		return "English"
	}
	return "简体中文"
}

type ctxKey struct{}

// WithLang returns a context that carries lang; views read it with FromContext.
func WithLang(ctx context.Context, lang Lang) context.Context {
	return context.WithValue(ctx, ctxKey{}, lang)
}

// FromContext returns the language carried by ctx, or ZH.
func FromContext(ctx context.Context) Lang {
	if l, ok := ctx.Value(ctxKey{}).(Lang); ok {
		return l
	}
	return ZH
}

// T translates key into the language carried by ctx. Args fill fmt verbs in the message.
func T(ctx context.Context, key string, args ...any) string {
	return Translate(FromContext(ctx), key, args...)
}

// Translate returns the message for key in lang. A missing key renders as the key
// itself so it is visible in screenshots; a test keeps the catalogues complete.
func Translate(lang Lang, key string, args ...any) string {
	cat := zh
	if lang == EN {
		cat = en
	}
	msg, ok := cat[key]
	if !ok {
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(msg, args...)
	}
	return msg
}

// Keys returns every key of the catalogue for lang (used by the completeness test).
func Keys(lang Lang) []string {
	cat := zh
	if lang == EN {
		cat = en
	}
	out := make([]string, 0, len(cat))
	for k := range cat {
		out = append(out, k)
	}
	return out
}
