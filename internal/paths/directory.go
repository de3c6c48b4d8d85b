package paths

import (
	"net/url"
	"strconv"
)

// The public doctor directory (issue 6): no account needed.
const (
	Doctors = "/doctors" // GET the search and a page of verified doctors (?q=&department=&hospital=&after=)
)

// DoctorCard is one verified doctor's public card.
func DoctorCard(id int64) string { return Doctors + "/" + strconv.FormatInt(id, 10) }

// DoctorsSearch is the directory page for a search; empty values are left out.
func DoctorsSearch(q, department, hospital, after string) string {
	v := url.Values{}
	for _, kv := range [][2]string{{"q", q}, {"department", department}, {"hospital", hospital}, {"after", after}} {
		if kv[1] != "" {
			v.Set(kv[0], kv[1])
		}
	}
	if len(v) == 0 {
		return Doctors
	}
	return Doctors + "?" + v.Encode()
}
