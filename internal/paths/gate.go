package paths

import "net/url"

// The re-consent gate (issue 4, policy C6.1): where a signed-in user who has not
// accepted the material policy version in force is sent, and what they can post there.
const (
	PolicyReview        = "/privacy/review"          // GET the changes, the diff, the full text; ?next= where they were going
	PolicyReviewAccept  = "/privacy/review/accept"   // POST accept the version in force
	PolicyReviewDecline = "/privacy/review/decline"  // POST decline it
	PolicyDeclined      = "/privacy/review/declined" // GET the exits after declining
	PolicyNotice        = "/privacy/notice"          // POST dismiss the banner of a minor version
)

// The exits a user who declines keeps (invariant 5). Their pages come with later
// issues (data export, account cancellation); the gate already lets them through.
const (
	AccountExport = "/account/export"
	AccountCancel = "/account/cancel"
)

// StaffPrivacyStats is the privacy officer's consent dashboard.
const StaffPrivacyStats = "/staff/privacy/stats"

// PolicyReviewNext is the review page that returns to next afterwards.
func PolicyReviewNext(next string) string {
	if next == "" || next == Home {
		return PolicyReview
	}
	return PolicyReview + "?next=" + url.QueryEscape(next)
}
