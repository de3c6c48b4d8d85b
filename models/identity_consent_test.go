package models_test

import (
	"context"
	"testing"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/internal/testkit/dbtest"
	"github.com/yibao-health/portal/models"
)

// Storing an ID number needs the separate identity_document consent (PIPL art. 29),
// recorded as a consent record; withdrawing it deletes the stored number at once.
// policy: C1.3, C2.2.3-4
func TestIDNumberNeedsItsOwnConsentAndWithdrawalDeletesIt(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		ctx := context.Background()
		a, _, u := identityFixture(t, g)
		actx := models.AuditContext{ActorKind: models.ActorPatient, ActorID: u.ID}
		in := canaryIdentity()
		in.Consent = false
		if err := a.SaveIdentity(ctx, u, in, actx); models.FieldErrors(err)["id_consent"] == nil {
			t.Fatalf("number stored without the separate consent: %v", err)
		}
		in.Consent = true
		in.ConsentContext = models.ConsentContext{Channel: models.ChannelWeb}
		if err := a.SaveIdentity(ctx, u, in, actx); err != nil {
			t.Fatal(err)
		}
		if ok, _ := models.HasConsent(ctx, g, u.ID, models.PurposeIdentityDoc, ""); !ok {
			t.Fatal("no identity_document consent recorded")
		}
		c := models.NewConsents(g, a.Keys, a.Now)
		c.Effects = append(c.Effects, models.ForgetIDNumber)
		token, err := c.ConfirmToken(ctx, u.ID, models.PurposeIdentityDoc, false)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Change(ctx, u.ID, models.PurposeIdentityDoc, false, token, models.ConsentContext{Channel: models.ChannelWeb}); err != nil {
			t.Fatal(err)
		}
		det, err := a.Identity(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		if det.HasIDNumber() || det.IDType != "" {
			t.Fatalf("number kept after withdrawal: %+v", det)
		}
		if det.RealName == "" {
			t.Fatal("withdrawal removed more than the document number")
		}
	})
}
