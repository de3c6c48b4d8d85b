// Package consult holds the patient's consultation pages (issue 6): the start form,
// its confirmation screen, the list, and one consultation with its thread and the
// grant controls. Texts are i18n keys under consult.*; codes (status, section,
// category) arrive raw and are translated here.
package consult

// Doctor is the doctor's public card.
type Doctor struct {
	ID                                           int64
	Name, Title, Hospital, Department, Specialty string
}

// Document is one of the patient's own documents as a share choice or a shared item.
type Document struct {
	ID       int64
	Title    string
	Category string // code
	Date     string // 2006-01-02
	Checked  bool
}

// Choice is one section or category code and whether it is ticked.
type Choice struct {
	Value   string
	Checked bool
}

// Sharing is the "what to share" part of the start form and of the scope change
// form: every choice with its state, as typed or as currently granted.
type Sharing struct {
	Sections   []Choice
	Categories []Choice
	Documents  []Document
	// MoreDocuments says the patient has more documents than listed (only the
	// newest are offered one by one; whole categories cover the rest).
	MoreDocuments bool
	// Consented is the health-information consent; without it nothing can be ticked.
	Consented   bool
	ConsentLink string
}

// FormProps fill the start form.
type FormProps struct {
	Doctor     Doctor
	Question   string
	Sharing    Sharing
	ShareDays  int
	DayChoices []int
	MaxLength  int
	Errors     map[string]string
	Action     string // the preview
}

// Shared is exactly what a grant covers, for the confirmation and the grant panel.
type Shared struct {
	Sections   []string
	Categories []string
	Documents  []Document
	ShareDays  int
}

// Empty reports whether nothing is shared.
func (s Shared) Empty() bool {
	return len(s.Sections) == 0 && len(s.Categories) == 0 && len(s.Documents) == 0
}

// Hidden is one hidden field of the confirmation form (names repeat).
type Hidden struct{ Name, Value string }

// ConfirmProps fill the confirmation screen: what the patient typed and ticked,
// carried in hidden fields to the confirm (Action) or back to the form (Edit).
type ConfirmProps struct {
	Doctor   Doctor
	Question string
	Shared   Shared
	Hidden   []Hidden
	Action   string
	Edit     string
}

// Grant is a consultation's grant as its patient sees it.
type Grant struct {
	Active    bool
	Revoked   bool
	Until     string // Beijing time once the consultation is closed; "" while open
	ShareDays int
}

// Row is one consultation in the patient's list.
type Row struct {
	Href    string
	Doctor  Doctor
	Status  string
	Grant   Grant
	Updated string
}

// ListProps fill "My consultations".
type ListProps struct {
	Notice      string
	Rows        []Row
	Next, First string
}

// Message is one message of the thread.
type Message struct {
	FromSelf bool
	Advice   bool // the doctor's closing advice
	Body     string
	When     string
}

// DetailProps fill one consultation's page.
type DetailProps struct {
	Notice   string
	Errors   map[string]string
	ID       int64
	Doctor   Doctor
	Status   string
	Created  string
	Question string
	Messages []Message
	Draft    string // the message typed, kept after a refusal
	Grant    Grant
	Shared   Shared
	Sharing  Sharing // the scope form, pre-checked with the current scope
	// Actions of the forms and links.
	MessageAction, RevokeAction, ScopeAction, CloseAction, AccessLog, Back string
	MaxLength                                                              int
}

// Closed reports whether the consultation is closed.
func (p DetailProps) Closed() bool { return p.Status == "closed" }
