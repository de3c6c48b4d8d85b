package handlers_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/yibao-health/portal/internal/testkit/browser"
	"github.com/yibao-health/portal/models"
)

// The public directory in a real browser, signed out: the header link, a search,
// a doctor's card, at 360 and 1280 px in zh-CN and English (switched with the
// header's language form). Every page passes axe-core and never scrolls sideways.
func TestDoctorDirectoryInBrowser(t *testing.T) {
	b := browser.Start(t)
	ta := newApp(t, nil)
	base := browser.Serve(t, ta.app.Handler())
	var first int64
	for i, d := range [][4]string{
		{"张明远", "北京协和医院", "心血管内科", "冠心病介入治疗、高血压的长期管理和心力衰竭的综合诊治"},
		{"李静", "首都医科大学附属北京儿童医院", "儿科", "小儿哮喘"},
		{"王芳", "北京协和医院", "眼科", ""},
	} {
		id := directoryDoctor(t, ta, fmt.Sprintf("1381111000%d", i), "", d[0], d[1], d[2], d[3], models.DoctorVerified)
		if i == 0 {
			first = id
		}
	}
	directoryDoctor(t, ta, "13900000009", "", "赵待审", "北京协和医院", "眼科", "", models.DoctorPending)

	check := func(p *browser.Page, name string) {
		t.Helper()
		p.Screenshot(t, name)
		p.Axe(t)
		var scrollW, width int
		p.Eval(t, `document.documentElement.scrollWidth`, &scrollW)
		p.Eval(t, `window.innerWidth`, &width)
		if scrollW > width {
			t.Errorf("%s: horizontal scroll at %d px (page %d px wide)", name, width, scrollW)
		}
	}
	for _, w := range []int{360, 1280} {
		for _, lang := range []string{"zh-CN", "en"} {
			p := b.NewPage(t, w, 800)
			p.Go(t, base+"/")
			useLang(t, p, lang)
			p.Click(t, `header nav a[href="/doctors"]`)
			list := p.Text(t, `[data-testid="doctor-directory"]`)
			if !strings.Contains(list, "张明远") || !strings.Contains(list, "李静") || strings.Contains(list, "赵待审") {
				t.Fatalf("%s %d: directory %q", lang, w, list)
			}
			check(p, "directory-list-"+lang)

			p.SetValue(t, "#f-q", "协和")
			p.Submit(t, `form[role="search"]`)
			list = p.Text(t, `[data-testid="doctor-directory"]`)
			if !strings.Contains(list, "王芳") || strings.Contains(list, "李静") {
				t.Fatalf("%s %d: search 协和 shows %q", lang, w, list)
			}
			check(p, "directory-search-"+lang)

			p.Click(t, fmt.Sprintf(`a[href="/doctors/%d"]`, first))
			card := p.Text(t, `[data-testid="doctor-card"]`)
			if !strings.Contains(card, "北京协和医院") || !strings.Contains(card, "心血管内科") || strings.Contains(card, "1381111") {
				t.Fatalf("%s %d: card %q", lang, w, card)
			}
			check(p, "directory-card-"+lang)
			p.AssertNoProblems(t)
		}
	}
}
