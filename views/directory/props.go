// Package directory holds the public doctor directory: the search with a page of
// verified doctors, and one doctor's public card. Only public fields exist here:
// no contact details, licence number or licence document.
package directory

import "github.com/yibao-health/portal/internal/paths"

// Doctor is a verified doctor's public card. Title is the code (doctor.title.*).
type Doctor struct {
	ID                                           int64
	Name, Title, Hospital, Department, Specialty string
}

// ListProps fill the directory page: the search as typed (normalised), one page of
// doctors, and the cursor of the next page ("" on the last one).
type ListProps struct {
	Q, Department, Hospital string
	Rows                    []Doctor
	Next                    string
	Paged                   bool // this is not the first page
}

// searched reports whether any search or filter is set.
func (p ListProps) searched() bool { return p.Q != "" || p.Department != "" || p.Hospital != "" }

// nextURL is the following page of the same search.
func (p ListProps) nextURL() string {
	return paths.DoctorsSearch(p.Q, p.Department, p.Hospital, p.Next)
}

// firstURL is the first page of the same search.
func (p ListProps) firstURL() string { return paths.DoctorsSearch(p.Q, p.Department, p.Hospital, "") }

// departmentURL and hospitalURL filter the directory to one department or hospital.
func departmentURL(d string) string { return paths.DoctorsSearch("", d, "", "") }
func hospitalURL(h string) string   { return paths.DoctorsSearch("", "", h, "") }

const linkClass = "font-medium text-brand-800 underline underline-offset-4 hover:text-brand-950 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-700"
