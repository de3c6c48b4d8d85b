package gate

// Version is what the gate's pages show about one published policy version.
type Version struct {
	ID        int64
	Label     string // the version label, e.g. "2026-12"
	Title     string // in the reader's language
	Effective string // date, China time, e.g. "2026-12-01"
	Material  bool
	Upcoming  bool // published but not yet in force
}

// Change is one version's summary of changes on the review page.
type Change struct {
	Version     Version
	SummaryHTML string // sanitised Markdown (internal/markdown)
}

// ReviewProps is the review page: the version to accept, what changed since the
// user's baseline (the version they last accepted, else the previous one), the full
// text, and the two decision forms.
type ReviewProps struct {
	Version Version
	// Base is the version the diff starts from; nil when this is the first version.
	Base *Version
	// BaseAccepted says Base is the version the user last accepted (not merely the
	// previous one).
	BaseAccepted bool
	Changes      []Change
	Title, Body  Diff
	FullHTML     string // sanitised
	CompareURL   string // the comparison page for Base → Version ("" without Base)
	Next         string // where to go after accepting
	Notice       string // translated message (e.g. the policy changed meanwhile)
}

// DeclinedProps is the page of exits after a decline.
type DeclinedProps struct {
	Version   Version
	ReviewURL string
	// ExportURL and CancelURL are the exits' pages; "" while they do not exist yet
	// (the page then shows them as coming soon).
	ExportURL, CancelURL string
}

// CompareProps is the public comparison of two published versions.
type CompareProps struct {
	Options     []Version // every published version, newest first, for the selects
	From, To    Version
	Title, Body Diff
	SummaryHTML string // the To version's summary of changes, sanitised
	OnlyOne     bool   // a single version exists: nothing to compare
}
