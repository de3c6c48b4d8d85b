package payment

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// SimulatedName is the built-in provider for development and demos.
const SimulatedName = "simulated"

// SignatureHeader carries the simulated provider's HMAC-SHA256 of the body.
const SignatureHeader = "X-Simulated-Signature"

// Simulated behaves like a real provider without money: its payment page (served
// by the portal at PagePath) lets the payer succeed or fail, and then it sends a
// notification signed with HMAC-SHA256 under a key derived from the portal's
// master key, to the notify endpoint like any provider.
type Simulated struct {
	key      []byte
	PagePath string // the simulated provider's payment page
}

// NewSimulated derives the signing key from secret (the master key).
func NewSimulated(secret []byte, pagePath string) (*Simulated, error) {
	key, err := hkdf.Key(sha256.New, secret, nil, "yibao portal: simulated payment provider", 32)
	if err != nil {
		return nil, fmt.Errorf("payment: derive key: %w", err)
	}
	return &Simulated{key: key, PagePath: pagePath}, nil
}

// Name is "simulated".
func (s *Simulated) Name() string { return SimulatedName }

// PayURL is the simulated payment page for r, with r signed so the page shows
// exactly what the portal asked for.
func (s *Simulated) PayURL(r Request) (string, error) {
	v := url.Values{"order": {r.OrderNo}, "amount": {strconv.FormatInt(r.AmountFen, 10)}, "desc": {r.Description}}
	v.Set("sig", s.sign([]byte(v.Encode())))
	return s.PagePath + "?" + v.Encode(), nil
}

// CheckPage verifies the query of a payment page link made by PayURL and returns
// the request it carries.
func (s *Simulated) CheckPage(q url.Values) (Request, error) {
	sig := q.Get("sig")
	v := url.Values{"order": {q.Get("order")}, "amount": {q.Get("amount")}, "desc": {q.Get("desc")}}
	if !hmac.Equal([]byte(sig), []byte(s.sign([]byte(v.Encode())))) {
		return Request{}, ErrForged
	}
	amount, err := strconv.ParseInt(q.Get("amount"), 10, 64)
	if err != nil {
		return Request{}, ErrForged
	}
	return Request{OrderNo: q.Get("order"), AmountFen: amount, Description: q.Get("desc")}, nil
}

// simNotice is the wire form of a notification.
type simNotice struct {
	ID        string `json:"id"`
	OrderNo   string `json:"order_no"`
	AmountFen int64  `json:"amount_fen"`
	Status    string `json:"status"` // SUCCESS or FAIL
	Ref       string `json:"transaction_id"`
}

// Notification builds the signed body and header the simulated provider sends for
// n; the portal's page uses it after the payer chose, and tests use it to forge
// and replay.
func (s *Simulated) Notification(n Notice) (body []byte, header http.Header) {
	st := "FAIL"
	if n.Paid {
		st = "SUCCESS"
	}
	body, _ = json.Marshal(simNotice{ID: n.NotificationID, OrderNo: n.OrderNo, AmountFen: n.AmountFen, Status: st, Ref: n.ProviderRef})
	return body, http.Header{SignatureHeader: {s.sign(body)}, "Content-Type": {"application/json"}}
}

// Verify checks the signature over the exact body, then decodes it.
func (s *Simulated) Verify(body []byte, header http.Header) (Notice, error) {
	if !hmac.Equal([]byte(header.Get(SignatureHeader)), []byte(s.sign(body))) {
		return Notice{}, ErrForged
	}
	var w simNotice
	if err := json.Unmarshal(body, &w); err != nil || w.ID == "" || w.OrderNo == "" || (w.Status != "SUCCESS" && w.Status != "FAIL") {
		return Notice{}, fmt.Errorf("payment: malformed notification")
	}
	return Notice{NotificationID: w.ID, OrderNo: w.OrderNo, ProviderRef: w.Ref, AmountFen: w.AmountFen, Paid: w.Status == "SUCCESS"}, nil
}

// Ack is the JSON real providers expect.
func (s *Simulated) Ack() (string, []byte) {
	return "application/json", []byte(`{"code":"SUCCESS","message":"OK"}`)
}

func (s *Simulated) sign(b []byte) string {
	m := hmac.New(sha256.New, s.key)
	m.Write(b)
	return hex.EncodeToString(m.Sum(nil))
}
