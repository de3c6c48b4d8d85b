package models

import (
	"bytes"
	"encoding/json"
	"reflect"
	"sort"
	"strings"
)

// MaxReceiptSize bounds a receipt pasted or uploaded for verification.
const MaxReceiptSize = 256 << 10

// Reasons a receipt does not verify: message keys of the verification page.
const (
	ReceiptEmpty       = "consent.verify.reason.empty"
	ReceiptTooLarge    = "consent.verify.reason.too_large"
	ReceiptNotJSON     = "consent.verify.reason.not_json"
	ReceiptUnsigned    = "consent.verify.reason.unsigned"
	ReceiptBadSig      = "consent.verify.reason.bad_signature"
	ReceiptAltered     = "consent.verify.reason.altered"
	ReceiptNotAReceipt = "consent.verify.reason.not_a_receipt"
)

// ReceiptCheck is the answer of Verify: Valid, or the Reason (a message key) with
// Fields naming what was changed after signing. Receipt is the signed content when
// the signature holds.
type ReceiptCheck struct {
	Valid   bool
	Reason  string
	Fields  []string
	Receipt *Receipt
}

// Verify checks a receipt file from Issue, or its bare compact JWT: the signature
// must be one of the portal's receipt keys with the receipt type and issuer, and
// every visible field must equal the signed one (nothing added, removed or changed).
func (r *Receipts) Verify(data []byte) ReceiptCheck {
	data = bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	switch {
	case len(data) == 0:
		return ReceiptCheck{Reason: ReceiptEmpty}
	case len(data) > MaxReceiptSize:
		return ReceiptCheck{Reason: ReceiptTooLarge}
	}
	var visible map[string]json.RawMessage
	compact := ""
	if data[0] == '{' {
		if err := json.Unmarshal(data, &visible); err != nil {
			return ReceiptCheck{Reason: ReceiptNotJSON}
		}
		raw, ok := visible[ReceiptSignField]
		if !ok || json.Unmarshal(raw, &compact) != nil || compact == "" {
			return ReceiptCheck{Reason: ReceiptUnsigned}
		}
		delete(visible, ReceiptSignField)
	} else {
		compact = string(data)
		if strings.Count(compact, ".") != 2 || strings.ContainsAny(compact, " \t\r\n") {
			return ReceiptCheck{Reason: ReceiptNotJSON}
		}
	}
	payload, err := r.Keys.VerifyJWT(compact, ReceiptJWTType, r.Issuer)
	if err != nil { // keys.ErrSignature: forged, altered, another key, type or issuer
		return ReceiptCheck{Reason: ReceiptBadSig}
	}
	var signed map[string]json.RawMessage
	if err := json.Unmarshal(payload, &signed); err != nil {
		return ReceiptCheck{Reason: ReceiptBadSig}
	}
	rc := &Receipt{}
	if err := json.Unmarshal(payload, rc); err != nil || rc.Version != ReceiptVersion {
		return ReceiptCheck{Reason: ReceiptNotAReceipt}
	}
	if visible != nil {
		if diff := differing(visible, signed); len(diff) > 0 {
			return ReceiptCheck{Reason: ReceiptAltered, Fields: diff, Receipt: rc}
		}
	}
	return ReceiptCheck{Valid: true, Receipt: rc}
}

// differing lists the top-level fields whose values differ between a and b
// (compared as decoded JSON, so whitespace and key order do not matter).
func differing(a, b map[string]json.RawMessage) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range []map[string]json.RawMessage{a, b} {
		for k := range m {
			if seen[k] {
				continue
			}
			seen[k] = true
			var va, vb any
			ra, okA := a[k]
			rb, okB := b[k]
			if okA {
				_ = json.Unmarshal(ra, &va)
			}
			if okB {
				_ = json.Unmarshal(rb, &vb)
			}
			if okA != okB || !reflect.DeepEqual(va, vb) {
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	return out
}
