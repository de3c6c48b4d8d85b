package paths

import "net/url"

// Consents (issue 4): the patient's "My consents" page with its two-step changes,
// the just-in-time health-data consent, and signed consent receipts.
const (
	AccountConsents       = "/account/consents"         // GET the purposes, their state and history
	AccountConsentReceipt = "/account/consents/receipt" // GET the signed receipt (JSON download)
	ConsentHealth         = "/consents/health"          // GET the explanation, POST the decision (?next=)
	ReceiptKeys           = "/privacy/receipts/key"     // GET the receipt signing keys (JWK set)
	ReceiptVerify         = "/privacy/receipts/verify"  // GET the form, POST a receipt: valid or why not
)

// AccountConsentChange is where a purpose's withdraw/grant button posts; the
// answer is the confirmation page, which records nothing.
func AccountConsentChange(purpose string) string { return AccountConsents + "/" + purpose }

// AccountConsentConfirm is where the confirmation page posts; it records.
func AccountConsentConfirm(purpose string) string { return AccountConsentChange(purpose) + "/confirm" }

// ConsentHealthNext is the health-data consent page that continues to next (a path
// on this site) once the user has decided.
func ConsentHealthNext(next string) string {
	if next == "" {
		return ConsentHealth
	}
	return ConsentHealth + "?next=" + url.QueryEscape(next)
}
