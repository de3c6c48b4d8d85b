package models_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/internal/keys"
	"github.com/yibao-health/portal/internal/notify"
	"github.com/yibao-health/portal/internal/password"
	"github.com/yibao-health/portal/internal/testkit/dbtest"
	"github.com/yibao-health/portal/models"
)

const identityPassword = "Identity-Pass-2026"

// identityFixture is a real Accounts on g (keyring, argon2id, recording notifier)
// and one patient with a phone number.
func identityFixture(t *testing.T, g *gorm.DB) (*models.Accounts, *notify.Recorder, *models.User) {
	t.Helper()
	mk := make([]byte, 32)
	if _, err := rand.Read(mk); err != nil {
		t.Fatal(err)
	}
	kr, err := keys.Open(context.Background(), g, mk)
	if err != nil {
		t.Fatal(err)
	}
	rec := notify.NewRecorder(nil)
	a := models.NewAccounts(g, kr, password.New(password.DefaultParams, 2), models.NewNotifier(g, rec, rec, nil), nil)
	return a, rec, newPatient(t, a, "13900000001", "")
}

func newPatient(t *testing.T, a *models.Accounts, phone, email string) *models.User {
	t.Helper()
	u, err := a.CreateAccount(context.Background(), models.NewAccount{Kind: models.KindPatient, Phone: phone, Email: email,
		Password: identityPassword}, models.AuditContext{ActorKind: models.ActorSystem})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// The two examples of GB 11643-1999 pass; any other check character, a non-digit
// body or an impossible birth date fails.
func TestResidentIDCheckDigit(t *testing.T) {
	for id, birth := range map[string]string{"11010519491231002X": "1949-12-31", "440524188001010014": "1880-01-01"} {
		got, ok := models.CheckResidentID(id)
		if !ok || got.Format("2006-01-02") != birth {
			t.Errorf("CheckResidentID(%s) = %v, %v; want %s", id, got, ok, birth)
		}
		for _, c := range "0123456789X" {
			if wrong := id[:17] + string(c); wrong != id {
				if _, ok := models.CheckResidentID(wrong); ok {
					t.Errorf("%s passes with the wrong check character", wrong)
				}
			}
		}
	}
	for _, bad := range []string{"", "11010519491231002", "11010519491231002XX", "1101051949123100AX",
		"11010519491231002x", // lower case is normalised by NormalizeIDNumber first
		"110105194913310028", "110105194902300025"} {
		if _, ok := models.CheckResidentID(bad); ok {
			t.Errorf("CheckResidentID(%q) passed", bad)
		}
	}
	if got := models.NormalizeIDNumber(" 1101 0519 4912 31002x "); got != "11010519491231002X" {
		t.Errorf("NormalizeIDNumber = %q", got)
	}
}

const (
	canaryName   = "金丝雀甲乙"
	canaryPlace  = "CanaryTown-7f3a"
	canaryID     = "11010519491231002X"
	canaryIDBody = "110105194912" // any 12 digits of it would do
)

func canaryIdentity() models.IdentityInput {
	return models.IdentityInput{RealName: canaryName, Gender: models.GenderFemale, Birthday: "1949-12-31",
		Birthplace: canaryPlace, IDType: models.IDResident, IDNumber: canaryID, Consent: true}
}

// dumpTable returns every row of table as text, the way a database dump shows it.
func dumpTable(t *testing.T, g *gorm.DB, table string) string {
	t.Helper()
	var rows []map[string]any
	if err := g.Table(table).Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, r := range rows {
		for k, v := range r {
			if bs, ok := v.([]byte); ok {
				v = string(bs)
			}
			fmt.Fprintf(&b, "%s=%v\n", k, v)
		}
	}
	return b.String()
}

// Identity details are encrypted at rest: a raw dump of identities (and of the
// audit log) holds none of the canary values, while the owner reads them back
// (the ID number masked) and reveals the number only with the password.
// policy: C1.2, C4.1-3, C4.1-4
func TestIdentityIsEncryptedAndMasked(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		ctx := context.Background()
		a, _, u := identityFixture(t, g)
		actx := models.AuditContext{ActorKind: models.ActorPatient, ActorID: u.ID}
		if err := a.SaveIdentity(ctx, u, canaryIdentity(), actx); err != nil {
			t.Fatal(err)
		}
		dump := dumpTable(t, g, "identities") + dumpTable(t, g, "audit_log")
		for _, canary := range []string{canaryName, canaryPlace, canaryIDBody, "1949-12-31"} {
			if strings.Contains(dump, canary) {
				t.Errorf("%s: raw dump contains %q", d, canary)
			}
		}
		got, err := a.Identity(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		if got.RealName != canaryName || got.Birthplace != canaryPlace || got.Birthday != "1949-12-31" ||
			got.IDType != models.IDResident || got.IDNumberMasked != "110***********002X" {
			t.Errorf("read back %+v", got)
		}
		if _, err := a.RevealIDNumber(ctx, u, "wrong password", actx); kindOf(err) != models.KindInvalid {
			t.Fatalf("reveal with a wrong password: %v", err)
		}
		full, err := a.RevealIDNumber(ctx, u, identityPassword, actx)
		if err != nil || full != canaryID {
			t.Fatalf("reveal = %q, %v", full, err)
		}
		var outcomes []string
		g.Model(&models.AuditEntry{}).Where("action = ?", "identity.reveal").Order("id").Pluck("outcome", &outcomes)
		if strings.Join(outcomes, ",") != "failure,success" {
			t.Errorf("identity.reveal audit outcomes = %v", outcomes)
		}
	})
}

