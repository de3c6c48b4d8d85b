package main

import (
	"bytes"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/unicode/norm"
)

// importedDoc is a document turned into a policy text: its title (when the document
// has one) and its body as Markdown, with headings from level 2 (the page's title
// is the level-1 heading).
type importedDoc struct {
	Title    string
	Body     string
	Headings int
}

// decodeText returns src as UTF-8 text: UTF-8 (with or without a byte-order mark)
// as is, anything else read as GB18030, the usual encoding of Chinese documents
// saved as plain text on Windows.
func decodeText(src []byte) (string, bool) {
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	if utf8.Valid(src) {
		return string(src), true
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(src)
	if err != nil || !utf8.Valid(out) {
		return "", false
	}
	return string(out), true
}

// wordMarker matches the bookmark markers some word processors leave in exported
// text ("[bookmark: _GoBack]").
var wordMarker = regexp.MustCompile(`\[bookmark: [^\]]*\]`)

// cleanText normalises line ends, drops exported-document debris and replaces the
// Kangxi and CJK radical look-alikes (⽤ U+2F64 for 用) that PDF and Word exports
// produce with the ordinary characters, leaving everything else untouched (full
// NFKC would also turn full-width Chinese punctuation into ASCII).
func cleanText(s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	s = wordMarker.ReplaceAllString(s, "")
	return strings.Map(func(r rune) rune {
		if (r >= 0x2E80 && r <= 0x2FDF) || r == '\u00a0' {
			if n := []rune(norm.NFKC.String(string(r))); len(n) == 1 {
				return n[0]
			}
		}
		return r
	}, s)
}

// looksLikeMarkdown reports whether a document is Markdown already: a .md name,
// or ATX headings at the start of lines.
func looksLikeMarkdown(name, text string) bool {
	lower := strings.ToLower(name)
	if strings.HasSuffix(lower, ".md") || strings.HasSuffix(lower, ".markdown") {
		return true
	}
	return mdHeadingLine.MatchString(text)
}

var mdHeadingLine = regexp.MustCompile(`(?m)^#{1,4} \S`)

// markerKinds are the numbering styles of policy sections, most specific first.
// Their heading level is decided by the order in which a document first uses them
// (一、 then （一） then 1、 in a Chinese policy; 1. then 1.1 in an English one).
var markerKinds = []struct {
	kind string
	re   *regexp.Regexp
}{
	{"chapter", regexp.MustCompile(`^(第[一二三四五六七八九十百零〇0-9]+[章节条部分][、.．:：]?)\s*`)},
	{"cjk", regexp.MustCompile(`^([一二三四五六七八九十百零〇]+[、.．])\s*`)},
	{"paren-cjk", regexp.MustCompile(`^([（(][一二三四五六七八九十百零〇]+[）)][、.．]?)\s*`)},
	{"paren-num", regexp.MustCompile(`^([（(][0-9]{1,3}[）)][、.．]?)\s*`)},
	{"num-dotted", regexp.MustCompile(`^([0-9]{1,3}\.[0-9]{1,3}(?:\.[0-9]{1,3})?\.?)\s+`)},
	{"num-cjk", regexp.MustCompile(`^([0-9]{1,3}[、．])\s*`)},
	{"num", regexp.MustCompile(`^([0-9]{1,3}\.)\s*`)},
	{"article", regexp.MustCompile(`^((?:Article|Section|Chapter|Part) [0-9IVX]+[.:]?)\s+`)},
}

// maxHeadingRunes is the longest line (after its marker) taken as a heading; longer
// numbered lines are numbered paragraphs.
const maxHeadingRunes = 40

// plainToMarkdown turns a plain-text policy into Markdown: one paragraph per line
// (or per block, when the document separates paragraphs with blank lines), numbered
// section lines become headings — the first three numbering styles in order of
// appearance as ##, ### and #### — and longer numbered lines become paragraphs
// with the number in bold. Characters Markdown would interpret are escaped, so the
// text reads exactly as written.
func plainToMarkdown(text string) importedDoc {
	paras := paragraphs(text)
	var doc importedDoc
	levels := map[string]int{}
	var b strings.Builder
	for i, p := range paras {
		kind, marker, rest := numbered(p)
		if i == 0 && kind == "" && len(paras) > 1 && isTitle(p) {
			doc.Title = p
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		if kind == "" {
			b.WriteString(escapeMarkdown(p))
			continue
		}
		lvl, seen := levels[kind]
		if !seen {
			lvl = len(levels) + 2
			levels[kind] = lvl
		}
		if lvl <= 4 && isHeading(rest) {
			b.WriteString(strings.Repeat("#", lvl) + " " + escapeInline(p))
			doc.Headings++
			continue
		}
		b.WriteString("**" + escapeInline(marker) + "** " + escapeInline(rest))
	}
	doc.Body = b.String()
	return doc
}

// paragraphs splits text into trimmed paragraphs. A document that separates its
// paragraphs with blank lines has its wrapped lines joined; otherwise every line
// is a paragraph (the usual shape of an exported Chinese document).
func paragraphs(text string) []string {
	lines := strings.Split(text, "\n")
	blank, full := 0, 0
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			blank++
		} else {
			full++
		}
	}
	var out []string
	if blank*3 < full { // few blank lines: one paragraph per line
		for _, l := range lines {
			if l = trimAll(l); l != "" {
				out = append(out, l)
			}
		}
		return out
	}
	var cur string
	flush := func() {
		if cur != "" {
			out = append(out, cur)
			cur = ""
		}
	}
	for _, l := range lines {
		l = trimAll(l)
		if l == "" {
			flush()
			continue
		}
		if _, _, rest := numbered(l); rest != "" && cur != "" && len(rest) < len(l) {
			flush() // a numbered line starts a new paragraph even without a blank line
		}
		cur = joinLines(cur, l)
	}
	flush()
	return out
}

