// Package staffdoctors holds the admins' review of doctor applications: the queue
// and one application with its licence document and the decisions.
package staffdoctors

import (
	"time"

	"github.com/yibao-health/portal/internal/i18n"
	"github.com/yibao-health/portal/internal/paths"
)

// QueueRow is one application in the queue. Name is masked (张*): the list only
// needs to tell rows apart; the review page shows the full profile.
type QueueRow struct {
	ID                                int64
	Name, Hospital, Department, Title string
	AppliedAt                         time.Time
}

// QueueProps fill the queue page: the status shown, every status for the filter,
// the rows, and the query of the next page ("" on the last one).
type QueueProps struct {
	Status   string
	Statuses []string
	Rows     []QueueRow
	Next     string // cursor of the next page
	Paged    bool   // this is not the first page
}

// nextURL is the link to the following page of the same status.
func (p QueueProps) nextURL() string {
	return paths.StaffDoctors + "?status=" + p.Status + "&after=" + p.Next
}

// filterURL is the first page of status.
func filterURL(status string) string { return paths.StaffDoctors + "?status=" + status }

// DetailProps fill one application's review page. Phone and Email are masked.
// Actions are the decisions the current status allows, in display order.
type DetailProps struct {
	ID                                                              int64
	Status, Reason                                                  string
	RealName, Hospital, Department, Title, Specialty, LicenceNumber string
	Phone, Email                                                    string
	AppliedAt                                                       time.Time
	ReviewedAt                                                      *time.Time
	LicenceType                                                     string // "" when none is stored
	LicenceKB                                                       int64
	Actions                                                         []string
	NeedsReason                                                     func(action string) bool
	MinReason, MaxReason                                            int
	// ReasonValue is the note typed into a refused decision; Errors its messages.
	ReasonValue string
	Errors      map[string]string
	Notice      string
}

// isImage reports whether the licence can be shown inline as an <img>.
func (p DetailProps) isImage() bool {
	return p.LicenceType == "image/jpeg" || p.LicenceType == "image/png" || p.LicenceType == "image/webp"
}

// shortTime shows t as "2026-01-02 15:04" China time.
func shortTime(t time.Time) string { return i18n.ShortTime(t) }

const linkClass = "font-medium text-brand-800 underline underline-offset-4 hover:text-brand-950 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-700"
