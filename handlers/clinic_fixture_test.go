package handlers_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/yibao-health/portal/internal/testkit/webclient"
	"github.com/yibao-health/portal/models"
)

// clinicFixture is a patient (王芳, female, with a health profile and three
// documents) who started a consultation with a verified doctor, sharing her drug
// allergies and one lab report; a second verified doctor has nothing.
type clinicFixture struct {
	ta              *testApp
	cs              *models.Consultations
	pc              *webclient.Client
	patient         *models.User
	doctor, doctor2 *models.User
	lab, lab2, rec  int64 // the shared lab report; a lab report and a record not shared
	id              int64 // the consultation
}

var patientAudit = models.AuditContext{ActorKind: models.ActorPatient, RequestID: "test"}

var webConsent = models.ConsentContext{Channel: models.ChannelWeb}

func newClinicFixture(t *testing.T, ta *testApp) *clinicFixture {
	t.Helper()
	ctx := context.Background()
	f := &clinicFixture{ta: ta, cs: ta.app.Consultations()}
	f.pc = ta.healthPatient(t, "13800006001", "wangfang")
	f.patient = ta.userByLogin(t, "wangfang")
	err := ta.accounts.SaveIdentity(ctx, f.patient, models.IdentityInput{RealName: "王芳", Gender: "female", Birthday: "1980-06-15"}, patientAudit)
	if err != nil {
		t.Fatal(err)
	}
	hp := models.NewHealthProfiles(ta.db, ta.accounts.Keys, ta.clock.Now)
	_, _, err = hp.Save(ctx, f.patient, models.HealthProfileInput{
		Diagnoses: []models.Diagnosis{{Name: "二型糖尿病", Date: "2018-04-01", Status: "chronic"}},
		Allergies: []models.Allergy{{Substance: "青霉素", Reaction: "皮疹", Severity: "severe"}},
		Height:    "162", Weight: "58", PastHistory: "2010年胆囊切除术", FamilyHistory: "母亲有高血压",
	}, patientAudit)
	if err != nil {
		t.Fatal(err)
	}
	f.lab = f.upload(t, "lab", "血常规 2026-03", realPDF("Blood count"), docJPEG(t, 320, 240))
	f.lab2 = f.upload(t, "lab", "肝功能 2025-11", realPDF("Liver panel"))
	f.rec = f.upload(t, "record", "门诊病历 2025", realPDF("Outpatient record"))
	f.doctor = f.newDoctor(t, "13900006001", "张明", "110000000006001")
	f.doctor2 = f.newDoctor(t, "13900006002", "李华", "110000000006002")
	f.id = f.start(t, f.doctor, "最近两周胸闷，运动后加重。", models.Scope{Sections: []string{models.SectionAllergies}, DocumentIDs: []int64{f.lab}})
	return f
}

func (f *clinicFixture) newDoctor(t *testing.T, phone, name, licence string) *models.User {
	t.Helper()
	return f.ta.createAccount(t, models.NewAccount{Kind: models.KindDoctor, Phone: phone,
		Doctor: &models.DoctorProfile{RealName: name, Hospital: "协和医院", Department: "心内科", Title: models.TitleChief,
			LicenceNumber: licence, Status: models.DoctorVerified}})
}

// upload stores a one-file document through the patient's upload page.
// A second file, if given, is a JPEG photo.
func (f *clinicFixture) upload(t *testing.T, category, title string, pdf []byte, photo ...[]byte) int64 {
	t.Helper()
	fields := docFields(title)
	fields.Set("category", category)
	files := []webclient.File{{Field: "files", Name: "a.pdf", ContentType: "application/pdf", Data: pdf}}
	for _, p := range photo {
		files = append(files, webclient.File{Field: "files", Name: "b.jpg", ContentType: "image/jpeg", Data: p})
	}
	r := submitUpload(t, f.pc, fields, files...)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("upload %s: %d %s", title, r.Status, r.Text())
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(r.Location(), "/health/documents/"), 10, 64)
	if err != nil {
		t.Fatalf("upload %s went to %q", title, r.Location())
	}
	return id
}

// start opens a consultation of the fixture's patient with doctor d (7 days after close).
func (f *clinicFixture) start(t *testing.T, d *models.User, question string, scope models.Scope) int64 {
	t.Helper()
	id, err := f.cs.Start(context.Background(), f.patient, models.StartInput{DoctorID: d.ID, Question: question,
		Scope: scope, ShareDays: 7}, webConsent, patientAudit)
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	return id
}

// fileOf is the first file id of document doc.
func (f *clinicFixture) fileOf(t *testing.T, doc int64) int64 {
	t.Helper()
	var ids []int64
	if err := f.ta.db.Model(&models.DocumentFile{}).Where("document_id = ?", doc).Order("position").Pluck("id", &ids).Error; err != nil || len(ids) == 0 {
		t.Fatalf("files of %d: %v %v", doc, ids, err)
	}
	return ids[0]
}

// photoOf is the second file (the JPEG) of document doc.
func (f *clinicFixture) photoOf(t *testing.T, doc int64) int64 {
	t.Helper()
	var ids []int64
	if err := f.ta.db.Model(&models.DocumentFile{}).Where("document_id = ? AND position = 2", doc).Pluck("id", &ids).Error; err != nil || len(ids) != 1 {
		t.Fatalf("photo of %d: %v %v", doc, ids, err)
	}
	return ids[0]
}

// doctorReads are the patient's access-log rows by doctor d.
func (f *clinicFixture) doctorReads(t *testing.T, d *models.User) []models.AccessRow {
	t.Helper()
	page, err := models.AccessLog(context.Background(), f.ta.db, f.patient.ID, models.AccessFilter{ViewerKind: models.KindDoctor}, 0, models.MaxAccessPage)
	if err != nil {
		t.Fatal(err)
	}
	var out []models.AccessRow
	for _, r := range page.Rows {
		if r.ViewerID == d.ID {
			out = append(out, r)
		}
	}
	return out
}

// byTestID returns the elements with data-testid=id, in document order.
func byTestID(r *webclient.Response, id string) []*html.Node {
	var out []*html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				if a.Key == "data-testid" && a.Val == id {
					out = append(out, n)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(r.Doc())
	return out
}

// textsOf is the whitespace-collapsed text of each element with data-testid=id.
func textsOf(r *webclient.Response, id string) []string {
	var out []string
	for _, n := range byTestID(r, id) {
		var b strings.Builder
		var text func(n *html.Node)
		text = func(n *html.Node) {
			if n.Type == html.TextNode {
				b.WriteString(n.Data + " ")
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				text(c)
			}
		}
		text(n)
		out = append(out, strings.Join(strings.Fields(b.String()), " "))
	}
	return out
}

// hrefsOf is the href of each element with data-testid=id.
func hrefsOf(r *webclient.Response, id string) []string {
	var out []string
	for _, n := range byTestID(r, id) {
		for _, a := range n.Attr {
			if a.Key == "href" {
				out = append(out, a.Val)
			}
		}
	}
	return out
}
