package models_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/internal/i18n"
	"github.com/yibao-health/portal/internal/testkit/dbtest"
	"github.com/yibao-health/portal/models"
)

func receiptsFixture(a *models.Accounts, clock *fixtureClock) *models.Receipts {
	return &models.Receipts{DB: a.DB, Keys: a.Keys, Now: clock.now, Issuer: "https://portal.test",
		BaseURL: "https://portal.test", Controller: models.DefaultController,
		PolicyPath: "/privacy", VerifyPath: "/privacy/receipts/verify", KeysPath: "/privacy/receipts/key"}
}

// The receipt carries the Kantara v1.1 fields, our additions (policy version and
// hash, record IDs) and a pseudonymous principal; it verifies as issued, and any
// change to a visible field, to the signed token or to the signer fails with a reason.
func TestConsentReceiptSignsAndVerifies(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		ctx := context.Background()
		c, a, _, clock := consentsFixture(t, g)
		pv := publishPolicy(t, g, "2026-01", time.Now().Add(-time.Hour))
		const uid = 4242
		if _, err := models.RecordConsent(g, uid, models.PurposeTerms, "", models.DecisionAccepted, pv,
			models.ConsentContext{Channel: models.ChannelRegistration}, clock.now()); err != nil {
			t.Fatal(err)
		}
		change(t, c, uid, models.PurposeHealthData, true)
		change(t, c, uid, models.PurposeMarketing, true)
		change(t, c, uid, models.PurposeMarketing, false)
		r := receiptsFixture(a, clock)
		file, rc, err := r.Issue(ctx, uid, i18n.EN)
		if err != nil {
			t.Fatal(err)
		}

		var m map[string]any
		if err := json.Unmarshal(file, &m); err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{"version", "jurisdiction", "consentTimestamp", "collectionMethod", "consentReceiptID",
			"language", "piiPrincipalId", "piiControllers", "policyUrl", "services", "sensitive", "spiCat",
			"policyVersion", "policySha256", "recordIds", "jwt"} {
			if _, ok := m[f]; !ok {
				t.Errorf("receipt has no %q", f)
			}
		}
		ctrl := m["piiControllers"].([]any)[0].(map[string]any)
		for _, f := range []string{"piiController", "contact", "address", "email", "phone", "piiControllerUrl"} {
			if _, ok := ctrl[f]; !ok {
				t.Errorf("controller has no %q", f)
			}
		}
		if rc.Version != "KI-CR-v1.1.0" || rc.PolicyVersion != "2026-01" || rc.PolicySHA256 != pv.SHA256 || !rc.Sensitive ||
			len(rc.SPICat) != 1 || rc.Language != "en" || rc.ConsentReceiptID != rc.JWTID {
			t.Errorf("receipt = %+v", rc)
		}
		// The principal is a pseudonym: stable, and neither the account ID nor a phone.
		if !strings.HasPrefix(rc.PIIPrincipalID, "urn:yibao:principal:") || strings.Contains(rc.PIIPrincipalID, "4242") {
			t.Errorf("piiPrincipalId = %q", rc.PIIPrincipalID)
		}
		if _, again, _ := r.Issue(ctx, uid, i18n.ZH); again.PIIPrincipalID != rc.PIIPrincipalID || again.ConsentReceiptID == rc.ConsentReceiptID {
			t.Errorf("second receipt: principal %q, id %q", again.PIIPrincipalID, again.ConsentReceiptID)
		}
		// Purposes in force: terms, health data, personalisation and analytics (defaults),
		// logistics (notice); marketing was withdrawn and is listed as not in force.
		var keys []string
		for _, p := range rc.Services[0].Purposes {
			keys = append(keys, p.PurposeKey)
			for _, f := range []string{p.Purpose, p.ConsentType, p.Termination} {
				if f == "" || strings.HasPrefix(f, "consent.") {
					t.Errorf("purpose %s has an empty or untranslated field: %+v", p.PurposeKey, p)
				}
			}
			if len(p.PurposeCategory) == 0 || p.PurposeCategory[0] == "" || len(p.PIICategory) == 0 {
				t.Errorf("purpose %s has no category: %+v", p.PurposeKey, p)
			}
		}
		if strings.Join(keys, ",") != "terms,health_data,personalization,analytics,logistics_sharing" {
			t.Errorf("purposes in force = %v", keys)
		}
		if len(rc.NotInForce) != 1 || rc.NotInForce[0].PurposeKey != models.PurposeMarketing || rc.NotInForce[0].Decision != models.DecisionWithdrawn {
			t.Errorf("not in force = %+v", rc.NotInForce)
		}
		if len(rc.RecordIDs) != 3 {
			t.Errorf("record ids = %v", rc.RecordIDs)
		}

		if chk := r.Verify(file); !chk.Valid || chk.Receipt.ConsentReceiptID != rc.ConsentReceiptID {
			t.Fatalf("issued receipt: %+v", chk)
		}
		// The bare token verifies too.
		if chk := r.Verify([]byte(m["jwt"].(string))); !chk.Valid {
			t.Errorf("bare token: %+v", chk)
		}
	})
}

