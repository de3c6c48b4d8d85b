// Package orders holds the patient's order pages (issue 7): my orders, one order
// with its timeline and actions, saved addresses and the disclosure log. Texts are
// i18n keys under orders.*; codes (status, actor, kind, field) arrive raw and are
// translated here. Money arrives as integer fen.
package orders

// Item is one line of an order or cart.
type Item struct {
	Name     string
	UnitFen  int64
	Quantity int
}

// Row is one order in the list.
type Row struct {
	Href     string
	OrderNo  string
	Created  string
	Summary  string // the items, shortened
	TotalFen int64
	Status   string
	ForOther bool
}

// Tab is one status filter of the list.
type Tab struct {
	Status  string // "" for all
	Href    string
	Current bool
}

// ListProps fill "My orders".
type ListProps struct {
	Notice      string
	Tabs        []Tab
	Rows        []Row
	Next, First string
	Shop        string
}

// Event is one step of an order's timeline.
type Event struct {
	When     string
	From, To string // status codes; equal for a note without a change
	Actor    string // patient, system or staff
	Detail   string // translated detail: carrier and waybill, provider, after-sale step
}

// AfterSale is one after-sale request with its decision.
type AfterSale struct {
	Kind, Status, Reason, Resolution string
	Created, Resolved                string
}

// Authorization is the record of an order placed for someone else.
type Authorization struct {
	When          string
	Relationship  string
	CodeConfirmed bool
}

// DetailProps fill one order's page.
type DetailProps struct {
	Notice   string
	Errors   map[string]string
	ID       int64
	OrderNo  string
	Created  string
	Status   string
	Items    []Item
	TotalFen int64
	ForOther bool
	// Consignee, in full for the owner.
	Name, Phone, Region, Street, Postcode string
	Carrier, Tracking                     string
	Auth                                  *Authorization
	Events                                []Event
	AfterSales                            []AfterSale
	Payable                               bool
	Deadline                              string
	CanCancel, CanReceive, CanAfterSale   bool
	AfterSaleKinds                        []string
	Kind, Reason                          string // the after-sale form as typed
	MaxReason                             int
	// Actions and links.
	PayAction, CancelAction, ReceiveAction, AfterSaleAction, Support, Back, Disclosures string
}

// Disclosure is one hand-over in the disclosure log.
type Disclosure struct {
	Recipient string // translated
	Purpose   string // code
	Fields    []string
	When      string
	OrderHref string
}

// DisclosuresProps fill "Data given to third parties".
type DisclosuresProps struct {
	Rows        []Disclosure
	Next, First string
	AccessLog   string
	Privacy     string
}

// Address is one saved address.
type Address struct {
	ID                                    int64
	Name, Phone, Region, Street, Postcode string
	DeleteAction                          string
	UseHref                               string
}

// AddressesProps fill the saved-addresses page.
type AddressesProps struct {
	Notice    string
	Rows      []Address
	Max       int
	Checkout  string
	OrdersURL string
}
