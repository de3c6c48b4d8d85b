package handlers

import (
	"net/http"

	"github.com/yibao-health/portal/internal/paths"
)

// consentRoutes declares the routes of the consent area (issue 4).
func (a *App) consentRoutes() {
	// "My consents": state, history, two-step changes (POST shows the confirmation,
	// the confirmation's POST records), the signed receipt.
	a.route(http.MethodGet, paths.AccountConsents, Patient, a.showConsents)
	a.route(http.MethodGet, paths.AccountConsentReceipt, Patient, a.downloadReceipt)
	a.route(http.MethodPost, paths.AccountConsents+"/:purpose", Patient, a.changeConsent)
	a.route(http.MethodPost, paths.AccountConsents+"/:purpose/confirm", Patient, a.confirmConsent)

	// The just-in-time separate consent to process health information.
	a.route(http.MethodGet, paths.ConsentHealth, Patient, a.showHealthConsent)
	a.route(http.MethodPost, paths.ConsentHealth, Patient, a.decideHealthConsent)

	// Anyone can check a receipt, here or with the published keys.
	a.route(http.MethodGet, paths.ReceiptKeys, Public, a.receiptKeys)
	a.route(http.MethodGet, paths.ReceiptVerify, Public, a.showVerify)
	a.route(http.MethodPost, paths.ReceiptVerify, Public, a.verifyReceipt)
}
