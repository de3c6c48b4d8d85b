// Package health holds the patient's health-profile pages (issue 5): the overview,
// the editor with its repeatable rows (no JavaScript needed), and the history of
// saved versions. Texts are i18n keys under health.*; codes (diagnosis status,
// allergy severity, marital status, BMI category) arrive raw and are translated here.
package health

// Profile is one version of the profile as the pages show it. Measures are
// formatted numbers ("170.5"), "" when not given.
type Profile struct {
	Version   int    // 0: nothing saved yet
	SavedAt   string // China time, "2006-01-02 15:04"
	Diagnoses []Diagnosis
	Allergies []Allergy
	Height    string
	Weight    string
	BMI       string // "" unless both height and weight are given
	// BMICategory is the WHO adult category code; "" when there is no BMI or when
	// Minor is set (the adult categories do not apply under 18).
	BMICategory   string
	Minor         bool
	MaritalStatus string            // code, "" when not given
	Histories     map[string]string // by HistoryCodes
}

// Diagnosis is one diagnosis row: as stored, or as typed into the form.
type Diagnosis struct {
	Name, Date, Status string
}

// Allergy is one drug-allergy row.
type Allergy struct {
	Substance, Reaction, Severity string
}

// OverviewProps fill /health.
type OverviewProps struct {
	Notice string
	// Consent is the state of the separate consent to process health information.
	Consent bool
	// ConsentLink is the consent page that continues to the editor.
	ConsentLink string
	Profile     Profile
}

// FormProps fill the editor with what is stored or what was typed. Diagnoses and
// Allergies are the form's rows, blank ones included.
type FormProps struct {
	BaseVersion   int
	Diagnoses     []Diagnosis
	Allergies     []Allergy
	Height        string
	Weight        string
	MaritalStatus string
	Histories     map[string]string
	// Errors holds the translated message of each field ("" for the form).
	Errors map[string]string
	Notice string
	// ConsentLink is set when a save was refused for want of the consent.
	ConsentLink string
	// Focus names the field to focus (the first of a row just added).
	Focus string
	// MaxRows is the most rows a list may have; its "add" button goes at that point.
	MaxRows int
}

// HistoryProps fill the list of saved versions, newest first.
type HistoryProps struct {
	Versions []Version
	// More is set when older versions exist than are listed (Shown is the bound).
	More  bool
	Shown int
}

// Version is one saved version in the history list.
type Version struct {
	Number  int
	SavedAt string
	Current bool
}

// VersionProps fill the page of one saved version.
type VersionProps struct {
	Profile Profile
	Current int // the newest version's number
}
