// Package doctor holds the doctor's pages: the application form, what happens after
// it, the application status and the clinic.
package doctor

import (
	"context"
	"time"

	"github.com/yibao-health/portal/internal/i18n"
	"github.com/yibao-health/portal/views/components"
)

// ApplyProps fill the application form with what was typed (never the password or
// the file); Errors maps field names to messages ("" for the form).
type ApplyProps struct {
	Contact, Code, Username                                         string
	RealName, Hospital, Department, Title, Specialty, LicenceNumber string
	Agree                                                           bool
	Errors                                                          map[string]string
	Notice                                                          string
	// Titles are the professional title codes in display order; MaxMB the file limit.
	Titles []string
	MaxMB  int
}

// StatusProps fill the application status page. Status is "" when there is no
// application; Reason is the administrator's note for rejected or suspended ones.
type StatusProps struct {
	Status, Reason                        string
	RealName, Hospital, Department, Title string
	AppliedAt                             time.Time
	Notice                                string
}

// titleOptions are the select's options: a prompt, then each title.
func titleOptions(ctx context.Context, codes []string) []components.Option {
	out := []components.Option{{Value: "", Label: i18n.T(ctx, "doctor.apply.job_title_choose")}}
	for _, c := range codes {
		out = append(out, components.Option{Value: c, Label: i18n.T(ctx, "doctor.title."+c)})
	}
	return out
}

// shortTime shows t as "2026-01-02 15:04" China time.
func shortTime(t time.Time) string { return i18n.ShortTime(t) }

const linkClass = "font-medium text-brand-800 underline underline-offset-4 hover:text-brand-950 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-700"

const buttonLinkClass = "inline-flex min-h-11 items-center justify-center gap-2 rounded-md bg-brand-700 px-5 py-2.5 font-semibold text-white shadow-sm hover:bg-brand-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-700"
