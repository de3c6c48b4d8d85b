package models_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/internal/testkit/dbtest"
	"github.com/yibao-health/portal/models"
)

var supportActor = models.AuditContext{ActorKind: models.ActorPatient, RequestID: "req-support"}

func newStaff(t *testing.T, a *models.Accounts, email string, caps ...string) *models.User {
	t.Helper()
	u, err := a.CreateAccount(context.Background(), models.NewAccount{Kind: models.KindStaff, Email: email,
		Password: "Demo-Pass-2026", TOTPSecret: "JBSWY3DPEHPK3PXP", Caps: caps}, models.AuditContext{ActorKind: models.ActorSystem})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// policy: C2.2.2-3 — a conversation belongs to its patient and to support staff:
// another patient, a doctor and staff without support find nothing; texts are
// sealed (no plaintext in the rows); replies and closing keep every message.
func TestSupportConversations(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, _ db.Dialect) {
		ctx := context.Background()
		e := newOrderEnv(t, g)
		s := &models.Support{DB: g, Accounts: e.acc, Now: e.clock.now}
		officer := newStaff(t, e.acc, "po@example.com", models.CapPrivacyOfficer, models.CapAdmin)
		doctor, err := e.acc.CreateAccount(ctx, models.NewAccount{Kind: models.KindDoctor, Phone: "13800009003",
			Password: identityPassword}, models.AuditContext{ActorKind: models.ActorSystem})
		if err != nil {
			t.Fatal(err)
		}
		mine := e.checkout(t, e.patient, models.NewIdempotencyKey())
		theirs := e.checkout(t, e.other, models.NewIdempotencyKey())

		// Only the patient's own order may be linked; another's is NotFound and stores nothing.
		if _, err := s.OpenConversation(ctx, e.patient, "订单问题", "请问什么时候发货？", &theirs, supportActor); !models.IsNotFound(err) {
			t.Fatalf("linked another's order: %v", err)
		}
		if n := countRows(t, g, "support_conversations", ""); n != 0 {
			t.Fatalf("%d conversations after a refused open", n)
		}
		if _, err := s.OpenConversation(ctx, e.patient, " ", strings.Repeat("字", models.MaxSupportMessage+1), nil, supportActor); err == nil {
			t.Fatal("empty subject and long message accepted")
		} else if f := models.FieldErrors(err); f["subject"] == nil || f["body"] == nil {
			t.Fatalf("field errors %v", f)
		}
		id, err := s.OpenConversation(ctx, e.patient, "订单问题 canary-subject", "请问什么时候发货？canary-body", &mine, supportActor)
		if err != nil {
			t.Fatal(err)
		}
		var conv models.SupportConversation
		g.First(&conv, id)
		var msg models.SupportMessage
		g.Where("conversation_id = ?", id).First(&msg)
		if strings.Contains(conv.SubjectEnc, "canary") || strings.Contains(msg.BodyEnc, "canary") || conv.SubjectEnc == "-" || msg.BodyEnc == "-" {
			t.Fatalf("texts not sealed: %q %q", conv.SubjectEnc, msg.BodyEnc)
		}

		for name, u := range map[string]*models.User{"other patient": e.other, "doctor": doctor, "staff without support": officer} {
			if _, err := s.Conversation(ctx, u, id); !models.IsNotFound(err) {
				t.Errorf("%s reads the conversation: %v", name, err)
			}
			if err := s.Reply(ctx, u, id, "hello", supportActor); !models.IsNotFound(err) {
				t.Errorf("%s replies: %v", name, err)
			}
			if err := s.Close(ctx, u, id, supportActor); !models.IsNotFound(err) {
				t.Errorf("%s closes: %v", name, err)
			}
		}
		if _, err := s.StaffQueue(ctx, officer, "", nil); !models.IsNotFound(err) {
			t.Errorf("staff without support sees the queue: %v", err)
		}
		if list, _, _ := s.PatientConversations(ctx, e.other, nil); len(list) != 0 {
			t.Errorf("other patient lists %d conversations", len(list))
		}

		notices := countRows(t, g, "notifications", "user_id = ?", e.patient.ID)
		e.clock.advance(time.Minute)
		if err := s.Reply(ctx, e.support, id, "今天下午发货。", supportActor); err != nil {
			t.Fatal(err)
		}
		if n := countRows(t, g, "notifications", "user_id = ?", e.patient.ID); n != notices+1 {
			t.Errorf("patient notices %d → %d after a staff reply", notices, n)
		}
		var inbox models.Notification
		g.Where("user_id = ?", e.patient.ID).Order("id DESC").First(&inbox)
		if strings.Contains(inbox.Body, "今天下午") || strings.Contains(inbox.Subject, "今天下午") {
			t.Error("the notice carries the reply's text")
		}
		if err := s.Reply(ctx, e.patient, id, "谢谢", supportActor); err != nil {
			t.Fatal(err)
		}
		q, err := s.StaffQueue(ctx, e.support, models.SupportOpen, nil)
		if err != nil || len(q.Items) != 1 || q.Items[0].OrderNo == "" || q.Items[0].Answered || q.Counts[models.SupportOpen] != 1 {
			t.Fatalf("queue %+v, %v", q, err)
		}
		if err := s.Close(ctx, e.patient, id, supportActor); err != nil {
			t.Fatal(err)
		}
		if err := s.Reply(ctx, e.patient, id, "还有一个问题", supportActor); models.AsError(err) == nil || models.AsError(err).Kind != models.KindConflict {
			t.Fatalf("patient replied to a closed conversation: %v", err)
		}
		th, err := s.Conversation(ctx, e.patient, id)
		if err != nil {
			t.Fatal(err)
		}
		if th.Status != models.SupportClosed || len(th.Messages) != 3 || th.Messages[0].Body != "请问什么时候发货？canary-body" ||
			!th.Messages[1].FromStaff || th.Messages[2].Body != "谢谢" || th.Subject != "订单问题 canary-subject" {
			t.Fatalf("history after close: %+v", th)
		}
		if q, _ := s.StaffQueue(ctx, e.support, models.SupportClosed, nil); len(q.Items) != 1 || q.Counts[models.SupportClosed] != 1 {
			t.Fatalf("closed queue %+v", q)
		}
		// A staff follow-up reopens the conversation; nothing is lost.
		if err := s.Reply(ctx, e.support, id, "补充说明", supportActor); err != nil {
			t.Fatal(err)
		}
		if th, _ := s.Conversation(ctx, e.support, id); th.Status != models.SupportOpen || len(th.Messages) != 4 || !th.Answered {
			t.Fatalf("after follow-up: %+v", th)
		}
		for _, action := range []string{models.AuditSupportOpen, models.AuditSupportReply, models.AuditSupportClose} {
			if n := countRows(t, g, "audit_log", "action = ?", action); n == 0 {
				t.Errorf("no audit row %s", action)
			}
		}
		if n := countRows(t, g, "audit_log", "details LIKE ? OR details LIKE ?", "%谢谢%", "%canary%"); n != 0 {
			t.Error("audit details carry a text")
		}
	})
}

