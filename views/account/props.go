// Package account holds the patient's account page (identity and contact details)
// and the security page every signed-in user has (password, two-step verification,
// signed-in devices).
package account

// OverviewProps fill the account page. Every personal value arrives masked except
// RevealedID, which is set only on the answer to the password form (no-store).
type OverviewProps struct {
	Notice       string
	Identity     IdentitySummary
	Phone, Email string // masked; "" when not set
	RevealedID   string
	RevealErrors map[string]string
}

// IdentitySummary is the identity as the account page lists it: name and birthday
// masked, the ID number masked. Gender and IDType are codes the view translates.
type IdentitySummary struct {
	Stored                     bool
	RealName, Gender, Birthday string
	Birthplace, IDType         string
	IDNumber                   string // masked
}

// IdentityFormProps fill the identity form with what is stored or what was typed.
// The ID number is never put back into the form: IDNumberMasked is shown as a hint
// and an empty field keeps the stored number.
type IdentityFormProps struct {
	RealName, Gender, Birthday, Birthplace, IDType string
	IDNumber                                       string // what was typed and refused
	IDNumberMasked                                 string
	Consent                                        bool
	Errors                                         map[string]string
}

// ContactProps fill the change-of-contact page. CodeSent switches from the first
// step (password and new address) to the second (the code).
type ContactProps struct {
	Phone, Email string // current, masked
	Contact      string // the new address as typed
	CodeSent     bool
	Notice       string
	Errors       map[string]string
}

// SecurityProps fill the security page. Each form has its own errors.
type SecurityProps struct {
	Notice         string
	PasswordErrors map[string]string
	// Patient users may turn two-step verification on and off; for doctors and
	// staff it is mandatory.
	Patient        bool
	MFAEnabled     bool
	DisableErrors  map[string]string
	RecoveryErrors map[string]string
	Devices        []Device
}

// Device is one signed-in session in the device list, already formatted.
type Device struct {
	Label, IP, LastSeen, SignedInAt string
	Current                         bool
	SignOut                         string // where its "sign out" button posts
}
