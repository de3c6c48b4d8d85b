package paths

// The patient's account page and everyone's security settings (issue 3). Account and
// AccountSecurity are in paths.go.
const (
	AccountIdentity       = "/account/identity"        // GET the edit form, POST save it
	AccountIdentityReveal = "/account/identity/reveal" // POST the password: the full ID number, once
	AccountContact        = "/account/contact"         // GET the form, POST confirm with the code
	AccountContactCode    = "/account/contact/code"    // POST the password and the new address: send a code

	AccountPassword      = "/account/security/password"               // POST change the password
	AccountDevices       = "/account/security/devices"                // + "/:id/signout"
	AccountDevicesOthers = "/account/security/devices/signout-others" // POST sign out everywhere else
	AccountMFAStart      = "/account/mfa/start"                       // POST: start enrolment (stores the pending secret)
	AccountMFASetup      = "/account/mfa/setup"                       // GET the QR code, POST the first code
	AccountMFADisable    = "/account/mfa/disable"                     // POST the password (patients only)
	AccountMFARecovery   = "/account/mfa/recovery"                    // POST the password: new recovery codes
)

// AccountDeviceSignOut is where the "sign out" button of one signed-in device posts;
// idHash is the session's opaque handle from the device list, not a token.
func AccountDeviceSignOut(idHash string) string {
	return AccountDevices + "/" + idHash + "/signout"
}
