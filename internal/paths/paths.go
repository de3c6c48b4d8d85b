// Package paths names the portal's URLs in one place, so views can link to routes
// without importing handlers.
package paths

// Public pages and endpoints.
const (
	Home     = "/"
	Privacy  = "/privacy"
	Lang     = "/lang"
	Healthz  = "/healthz"
	Readyz   = "/readyz"
	Static   = "/static"
	DevInbox = "/dev/outbox"
)

// Accounts and sign-in (issue 3). The first five are a stable contract.
const (
	Login          = "/login"
	LoginMFA       = "/login/mfa"
	Logout         = "/logout"
	Register       = "/register"
	RegisterCode   = "/register/code"
	MFASetup       = "/mfa/setup"
	PasswordForgot = "/password/forgot"
	PasswordReset  = "/password/reset"
	Enroll         = "/enroll" // + "/:token": an invited staff member's one-time link
)

// Signed-in areas.
const (
	Account         = "/account"
	AccountSecurity = "/account/security"
	DoctorApply     = "/doctor/apply"
	DoctorStatus    = "/doctor/application"
	Clinic          = "/clinic"
	Staff           = "/staff"
)
