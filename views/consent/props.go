// Package consent holds the patient's "My consents" page with its confirmation
// step, the just-in-time health-data consent and the public receipt verification
// page (issue 4). Texts are i18n keys under consent.*; codes (purpose keys,
// decisions, channels) arrive raw and are translated here.
package consent

// MineProps fill "My consents".
type MineProps struct {
	Notice   string
	Purposes []PurposeRow
}

// PurposeRow is one purpose of the catalogue with its derived state.
type PurposeRow struct {
	Key, Mechanism, LegalBasis string
	Sensitive                  bool
	Granted                    bool
	// Decided is false while no decision is recorded (the mechanism's default).
	Decided bool
	// TermsVersion and TermsAt are the accepted policy version and when, for the
	// terms row ("" when none is recorded).
	TermsVersion, TermsAt string
	History               []HistoryRow
	// Bounded is the bound when History was cut there (only the newest shown), else 0.
	Bounded int
}

// HistoryRow is one consent record, formatted; Decision and Channel are codes.
type HistoryRow struct {
	At, Decision, Channel, Version, From string
}

// ConfirmProps fill the confirmation page of one change.
type ConfirmProps struct {
	Key, Mechanism string
	Grant          bool
	Token          string
	Error          string
}

// HealthProps fill the just-in-time health-data consent page.
type HealthProps struct {
	Granted                   bool
	Next                      string // where to continue; "" for My consents
	AcceptToken, DeclineToken string
	Error                     string
}

// VerifyProps fill the receipt verification page; Checked is set on an answer.
type VerifyProps struct {
	Pasted  string
	Checked bool
	Valid   bool
	Reason  string // translated
	Receipt *ReceiptSummary
	KeysURL string
}

// ReceiptSummary is what a verified receipt says, formatted.
type ReceiptSummary struct {
	ID, Issued, ConsentTime, PolicyVersion, PolicyHash string
	Purposes                                           []string
}
