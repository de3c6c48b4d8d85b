package paths

import "strconv"

// Doctor applications and their review (issue 3). DoctorApply, DoctorStatus and
// Clinic are in paths.go.
const (
	DoctorApplyCode = "/doctor/apply/code"      // the application form's "send code" button
	DoctorApplied   = "/doctor/apply/submitted" // what happens next, after a successful application
	StaffDoctors    = "/staff/doctors"          // admins' queue of applications
)

// StaffDoctor is an application's review page.
func StaffDoctor(id int64) string { return StaffDoctors + "/" + strconv.FormatInt(id, 10) }

// StaffDoctorLicence serves an applicant's licence document to admins.
func StaffDoctorLicence(id int64) string { return StaffDoctor(id) + "/licence" }

// StaffDoctorAction is where a review decision (verify, reject, suspend,
// reinstate) is posted.
func StaffDoctorAction(id int64, action string) string { return StaffDoctor(id) + "/" + action }
