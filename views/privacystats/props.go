// Package privacystats is the privacy officer's consent dashboard: per policy
// version and per purpose, drawn as server-rendered SVG bar charts (no JavaScript,
// no style attributes: SVG presentation attributes only) with the same numbers in
// tables.
package privacystats

// VersionRow is one published version's acceptance among active users.
type VersionRow struct {
	Label     string // version label
	Effective string // date
	Material  bool
	Upcoming  bool
	// Accepted this version; Later: accepted only a later one; Pending: neither,
	// of whom Declined declined this version.
	Accepted, Later, Pending, Declined int64
	Total                              int64 // active users
}

// PurposeRow is one purpose's current state among active patients.
type PurposeRow struct {
	Key       string
	Name      string // translated
	Mechanism string // translated
	Granted   int64
	Patients  int64
	Percent   string // e.g. "40%"
}

// Props is the dashboard.
type Props struct {
	ActiveUsers, ActivePatients int64
	Versions                    []VersionRow // newest first
	Purposes                    []PurposeRow
}

// ChartVersions is how many versions the chart draws (the table lists them all).
const ChartVersions = 8
