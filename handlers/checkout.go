package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/mask"
	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/internal/regions"
	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/checkout"
)

// Checkout (issue 7, C2.2.2-1): the consignee's name, phone, address and postcode
// and, for someone else, the orderer's authorization. The model checks everything;
// a refusal shows the form again with every value typed and the same idempotency
// key, so the eventual order is still one.

// checkoutValues binds the form field by field (nothing else in the body is read).
func checkoutValues(c echo.Context) checkout.Values {
	return checkout.Values{Name: c.FormValue("consignee_name"), Phone: c.FormValue("consignee_phone"),
		Province: c.FormValue("province"), City: c.FormValue("city"), Region: c.FormValue("region"),
		Street: c.FormValue("street"), Postcode: c.FormValue("postcode"), Save: c.FormValue("save_address") != "",
		ForOther: c.FormValue("for_other") != "", Relationship: c.FormValue("relationship"),
		Authorized: c.FormValue("authorization") != "", Code: c.FormValue("consignee_code")}
}

func consigneeOf(v checkout.Values) models.Consignee {
	return models.Consignee{Name: v.Name, Phone: v.Phone, RegionCode: v.Region, Street: v.Street, Postcode: v.Postcode}
}

// showCheckout is the empty form, or one filled from a saved address (?address=ID,
// the patient's own; any other id leaves the form empty).
func (a *App) showCheckout(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	var v checkout.Values
	if id, _ := strconv.ParseInt(c.QueryParam("address"), 10, 64); id > 0 {
		saved, err := a.orders.ListAddresses(c.Request().Context(), u)
		if err != nil {
			return err
		}
		for _, s := range saved {
			if s.ID == id {
				v = checkout.Values{Name: s.Consignee.Name, Phone: s.Consignee.Phone, Region: s.Consignee.RegionCode,
					Street: s.Consignee.Street, Postcode: s.Consignee.Postcode}
			}
		}
	}
	return a.renderCheckout(c, http.StatusOK, u, models.NewIdempotencyKey(), v, nil, "")
}

// placeOrder creates the order from the cart and opens it; the same key again (a
// double click, a retry) opens the same order.
func (a *App) placeOrder(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	v, key := checkoutValues(c), c.FormValue("key")
	cart, err := a.cartForCheckout(ctx, u, lang(c))
	if err != nil {
		return err
	}
	in := models.CheckoutInput{IdempotencyKey: key, Lines: cart.lines, Consignee: consigneeOf(v), ForOther: v.ForOther,
		Authorization: models.OtherAuthorization{Confirmed: v.Authorized, Relationship: v.Relationship, Code: v.Code},
		ClientIP:      c.RealIP()}
	id, err := a.orders.Checkout(ctx, u, in, a.actor(c))
	if err != nil {
		msgs, status, ok := formErrors(c, err)
		if !ok {
			return err
		}
		return a.renderCheckout(c, status, u, key, v, msgs, "")
	}
	if v.Save {
		// The order stands whatever happens here; a full address book only means
		// this address is not kept.
		if _, err := a.orders.SaveAddress(ctx, u, in.Consignee); err != nil && models.FieldErrors(err) == nil {
			a.log.WarnContext(ctx, "checkout: save address", "request_id", requestIDOf(c), "err", err.Error())
		}
	}
	if err := a.flashNext(c, "checkout.flash.placed"); err != nil {
		return err
	}
	return redirect(c, paths.Order(id))
}

// sendConsigneeCode texts the recipient a code and shows the form again, every
// value kept; off (PORTAL_SHOP_CONSIGNEE_CODE) it is 404.
func (a *App) sendConsigneeCode(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	v, key := checkoutValues(c), c.FormValue("key")
	v.ForOther = true
	if err := a.orders.SendConsigneeCode(c.Request().Context(), u, v.Phone, lang(c)); err != nil {
		msgs, status, ok := formErrors(c, err)
		if !ok {
			return err
		}
		return a.renderCheckout(c, status, u, key, v, msgs, "")
	}
	return a.renderCheckout(c, http.StatusOK, u, key, v, nil, t(c, "checkout.other.code.sent"))
}

// renderCheckout renders the form with the cart, the saved addresses and v.
func (a *App) renderCheckout(c echo.Context, status int, u *models.User, key string, v checkout.Values, errs map[string]string, notice string) error {
	ctx := c.Request().Context()
	cart, err := a.cartForCheckout(ctx, u, lang(c))
	if err != nil {
		return err
	}
	if len(cart.items) == 0 && errs == nil && notice == "" {
		return c.Redirect(http.StatusSeeOther, paths.Cart)
	}
	saved, err := a.orders.ListAddresses(ctx, u)
	if err != nil {
		return err
	}
	if len(errs) > 0 && errs[""] == "" {
		errs[""] = t(c, "form.fix_errors")
	}
	if len(v.Region) >= 4 { // the district decides its city and province
		v.Province, v.City = v.Region[:2], v.Region[:4]
	}
	p := checkout.FormProps{Notice: notice, Errors: errs, Lines: cart.items, TotalFen: cart.total, Gone: cart.gone, Key: key, Values: v,
		Provinces: regions.Provinces(), Relationships: models.Relationships, CodeMode: a.orders.ConsigneeCode,
		Action: paths.Checkout, CodeAction: paths.CheckoutCode, Cart: paths.Cart, Addresses: paths.Addresses,
		CanSave: len(saved) < models.MaxAddresses}
	for _, s := range saved {
		p.Saved = append(p.Saved, checkout.Saved{Label: mask.Name(s.Consignee.Name) + " · " + s.Place.Text(),
			Href: paths.Checkout + "?address=" + idOf(s.ID)})
	}
	return a.render(c, status, checkout.Form(a.page(c, t(c, "checkout.title")), p))
}
