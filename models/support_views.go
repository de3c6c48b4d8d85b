package models

import (
	"context"
	"fmt"
	"slices"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/mask"
)

// supportPage applies the keyset cursor and limit, newest activity first.
func supportPage(q *gorm.DB, after *SupportCursor) *gorm.DB {
	if after != nil {
		q = q.Where("updated_at < ? OR (updated_at = ? AND id < ?)", after.At, after.At, after.ID)
	}
	return q.Order("updated_at DESC, id DESC").Limit(SupportPage + 1)
}

// summaries decrypts a page of rows and adds order numbers and whether support
// answered last: three queries whatever the page size.
func (s *Support) summaries(ctx context.Context, rows []SupportConversation) ([]SupportSummary, *SupportCursor, error) {
	var next *SupportCursor
	if len(rows) > SupportPage {
		rows = rows[:SupportPage]
		last := rows[SupportPage-1]
		next = &SupportCursor{At: last.UpdatedAt, ID: last.ID}
	}
	g := s.DB.WithContext(ctx)
	var orderIDs, convIDs []int64
	for _, r := range rows {
		convIDs = append(convIDs, r.ID)
		if r.OrderID != nil {
			orderIDs = append(orderIDs, *r.OrderID)
		}
	}
	orderNos := map[int64]string{}
	if len(orderIDs) > 0 {
		var os []Order
		if err := g.Select("id, order_no").Where("id IN ?", orderIDs).Find(&os).Error; err != nil {
			return nil, nil, fmt.Errorf("support: orders: %w", err)
		}
		for _, o := range os {
			orderNos[o.ID] = o.OrderNo
		}
	}
	answered := map[int64]bool{}
	if len(convIDs) > 0 {
		var last []SupportMessage
		err := g.Select("conversation_id, from_staff").Where("id IN (?)",
			g.Model(&SupportMessage{}).Select("MAX(id)").Where("conversation_id IN ?", convIDs).Group("conversation_id")).Find(&last).Error
		if err != nil {
			return nil, nil, fmt.Errorf("support: last messages: %w", err)
		}
		for _, m := range last {
			answered[m.ConversationID] = m.FromStaff
		}
	}
	out := make([]SupportSummary, len(rows))
	for i := range rows {
		sum, err := s.summary(&rows[i])
		if err != nil {
			return nil, nil, err
		}
		if rows[i].OrderID != nil {
			sum.OrderNo = orderNos[*rows[i].OrderID]
		}
		sum.Answered = answered[rows[i].ID]
		out[i] = sum
	}
	return out, next, nil
}

func (s *Support) summary(c *SupportConversation) (SupportSummary, error) {
	subject, err := s.Accounts.Open("support_conversations", "subject", c.ID, c.UserID, &c.SubjectEnc)
	if err != nil {
		return SupportSummary{}, err
	}
	return SupportSummary{ID: c.ID, UserID: c.UserID, OrderID: c.OrderID, Subject: subject, Status: c.Status,
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}, nil
}

// PatientConversations returns a page of patient's own conversations, newest
// activity first.
func (s *Support) PatientConversations(ctx context.Context, patient *User, after *SupportCursor) ([]SupportSummary, *SupportCursor, error) {
	if patient == nil || patient.Kind != KindPatient {
		return nil, nil, NotFound("")
	}
	var rows []SupportConversation
	if err := supportPage(s.DB.WithContext(ctx).Where("user_id = ?", patient.ID), after).Find(&rows).Error; err != nil {
		return nil, nil, fmt.Errorf("support: list: %w", err)
	}
	return s.summaries(ctx, rows)
}

// SupportQueue is one page of conversations in one state, with the counts.
type SupportQueue struct {
	Status string
	Counts map[string]int64
	Items  []SupportSummary
	Next   *SupportCursor
}

// StaffQueue returns the conversations in status (open when ""), newest activity
// first, with the count of each state; support staff only.
func (s *Support) StaffQueue(ctx context.Context, staff *User, status string, after *SupportCursor) (*SupportQueue, error) {
	if !staffCan(staff, CapSupport) {
		return nil, NotFound("")
	}
	if status == "" {
		status = SupportOpen
	}
	if !slices.Contains(SupportStatuses, status) {
		return nil, Invalid("status", "support.queue.status")
	}
	g := s.DB.WithContext(ctx)
	q := &SupportQueue{Status: status, Counts: map[string]int64{}}
	var counts []struct {
		Status string
		N      int64
	}
	if err := g.Model(&SupportConversation{}).Select("status, COUNT(*) AS n").Group("status").Scan(&counts).Error; err != nil {
		return nil, fmt.Errorf("support: counts: %w", err)
	}
	for _, c := range counts {
		q.Counts[c.Status] = c.N
	}
	var rows []SupportConversation
	if err := supportPage(g.Where("status = ?", status), after).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("support: queue: %w", err)
	}
	var err error
	q.Items, q.Next, err = s.summaries(ctx, rows)
	return q, err
}

// Conversation returns conversation id with its newest MaxSupportThread
// messages, oldest first: the patient's own, or any for support staff; NotFound
// for everyone else.
func (s *Support) Conversation(ctx context.Context, u *User, id int64) (*SupportThread, error) {
	g := s.DB.WithContext(ctx)
	c, err := supportParticipant(g, u, id)
	if err != nil {
		return nil, err
	}
	sums, _, err := s.summaries(ctx, []SupportConversation{*c})
	if err != nil {
		return nil, err
	}
	t := &SupportThread{SupportSummary: sums[0]}
	var rows []SupportMessage
	if err := g.Where("conversation_id = ?", c.ID).Order("id DESC").Limit(MaxSupportThread + 1).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("support: thread: %w", err)
	}
	if len(rows) > MaxSupportThread {
		rows, t.Earlier = rows[:MaxSupportThread], true
	}
	t.Messages = make([]SupportMessageView, len(rows))
	for i, m := range rows {
		body, err := s.Accounts.Open("support_messages", "body", m.ID, c.UserID, &m.BodyEnc)
		if err != nil {
			return nil, err
		}
		t.Messages[len(rows)-1-i] = SupportMessageView{ID: m.ID, FromStaff: m.FromStaff, Body: body, CreatedAt: m.CreatedAt}
	}
	return t, nil
}

// SupportPatient is who a conversation's patient is, as support staff see them:
// masked name ("" when none is on file) and masked phone.
type SupportPatient struct{ Name, Phone string }

// MaskedPatient returns the masked name and phone of userID for support staff.
func (s *Support) MaskedPatient(ctx context.Context, staff *User, userID int64) (SupportPatient, error) {
	if !staffCan(staff, CapSupport) {
		return SupportPatient{}, NotFound("")
	}
	u, err := s.Accounts.User(ctx, userID)
	if err != nil {
		return SupportPatient{}, err
	}
	var out SupportPatient
	phone, _, err := s.Accounts.Contacts(u)
	if err != nil {
		return out, err
	}
	if phone != "" {
		out.Phone = mask.Phone(phone)
	}
	var ids []Identity
	if err := s.DB.WithContext(ctx).Where("user_id = ?", userID).Limit(1).Find(&ids).Error; err != nil {
		return out, fmt.Errorf("support: identity: %w", err)
	}
	if len(ids) == 1 {
		name, err := s.Accounts.Open("identities", "real_name", userID, userID, ids[0].RealNameEnc)
		if err != nil {
			return out, err
		}
		if name != "" {
			out.Name = mask.Name(name)
		}
	}
	return out, nil
}
