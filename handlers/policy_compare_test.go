package handlers_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/yibao-health/portal/internal/testkit/webclient"
	"github.com/yibao-health/portal/models"
)

// compareBodies are two versions of a policy text in Chinese and English: the newer
// adds 合作的 and 和售后, removes 以电话方式, and keeps a long paragraph unchanged.
var (
	unchangedZh = strings.Repeat("我们采取加密、访问控制和审计等措施保护您的个人信息安全。", 12)
	oldZh       = "## 一、我们如何共享信息\n\n我们会将您的订单信息共享给物流公司，以便完成配送。\n\n" + unchangedZh +
		"\n\n## 二、联系您\n\n我们仅在必要时以电话方式联系您。\n"
	newZh = "## 一、我们如何共享信息\n\n我们会将您的订单信息共享给合作的物流公司，以便完成配送和售后。\n\n" + unchangedZh +
		"\n\n## 二、联系您\n\n我们仅在必要时联系您。\n"
	oldEn = "## 1. Sharing\n\nWe share your order with the courier to deliver it.\n"
	newEn = "## 1. Sharing\n\nWe share your order with our partner courier to deliver it.\n"
)

// diffMarks returns the texts of the <ins> and <del> elements inside the element
// with data-testid=testID, without their screen-reader labels.
func diffMarks(r *webclient.Response, testID string) (ins, del []string) {
	var scope *html.Node
	var find func(n *html.Node)
	find = func(n *html.Node) {
		for _, a := range n.Attr {
			if a.Key == "data-testid" && a.Val == testID {
				scope = n
				return
			}
		}
		for c := n.FirstChild; c != nil && scope == nil; c = c.NextSibling {
			find(c)
		}
	}
	find(r.Doc())
	if scope == nil {
		return nil, nil
	}
	var own func(n *html.Node) string
	own = func(n *html.Node) string { // text outside the sr-only spans
		var b strings.Builder
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch {
			case c.Type == html.TextNode:
				b.WriteString(c.Data)
			case c.Type == html.ElementNode && !hasClass(c, "sr-only"):
				b.WriteString(own(c))
			}
		}
		return b.String()
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "ins" {
			ins = append(ins, own(n))
			return
		}
		if n.Type == html.ElementNode && n.Data == "del" {
			del = append(del, own(n))
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(scope)
	return ins, del
}

func hasClass(n *html.Node, class string) bool {
	for _, a := range n.Attr {
		if a.Key == "class" && strings.Contains(" "+a.Val+" ", " "+class+" ") {
			return true
		}
	}
	return false
}

// The comparison page shows exactly the changed Chinese words, marked with <ins> and
// <del> (plus a legend and screen-reader labels), folds the long unchanged paragraph
// into an expandable <details>, follows the reader's language, defaults to the
// previous version against the current one, and knows only published versions.
// policy: C6.2
func TestPolicyCompareShowsTheChangedChineseWords(t *testing.T) {
	ta := newApp(t, nil)
	c := webclient.New(t, ta.url)
	if r := c.Get("/privacy/compare"); r.Status != http.StatusNotFound {
		t.Errorf("nothing published yet: %d", r.Status)
	}
	v1 := ta.gatePublish(t, "2026-01", true, ta.clock.Now().Add(-30*24*time.Hour), oldZh, oldEn)
	if r := c.Get("/privacy/compare").Expect(http.StatusOK); !r.HasText("目前只有一个已发布版本") {
		t.Errorf("a single version: %s", r.Text())
	}
	v2 := ta.gatePublish(t, "2026-12", true, ta.clock.Now().Add(-time.Hour), newZh, newEn)

	for _, path := range []string{"/privacy/compare", fmt.Sprintf("/privacy/compare?from=%d&to=%d", v1.ID, v2.ID)} {
		r := c.Get(path).Expect(http.StatusOK)
		ins, del := diffMarks(r, "body-diff")
		if strings.Join(ins, "|") != "合作的|和售后" || strings.Join(del, "|") != "以电话方式" {
			t.Errorf("%s: insertions %q, deletions %q", path, ins, del)
		}
		if !r.HasText("2026-01 版 → 2026-12 版") || !r.HasText("新增 2 处，删除 1 处") || !r.HasText("新增的文字（加下划线）") {
			t.Errorf("%s: heading, counts or legend missing: %s", path, r.Text())
		}
		if !strings.Contains(r.Body, "<details") || !r.HasText("个字符未改变") || !strings.Contains(r.Body, "［新增开始］") {
			t.Errorf("%s: long unchanged text not folded, or no screen-reader labels", path)
		}
		if strings.Contains(r.Body, `data-testid="title-diff"`) {
			t.Errorf("%s: unchanged title shown as a diff", path)
		}
		if !r.HasText("本版变更：2026-12") {
			t.Errorf("%s: the newer version's summary is missing", path)
		}
	}

	// The reader's language.
	en := c.Get(fmt.Sprintf("/privacy/compare?from=%d&to=%d", v1.ID, v2.ID), http.Header{"Accept-Language": {"en"}}).Expect(http.StatusOK)
	if ins, del := diffMarks(en, "body-diff"); strings.Join(ins, "|") != "our partner" || strings.Join(del, "|") != "the" {
		t.Errorf("English diff: insertions %q, deletions %q", ins, del)
	}

	// Reversed, the same words change sides.
	rev := c.Get(fmt.Sprintf("/privacy/compare?from=%d&to=%d", v2.ID, v1.ID)).Expect(http.StatusOK)
	if ins, del := diffMarks(rev, "body-diff"); strings.Join(del, "|") != "合作的|和售后" || strings.Join(ins, "|") != "以电话方式" {
		t.Errorf("reversed: insertions %q, deletions %q", ins, del)
	}

	// Drafts, unknown ids and garbage do not exist.
	now := ta.clock.Now()
	draft := &models.PolicyVersion{Version: "draft-1", Status: models.PolicyDraft, TitleZh: "草稿", TitleEn: "Draft",
		BodyZh: "草稿正文", BodyEn: "Draft", CreatedAt: now, UpdatedAt: now}
	if err := ta.db.Create(draft).Error; err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{fmt.Sprintf("from=%d&to=%d", v1.ID, draft.ID), fmt.Sprintf("from=%d", draft.ID),
		"to=99999", "from=abc", fmt.Sprintf("from=%d&to=-1", v1.ID)} {
		if r := c.Get("/privacy/compare?" + q); r.Status != http.StatusNotFound {
			t.Errorf("?%s: %d, want 404", q, r.Status)
		}
	}
}
