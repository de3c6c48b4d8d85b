// Package stafforders renders the support staff's order queue, one order (masked
// consignee, ship, deliver, unmask with reason, after-sale decisions) and the
// after-sale queue.
package stafforders

// Tab is one status tab of a queue.
type Tab struct {
	Label, Href string
	Current     bool
	Count       string // "" when not counted
}

// QueueRow is one order in the queue; the consignee is masked.
type QueueRow struct {
	Href, OrderNo, Status, Consignee, Phone, Items, Total, Created string
}

// QueueProps is the order queue.
type QueueProps struct {
	Tabs        []Tab
	Rows        []QueueRow
	Next, First string
}

// Line is one item of an order.
type Line struct{ Name, Unit, Quantity, Subtotal string }

// Event is one step of the timeline.
type Event struct{ When, Label, Detail string }

// AfterSale is one after-sale request on the order page.
type AfterSale struct {
	ID                         int64
	Kind, Status, Created      string
	Reason, Resolution         string
	Open                       bool
	ResolveAction              string
	Note, NoteError, FormError string
}

// Option is one choice of a select.
type Option struct{ Value, Label string }

// Contact is the full consignee contact, shown once after an audited unmask.
type Contact struct{ Name, Phone, Street string }

// OrderProps is one order for support staff.
type OrderProps struct {
	ID                          int64
	OrderNo, Status, Total      string
	Created, ForOther           string
	Consignee, Phone, Street    string // masked
	Region, Postcode            string
	Carrier, Tracking           string
	Lines                       []Line
	Events                      []Event
	AfterSales                  []AfterSale
	Notice                      string
	Errors                      map[string]string // ship, deliver and unmask forms
	CanShip, CanDeliver         bool
	Carriers                    []Option
	CarrierValue, TrackingValue string
	Reason                      string
	Unmasked                    *Contact
	ShipAction, DeliverAction   string
	UnmaskAction, Back          string
	MaxReason                   int
}

// AfterSaleRow is one request in the after-sale queue.
type AfterSaleRow struct {
	OrderHref, OrderNo, Kind, Created string
}

// AfterSalesProps is the after-sale queue.
type AfterSalesProps struct {
	Status      string
	Tabs        []Tab
	Rows        []AfterSaleRow
	Next, First string
}
