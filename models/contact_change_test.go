package models_test

import (
	"context"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/internal/i18n"
	"github.com/yibao-health/portal/internal/notify"
	"github.com/yibao-health/portal/internal/testkit/dbtest"
	"github.com/yibao-health/portal/models"
)

func lastTo(rec *notify.Recorder, to string) *notify.Recorded {
	for _, m := range rec.Recent() {
		if m.To == to {
			return &m
		}
	}
	return nil
}

// Changing a contact needs the password first, then the code sent to the new
// address; a patient may hold a phone and an e-mail; the old address is told; the
// audit row names the channel, not the value.
// policy: C6.4
func TestChangeContact(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		ctx := context.Background()
		a, rec, u := identityFixture(t, g)
		newPatient(t, a, "", "taken@example.com")
		actx := models.AuditContext{ActorKind: models.ActorPatient, ActorID: u.ID}

		if _, err := a.StartContactChange(ctx, u, "wrong password", "new@example.com", i18n.ZH); models.FieldErrors(err)["current_password"] == nil {
			t.Fatalf("wrong password: %v", err)
		}
		if lastTo(rec, "new@example.com") != nil {
			t.Fatal("a code was sent without the password")
		}
		if _, err := a.StartContactChange(ctx, u, identityPassword, "139 0000 0001", i18n.ZH); fieldKey(err, "contact") != "account.contact.same" {
			t.Errorf("own number: %v", err)
		}
		if _, err := a.StartContactChange(ctx, u, identityPassword, "taken@example.com", i18n.ZH); fieldKey(err, "contact") != "contact.taken" {
			t.Errorf("taken address: %v", err)
		}
		target, err := a.StartContactChange(ctx, u, identityPassword, "New@Example.com", i18n.ZH)
		if err != nil || target != a.ContactIndex(models.LoginEmail, "new@example.com") {
			t.Fatalf("start: %q %v", target, err)
		}
		code := sentCodeTo(t, rec, "new@example.com")
		if err := a.ChangeContact(ctx, u, "new@example.com", "000000", i18n.ZH, actx); kindOf(err) != models.KindInvalid {
			t.Fatalf("wrong code: %v", err)
		}
		if err := a.ChangeContact(ctx, u, "new@example.com", code, i18n.ZH, actx); err != nil {
			t.Fatalf("right code after one wrong try: %v", err)
		}
		reloaded, _ := a.User(ctx, u.ID)
		phone, email, _ := a.Contacts(reloaded)
		if phone != "13900000001" || email != "new@example.com" {
			t.Errorf("contacts after adding an e-mail: %q %q", phone, email)
		}
		// Adding an e-mail is told on the phone (there was no old e-mail).
		if m := lastTo(rec, "13900000001"); m == nil || !strings.Contains(m.Body, "邮箱") {
			t.Errorf("the phone was not told about the new e-mail: %+v", m)
		}
		// A code is single use.
		if err := a.ChangeContact(ctx, reloaded, "other@example.com", code, i18n.ZH, actx); err == nil {
			t.Error("a code for another address changed the contact")
		}

		// Replacing the phone tells the old phone, in the user's language.
		if err := a.SetLang(ctx, reloaded, i18n.EN); err != nil {
			t.Fatal(err)
		}
		if _, err := a.StartContactChange(ctx, reloaded, identityPassword, "13900000009", i18n.EN); err != nil {
			t.Fatal(err)
		}
		if err := a.ChangeContact(ctx, reloaded, "13900000009", sentCodeTo(t, rec, "13900000009"), i18n.EN, actx); err != nil {
			t.Fatal(err)
		}
		if m := lastTo(rec, "13900000001"); m == nil || !strings.Contains(m.Body, "mobile number") {
			t.Errorf("the old phone was not told: %+v", m)
		}
		if found, _ := a.FindByLogin(ctx, "13900000009"); found == nil || found.ID != u.ID {
			t.Error("cannot sign in with the new phone number")
		}
		if found, _ := a.FindByLogin(ctx, "13900000001"); found != nil {
			t.Error("the old phone number still names the account")
		}
		var details []string
		g.Model(&models.AuditEntry{}).Where("action = ?", "account.contact.change").Order("id").Pluck("details", &details)
		if len(details) != 2 || !strings.Contains(details[0], `"email"`) || !strings.Contains(details[1], `"phone"`) {
			t.Errorf("audit rows: %v", details)
		}
		for _, v := range details {
			if strings.Contains(v, "example.com") || strings.Contains(v, "1390000") {
				t.Errorf("audit details hold a contact value: %s", v)
			}
		}
	})
}

func sentCodeTo(t *testing.T, rec *notify.Recorder, to string) string {
	t.Helper()
	m := lastTo(rec, to)
	if m == nil {
		t.Fatalf("no message to %s", to)
	}
	for _, f := range strings.FieldsFunc(m.Body, func(r rune) bool { return r < '0' || r > '9' }) {
		if len(f) == 6 {
			return f
		}
	}
	t.Fatalf("no code in the message to %s", to)
	return ""
}

// fieldKey is the message key err holds for field, or "".
func fieldKey(err error, field string) string {
	if e := models.FieldErrors(err)[field]; e != nil {
		return e.Key
	}
	return ""
}
