package handlers

import (
	"net/http"

	"github.com/yibao-health/portal/internal/paths"
)

// accountRoutes are the patient's account page and everyone's security settings.
func (a *App) accountRoutes() {
	// The patient's own identity and contact details.
	a.route(http.MethodGet, paths.Account, Patient, a.showAccount)
	a.route(http.MethodPost, paths.AccountIdentityReveal, Patient, a.revealID)
	a.route(http.MethodGet, paths.AccountIdentity, Patient, a.showIdentity)
	a.route(http.MethodPost, paths.AccountIdentity, Patient, a.saveIdentity)
	a.route(http.MethodGet, paths.AccountContact, Patient, a.showContact)
	a.route(http.MethodPost, paths.AccountContactCode, Patient, a.contactCode)
	a.route(http.MethodPost, paths.AccountContact, Patient, a.changeContact)

	// Security settings of any signed-in user.
	a.route(http.MethodGet, paths.AccountSecurity, Account, a.showSecurity)
	a.route(http.MethodPost, paths.AccountPassword, Account, a.changePassword)
	a.route(http.MethodPost, paths.AccountDevices+"/:id/signout", Account, a.signOutDevice)
	a.route(http.MethodPost, paths.AccountDevicesOthers, Account, a.signOutOthers)
	a.route(http.MethodPost, paths.AccountMFARecovery, Account, a.newRecoveryCodes)

	// Optional two-step verification of patients (mandatory for everyone else).
	a.route(http.MethodPost, paths.AccountMFAStart, Patient, a.startAccountMFA)
	a.route(http.MethodGet, paths.AccountMFASetup, Patient, a.showAccountMFASetup)
	a.route(http.MethodPost, paths.AccountMFASetup, Patient, a.accountMFASetup)
	a.route(http.MethodPost, paths.AccountMFADisable, Patient, a.disableMFA)
}