// A ciphertext is bound to its owner's row: copied into another user's identity it
// does not decrypt, so a database-level swap cannot show one patient another's ID.
// policy: C4.1-3
func TestIdentityCiphertextIsBoundToOwner(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		ctx := context.Background()
		a, _, alice := identityFixture(t, g)
		bob := newPatient(t, a, "13900000002", "")
		if err := a.SaveIdentity(ctx, alice, canaryIdentity(), models.AuditContext{ActorKind: models.ActorPatient, ActorID: alice.ID}); err != nil {
			t.Fatal(err)
		}
		in := canaryIdentity()
		in.RealName, in.IDType, in.IDNumber = "王五", models.IDPassport, "E12345678"
		if err := a.SaveIdentity(ctx, bob, in, models.AuditContext{ActorKind: models.ActorPatient, ActorID: bob.ID}); err != nil {
			t.Fatal(err)
		}
		var aliceRow models.Identity
		if err := g.Where("user_id = ?", alice.ID).Take(&aliceRow).Error; err != nil {
			t.Fatal(err)
		}
		if err := g.Model(&models.Identity{}).Where("user_id = ?", bob.ID).
			Update("id_number_enc", aliceRow.IDNumberEnc).Error; err != nil {
			t.Fatal(err)
		}
		if _, err := a.Identity(ctx, bob); err == nil {
			t.Error("another user's ciphertext decrypted in bob's row")
		}
		if n, err := a.RevealIDNumber(ctx, bob, identityPassword, models.AuditContext{ActorKind: models.ActorPatient, ActorID: bob.ID}); err == nil || n != "" {
			t.Errorf("reveal of a moved ciphertext = %q, %v", n, err)
		}
	})
}

