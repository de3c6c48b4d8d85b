// Package logistics is the edge to delivery companies. A carrier receives a
// Shipment — the fields delivery needs and nothing else — and every hand-over is
// written to the person's disclosure log by the order logic (models/order_ship.go).
package logistics

import (
	"context"
	"errors"
)

// Shipment is everything a carrier gets: the order number, the consignee's name,
// phone and address, the postcode and the number of parcels. No product names, no
// prices, no account.
type Shipment struct {
	OrderNo        string
	ConsigneeName  string
	ConsigneePhone string
	Address        string
	Postcode       string
	Parcels        int
}

// SharedFields names what a Shipment hands over, for the disclosure log.
const SharedFields = "order_no,consignee_name,consignee_phone,address,postcode,parcels"

// Carrier is one delivery company.
type Carrier interface {
	// Code is the carrier's code, stored on the order.
	Code() string
	// Name is the carrier's name as the disclosure log shows it.
	Name() string
	// Handover gives s to the carrier under the waybill number tracking.
	Handover(ctx context.Context, s Shipment, tracking string) error
}

// Counter is a carrier whose courier collects parcels at our counter: staff print
// the waybill from the shipment and type its number. Nothing is sent over the
// network; the hand-over is the parcel itself, recorded in the disclosure log.
type Counter struct{ code, name string }

// Code is the carrier's code.
func (c Counter) Code() string { return c.code }

// Name is the carrier's display name.
func (c Counter) Name() string { return c.name }

// Handover checks the shipment is complete; the courier takes the parcel.
func (c Counter) Handover(_ context.Context, s Shipment, tracking string) error {
	if s.OrderNo == "" || s.ConsigneeName == "" || s.ConsigneePhone == "" || s.Address == "" || tracking == "" {
		return errors.New("logistics: incomplete shipment")
	}
	return nil
}

// Carriers are the built-in counter carriers, by code.
func Carriers() map[string]Carrier {
	return map[string]Carrier{
		"sf":  Counter{"sf", "顺丰速运 SF Express"},
		"jd":  Counter{"jd", "京东物流 JD Logistics"},
		"ems": Counter{"ems", "中国邮政 EMS"},
	}
}
