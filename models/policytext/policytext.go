// Package policytext holds the privacy-policy texts shipped inside the binary: the
// initial version every fresh installation publishes (so there is always a policy in
// force) and the demo revision that `portal --demo` adds. Each text is a Markdown file
// per language, <version>.<zh|en>.md, starting with a small header:
//
//	---
//	title: …
//	summary: …
//	---
//	body (Markdown, headings from ##)
package policytext

import (
	"embed"
	"fmt"
	"strings"
)

//go:embed *.md
var files embed.FS

// Text is one version's texts in both languages.
type Text struct {
	Version              string
	TitleZh, TitleEn     string
	SummaryZh, SummaryEn string
	BodyZh, BodyEn       string
}

// The shipped versions.
const (
	InitialVersion = "2026-01" // published on a fresh installation
	DemoVersion    = "2026-12" // the material revision `portal --demo` publishes
)

// Initial returns the initial policy.
func Initial() (Text, error) { return Load(InitialVersion) }

// Demo returns the demo revision (per-doctor sharing, shorter retention).
func Demo() (Text, error) { return Load(DemoVersion) }

// Load reads the texts of version from the embedded files.
func Load(version string) (Text, error) {
	t := Text{Version: version}
	var err error
	if t.TitleZh, t.SummaryZh, t.BodyZh, err = read(version + ".zh.md"); err != nil {
		return Text{}, err
	}
	if t.TitleEn, t.SummaryEn, t.BodyEn, err = read(version + ".en.md"); err != nil {
		return Text{}, err
	}
	return t, nil
}

func read(name string) (title, summary, body string, err error) {
	b, err := files.ReadFile(name)
	if err != nil {
		return "", "", "", fmt.Errorf("policytext: %w", err)
	}
	return Parse(string(b))
}

// Parse splits a policy file into its header fields and its body.
func Parse(src string) (title, summary, body string, err error) {
	src = strings.ReplaceAll(src, "\r\n", "\n")
	rest, ok := strings.CutPrefix(src, "---\n")
	if !ok {
		return "", "", "", fmt.Errorf("policytext: missing header")
	}
	head, body, ok := strings.Cut(rest, "\n---\n")
	if !ok {
		return "", "", "", fmt.Errorf("policytext: unterminated header")
	}
	for _, line := range strings.Split(head, "\n") {
		k, v, _ := strings.Cut(line, ":")
		switch strings.TrimSpace(k) {
		case "title":
			title = strings.TrimSpace(v)
		case "summary":
			summary = strings.TrimSpace(v)
		}
	}
	if title == "" || summary == "" {
		return "", "", "", fmt.Errorf("policytext: title and summary are required")
	}
	return title, summary, strings.TrimSpace(body), nil
}
