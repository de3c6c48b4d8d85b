package handlers

import (
	"net/http"

	"github.com/yibao-health/portal/internal/paths"
)

// gateRoutes declares the routes of the gate area (issue 4): the re-consent review
// and its decisions, the banner's dismissal, the public comparison of versions and
// the privacy officer's consent statistics. The review pages are the gate's own
// exits, so they are exempt from it.
func (a *App) gateRoutes() {
	a.route(http.MethodGet, paths.PolicyReview, Account, a.showReview, GateExempt)
	a.route(http.MethodPost, paths.PolicyReviewAccept, Account, a.acceptPolicy, GateExempt)
	a.route(http.MethodPost, paths.PolicyReviewDecline, Account, a.declinePolicy, GateExempt)
	a.route(http.MethodGet, paths.PolicyDeclined, Account, a.showDeclined, GateExempt)
	a.route(http.MethodPost, paths.PolicyNotice, Account, a.dismissNotice, GateExempt)
	a.route(http.MethodGet, paths.PolicyCompare, Public, a.policyCompare, GateExempt)
	a.route(http.MethodGet, paths.StaffPrivacyStats, Staff("privacy_officer"), a.privacyStats)
}
