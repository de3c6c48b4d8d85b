// Package payment is the edge to payment providers. A provider starts a payment
// (the payer is sent to its page) and later notifies the portal server to server;
// a notification is trusted only after Verify. The order logic (models/order_pay.go)
// sees only this interface, so WeChat Pay or Alipay adapters plug in beside the
// simulated one without touching it.
package payment

import (
	"errors"
	"net/http"
)

// Request is what a provider receives to start a payment: our order number, the
// amount in fen and a description — nothing about the person.
type Request struct {
	OrderNo     string
	AmountFen   int64
	Description string
}

// SharedFields names what a Request hands over, for the disclosure log.
const SharedFields = "order_no,amount,description"

// Notice is a verified notification: which order, how much, and whether it was paid.
// NotificationID is the provider's id of this notification (the same on every
// redelivery); ProviderRef is its transaction id.
type Notice struct {
	NotificationID string
	OrderNo        string
	ProviderRef    string
	AmountFen      int64
	Paid           bool
}

// Provider is one payment channel.
type Provider interface {
	// Name is the provider's code, stored on the order and in the notify path.
	Name() string
	// PayURL is where the payer goes to pay r.
	PayURL(r Request) (string, error)
	// Verify checks a notification's signature and decodes it. Any error means the
	// notification is rejected and changes nothing.
	Verify(body []byte, header http.Header) (Notice, error)
	// Ack is the answer the provider expects once a notification is handled.
	Ack() (contentType string, body []byte)
}

// ErrForged is returned by Verify for a notification whose signature is wrong.
var ErrForged = errors.New("payment: notification signature does not verify")
