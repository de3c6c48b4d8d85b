package handlers

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/internal/payment"
	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/checkout"
)

// Payments (issue 7, C2.2.2-4). The simulated provider's page stands for the
// provider's own site: it shows only what the portal handed over and, once the
// payer chooses, sends a signed notification server to server like a real
// provider. The notify endpoint trusts nothing but the signature and our records.

// maxNotification bounds a notification body; real ones are a few hundred bytes.
const maxNotification = 64 << 10

// simRequest checks the signed order number, amount and description the page
// was opened (or posted) with; anything tampered with is 404.
func (a *App) simRequest(v url.Values) (payment.Request, error) {
	r, err := a.sim.CheckPage(v)
	if err != nil {
		return payment.Request{}, echo.ErrNotFound
	}
	return r, nil
}

// showSimulatedPay is the simulated provider's payment page.
func (a *App) showSimulatedPay(c echo.Context) error {
	q := c.QueryParams()
	r, err := a.simRequest(q)
	if err != nil {
		return err
	}
	p := checkout.SimulatedProps{OrderNo: r.OrderNo, AmountFen: r.AmountFen, Description: r.Description, Action: paths.PaySimulated}
	for _, k := range []string{"order", "amount", "desc", "sig"} {
		p.Hidden = append(p.Hidden, checkout.Hidden{Name: k, Value: q.Get(k)})
	}
	return a.render(c, http.StatusOK, checkout.Simulated(a.page(c, t(c, "checkout.sim.title")), p))
}

// simulatedPay is the payer's choice: the provider notifies the portal, then
// sends the payer back to their order (or to My orders when not signed in here).
func (a *App) simulatedPay(c echo.Context) error {
	form := url.Values{"order": {c.FormValue("order")}, "amount": {c.FormValue("amount")}, "desc": {c.FormValue("desc")}, "sig": {c.FormValue("sig")}}
	r, err := a.simRequest(form)
	if err != nil {
		return err
	}
	paid := c.FormValue("outcome") == "paid"
	body, hdr := a.sim.Notification(payment.Notice{NotificationID: "SIMN" + randomHex(12), OrderNo: r.OrderNo,
		AmountFen: r.AmountFen, ProviderRef: "SIMT" + randomHex(12), Paid: paid})
	// Delivered through the app's own handler, in process: the request is built
	// exactly as the provider would send it (path, body, signature header, no
	// cookie, no CSRF token), so it passes the same middleware and checks as one
	// arriving over the network, without the portal needing to know its public URL.
	req := httptest.NewRequestWithContext(c.Request().Context(), http.MethodPost, paths.PaymentNotify+"/"+a.sim.Name(), bytes.NewReader(body))
	req.Header = hdr
	req.RemoteAddr = "127.0.0.1:0"
	rec := httptest.NewRecorder()
	a.echo.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		return echo.NewHTTPError(http.StatusBadGateway, "simulated notification refused")
	}
	u, err := a.user(c)
	if err != nil || u == nil || u.Kind != models.KindPatient {
		return redirect(c, paths.Orders)
	}
	id, err := a.orders.PatientOrderIDByNo(c.Request().Context(), u, r.OrderNo)
	if err != nil {
		return redirect(c, paths.Orders)
	}
	key := "orders.flash.pay_failed"
	if paid {
		key = "orders.flash.paid"
	}
	if err := a.flashNext(c, key); err != nil {
		return err
	}
	return redirect(c, paths.Order(id))
}

// paymentNotify is a provider's server-to-server notification: verified by the
// provider's signature (forged → 400, nothing changes), checked against our
// records (mismatch → 400), applied once however often it arrives, and answered
// with the provider's acknowledgement. The body is never logged.
func (a *App) paymentNotify(c echo.Context) error {
	name := c.Param("provider")
	p, ok := a.orders.Providers[name]
	if !ok {
		return echo.ErrNotFound
	}
	body, err := io.ReadAll(io.LimitReader(c.Request().Body, maxNotification+1))
	if err != nil {
		return c.String(http.StatusBadRequest, "unreadable")
	}
	if len(body) > maxNotification {
		return c.String(http.StatusRequestEntityTooLarge, "too large")
	}
	ctx := c.Request().Context()
	n, err := p.Verify(body, c.Request().Header)
	if err != nil {
		a.log.WarnContext(ctx, "payment notification rejected", "request_id", requestIDOf(c), "provider", name, "reason", "signature")
		return c.String(http.StatusBadRequest, "invalid notification")
	}
	if err := a.orders.HandlePaymentNotice(ctx, name, n); err != nil {
		if k, ok := models.KindOf(err); ok && k == models.KindInvalid {
			a.log.WarnContext(ctx, "payment notification rejected", "request_id", requestIDOf(c), "provider", name, "reason", "mismatch")
			return c.String(http.StatusBadRequest, "notification does not match")
		}
		return err
	}
	ct, ack := p.Ack()
	return c.Blob(http.StatusOK, ct, ack)
}

// randomHex is n random bytes in hex.
func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(errors.New("pay: random: " + err.Error()))
	}
	return hex.EncodeToString(b)
}