// Refused input reports every problem at once and stores nothing: no identity row,
// no audit row.
// policy: C1.2
func TestSaveIdentityValidation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		ctx := context.Background()
		a, _, u := identityFixture(t, g)
		actx := models.AuditContext{ActorKind: models.ActorPatient, ActorID: u.ID}
		tomorrow := time.Now().In(models.ChinaTime).AddDate(0, 0, 1).Format("2006-01-02")
		cases := []struct {
			name  string
			edit  func(*models.IdentityInput)
			field string
			key   string
		}{
			{"empty name", func(in *models.IdentityInput) { in.RealName = "  " }, "real_name", "identity.real_name.invalid"},
			{"long name", func(in *models.IdentityInput) { in.RealName = strings.Repeat("名", 51) }, "real_name", "identity.real_name.invalid"},
			{"gender", func(in *models.IdentityInput) { in.Gender = "robot" }, "gender", "identity.gender.invalid"},
			{"future birthday", func(in *models.IdentityInput) { in.Birthday = tomorrow; in.IDType = ""; in.IDNumber = "" }, "birthday", "identity.birthday.invalid"},
			{"impossible date", func(in *models.IdentityInput) { in.Birthday = "1990-02-30" }, "birthday", "identity.birthday.invalid"},
			{"ancient", func(in *models.IdentityInput) { in.Birthday = "1899-12-31" }, "birthday", "identity.birthday.invalid"},
			{"check digit", func(in *models.IdentityInput) { in.IDNumber = "110105194912310021" }, "id_number", "identity.id_number.resident"},
			{"birthday mismatch", func(in *models.IdentityInput) { in.Birthday = "1950-01-01" }, "id_number", "identity.id_number.birthday"},
			{"short passport", func(in *models.IdentityInput) { in.IDType = models.IDPassport; in.IDNumber = "E123" }, "id_number", "identity.id_number.other"},
			{"symbols", func(in *models.IdentityInput) { in.IDType = models.IDHKMacau; in.IDNumber = "C1234-567" }, "id_number", "identity.id_number.other"},
			{"unknown type", func(in *models.IdentityInput) { in.IDType = "library_card" }, "id_type", "identity.id_type.invalid"},
			{"number without type", func(in *models.IdentityInput) { in.IDType = "" }, "id_type", "identity.id_type.required"},
			{"no number", func(in *models.IdentityInput) { in.IDNumber = "" }, "id_number", "identity.id_number.required"},
			{"no consent", func(in *models.IdentityInput) { in.Consent = false }, "id_consent", "identity.id_consent.required"},
		}
		for _, c := range cases {
			in := canaryIdentity()
			c.edit(&in)
			err := a.SaveIdentity(ctx, u, in, actx)
			if fieldKey(err, c.field) != c.key {
				t.Errorf("%s: got %v, want %s on %s", c.name, err, c.key, c.field)
			}
		}
		// Several problems come back together.
		err := a.SaveIdentity(ctx, u, models.IdentityInput{Gender: "x", Birthday: "soon", IDType: models.IDResident, IDNumber: "1"}, actx)
		if fe := models.FieldErrors(err); len(fe) < 4 {
			t.Errorf("expected every problem at once, got %v", err)
		}
		var rows, audits int64
		g.Model(&models.Identity{}).Count(&rows)
		g.Model(&models.AuditEntry{}).Where("action = ?", "identity.update").Count(&audits)
		if rows != 0 || audits != 0 {
			t.Errorf("refused input stored %d identity rows and %d audit rows", rows, audits)
		}
	})
}

// Editing keeps the stored number when the field is left empty, asks for it again
// when the document type changes, removes it with "no document", and audits the
// changed field names without their values.
func TestSaveIdentityKeepsAndReplacesNumber(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		ctx := context.Background()
		a, _, u := identityFixture(t, g)
		actx := models.AuditContext{ActorKind: models.ActorPatient, ActorID: u.ID}
		if err := a.SaveIdentity(ctx, u, canaryIdentity(), actx); err != nil {
			t.Fatal(err)
		}
		in := canaryIdentity()
		in.IDNumber, in.Consent, in.Birthplace = "", false, "上海"
		if err := a.SaveIdentity(ctx, u, in, actx); err != nil {
			t.Fatalf("keep number: %v", err)
		}
		if got, _ := a.RevealIDNumber(ctx, u, identityPassword, actx); got != canaryID {
			t.Errorf("kept number = %q", got)
		}
		in.IDType = models.IDPassport
		if err := a.SaveIdentity(ctx, u, in, actx); fieldKey(err, "id_number") != "identity.id_number.reenter" {
			t.Errorf("type change without a number: %v", err)
		}
		in.IDType = ""
		if err := a.SaveIdentity(ctx, u, in, actx); err != nil {
			t.Fatal(err)
		}
		if got, _ := a.Identity(ctx, u); got.HasIDNumber() || got.IDType != "" {
			t.Errorf("number not removed: %+v", got)
		}
		var details []string
		g.Model(&models.AuditEntry{}).Where("action = ?", "identity.update").Order("id").Pluck("details", &details)
		want := []string{"document_number", "birthplace", "document_type"}
		if len(details) != 3 {
			t.Fatalf("identity.update rows: %v", details)
		}
		for i, w := range want {
			if !strings.Contains(details[i], w) {
				t.Errorf("audit %d = %s, want it to name %s", i, details[i], w)
			}
		}
		if !strings.Contains(details[0], "separate_consent") {
			t.Errorf("first number stored without recording the separate consent: %s", details[0])
		}
		all := strings.Join(details, " ")
		for _, v := range []string{canaryName, "上海", canaryIDBody} {
			if strings.Contains(all, v) {
				t.Errorf("audit details hold the value %q", v)
			}
		}
	})
}
