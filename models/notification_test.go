package models

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/internal/notify"
	"github.com/yibao-health/portal/internal/testkit/dbtest"
)

func newTestNotifier(g *gorm.DB) (*Notifier, *notify.Recorder, *bytes.Buffer) {
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	rec := notify.NewRecorder(log)
	return NewNotifier(g, rec, rec, log), rec, &logs
}

func inboxMsg(subject string) notify.Message {
	return notify.Message{Channel: notify.Inbox, Subject: subject, Body: "正文", Kind: notify.KindService, Lang: "zh-CN"}
}

func TestNotifierInboxCommitsWithTheChange(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		n, _, _ := newTestNotifier(g)
		ctx := context.Background()
		_ = g.Transaction(func(tx *gorm.DB) error {
			if err := n.Send(ctx, tx, 1, inboxMsg("rolled back")); err != nil {
				t.Fatal(err)
			}
			return errors.New("abort")
		})
		err := g.Transaction(func(tx *gorm.DB) error { return n.Send(ctx, tx, 1, inboxMsg("订单已发货")) })
		if err != nil {
			t.Fatal(err)
		}
		got, err := n.Inbox(ctx, 1, 0, 10)
		if err != nil || len(got) != 1 || got[0].Subject != "订单已发货" || got[0].ReadAt != nil {
			t.Fatalf("inbox = %+v, %v", got, err)
		}
		if c, _ := n.UnreadCount(ctx, 1); c != 1 {
			t.Errorf("unread = %d", c)
		}
		if err := n.MarkRead(ctx, 2, got[0].ID); kindOf(err) != KindNotFound {
			t.Errorf("other user's MarkRead: %v, want NotFound", err)
		}
		for i := 0; i < 2; i++ { // marking twice is fine
			if err := n.MarkRead(ctx, 1, got[0].ID); err != nil {
				t.Fatalf("MarkRead #%d: %v", i+1, err)
			}
		}
		if c, _ := n.UnreadCount(ctx, 1); c != 0 {
			t.Errorf("unread after MarkRead = %d", c)
		}
	})
}

// kindOf is KindOf without the ok flag, for terse assertions.
func kindOf(err error) Kind { k, _ := KindOf(err); return k }

func TestNotifierInboxKeysetPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		n, _, _ := newTestNotifier(g)
		ctx := context.Background()
		err := g.Transaction(func(tx *gorm.DB) error {
			for i := 1; i <= 105; i++ {
				if err := n.Send(ctx, tx, 1, inboxMsg(fmt.Sprint("m", i))); err != nil {
					return err
				}
				if i <= 3 {
					if err := n.Send(ctx, tx, 2, inboxMsg("other")); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		var subjects []string
		before := int64(0)
		for {
			page, err := n.Inbox(ctx, 1, before, 40)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			for _, m := range page {
				subjects = append(subjects, m.Subject)
			}
			before = page[len(page)-1].ID
		}
		if len(subjects) != 105 || subjects[0] != "m105" || subjects[104] != "m1" {
			t.Fatalf("paged %d subjects, first %q last %q", len(subjects), subjects[0], subjects[len(subjects)-1])
		}
		for limit, want := range map[int]int{0: 1, -5: 1, 1000: 100} {
			if page, _ := n.Inbox(ctx, 1, 0, limit); len(page) != want {
				t.Errorf("limit %d gave %d rows, want %d", limit, len(page), want)
			}
		}
	})
}

func TestNotifierEmailAndSMSUseSenders(t *testing.T) {
	g := dbtest.SQLite(t)
	n, rec, logs := newTestNotifier(g)
	ctx := context.Background()
	if err := n.Send(ctx, nil, 1, notify.Message{Channel: notify.SMS, To: "13812341234", Body: "验证码 909090", Kind: notify.KindService}); err != nil {
		t.Fatal(err)
	}
	if err := n.Send(ctx, nil, 1, notify.Message{Channel: notify.Email, To: "bob@example.com", Subject: "Hi", Body: "code 808080", Kind: notify.KindService}); err != nil {
		t.Fatal(err)
	}
	got := rec.Recent()
	if len(got) != 2 || got[0].To != "bob@example.com" || got[1].Body != "验证码 909090" {
		t.Fatalf("recorded = %+v", got)
	}
	for _, secret := range []string{"909090", "808080", "13812341234", "bob@example.com"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("log holds %q:\n%s", secret, logs)
		}
	}
	n.Email = nil
	err := n.Send(ctx, nil, 1, notify.Message{Channel: notify.Email, To: "b@x.cn", Kind: notify.KindService})
	if kindOf(err) != KindUnavailable {
		t.Errorf("no e-mail sender: %v, want Unavailable", err)
	}
	if err := n.Send(ctx, nil, 1, notify.Message{Channel: notify.SMS, To: "1", Kind: "promo"}); err == nil {
		t.Error("unknown kind accepted")
	}
}

func TestNotifierMarketingIsOptIn(t *testing.T) {
	g := dbtest.SQLite(t)
	n, rec, _ := newTestNotifier(g)
	ctx := context.Background()
	promo := notify.Message{Channel: notify.SMS, To: "13812341234", Body: "优惠", Kind: notify.KindMarketing}
	if err := n.Send(ctx, nil, 1, promo); err != nil || len(rec.Recent()) != 0 {
		t.Fatalf("marketing without a preference hook: err %v, sent %d", err, len(rec.Recent()))
	}
	n.MarketingAllowed = func(_ context.Context, _ *gorm.DB, userID int64, ch notify.Channel) (bool, error) {
		return userID == 2 && ch == notify.SMS, nil
	}
	_ = n.Send(ctx, nil, 1, promo)
	_ = n.Send(ctx, nil, 2, promo)
	if got := rec.Recent(); len(got) != 1 {
		t.Fatalf("sent %d marketing messages, want 1 (user 2 only)", len(got))
	}
}
