package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/yibao-health/portal/handlers"
	"github.com/yibao-health/portal/internal/keys"
	"github.com/yibao-health/portal/internal/payment"
	"github.com/yibao-health/portal/internal/testkit/webclient"
	"github.com/yibao-health/portal/models"
)

// Canaries in the owner's data. Each principal may see only its own set, on any
// page, with any parameters: that is how the matrix proves nothing leaks.
const (
	canaryAllergy   = "ALLERGYCANARY"
	canaryDiagnosis = "DIAGNOSISCANARY"
	canaryHistory   = "HISTORYCANARY"
	canaryLab       = "LABCANARY"    // the lab report shared with the granted doctor
	canaryRecord    = "RECORDCANARY" // a record shared with nobody
	canaryQuestion  = "QUESTIONCANARY"
	canaryStreet    = "STREETCANARY"  // the street of the owner's order and saved address
	canaryPhone     = "13912345678"   // the recipient's phone on that order
	canarySupport   = "SUPPORTCANARY" // the owner's support conversation
)

var allCanaries = []string{canaryAllergy, canaryDiagnosis, canaryHistory, canaryLab, canaryRecord, canaryQuestion,
	canaryStreet, canaryPhone, canarySupport}

// matrixWorld is the fixture of the authorization matrix: an owner with a health
// profile and two documents; consultations with four doctors in every grant state
// (active, revoked, expired, and one doctor whose consultation is with another
// patient); a doctor in emergency access; staff of each capability; a visitor.
type matrixWorld struct {
	ta                *testApp
	owner, other      *models.User
	lab, record       int64 // the owner's documents
	labFile           int64
	cActive, cRevoked int64 // owner's consultations
	cExpired, cOther  int64 // cOther: the other patient with doctor "no grant"
	emergency         int64
	order, address    int64 // the owner's paid order (with an after-sale request) and saved address
	conversation      int64 // the owner's support conversation
	afterSale         int64
	product           int64
	clients           map[string]*webclient.Client
	users             map[string]*models.User
	sees              map[string][]string // canaries each principal may see
	consultationOf    map[string]int64    // the doctor's own consultation used in paths
	principalsInOrder []string
}

const (
	pAnon      = "anonymous"
	pOwner     = "owner"
	pOther     = "other patient"
	pGranted   = "doctor with grant"
	pNoGrant   = "doctor without grant"
	pRevoked   = "doctor with revoked grant"
	pExpired   = "doctor with expired grant"
	pEmergency = "doctor in emergency"
	pSupport   = "staff support"
	pPrivacy   = "staff privacy officer"
	pAdmin     = "staff admin"
)

