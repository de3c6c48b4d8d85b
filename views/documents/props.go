// Package documents holds the patient's medical-documents pages (issue 5): the
// list with its filters, a document with its files, the upload form and the
// deletion's confirmation. Texts are i18n keys under documents.*; categories and
// file kinds arrive as codes and are translated here. URLs arrive built.
package documents

// ListProps fill the list of documents.
type ListProps struct {
	Notice     string
	Consented  bool // the health-data consent is in force (uploads possible)
	Categories []string
	Filter     Filter
	Errors     map[string]string // filter problems by field ("" for the form)
	Items      []Item
	Next       string // the next page's URL, "" on the last page
	First      string // the first page's URL while on a later page, else ""
}

// Filter is what the list is filtered by, as typed.
type Filter struct {
	Category, From, To string
}

// Active reports whether any filter is set.
func (f Filter) Active() bool { return f.Category != "" || f.From != "" || f.To != "" }

// Item is one document in the list.
type Item struct {
	Href, Title, Hospital, Category, Date string
	Files                                 int
	Thumb                                 string // a thumbnail's URL, "" when no file has one
}

// DetailProps fill a document's page.
type DetailProps struct {
	Notice                                 string
	Title, Category, Date, Hospital, Notes string
	Files                                  []File
	Delete                                 string // the deletion's confirmation page
	Back                                   string
}

// File is one file of a document. Kind is "pdf", "image" or "dicom".
type File struct {
	Position              int
	Kind, Size            string
	View, Download, Thumb string // View and Thumb are "" when the file has none
}

// UploadProps fill the upload form. Action carries the CSRF token in its query
// (the upload is not parsed as a form); the text fields come before the file
// inputs, which the server relies on.
type UploadProps struct {
	Action     string
	Categories []string
	Input      Input
	Errors     map[string]string
	MaxFiles   int
	MaxFileMB  int64
	Accept     string
	Back       string
}

// Input is what was typed into the upload form (files cannot be kept).
type Input struct {
	Category, Title, Date, Hospital, Notes string
	Today                                  string // the date input's max
}

// DeleteProps fill the deletion's confirmation page.
type DeleteProps struct {
	Title, Category, Date string
	Files                 int
	Action, Back          string
}