// The lists page by newest activity with a keyset cursor.
func TestSupportPaging(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, _ db.Dialect) {
		ctx := context.Background()
		e := newOrderEnv(t, g)
		s := &models.Support{DB: g, Accounts: e.acc, Now: e.clock.now}
		var ids []int64
		for range models.SupportPage + 3 {
			e.clock.advance(time.Second)
			id, err := s.OpenConversation(ctx, e.patient, "问题", "内容", nil, supportActor)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		page1, next, err := s.PatientConversations(ctx, e.patient, nil)
		if err != nil || len(page1) != models.SupportPage || next == nil || page1[0].ID != ids[len(ids)-1] {
			t.Fatalf("page 1: %d rows, next %v, %v", len(page1), next, err)
		}
		page2, next2, err := s.PatientConversations(ctx, e.patient, models.ParseConsultationCursor(next.String()))
		if err != nil || len(page2) != 3 || next2 != nil || page2[2].ID != ids[0] {
			t.Fatalf("page 2: %d rows, next %v, %v", len(page2), next2, err)
		}
		q, err := s.StaffQueue(ctx, e.support, "", next)
		if err != nil || len(q.Items) != 3 {
			t.Fatalf("staff page 2: %+v %v", q, err)
		}
	})
}

// The after-sale queue lists requests by state, open ones oldest first, without texts.
func TestAfterSaleQueue(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, _ db.Dialect) {
		ctx := context.Background()
		e := newOrderEnv(t, g)
		officer := newStaff(t, e.acc, "po@example.com", models.CapPrivacyOfficer)
		var reqs []int64
		for i := range 2 {
			id := e.checkout(t, e.patient, models.NewIdempotencyKey())
			if err := e.orders.HandlePaymentNotice(ctx, e.sim.Name(), e.notice(t, id, 79800, true, "N"+string(rune('A'+i)))); err != nil {
				t.Fatal(err)
			}
			r, err := e.orders.RequestAfterSale(ctx, e.patient, id, models.AfterSaleRefund, "不想要了", shopActor)
			if err != nil {
				t.Fatal(err)
			}
			reqs = append(reqs, r)
		}
		if _, _, err := e.orders.AfterSaleQueue(ctx, officer, "", 0); !models.IsNotFound(err) {
			t.Fatalf("staff without support: %v", err)
		}
		rows, next, err := e.orders.AfterSaleQueue(ctx, e.support, "", 0)
		if err != nil || len(rows) != 2 || next != 0 || rows[0].ID != reqs[0] || rows[0].OrderNo == "" || rows[0].CreatedAt.IsZero() {
			t.Fatalf("open queue %+v %v", rows, err)
		}
		if err := e.orders.ResolveAfterSale(ctx, e.support, reqs[0], true, "已退款", shopActor); err != nil {
			t.Fatal(err)
		}
		if rows, _, _ := e.orders.AfterSaleQueue(ctx, e.support, models.AfterSaleApproved, 0); len(rows) != 1 || rows[0].ID != reqs[0] {
			t.Fatalf("approved queue %+v", rows)
		}
		if rows, _, _ := e.orders.AfterSaleQueue(ctx, e.support, models.AfterSaleOpen, reqs[0]); len(rows) != 1 || rows[0].ID != reqs[1] {
			t.Fatalf("open after cursor %+v", rows)
		}
		if _, _, err := e.orders.AfterSaleQueue(ctx, e.support, "bogus", 0); err == nil {
			t.Fatal("bogus status accepted")
		}
	})
}
