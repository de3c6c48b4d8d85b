// Package checkout holds the checkout form (issue 7) and the simulated payment
// provider's page. Texts are i18n keys under checkout.*; money is integer fen.
package checkout

import (
	"github.com/yibao-health/portal/internal/regions"
	"github.com/yibao-health/portal/views/orders"
)

// Values are the form's fields as typed (or filled from a saved address).
type Values struct {
	Name, Phone, Province, City, Region, Street, Postcode string
	Save                                                  bool
	ForOther                                              bool
	Relationship                                          string
	Authorized                                            bool
	Code                                                  string
}

// Saved is one saved address offered to fill the form.
type Saved struct {
	Label string // masked name and the place, e.g. "王* · 广东省深圳市南山区"
	Href  string // the checkout with this address filled
}

// FormProps fill the checkout page.
type FormProps struct {
	Notice        string
	Errors        map[string]string
	Lines         []orders.Item
	TotalFen      int64
	Gone          bool   // some cart lines are no longer available and are left out
	Key           string // the idempotency key, unchanged across re-renders
	Values        Values
	Saved         []Saved
	Provinces     []regions.Region
	Relationships []string
	CodeMode      string // off, optional or required
	// Actions and links.
	Action, CodeAction, Cart, Addresses string
	CanSave                             bool // fewer than the maximum saved
}

// Hidden is one hidden field.
type Hidden struct{ Name, Value string }

// SimulatedProps fill the simulated provider's payment page.
type SimulatedProps struct {
	OrderNo     string
	AmountFen   int64
	Description string
	Hidden      []Hidden
	Action      string
}
