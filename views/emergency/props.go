// Package emergency holds break-glass access pages (issue 6): the doctor's request
// form with their recent accesses, the doctor's time-boxed view of a patient's
// critical items, and the privacy officer's review queue and review page. Codes
// (reasons, review states, item types) arrive raw and are translated here.
package emergency

import (
	"time"

	"github.com/yibao-health/portal/internal/i18n"
)

// FormProps fill the request form with what was typed (a refused request keeps
// it), the reason codes and the doctor's recent accesses.
type FormProps struct {
	Identifier, Reason, Justification string
	Errors                            map[string]string
	Reasons                           []string
	MinJustification                  int
	MaxJustification                  int
	Window                            time.Duration
	Recent                            []Recent
}

// Recent is one of the doctor's recent accesses. Patient is the masked name while
// the access is open, "" after.
type Recent struct {
	ID                   int64
	Reason               string
	CreatedAt, ExpiresAt time.Time
	Open                 bool
	ReviewStatus         string
	Patient              string
}

// ViewProps fill the doctor's view of an open access: the masked patient and the
// critical items only.
type ViewProps struct {
	ID                   int64
	Reason               string
	CreatedAt, ExpiresAt time.Time
	RemainingMinutes     int
	PatientName          string
	Age                  int    // 0 unknown
	Gender               string // code, "" unknown
	Diagnoses            []Diagnosis
	Allergies            []Allergy
	Histories            []History // the four histories, in order, "" when not given
}

// Diagnosis is one diagnosis of the patient.
type Diagnosis struct{ Name, Date, Status string }

// Allergy is one drug allergy of the patient.
type Allergy struct{ Substance, Reaction, Severity string }

// History is one history (code past_history, …) and its text.
type History struct{ Code, Text string }

// QueueProps fill the review queue: the status tab, the counts, one page.
type QueueProps struct {
	Status   string
	Statuses []string
	Counts   map[string]int64
	Rows     []QueueRow
	Next     string // URL of the next page, "" on the last
	First    string // URL of the first page when this is not it
}

// QueueRow is one access in the queue.
type QueueRow struct {
	ID                   int64
	Doctor, DoctorDetail string
	Patient              string // masked
	Reason, Status       string
	CreatedAt, ExpiresAt time.Time
}

// ReviewProps fill one access under review and, while pending, the decision form
// (with the typed note and its errors after a refusal).
type ReviewProps struct {
	QueueRow
	Justification string
	ReviewNote    string
	ReviewedAt    *time.Time
	Reads         []Read
	MoreReads     bool
	Pending       bool
	Decisions     []string
	Note          string
	MaxNote       int
	Errors        map[string]string
	Notice        string
}

// Read is one logged read under the access.
type Read struct {
	At       time.Time
	ItemType string
}

func shortTime(t time.Time) string { return i18n.ShortTime(t) }

const linkClass = "font-medium text-brand-800 underline underline-offset-4 hover:text-brand-950 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-700"
