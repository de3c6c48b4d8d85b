// Package staff holds the staff console's pages (issue 3, "Staff"): the console's
// start page, the staff list, invitations, finding an account and acting on it, and
// the invitee's enrolment page.
package staff

import (
	"context"
	"strings"
	"time"

	"github.com/yibao-health/portal/internal/i18n"
)

// Capabilities are the staff capability codes in display order (models.Capabilities;
// views do not import models).
var Capabilities = []string{"support", "privacy_officer", "admin"}

// ConsoleProps fill the console's start page with what the member may do.
type ConsoleProps struct {
	Caps []string
}

// Has reports whether the member holds capability.
func (p ConsoleProps) Has(capability string) bool {
	for _, c := range p.Caps {
		if c == capability {
			return true
		}
	}
	return false
}

// Member is one row of the staff list; Email is masked.
type Member struct {
	ID        int64
	Email     string
	Caps      []string
	Status    string // active or locked
	Invited   bool   // has not used the enrolment link yet
	MFA       bool
	CreatedAt time.Time
	Self      bool
}

// MembersProps fill the staff list.
type MembersProps struct {
	Members []Member
	Notice  string
}

// InviteProps fill the invitation form; Caps are the boxes ticked.
type InviteProps struct {
	Email  string
	Caps   []string
	Errors map[string]string
}

// FindProps fill the find-an-account form.
type FindProps struct {
	Login  string
	Errors map[string]string
}

// Note is one admin action on an account, with the reason given.
type Note struct {
	Action  string // lock, unlock, mfa_reset
	ActorID int64
	At      time.Time
	Reason  string
}

// AccountProps fill the admin page of one account. Phone and Email are masked.
type AccountProps struct {
	ID                       int64
	Kind, Username           string
	Phone, Email             string
	Status                   string
	Caps                     []string
	Invited, MFA, Self       bool
	CreatedAt                time.Time
	Notes                    []Note
	Notice                   string
	CapsForm                 []string // the capability boxes ticked (what was posted, on errors)
	CapsErrors, LockErrors   map[string]string
	UnlockErrors, MFAErrors  map[string]string
	LockReason, UnlockReason string
	MFAReason                string
}

// EnrollProps fill the invitee's page: Email is masked.
type EnrollProps struct {
	Action string // the form's own path (with the token)
	Email  string
	Errors map[string]string
}

// capLabel names a capability in the page's language.
func capLabel(ctx context.Context, c string) string { return i18n.T(ctx, "staff.cap."+c) }

// capsText lists capabilities by name, or "none".
func capsText(ctx context.Context, caps []string) string {
	if len(caps) == 0 {
		return i18n.T(ctx, "staff.caps.none")
	}
	names := make([]string, len(caps))
	for i, c := range caps {
		names[i] = capLabel(ctx, c)
	}
	return strings.Join(names, i18n.T(ctx, "staff.list_sep"))
}

func has(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// dateText shows a time as a date in UTC+8 (the service's time zone).
func dateText(t time.Time) string {
	return i18n.ShortTime(t)
}

// statusLabel names an account status, with "invited" for staff without a password.
func statusLabel(ctx context.Context, status string, invited bool) string {
	if status == "active" && invited {
		return i18n.T(ctx, "staff.status.invited")
	}
	return i18n.T(ctx, "staff.status."+status)
}

// yesNo shows a boolean as yes or no.
func yesNo(ctx context.Context, b bool) string {
	if b {
		return i18n.T(ctx, "staff.yes")
	}
	return i18n.T(ctx, "staff.no")
}

// orDash shows an empty value as "—".
func orDash(ctx context.Context, s string) string {
	if s == "" {
		return i18n.T(ctx, "staff.none")
	}
	return s
}
