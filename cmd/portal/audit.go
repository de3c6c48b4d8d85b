package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/yibao-health/portal/internal/config"
	"github.com/yibao-health/portal/models"
)

// errAuditBroken makes `portal audit verify` exit non-zero when the chain is broken.
var errAuditBroken = errors.New("audit log verification failed")

func runAudit(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		return errors.New("usage: portal audit verify [flags]")
	}
	rt, closeDB, err := setup(ctx, "audit verify", args[1:], out)
	if err != nil {
		return err
	}
	defer closeDB()
	g := rt.db
	res, err := models.VerifyAudit(ctx, g)
	if err != nil {
		return err
	}
	if !res.OK {
		fmt.Fprintf(out, "BROKEN after checking %d row(s): %s\n", res.Rows, res.Reason)
		return errAuditBroken
	}
	fmt.Fprintf(out, "OK: %d row(s), hash chain intact\n", res.Rows)
	return nil
}

func runKeys(ctx context.Context, args []string, out io.Writer) error {
	if len(args) > 0 && args[0] == "rotate" {
		return runKeysRotate(ctx, args[1:], out)
	}
	if len(args) != 1 || args[0] != "generate" {
		return errors.New("usage: portal keys generate | portal keys rotate [flags]")
	}
	fmt.Fprintf(out, "PORTAL_MASTER_KEY=%s\nPORTAL_SESSION_KEYS=%s\n", config.NewKey(), config.NewKey())
	return nil
}
