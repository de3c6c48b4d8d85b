package main

import (
	"context"
	"fmt"
	"time"

	"github.com/yibao-health/portal/models"
)

// seedDemoConsents records that every demo account accepted the initial policy
// version (models.InitialPolicyVersion), as if each had registered under it; with
// the demo's material revision in force, they then meet the re-consent gate. It is
// safe to run on every start.
func seedDemoConsents(ctx context.Context, accounts *models.Accounts) error {
	pv, err := (&models.Policies{DB: accounts.DB, Now: time.Now}).InitialPolicy(ctx)
	if models.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("demo: initial policy: %w", err)
	}
	for _, n := range demoAccounts() {
		login := n.Phone
		if login == "" {
			login = n.Email
		}
		u, err := accounts.FindByLogin(ctx, login)
		if err != nil || u == nil {
			return fmt.Errorf("demo: find %s: %w", login, err)
		}
		if _, err := models.EnsureTermsAccepted(ctx, accounts.DB, u.ID, pv, accounts.Now()); err != nil {
			return fmt.Errorf("demo: terms of %s: %w", login, err)
		}
	}
	return nil
}
