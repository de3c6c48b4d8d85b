package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/paths"
)

// shipStaffOrder hands a paid order to the chosen carrier (the disclosure is
// logged by the models); refused input comes back with what was typed.
func (a *App) shipStaffOrder(c echo.Context) error {
	carrier, tracking := c.FormValue("carrier"), c.FormValue("tracking")
	return a.staffOrderAction(c, "stafforders.flash.shipped", orderState{carrier: carrier, tracking: tracking}, func(id int64) error {
		u, err := a.user(c)
		if err != nil {
			return err
		}
		return a.orders.Ship(c.Request().Context(), u, id, carrier, tracking, a.actor(c))
	})
}

// deliverStaffOrder records the carrier's delivery.
func (a *App) deliverStaffOrder(c echo.Context) error {
	return a.staffOrderAction(c, "stafforders.flash.delivered", orderState{}, func(id int64) error {
		u, err := a.user(c)
		if err != nil {
			return err
		}
		return a.orders.MarkDelivered(c.Request().Context(), u, id, a.actor(c))
	})
}

// staffOrderAction runs a post on order :id (only the path names the order), then
// redirects back with flash, or re-renders the page with the messages and st.
func (a *App) staffOrderAction(c echo.Context, flash string, st orderState, do func(int64) error) error {
	id, err := documentID(c, "id")
	if err != nil {
		return err
	}
	if err := do(id); err != nil {
		msgs, status, ok := formErrors(c, err)
		if !ok {
			return err
		}
		st.errs = msgs
		return a.renderStaffOrder(c, status, id, st)
	}
	if err := a.flashNext(c, flash); err != nil {
		return err
	}
	return redirect(c, paths.StaffOrder(id))
}

// unmaskStaffOrder shows the full consignee contact once, to staff who give a
// reason: the models record the reason and audit the act. The answer is this page
// (200, no-store), never a redirect, so the contact is in no URL, flash or cache.
func (a *App) unmaskStaffOrder(c echo.Context) error {
	id, err := documentID(c, "id")
	if err != nil {
		return err
	}
	u, err := a.user(c)
	if err != nil {
		return err
	}
	reason := c.FormValue("reason")
	full, err := a.orders.UnmaskConsignee(c.Request().Context(), u, id, reason, a.actor(c))
	if err != nil {
		msgs, status, ok := formErrors(c, err)
		if !ok {
			return err
		}
		return a.renderStaffOrder(c, status, id, orderState{errs: msgs, reason: reason})
	}
	return a.renderStaffOrder(c, http.StatusOK, id, orderState{unmasked: &full})
}
