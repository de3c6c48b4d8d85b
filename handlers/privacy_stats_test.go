package handlers_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/yibao-health/portal/internal/config"
	"github.com/yibao-health/portal/internal/testkit/dbtest"
	"github.com/yibao-health/portal/internal/testkit/webclient"
	"github.com/yibao-health/portal/models"
)

// tableRows returns the text of each body row's cells of the table with
// data-testid=testID.
func tableRows(r *webclient.Response, testID string) [][]string {
	var out [][]string
	var text func(n *html.Node) string
	text = func(n *html.Node) string {
		if n.Type == html.TextNode {
			return n.Data
		}
		var b strings.Builder
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			b.WriteString(text(c))
		}
		return b.String()
	}
	var walk func(n *html.Node, in bool)
	walk = func(n *html.Node, in bool) {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				if a.Key == "data-testid" && a.Val == testID {
					in = true
				}
			}
			if in && n.Data == "tr" && n.Parent != nil && n.Parent.Data == "tbody" {
				var row []string
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					if c.Type == html.ElementNode {
						row = append(row, strings.Join(strings.Fields(text(c)), " "))
					}
				}
				out = append(out, row)
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, in)
		}
	}
	walk(r.Doc(), false)
	return out
}

// The privacy officer's dashboard shows the right numbers for a small fixture, as
// SVG charts with a title and a description and as tables; nobody else finds it
// (404); its statement count does not grow with the data.
// policy: C4.1-4, C4.3
func TestPrivacyStatsDashboard(t *testing.T) {
	cfg, err := config.FromEnv(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataDir = t.TempDir()
	g := dbtest.SQLite(t)
	cg, n := dbtest.CountQueries(t, g)
	ta := startApp(t, cfg, cg)

	v1 := ta.gatePublish(t, "2026-01", true, ta.clock.Now().Add(-60*24*time.Hour), "正文", "Text")
	v2 := ta.gatePublish(t, "2026-12", true, ta.clock.Now().Add(-24*time.Hour), "新正文", "New text")
	p1 := ta.createAccount(t, models.NewAccount{Kind: models.KindPatient, Phone: "13800004201"})
	p2 := ta.createAccount(t, models.NewAccount{Kind: models.KindPatient, Phone: "13800004202"})
	ta.createAccount(t, models.NewAccount{Kind: models.KindPatient, Phone: "13800004203"})
	doc := ta.createAccount(t, models.NewAccount{Kind: models.KindDoctor, Phone: "13900004201",
		Doctor: &models.DoctorProfile{RealName: "统医生", Hospital: "H", Department: "D", Title: "T", LicenceNumber: "7", Status: models.DoctorVerified}})
	ta.createAccount(t, models.NewAccount{Kind: models.KindStaff, Email: "stats-support@example.com", Caps: []string{models.CapSupport}})
	ta.createAccount(t, models.NewAccount{Kind: models.KindStaff, Email: "stats-admin@example.com", Caps: []string{models.CapAdmin}})
	po := ta.createAccount(t, models.NewAccount{Kind: models.KindStaff, Email: "stats-po@example.com", Caps: []string{models.CapPrivacyOfficer}})

	rec := func(u int64, purpose, decision string, v *models.PolicyVersion) {
		t.Helper()
		if _, err := models.RecordConsent(g, u, purpose, "", decision, v, models.ConsentContext{Channel: models.ChannelWeb}, ta.clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	rec(po.ID, models.PurposeTerms, models.DecisionAccepted, v2)
	rec(p1.ID, models.PurposeTerms, models.DecisionAccepted, v1)
	rec(p1.ID, models.PurposeTerms, models.DecisionAccepted, v2)
	rec(p2.ID, models.PurposeTerms, models.DecisionAccepted, v1)
	rec(p2.ID, models.PurposeTerms, models.DecisionDeclined, v2)
	rec(doc.ID, models.PurposeTerms, models.DecisionAccepted, v1)
	rec(p1.ID, models.PurposeMarketing, models.DecisionAccepted, v2)
	rec(p2.ID, models.PurposeAnalytics, models.DecisionDeclined, v2)

	for _, who := range []string{"13800004201", "13900004201", "stats-support@example.com", "stats-admin@example.com"} {
		if r := ta.signInFull(t, who).Get("/staff/privacy/stats"); r.Status != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", who, r.Status)
		}
	}
	c := ta.signInFull(t, "stats-po@example.com")
	n.Reset()
	r := c.Get("/staff/privacy/stats").Expect(http.StatusOK)
	statements := n.N()

	// 7 active users: 3 patients, a doctor, 3 staff.
	if !r.HasText("当前有 7 名活跃用户，其中 3 名患者") {
		t.Errorf("totals: %s", r.Text())
	}
	rows := tableRows(r, "versions-table")
	want := [][]string{ // version, accepted, accepted later only, pending, declined
		{"2026-12", "2", "0", "5", "1"},
		{"2026-01", "3", "1", "3", "0"},
	}
	if len(rows) != len(want) {
		t.Fatalf("version rows: %q", rows)
	}
	for i, w := range want {
		if !strings.HasPrefix(rows[i][0], w[0]+" 版") || fmt.Sprint(rows[i][1:]) != fmt.Sprint(w[1:]) {
			t.Errorf("version row %d: %q, want %q", i, rows[i], w)
		}
	}
	purposes := map[string]string{}
	for _, row := range tableRows(r, "purposes-table") {
		purposes[row[0]] = row[2] + " " + row[3]
	}
	for name, w := range map[string]string{"营销信息": "1 / 3 33%", "处理敏感健康信息": "0 / 3 0%"} {
		if purposes[name] != w {
			t.Errorf("purpose %s: %q, want %q (all: %v)", name, purposes[name], w, purposes)
		}
	}
	if len(purposes) != 6 {
		t.Errorf("purposes listed: %v", purposes)
	}
	// Charts: SVG with role, title and a description carrying the numbers; no style
	// attributes (the CSP would block them).
	for _, s := range []string{`role="img"`, `<title id="versions-chart-title">`, `<desc id="versions-chart-desc">`,
		"2026-12 版：已接受 2 人，待接受 5 人，已拒绝 1 人。", `<title id="purposes-chart-title">`, "营销信息：1 / 3 名患者开启（33%）。", `fill="#0f766e"`} {
		if !strings.Contains(r.Body, s) {
			t.Errorf("dashboard lacks %q", s)
		}
	}
	if strings.Contains(r.Body, " style=") {
		t.Error("dashboard uses a style attribute")
	}

	// Twenty more patients with decisions: the same number of statements.
	for i := 0; i < 20; i++ {
		u := ta.createAccount(t, models.NewAccount{Kind: models.KindPatient, Phone: fmt.Sprintf("137000042%02d", i)})
		rec(u.ID, models.PurposeTerms, models.DecisionAccepted, v2)
		rec(u.ID, models.PurposeMarketing, models.DecisionAccepted, v2)
	}
	n.Reset()
	r = c.Get("/staff/privacy/stats").Expect(http.StatusOK)
	if n.N() != statements {
		t.Errorf("statements grew with the data: %d → %d:\n%s", statements, n.N(), n)
	}
	t.Logf("dashboard request: %d statements (6 of them the statistics)", statements)
	if statements > 12 {
		t.Errorf("dashboard request ran %d statements", statements)
	}
	if rows := tableRows(r, "versions-table"); len(rows) == 0 || rows[0][1] != "22" {
		t.Errorf("after 20 more acceptances: %q", rows)
	}
}
