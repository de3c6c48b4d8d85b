package handlers

import (
	"net/http"

	"github.com/yibao-health/portal/internal/paths"
)

// orderRoutes declares checkout, my orders, saved addresses, the disclosure log,
// the simulated payment provider's page and the providers' notification endpoint.
// Every patient route is the patient's own: another patient's order or address is
// 404. The simulated page stands for the provider's own site (public); the notify
// endpoint is server to server, trusted by its signature (no CSRF token; it
// carries no session, so the re-consent gate never stops it).
func (a *App) orderRoutes() {
	a.route(http.MethodGet, paths.Checkout, Patient, a.showCheckout)
	a.route(http.MethodPost, paths.Checkout, Patient, a.placeOrder)
	a.route(http.MethodPost, paths.CheckoutCode, Patient, a.sendConsigneeCode)

	a.route(http.MethodGet, paths.Orders, Patient, a.listOrders)
	a.route(http.MethodGet, paths.Orders+"/:id", Patient, a.showOrder)
	a.route(http.MethodPost, paths.Orders+"/:id/pay", Patient, a.payOrder)
	a.route(http.MethodPost, paths.Orders+"/:id/cancel", Patient, a.cancelOrder)
	a.route(http.MethodPost, paths.Orders+"/:id/receive", Patient, a.receiveOrder)
	a.route(http.MethodPost, paths.Orders+"/:id/after-sale", Patient, a.requestAfterSale)

	a.route(http.MethodGet, paths.Addresses, Patient, a.listAddresses)
	a.route(http.MethodPost, paths.Addresses+"/:id/delete", Patient, a.deleteAddress)
	a.route(http.MethodGet, paths.Disclosures, Patient, a.showDisclosures)

	a.route(http.MethodGet, paths.PaySimulated, Public, a.showSimulatedPay)
	a.route(http.MethodPost, paths.PaySimulated, Public, a.simulatedPay)
	a.route(http.MethodPost, paths.PaymentNotify+"/:provider", Public, a.paymentNotify)
}
