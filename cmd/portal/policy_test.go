package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/internal/markdown"
	"github.com/yibao-health/portal/models"
)

// seedPolicy is the company's current policy, kept beside the project (never in it).
const seedPolicy = "../../../shared/seed/privacy-policy.zh.txt"

// openData opens the SQLite database of a data directory the CLI used.
func openData(t *testing.T, dir string) *models.Policies {
	t.Helper()
	g, _, err := db.Open(context.Background(), db.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s, _ := g.DB(); s.Close() })
	return &models.Policies{DB: g, Now: time.Now}
}

// The company's plain-text policy becomes a reviewable draft: numbered sections
// become headings in order (一、 ## , （一） ###, 1、 ####), long numbered lines stay
// paragraphs, export debris is gone, and the English text can be added to the same
// draft from a Markdown file. Nothing is published.
// policy: C6.1
func TestPolicyImportOfTheCompanyPolicy(t *testing.T) {
	src, err := filepath.Abs(seedPolicy)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(src); err != nil {
		t.Skipf("seed policy not available: %v", err)
	}
	dir := t.TempDir()
	withEnv(t, map[string]string{"PORTAL_DATA_DIR": dir})
	out, err := runCLI(t, "policy", "import", "--file", src, "--lang", "zh", "--version", "2026-11")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(out, "Draft #1, version 2026-11") || !strings.Contains(out, "/staff/policy/1") {
		t.Fatalf("output: %s", out)
	}
	ps := openData(t, dir)
	v, err := ps.GetByLabel(context.Background(), "2026-11")
	if err != nil {
		t.Fatal(err)
	}
	if v.Status != models.PolicyDraft || v.TitleZh != "隐私政策" || v.BodyEn != "" || v.CreatedBy != 0 || !v.Material {
		t.Fatalf("imported draft: %+v", v)
	}
	body := v.BodyZh
	for _, want := range []string{"\n## 一、我们可能收集的信息\n", "\n### （一）与个人身份无关的信息：\n", "\n#### 1、帮助您完成注册\n",
		"## 六、通知和修订", "**（1）** "} {
		if !strings.Contains("\n"+body+"\n", want) {
			t.Errorf("body lacks %q", want)
		}
	}
	for _, bad := range []string{"[bookmark", "bookmark:", "\u2f64", "\r"} {
		if strings.Contains(body, bad) {
			t.Errorf("body still contains %q", bad)
		}
	}
	html, err := markdown.Render(body)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(html, "<h2"); n != 6 {
		t.Errorf("%d top-level sections, want 6 (一 to 六)", n)
	}
	if !strings.Contains(html, "<strong>（1）</strong>") || !strings.Contains(html, "<strong>1、</strong>") {
		t.Error("numbered paragraphs do not show their number in bold")
	}
	if strings.Contains(html, "<ol") || strings.Contains(html, "<li") {
		t.Error("numbered lines were turned into Markdown lists")
	}

	// The English text from a Markdown file goes into the same draft.
	md := filepath.Join(t.TempDir(), "policy.en.md")
	os.WriteFile(md, []byte("# Privacy Policy\n\n# 1. What we collect\n\nAccount data.\n\n## 1.1 Health data\n\nOnly with consent.\n"), 0o600)
	if out, err := runCLI(t, "policy", "import", "--file", md, "--lang", "en", "--into", "2026-11"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	v, _ = ps.GetByLabel(context.Background(), "2026-11")
	if v.TitleEn != "Privacy Policy" || !strings.HasPrefix(v.BodyEn, "## 1. What we collect") || !strings.Contains(v.BodyEn, "### 1.1 Health data") || v.BodyZh != body {
		t.Fatalf("after --into: title %q body %q", v.TitleEn, v.BodyEn)
	}
	var published int64
	ps.DB.Model(&models.PolicyVersion{}).Where("status <> ?", models.PolicyDraft).Count(&published)
	if published != 0 {
		t.Fatal("import published something")
	}
	var audits int64
	ps.DB.Model(&models.AuditEntry{}).Where("action IN ? AND actor_kind = ?", []string{"policy.create", "policy.edit"}, models.ActorSystem).Count(&audits)
	if audits != 2 {
		t.Fatalf("%d audit rows for the import, want 2", audits)
	}

	for args, want := range map[string]string{
		"--lang zh":                    "--file is required",
		"--file " + src + " --lang fr": "--lang",
		"--file " + src + " --lang zh --version 2026-11": "exists already",
		"--file " + src + " --lang en --into 2099-01":    "no version",
		"--file /no/such/file --lang zh":                 "--file",
	} {
		out, err := runCLI(t, append([]string{"policy", "import"}, strings.Fields(args)...)...)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("policy import %s: %v (want %q)\n%s", args, err, want, out)
		}
	}
	if out, err := runCLI(t, "policy", "import", "--help"); err != nil || !strings.Contains(out, "--into") || !strings.Contains(out, "GB18030") {
		t.Errorf("--help: %v\n%s", err, out)
	}
}

