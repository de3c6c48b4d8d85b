package paths

import "strconv"

// The staff console's admin pages (issue 3, "Staff"). Staff (the console's start
// page) and Enroll (the invitee's one-time link) are in paths.go; the doctor
// verification queue is in doctor.go.
const (
	StaffMembers  = "/staff/members"  // GET the staff list
	StaffInvite   = "/staff/invite"   // GET the invitation form, POST send it
	StaffAccounts = "/staff/accounts" // GET the find form, POST find an account by phone, e-mail or username
)

// Actions posted about one account (StaffAccountAction).
const (
	StaffActCapabilities = "capabilities" // replace a staff member's capabilities
	StaffActInvitation   = "invitation"   // send a new enrolment link
	StaffActLock         = "lock"
	StaffActUnlock       = "unlock"
	StaffActMFAReset     = "mfa-reset"
)

// StaffAccount is the admin page of one account (any kind).
func StaffAccount(id int64) string { return StaffAccounts + "/" + strconv.FormatInt(id, 10) }

// StaffAccountAction is where an action about account id is posted.
func StaffAccountAction(id int64, action string) string { return StaffAccount(id) + "/" + action }

// EnrollToken is the path of an enrolment link.
func EnrollToken(token string) string { return Enroll + "/" + token }
