package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/yibao-health/portal/internal/session"
	"github.com/yibao-health/portal/models"
)

// sweepEvery is how often dead sessions and old one-time codes are deleted. Nothing
// depends on it for correctness: both are checked when read.
const sweepEvery = 10 * time.Minute

func sweep(ctx context.Context, log *slog.Logger, sessions *session.Store, accounts *models.Accounts) {
	t := time.NewTicker(sweepEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if n, err := sessions.Sweep(ctx, now); err != nil {
				log.Warn("sweep sessions", "err", err)
			} else if n > 0 {
				log.Info("swept sessions", "count", n)
			}
			if _, err := accounts.Codes.Sweep(ctx); err != nil {
				log.Warn("sweep codes", "err", err)
			}
		}
	}
}

// expireOrdersEvery is how often unpaid orders past their deadline are marked
// expired. Pages already show them expired and refuse to pay them.
const expireOrdersEvery = time.Minute

func expireOrders(ctx context.Context, log *slog.Logger, orders *models.Orders) {
	t := time.NewTicker(expireOrdersEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := orders.ExpireUnpaid(ctx); err != nil {
				log.Warn("expire unpaid orders", "err", err)
			} else if n > 0 {
				log.Info("unpaid orders expired", "count", n)
			}
		}
	}
}
