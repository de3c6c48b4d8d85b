// Package clinic holds the doctor's clinic pages (issue 6): the queue of
// consultations, one consultation with the patient's granted data, and a granted
// document. Texts are i18n keys under clinic.*; codes (status, gender, section,
// category, severity) arrive raw and are translated here. URLs arrive built.
package clinic

// Patient is what the doctor learns of who the patient is; nil when the grant
// has ended.
type Patient struct {
	Name   string // masked: 张*
	Age    int    // 0 unknown
	Gender string // identity gender code, "" unknown
}

// QueueProps fill the queue.
type QueueProps struct {
	Status    string // the tab shown
	Tabs      []Tab
	Items     []Item
	Next      string // the next page's URL, "" on the last page
	First     string // the first page's URL while on a later page
	Emergency string // the emergency-access page
}

// Tab is one state of the queue with its count.
type Tab struct {
	Status, Href string
	Count        int64
	Current      bool
}

// Item is one consultation in the queue.
type Item struct {
	ID                int64
	Href              string
	Patient           *Patient
	Created, Activity string // Beijing time
}

// ConsultationProps fill one consultation.
type ConsultationProps struct {
	ID       int64
	Notice   string
	Status   string
	Created  string
	Patient  *Patient // nil when the grant has ended
	Grant    Grant
	Question string
	Messages []Message
	// Sections are the granted profile sections in display order; Profile has
	// only their content.
	Sections  []string
	Profile   Profile
	Documents []Document
	MoreDocs  bool
	// The forms: what was typed and the messages by field ("body", "advice", "").
	Reply, Advice            string
	Errors                   map[string]string
	ReplyAction, CloseAction string
	CSRF                     string
	Back                     string
}

// Closed reports whether the consultation is closed (no more replies).
func (p ConsultationProps) Closed() bool { return p.Status == "closed" }

// Grant is the state of the patient's grant as the doctor may know it.
type Grant struct {
	Active   bool
	Revoked  bool
	Until    string // Beijing time once closed, "" while open
	DaysMore int    // days the grant lasts after closing, while open
}

// Message is one message of the thread.
type Message struct {
	Doctor, Advice bool
	Body, When     string
}

// Profile is the granted part of the health profile; measures formatted, ""
// when not given.
type Profile struct {
	Allergies     []Allergy
	Diagnoses     []Diagnosis
	Histories     []History // the four histories in order
	Height        string
	Weight        string
	BMI           string
	MaritalStatus string
}

// Allergy is one drug allergy.
type Allergy struct{ Substance, Reaction, Severity string }

// Diagnosis is one diagnosis.
type Diagnosis struct{ Name, Date, Status string }

// History is one of the four histories by its code.
type History struct{ Code, Text string }

// Document is a granted document in the consultation's list.
type Document struct {
	Href, Title, Category, Date string
}

// DocumentProps fill a granted document's page.
type DocumentProps struct {
	Title, Category, Date, Hospital, Notes string
	Files                                  []File
	Back                                   string
}

// File is one file of a granted document; Kind is "pdf", "image" or "dicom".
type File struct {
	Position              int
	Kind, Size            string
	View, Download, Thumb string
}
