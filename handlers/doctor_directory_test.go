package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/yibao-health/portal/internal/testkit/webclient"
	"github.com/yibao-health/portal/models"
)

// directoryDoctor creates a doctor with a profile in status and returns its ID.
func directoryDoctor(t *testing.T, ta *testApp, phone, email, name, hospital, dept, specialty, status string) int64 {
	t.Helper()
	u := ta.createAccount(t, models.NewAccount{Kind: models.KindDoctor, Phone: phone, Email: email,
		Doctor: &models.DoctorProfile{RealName: name, Hospital: hospital, Department: dept, Title: models.TitleChief,
			Specialty: specialty, LicenceNumber: "110108201905123", Status: status}})
	return u.ID
}

// The directory needs no account, lists verified doctors only, searches and filters,
// shows a card with public fields only, and answers 404 for anyone not verified.
func TestDoctorDirectory(t *testing.T) {
	ta := newApp(t, nil)
	zhang := directoryDoctor(t, ta, "13811112222", "zhang@hospital.example", "张明远", "协和医院", "心内科", "冠心病介入治疗", models.DoctorVerified)
	li := directoryDoctor(t, ta, "13811113333", "", "李静", "人民医院", "儿科", "小儿哮喘", models.DoctorVerified)
	hidden := map[string]int64{}
	for i, st := range []string{models.DoctorPending, models.DoctorRejected, models.DoctorSuspended} {
		hidden[st] = directoryDoctor(t, ta, fmt.Sprintf("1390000000%d", i), "", "隐藏"+st, "协和医院", "心内科", "", st)
	}
	patient := ta.createAccount(t, models.NewAccount{Kind: models.KindPatient, Phone: "13700001111"})
	c := webclient.New(t, ta.url)

	r := c.Get("/doctors").Expect(http.StatusOK)
	for _, want := range []string{"张明远", "李静", "协和医院", "心内科", "主任医师", "冠心病介入治疗"} {
		if !r.HasText(want) {
			t.Errorf("directory lacks %q", want)
		}
	}
	for _, leak := range []string{"隐藏", "13811112222", "138****2222", "zhang@", "110108201905123", "licence", "licence"} {
		if strings.Contains(r.Body, leak) {
			t.Errorf("directory shows %q", leak)
		}
	}
	if !strings.Contains(r.Body, `href="/doctors"`) {
		t.Error("no header link to the directory")
	}

	search := func(v url.Values) *webclient.Response { return c.Get("/doctors?" + v.Encode()).Expect(http.StatusOK) }
	for q, want := range map[string]string{"张明": "张明远", "人民": "李静", "儿科": "李静", "冠心病": "张明远"} {
		r := search(url.Values{"q": {q}})
		other := map[string]string{"张明远": "李静", "李静": "张明远"}[want]
		if !r.HasText(want) || r.HasText(other) {
			t.Errorf("q=%s: want %s only", q, want)
		}
	}
	if r := search(url.Values{"department": {"儿科"}}); !r.HasText("李静") || r.HasText("张明远") {
		t.Error("department filter")
	}
	if r := search(url.Values{"hospital": {"协和医院"}, "q": {"儿科"}}); r.HasText("李静") || r.HasText("张明远") {
		t.Error("hospital filter with q")
	}
	if r := search(url.Values{"q": {strings.Repeat("长", 5000)}, "after": {"junk"}}); r.HasText("张明远") {
		t.Error("a long query is cut, not dropped")
	}

	card := c.Get(fmt.Sprintf("/doctors/%d", zhang)).Expect(http.StatusOK)
	for _, want := range []string{"张明远", "主任医师", "协和医院", "心内科", "冠心病介入治疗"} {
		if !card.HasText(want) {
			t.Errorf("card lacks %q", want)
		}
	}
	for _, leak := range []string{"13811112222", "2222", "zhang@", "hospital.example", "110108201905123", "licence"} {
		if strings.Contains(card.Body, leak) {
			t.Errorf("card shows %q", leak)
		}
	}
	c.Get(fmt.Sprintf("/doctors/%d", li)).Expect(http.StatusOK)
	for st, id := range hidden {
		if r := c.Get(fmt.Sprintf("/doctors/%d", id)); r.Status != http.StatusNotFound {
			t.Errorf("%s doctor: %d, want 404", st, r.Status)
		}
	}
	for _, p := range []string{fmt.Sprint(patient.ID), "0", "-1", "abc", "999999"} {
		if r := c.Get("/doctors/" + p); r.Status != http.StatusNotFound {
			t.Errorf("/doctors/%s: %d, want 404", p, r.Status)
		}
	}
}

// Paging through more than one page lists every doctor once, and the next-page
// link keeps the search.
func TestDoctorDirectoryPaging(t *testing.T) {
	ta := newApp(t, nil)
	const n = models.DirectoryPage + 5
	for i := range n {
		directoryDoctor(t, ta, fmt.Sprintf("136%08d", i), "", fmt.Sprintf("王医生%02d", i), "同仁医院", "眼科", "", models.DoctorVerified)
	}
	directoryDoctor(t, ta, "13700000000", "", "王其他", "别的医院", "眼科", "", models.DoctorVerified)
	c := webclient.New(t, ta.url)
	seen := map[string]bool{}
	path := "/doctors?q=" + url.QueryEscape("同仁")
	for pages := 0; path != ""; pages++ {
		if pages > 3 {
			t.Fatal("paging does not end")
		}
		r := c.Get(path).Expect(http.StatusOK)
		for i := range n {
			name := fmt.Sprintf("王医生%02d", i)
			if r.HasText(name) {
				if seen[name] {
					t.Errorf("%s on two pages", name)
				}
				seen[name] = true
			}
		}
		if r.HasText("王其他") {
			t.Error("the search is lost on a later page")
		}
		path = ""
		if i := strings.Index(r.Body, `rel="next"`); i >= 0 {
			start := strings.LastIndex(r.Body[:i], `href="`) + len(`href="`)
			end := strings.Index(r.Body[start:], `"`)
			path = strings.ReplaceAll(r.Body[start:start+end], "&amp;", "&")
		}
	}
	if len(seen) != n {
		t.Errorf("saw %d doctors, want %d", len(seen), n)
	}
}