// A tampered receipt fails, saying why.
func TestTamperedConsentReceiptFails(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		ctx := context.Background()
		c, a, _, clock := consentsFixture(t, g)
		publishPolicy(t, g, "2026-01", time.Now().Add(-time.Hour))
		change(t, c, 9, models.PurposeMarketing, false)
		r := receiptsFixture(a, clock)
		file, _, err := r.Issue(ctx, 9, i18n.ZH)
		if err != nil {
			t.Fatal(err)
		}
		edit := func(fn func(m map[string]any)) []byte {
			var m map[string]any
			json.Unmarshal(file, &m)
			fn(m)
			b, _ := json.Marshal(m)
			return b
		}
		compact := func() string {
			var m map[string]any
			json.Unmarshal(file, &m)
			return m["jwt"].(string)
		}()
		parts := strings.Split(compact, ".")
		payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
		forged := strings.Replace(string(payload), `"sensitive":false`, `"sensitive":true`, 1)
		if forged == string(payload) {
			t.Fatal("test payload has no sensitive:false")
		}
		forgedToken := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(forged)) + "." + parts[2]

		otherG := dbtest.Open(t, d)
		_, otherA, _, otherClock := consentsFixture(t, otherG)
		otherFile, _, err := receiptsFixture(otherA, otherClock).Issue(ctx, 9, i18n.ZH)
		if err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name   string
			data   []byte
			reason string
			fields string
		}{
			{"policy hash edited", edit(func(m map[string]any) { m["policySha256"] = strings.Repeat("a", 64) }), models.ReceiptAltered, "policySha256"},
			{"purpose added", edit(func(m map[string]any) {
				svc := m["services"].([]any)[0].(map[string]any)
				svc["purposes"] = append(svc["purposes"].([]any), map[string]any{"purposeKey": "marketing"})
			}), models.ReceiptAltered, "services"},
			{"field removed", edit(func(m map[string]any) { delete(m, "notInForce") }), models.ReceiptAltered, "notInForce"},
			{"field added", edit(func(m map[string]any) { m["note"] = "x" }), models.ReceiptAltered, "note"},
			{"token payload forged", edit(func(m map[string]any) { m["jwt"] = forgedToken; m["sensitive"] = true }), models.ReceiptBadSig, ""},
			{"signature removed", edit(func(m map[string]any) { delete(m, "jwt") }), models.ReceiptUnsigned, ""},
			{"signed by another portal", otherFile, models.ReceiptBadSig, ""},
			{"not JSON", []byte("hello"), models.ReceiptNotJSON, ""},
			{"broken JSON", file[:len(file)/2], models.ReceiptNotJSON, ""},
			{"empty", []byte("  \n"), models.ReceiptEmpty, ""},
			{"too large", []byte("{" + strings.Repeat(" ", models.MaxReceiptSize) + "}"), models.ReceiptTooLarge, ""},
		}
		for _, tc := range cases {
			chk := r.Verify(tc.data)
			if chk.Valid || chk.Reason != tc.reason || strings.Join(chk.Fields, ",") != tc.fields {
				t.Errorf("%s: %+v, want reason %s fields %q", tc.name, chk, tc.reason, tc.fields)
			}
		}
		// Re-indenting or reordering keys is not tampering.
		if chk := r.Verify(edit(func(map[string]any) {})); !chk.Valid {
			t.Errorf("compacted receipt: %+v", chk)
		}
	})
}
