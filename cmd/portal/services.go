package main

import (
	"context"
	goruntime "runtime"

	"github.com/yibao-health/portal/internal/keys"
	"github.com/yibao-health/portal/internal/password"
	"github.com/yibao-health/portal/models"
)

// newAccounts opens the keyring and builds the account domain. The hasher runs at
// most HashConcurrency argon2id hashes at once (default: one per CPU), which bounds
// the memory a burst of sign-ins can take to that many times 19 MiB.
func newAccounts(ctx context.Context, rt *runtime, notifier *models.Notifier) (*models.Accounts, error) {
	kr, err := keys.Open(ctx, rt.db, rt.cfg.Secrets.MasterKey)
	if err != nil {
		return nil, err
	}
	n := rt.cfg.HashConcurrency
	if n == 0 {
		n = goruntime.NumCPU()
	}
	return models.NewAccounts(rt.db, kr, password.New(password.DefaultParams, n), notifier, nil), nil
}
