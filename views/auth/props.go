// Package auth holds the pages of registration, sign-in, two-step verification and
// password reset.
package auth

// LoginProps fill the sign-in form. Login is what the user typed (kept on errors).
type LoginProps struct {
	Login, Next string
	Errors      map[string]string
	Notice      string
}

// MFAProps fill the second-factor form.
type MFAProps struct {
	Errors map[string]string
}

// RegisterProps fill the registration form; Errors maps field names to messages.
type RegisterProps struct {
	Contact, Code, Username string
	Agree                   bool
	Errors                  map[string]string
	Notice                  string
}

// SetupProps fill the MFA enrolment page.
type SetupProps struct {
	QR, Secret string
	Optional   bool // a patient turning on optional MFA
	Errors     map[string]string
	// Action is where the form posts; "" is paths.MFASetup (enrolment at sign-in).
	// A signed-in patient turning MFA on posts to paths.AccountMFASetup.
	Action string
}

// RecoveryProps show freshly made recovery codes once.
type RecoveryProps struct {
	Codes    []string
	Continue string
}

// ResetProps fill the password-reset form.
type ResetProps struct {
	Contact, Code string
	Errors        map[string]string
	Notice        string
}
