// Package accesslog holds "who viewed my data" (issue 6): the patient's access
// log with its filters. Labels arrive translated; URLs arrive built.
package accesslog

// ListProps fill the access log page.
type ListProps struct {
	Filter Filter
	Errors map[string]string // filter problems by field
	Rows   []Row
	Next   string // the next page's URL, "" on the last page
	First  string // the first page's URL while on a later page, else ""
}

// Filter is what the log is filtered by, as typed.
type Filter struct {
	Kind           string // doctor, staff, patient or ""
	Emergency, Own bool
	From, To       string
}

// Active reports whether any filter is set.
func (f Filter) Active() bool {
	return f.Kind != "" || f.Emergency || f.Own || f.From != "" || f.To != ""
}

// Row is one view: who (masked as needed), what, when (Beijing time), and the
// basis (a consultation number, or the emergency badge).
type Row struct {
	ID                         int64
	Who, WhoDetail, What, When string
	Basis                      string
	BasisURL                   string // the patient's consultation page, when the basis is one
	Emergency, Self            bool
}