// trimAll trims ASCII and full-width (U+3000) spaces.
func trimAll(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '\u3000' })
}

// joinLines joins a wrapped line to its paragraph: with a space between Latin
// words, directly between Chinese characters.
func joinLines(a, b string) string {
	if a == "" {
		return b
	}
	last, _ := utf8.DecodeLastRuneInString(a)
	first, _ := utf8.DecodeRuneInString(b)
	if unicode.Is(unicode.Han, last) || unicode.Is(unicode.Han, first) || unicode.IsPunct(last) && last > 0x2000 {
		return a + b
	}
	return a + " " + b
}

// numbered splits a line into its numbering style, the number and the rest.
func numbered(line string) (kind, marker, rest string) {
	for _, k := range markerKinds {
		if m := k.re.FindStringSubmatch(line); m != nil {
			rest := strings.TrimSpace(line[len(m[0]):])
			if r, _ := utf8.DecodeRuneInString(rest); rest == "" || unicode.IsDigit(r) {
				return "", "", line // a bare number, or a decimal such as 2.5
			}
			return k.kind, m[1], rest
		}
	}
	return "", "", line
}

// isHeading reports whether the text after a section number reads as a heading:
// short, and not a sentence (no full stop at its end or inside).
func isHeading(s string) bool {
	if utf8.RuneCountInString(s) > maxHeadingRunes {
		return false
	}
	s = strings.TrimRight(s, " ")
	if strings.HasSuffix(s, "。") || strings.HasSuffix(s, "；") || strings.HasSuffix(s, ";") ||
		(strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "..")) {
		return false
	}
	return !strings.Contains(strings.TrimRight(s, "。"), "。")
}

// isTitle reports whether a document's first line is its title: short, with no
// sentence punctuation.
func isTitle(s string) bool {
	return utf8.RuneCountInString(s) <= 30 && !strings.ContainsAny(s, "。，：；.,:;!?！？")
}

// mdSpecial are the ASCII characters Markdown may interpret anywhere in a line.
const mdSpecial = "\\`*_[]<>#|~!&"

// lineStart matches what Markdown interprets at the start of a line: list bullets,
// ordered-list numbers, block quotes, setext underlines and thematic breaks.
var lineStart = regexp.MustCompile(`^([-+=]|[0-9]+[.)])`)

// escapeInline backslash-escapes the characters Markdown reads as syntax anywhere
// in a line.
func escapeInline(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(mdSpecial, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// escapeMarkdown escapes s as a paragraph of its own: inline syntax, and what a
// line may not start with.
func escapeMarkdown(s string) string {
	out := escapeInline(s)
	if m := lineStart.FindStringIndex(out); m != nil {
		// escape the punctuation that makes it syntax (the last byte of the match)
		out = out[:m[1]-1] + "\\" + out[m[1]-1:]
	}
	return out
}

// atxHeading matches a Markdown heading line.
var atxHeading = regexp.MustCompile(`^#{1,6} `)

// markdownDoc takes a Markdown document as it is, except that a leading level-1
// heading becomes the title, and when the body still uses level-1 headings every
// heading moves one level down (the page's title is the only h1).
func markdownDoc(text string) importedDoc {
	lines := strings.Split(strings.TrimSpace(text), "\n")
	var doc importedDoc
	if len(lines) > 0 && strings.HasPrefix(lines[0], "# ") {
		doc.Title = strings.TrimSpace(strings.TrimPrefix(lines[0], "# "))
		lines = lines[1:]
	}
	fence, hasH1 := false, false
	for _, l := range lines {
		if strings.HasPrefix(l, "```") || strings.HasPrefix(l, "~~~") {
			fence = !fence
		} else if !fence && strings.HasPrefix(l, "# ") {
			hasH1 = true
		}
	}
	fence = false
	for i, l := range lines {
		if strings.HasPrefix(l, "```") || strings.HasPrefix(l, "~~~") {
			fence = !fence
			continue
		}
		if !fence && atxHeading.MatchString(l) {
			doc.Headings++
			if hasH1 && !strings.HasPrefix(l, "######") {
				lines[i] = "#" + l
			}
		}
	}
	doc.Body = strings.TrimSpace(strings.Join(lines, "\n"))
	return doc
}
