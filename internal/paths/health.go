package paths

import "strconv"

// The patient's health profile (issue 5): the overview, the editor (under the
// separate health-data consent) and the history of saved versions.
const (
	Health               = "/health"                 // GET the current profile, BMI, last update, links
	HealthProfileEdit    = "/health/profile/edit"    // GET the form, POST save (or add a blank row)
	HealthProfileHistory = "/health/profile/history" // GET the saved versions, newest first; + "/:version"
)

// HealthProfileVersion is the page of one saved version of the profile.
func HealthProfileVersion(version int) string {
	return HealthProfileHistory + "/" + strconv.Itoa(version)
}