// Plain text whose paragraphs are separated by blank lines has its wrapped lines
// joined; numbered headings are found; Markdown syntax in the text is escaped.
func TestPlainTextToMarkdown(t *testing.T) {
	doc := plainToMarkdown("Privacy Notice\n\n1. What we collect\n\nWe collect your *name* and\nyour e-mail <address>.\n\n" +
		"- not a list item\n\n1.1 Health data\n\n2. Your rights\n\n3. This numbered line is a whole sentence that goes on and on and on and on.\n")
	if doc.Title != "Privacy Notice" || doc.Headings != 3 {
		t.Fatalf("title %q, %d headings:\n%s", doc.Title, doc.Headings, doc.Body)
	}
	want := "## 1. What we collect\n\nWe collect your \\*name\\* and your e-mail \\<address\\>.\n\n\\- not a list item\n\n### 1.1 Health data\n\n## 2. Your rights\n\n**3.** This numbered line"
	if !strings.HasPrefix(doc.Body, want) {
		t.Fatalf("body:\n%s\nwant prefix:\n%s", doc.Body, want)
	}
	html, _ := markdown.Render(doc.Body)
	if !strings.Contains(html, "We collect your *name* and your e-mail &lt;address&gt;.") || strings.Contains(html, "<ul") {
		t.Fatalf("rendered: %s", html)
	}
	if s, ok := decodeText([]byte{0xd2, 0xbd, 0xb1, 0xa6}); !ok || s != "医宝" { // GB18030
		t.Fatalf("GB18030 decoding: %q %v", s, ok)
	}
}

// --demo publishes the initial policy and the material revision 2026-12 effective
// now, once, so the demo users meet the re-consent gate.
// policy: C6.1
func TestSeedDemoPolicy(t *testing.T) {
	dir := t.TempDir()
	withEnv(t, map[string]string{"PORTAL_DATA_DIR": dir})
	if _, err := runCLI(t, "migrate", "up"); err != nil {
		t.Fatal(err)
	}
	ps := openData(t, dir)
	ctx := context.Background()
	for range 2 {
		var out strings.Builder
		if err := seedDemoPolicy(ctx, ps.DB, &out); err != nil {
			t.Fatal(err)
		}
	}
	var n int64
	ps.DB.Model(&models.PolicyVersion{}).Count(&n)
	cur, _ := ps.Current(ctx)
	lm, _ := ps.LatestMaterial(ctx)
	initial, err := ps.InitialPolicy(ctx)
	if n != 2 || err != nil || cur == nil || cur.Version != "2026-12" || lm == nil || lm.ID != cur.ID || !cur.Material ||
		cur.SHA256 != cur.ComputeHash() || initial.Version != models.InitialPolicyVersion {
		t.Fatalf("%d versions, current %+v, initial %+v %v", n, cur, initial, err)
	}
	if prev, _ := ps.Previous(ctx, cur); prev == nil || prev.ID != initial.ID {
		t.Fatalf("previous of the demo revision: %+v", prev)
	}
	if !strings.Contains(cur.SummaryEn, "per doctor") || !strings.Contains(cur.BodyZh, "15 天") {
		t.Fatalf("demo revision texts: %s", cur.SummaryEn)
	}
}