func newMatrixWorld(t *testing.T) *matrixWorld {
	t.Helper()
	ta := newApp(t, nil)
	ctx := context.Background()
	w := &matrixWorld{ta: ta, clients: map[string]*webclient.Client{}, users: map[string]*models.User{},
		consultationOf: map[string]int64{}}
	w.owner = ta.createAccount(t, models.NewAccount{Kind: models.KindPatient, Phone: "13800003001"})
	w.other = ta.createAccount(t, models.NewAccount{Kind: models.KindPatient, Phone: "13800003002"})
	doctor := func(phone string, n int) *models.User {
		return ta.createAccount(t, models.NewAccount{Kind: models.KindDoctor, Phone: phone,
			Doctor: &models.DoctorProfile{RealName: "医生" + fmt.Sprint(n), Hospital: "H", Department: "D", Title: models.TitleChief,
				LicenceNumber: fmt.Sprintf("%015d", n), Status: models.DoctorVerified}})
	}
	w.users = map[string]*models.User{
		pOwner: w.owner, pOther: w.other,
		pGranted: doctor("13900003001", 1), pNoGrant: doctor("13900003002", 2), pRevoked: doctor("13900003003", 3),
		pExpired: doctor("13900003004", 4), pEmergency: doctor("13900003005", 5),
		pSupport: ta.createAccount(t, models.NewAccount{Kind: models.KindStaff, Email: "m-support@example.com", Caps: []string{models.CapSupport}}),
		pPrivacy: ta.createAccount(t, models.NewAccount{Kind: models.KindStaff, Email: "m-privacy@example.com", Caps: []string{models.CapPrivacyOfficer}}),
		pAdmin:   ta.createAccount(t, models.NewAccount{Kind: models.KindStaff, Email: "m-admin@example.com", Caps: []string{models.CapAdmin}}),
	}
	actx := models.AuditContext{ActorKind: models.ActorPatient, RequestID: "matrix"}
	cc := models.ConsentContext{Channel: models.ChannelWeb}
	for _, p := range []*models.User{w.owner, w.other} {
		if _, err := models.RecordConsent(ta.db, p.ID, models.PurposeHealthData, "", models.DecisionAccepted, nil, cc, ta.clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	hp := models.NewHealthProfiles(ta.db, ta.accounts.Keys, ta.clock.Now)
	if _, _, err := hp.Save(ctx, w.owner, models.HealthProfileInput{
		Allergies:   []models.Allergy{{Substance: canaryAllergy, Severity: "severe"}},
		Diagnoses:   []models.Diagnosis{{Name: canaryDiagnosis, Status: "active"}},
		PastHistory: canaryHistory, Height: "170",
	}, actx); err != nil {
		t.Fatal(err)
	}
	if _, _, err := hp.Save(ctx, w.other, models.HealthProfileInput{Height: "160"}, actx); err != nil {
		t.Fatal(err)
	}
	w.lab = matrixDocument(t, ta, w.owner.ID, models.CategoryLab, canaryLab)
	w.record = matrixDocument(t, ta, w.owner.ID, models.CategoryRecord, canaryRecord)
	otherDoc := matrixDocument(t, ta, w.other.ID, models.CategoryLab, "other lab")
	var f models.DocumentFile
	if err := ta.db.Where("document_id = ?", w.lab).Take(&f).Error; err != nil {
		t.Fatal(err)
	}
	w.labFile = f.ID

	cs := ta.app.Consultations()
	start := func(p *models.User, d string, scope models.Scope, days int) int64 {
		q := canaryQuestion + " " + d
		if p != w.owner {
			q = "the other patient's question" // the owner's canary is not theirs to write
		}
		id, err := cs.Start(ctx, p, models.StartInput{DoctorID: w.users[d].ID, Question: q, Scope: scope, ShareDays: days}, cc, actx)
		if err != nil {
			t.Fatalf("start with %s: %v", d, err)
		}
		return id
	}
	everything := models.Scope{Sections: models.ProfileSections, Categories: models.DocumentCategories}
	w.cActive = start(w.owner, pGranted, models.Scope{Sections: []string{models.SectionAllergies}, DocumentIDs: []int64{w.lab}}, 7)
	w.cRevoked = start(w.owner, pRevoked, everything, 7)
	if err := cs.Revoke(ctx, w.owner, w.cRevoked, cc, actx); err != nil {
		t.Fatal(err)
	}
	w.cExpired = start(w.owner, pExpired, everything, 1)
	if err := cs.Close(ctx, w.users[pExpired], w.cExpired, "advice", actx); err != nil {
		t.Fatal(err)
	}
	ta.clock.Advance(25 * time.Hour) // past the expired doctor's one day; the others are open
	w.cOther = start(w.other, pNoGrant, models.Scope{Categories: models.DocumentCategories, DocumentIDs: []int64{otherDoc}}, 7)
	w.emergency = matrixEmergency(t, ta, w.users[pEmergency].ID, w.owner.ID)
	w.matrixShop(t)

	w.consultationOf = map[string]int64{pGranted: w.cActive, pRevoked: w.cRevoked, pExpired: w.cExpired, pNoGrant: w.cOther}
	w.sees = map[string][]string{
		pOwner:     allCanaries,
		pGranted:   {canaryAllergy, canaryLab, canaryQuestion},
		pRevoked:   {canaryQuestion}, // the thread stays theirs; no patient data
		pExpired:   {canaryQuestion},
		pEmergency: {canaryAllergy, canaryDiagnosis, canaryHistory},
		pSupport:   {canarySupport}, // support reads conversations; the contact stays masked
	}
	w.principalsInOrder = []string{pAnon, pOwner, pOther, pGranted, pNoGrant, pRevoked, pExpired, pEmergency, pSupport, pPrivacy, pAdmin}
	w.clients[pAnon] = webclient.New(t, ta.url)
	for _, p := range w.principalsInOrder[1:] {
		var login string
		switch {
		case p == pOwner:
			login = "13800003001"
		case p == pOther:
			login = "13800003002"
		case strings.HasPrefix(p, "staff"):
			login = map[string]string{pSupport: "m-support@example.com", pPrivacy: "m-privacy@example.com", pAdmin: "m-admin@example.com"}[p]
		default:
			login = map[string]string{pGranted: "13900003001", pNoGrant: "13900003002", pRevoked: "13900003003",
				pExpired: "13900003004", pEmergency: "13900003005"}[p]
		}
		w.clients[p] = ta.signInFull(t, login)
	}
	return w
}

func matrixDocument(t *testing.T, ta *testApp, owner int64, category, title string) int64 {
	t.Helper()
	ctx := context.Background()
	u, err := ta.app.Documents().BeginUpload(ctx, owner, models.DocumentInput{Category: category, Title: title, Date: "2026-03-01", Hospital: "H"})
	if err != nil {
		t.Fatal(err)
	}
	defer u.Abort(ctx)
	// A PNG, so the file has a thumbnail route that answers too.
	var img bytes.Buffer
	if err := png.Encode(&img, image.NewGray(image.Rect(0, 0, 40, 30))); err != nil {
		t.Fatal(err)
	}
	if err := u.AddFile(ctx, &img); err != nil {
		t.Fatal(err)
	}
	id, err := u.Commit(ctx, models.AuditContext{ActorKind: models.ActorPatient, RequestID: "matrix"})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// matrixEmergency stores an open emergency access of doctor to patient's critical
// items, as a granted request would.
func matrixEmergency(t *testing.T, ta *testApp, doctor, patient int64) int64 {
	t.Helper()
	now := ta.clock.Now().UTC()
	row := map[string]any{"doctor_id": doctor, "patient_id": patient, "reason": "unconscious", "justification_enc": "-",
		"created_at": now, "expires_at": now.Add(4 * time.Hour), "review_status": "pending"}
	if err := ta.db.Table("emergency_accesses").Create(row).Error; err != nil {
		t.Fatal(err)
	}
	var id int64
	ta.db.Table("emergency_accesses").Select("MAX(id)").Scan(&id)
	ct, err := ta.accounts.Keys.EncryptString("患者昏迷送至急诊，需了解过敏史", keys.AD{Table: "emergency_accesses", Column: "justification", RowID: fmt.Sprint(id), OwnerID: patient})
	if err != nil {
		t.Fatal(err)
	}
	ta.db.Table("emergency_accesses").Where("id = ?", id).Update("justification_enc", ct)
	return id
}

// patientDataPrefixes are the paths whose routes touch patient data: every route
// under them is in the matrix, found from the route table (a new route is covered
// without editing this test, and a parameter the matrix cannot fill fails it).
var patientDataPrefixes = []string{"/health", "/documents", "/account/identity", "/account/access-log", "/account/consents",
	"/consultations", "/clinic", "/staff/emergency",
	"/orders", "/checkout", "/cart", "/support", "/account/addresses", "/account/disclosures",
	"/staff/orders", "/staff/after-sales", "/staff/support"}

func touchesPatientData(path string) bool {
	for _, p := range patientDataPrefixes {
		if path == p || strings.HasPrefix(path, p+"/") {
			return true
		}
	}
	return false
}

// fill puts principal p's most privileged attempt into the route's parameters: the
// owner's own objects; for a doctor, their own consultation (or the granted one when
// they have none) with the owner's documents — so a grant on one patient is tried
// against another patient's data.
func (w *matrixWorld) fill(t *testing.T, p, path string) string {
	parts := strings.Split(path, "/")
	for i, s := range parts {
		if !strings.HasPrefix(s, ":") {
			continue
		}
		var v int64
		switch {
		case s == ":version":
			v = 1
		case s == ":purpose":
			parts[i] = models.PurposeMarketing
			continue
		case s == ":fid":
			v = w.labFile
		case s == ":doc":
			v = w.lab
		case s == ":id" && strings.HasPrefix(path, "/clinic/consultations"):
			v = w.cActive
			if own, ok := w.consultationOf[p]; ok {
				v = own
			}
		case s == ":id" && strings.HasPrefix(path, "/consultations"):
			v = w.cActive
		case s == ":id" && strings.Contains(path, "/documents/"):
			v = w.lab
		case s == ":id" && (strings.HasPrefix(path, "/clinic/emergency") || strings.HasPrefix(path, "/staff/emergency")):
			v = w.emergency
		case s == ":id" && (strings.HasPrefix(path, "/orders") || strings.HasPrefix(path, "/staff/orders")):
			v = w.order
		case s == ":id" && (strings.HasPrefix(path, "/support") || strings.HasPrefix(path, "/staff/support")):
			v = w.conversation
		case s == ":id" && strings.HasPrefix(path, "/staff/after-sales"):
			v = w.afterSale
		case s == ":id" && strings.HasPrefix(path, "/account/addresses"):
			v = w.address
		case s == ":product":
			v = w.product
		default:
			t.Fatalf("matrix: no value for %s in %s: teach fill()", s, path)
		}
		parts[i] = fmt.Sprint(v)
	}
	out := strings.Join(parts, "/")
	if path == "/consultations/new" {
		out += "?doctor=" + fmt.Sprint(w.users[pGranted].ID)
	}
	return out
}

// namesOwnersObject reports whether the route's path carries the id of one of the
// owner's objects (a document, a file, a consultation).
func namesOwnersObject(path string) bool {
	return strings.Contains(path, ":id") || strings.Contains(path, ":fid") || strings.Contains(path, ":doc")
}

// admitted says whether principal p may get a page (200) from GET route path: the
// expected answer of the access rule, written out per route family.
func (w *matrixWorld) admitted(p string, acc handlers.Access, path string) bool {
	switch {
	case acc == handlers.Patient:
		if p == pOwner {
			return true
		}
		// Another patient reaches the pages without an owner's id (their own data);
		// with the owner's consultation or document id in the path it is 404.
		return p == pOther && !namesOwnersObject(path)
	case acc == handlers.Doctor:
		doctors := []string{pGranted, pNoGrant, pRevoked, pExpired, pEmergency}
		switch {
		case path == "/clinic" || path == "/clinic/emergency":
			return slices.Contains(doctors, p)
		case strings.HasPrefix(path, "/clinic/emergency/"):
			return p == pEmergency
		case strings.HasPrefix(path, "/clinic/consultations/:id/documents"):
			return p == pGranted
		case strings.HasPrefix(path, "/clinic/consultations/:id"):
			_, own := w.consultationOf[p]
			return own // their own consultation's page (patient data only while granted)
		}
		return slices.Contains(doctors, p)
	case acc == handlers.Staff(models.CapPrivacyOfficer):
		return p == pPrivacy
	case acc == handlers.Staff(models.CapSupport):
		return p == pSupport
	}
	return false
}

// policy: C2.2.2-5, C4.1-5, C4.3 — every route touching patient data × every kind
// of principal: allowed where the rule allows, 404 (or the sign-in page for a
// visitor) elsewhere, and no principal ever receives data outside its own set,
// whatever ids are put into the path or the query string.
func TestAuthorizationMatrix(t *testing.T) {
	w := newMatrixWorld(t)
	routes := 0
	for _, r := range w.ta.app.Echo().Routes() {
		if !touchesPatientData(r.Path) {
			continue
		}
		acc, ok := handlers.AccessOfRoute(r)
		if !ok {
			t.Errorf("%s %s: no access class", r.Method, r.Path)
			continue
		}
		routes++
		for _, p := range w.principalsInOrder {
			path := w.fill(t, p, r.Path)
			if r.Method != http.MethodGet {
				// State changes are tried only by principals the rule refuses (the
				// admitted ones are exercised by each area's own tests).
				if w.admitted(p, acc, r.Path) || acc == handlers.Account {
					continue
				}
				res := request(w.clients[p], r.Method, path)
				w.expectRefused(t, p, r.Method, path, acc, res)
				continue
			}
			sep := "?"
			if strings.Contains(path, "?") {
				sep = "&"
			}
			tampered := path + sep + "patient_id=" + fmt.Sprint(w.owner.ID) + "&user_id=" + fmt.Sprint(w.owner.ID) +
				"&doctor_id=" + fmt.Sprint(w.users[pGranted].ID) + "&consultation=" + fmt.Sprint(w.cActive) + "&id=" + fmt.Sprint(w.lab)
			for _, u := range []string{path, tampered} {
				res := w.clients[p].Get(u)
				w.expectNoLeak(t, p, u, res)
				if w.admitted(p, acc, r.Path) {
					if res.Status != http.StatusOK {
						t.Errorf("GET %s as %s: %d, want 200", u, p, res.Status)
					}
					continue
				}
				w.expectRefused(t, p, http.MethodGet, u, acc, res)
			}
		}
	}
	if routes < 20 {
		t.Fatalf("only %d patient-data routes in the matrix", routes)
	}
}

func (w *matrixWorld) expectRefused(t *testing.T, p, method, path string, acc handlers.Access, res *webclient.Response) {
	t.Helper()
	if p == pAnon && method == http.MethodGet && (acc == handlers.Patient || acc == handlers.Account) {
		if res.Status != http.StatusSeeOther && res.Status != http.StatusFound || !strings.HasPrefix(res.Location(), "/login") {
			t.Errorf("%s %s as visitor: %d → %q, want the sign-in page", method, path, res.Status, res.Location())
		}
		return
	}
	if res.Status != http.StatusNotFound {
		t.Errorf("%s %s as %s: %d, want 404", method, path, p, res.Status)
	}
}

func (w *matrixWorld) expectNoLeak(t *testing.T, p, path string, res *webclient.Response) {
	t.Helper()
	body := res.Text()
	for _, c := range allCanaries {
		if strings.Contains(body, c) && !slices.Contains(w.sees[p], c) {
			t.Errorf("GET %s as %s: response contains %s", path, p, c)
		}
	}
}

// matrixShop gives the owner a paid order for another person (its street and phone
// are canaries) with an after-sale request, a saved address and a support
// conversation; the other patient has a cart, so their checkout page exists too.
func (w *matrixWorld) matrixShop(t *testing.T) {
	t.Helper()
	ta, ctx := w.ta, context.Background()
	now := ta.clock.Now().UTC()
	p := models.Product{Kind: models.ProductDevice, NameZh: "血压计", NameEn: "BP monitor", DescriptionZh: "-", DescriptionEn: "-",
		PriceFen: 19900, Available: true, CreatedAt: now, UpdatedAt: now}
	if err := ta.db.Create(&p).Error; err != nil {
		t.Fatal(err)
	}
	w.product = p.ID
	for _, u := range []*models.User{w.owner, w.other} {
		if err := ta.db.Create(&models.CartItem{UserID: u.ID, ProductID: p.ID, Quantity: 1, UpdatedAt: now}).Error; err != nil {
			t.Fatal(err)
		}
	}
	orders := ta.app.Orders()
	actx := models.AuditContext{ActorKind: models.ActorPatient, RequestID: "matrix"}
	cons := models.Consignee{Name: "王秀英", Phone: canaryPhone, RegionCode: "110105", Street: canaryStreet + " 88 号", Postcode: "100022"}
	var err error
	if w.address, err = orders.SaveAddress(ctx, w.owner, cons); err != nil {
		t.Fatal(err)
	}
	w.order, err = orders.Checkout(ctx, w.owner, models.CheckoutInput{IdempotencyKey: models.NewIdempotencyKey(),
		Lines: []models.CartLine{{ProductID: p.ID, Quantity: 1}}, Consignee: cons, ForOther: true,
		Authorization: models.OtherAuthorization{Confirmed: true, Relationship: "parent"}}, actx)
	if err != nil {
		t.Fatal(err)
	}
	if err := ta.db.Create(&models.CartItem{UserID: w.owner.ID, ProductID: p.ID, Quantity: 1, UpdatedAt: now}).Error; err != nil {
		t.Fatal(err)
	}
	var o models.Order
	ta.db.First(&o, w.order)
	if err := orders.HandlePaymentNotice(ctx, "simulated", payment.Notice{NotificationID: "M1", OrderNo: o.OrderNo, AmountFen: o.TotalFen, Paid: true}); err != nil {
		t.Fatal(err)
	}
	if w.afterSale, err = orders.RequestAfterSale(ctx, w.owner, w.order, models.AfterSaleDispute, "与描述不符", actx); err != nil {
		t.Fatal(err)
	}
	support := &models.Support{DB: ta.db, Accounts: ta.accounts, Now: ta.clock.Now}
	if w.conversation, err = support.OpenConversation(ctx, w.owner, canarySupport, "请问什么时候发货？", &w.order, actx); err != nil {
		t.Fatal(err)
	}
}
