package handlers

import (
	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/paths"
)

// The patient's posts on one order. Each goes through the model as the signed-in
// patient (another patient's order is 404, unchanged); success redirects back
// with a notice, a refusal (an invalid transition, a bad after-sale form) shows
// the page again with the message.

// orderAction runs do on order :id; success flashes key and redirects to to (the
// order page when empty).
func (a *App) orderAction(c echo.Context, key string, st patientOrderState, do func(id int64) (string, error)) error {
	id, err := orderID(c)
	if err != nil {
		return err
	}
	to, err := do(id)
	if err != nil {
		msgs, status, ok := formErrors(c, err)
		if !ok {
			return err
		}
		st.errs = msgs
		return a.renderOrder(c, status, id, st)
	}
	if to != "" {
		return redirect(c, to)
	}
	if err := a.flashNext(c, key); err != nil {
		return err
	}
	return redirect(c, paths.Order(id))
}

// payOrder sends the patient to the provider's payment page for their order.
func (a *App) payOrder(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	return a.orderAction(c, "", patientOrderState{}, func(id int64) (string, error) {
		return a.orders.StartPayment(c.Request().Context(), u, id, a.sim.Name())
	})
}

// cancelOrder cancels an order that has not shipped.
func (a *App) cancelOrder(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	return a.orderAction(c, "orders.flash.cancelled", patientOrderState{}, func(id int64) (string, error) {
		return "", a.orders.Cancel(c.Request().Context(), u, id, a.actor(c))
	})
}

// receiveOrder confirms receipt of a delivered order.
func (a *App) receiveOrder(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	return a.orderAction(c, "orders.flash.received", patientOrderState{}, func(id int64) (string, error) {
		return "", a.orders.ConfirmReceipt(c.Request().Context(), u, id, a.actor(c))
	})
}

// requestAfterSale opens a refund, return or dispute with a reason.
func (a *App) requestAfterSale(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	kind, reason := c.FormValue("kind"), c.FormValue("reason")
	return a.orderAction(c, "orders.flash.after_sale", patientOrderState{kind: kind, reason: reason}, func(id int64) (string, error) {
		_, err := a.orders.RequestAfterSale(c.Request().Context(), u, id, kind, reason, a.actor(c))
		return "", err
	})
}
