// Package support renders support conversations: the patient's list with the
// "new conversation" form and one thread, and the support staff's queue and thread.
package support

// Row is one conversation in a list.
type Row struct {
	Href, Subject, OrderNo, Status, Updated string
	Answered                                bool
}

// OrderOption is one of the patient's orders the conversation may be about.
type OrderOption struct{ Value, Label string }

// ListProps is the patient's support page.
type ListProps struct {
	Notice      string
	Rows        []Row
	Next, First string
	// The new-conversation form.
	Orders                 []OrderOption
	Order, Subject, Body   string
	Errors                 map[string]string
	MaxSubject, MaxMessage int
}

// Message is one message of a thread.
type Message struct {
	FromStaff  bool
	Body, When string
}

// ThreadProps is one conversation, for its patient or for support staff.
type ThreadProps struct {
	Staff                          bool
	ID                             int64
	Subject, Status, Opened        string
	Closed                         bool
	OrderNo, OrderHref             string
	PatientName, Phone             string // staff only, masked
	Messages                       []Message
	Earlier                        bool
	Notice                         string
	Errors                         map[string]string
	Draft                          string
	MaxMessage                     int
	ReplyAction, CloseAction, Back string
}

// Tab is one status tab of the staff queue.
type Tab struct {
	Label, Href, Count string
	Current            bool
}

// QueueProps is the support staff's conversation queue.
type QueueProps struct {
	Tabs        []Tab
	Rows        []Row
	Next, First string
}
