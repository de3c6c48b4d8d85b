package handlers

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/i18n"
	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/components"
	"github.com/yibao-health/portal/views/support"
)

// Support conversations, the patient's side (issue 7, C2.2.2-3): my conversations
// and the form to open one, one thread with reply and close. Another patient's
// conversation or order is 404.

// supportDomain is the support-conversation domain; it holds no state of its own.
func (a *App) supportDomain() *models.Support {
	return &models.Support{DB: a.db, Accounts: a.accounts, Now: a.now}
}

// supportForm is what the patient typed into the new-conversation form.
type supportForm struct{ order, subject, body string }

// showSupport is "my conversations" with the new-conversation form; ?order=<id>
// pre-selects one of the patient's orders (anyone else's id is ignored).
func (a *App) showSupport(c echo.Context) error {
	return a.renderSupport(c, http.StatusOK, supportForm{order: c.QueryParam("order")}, nil)
}

// openSupport opens a conversation; refused input comes back with what was typed.
func (a *App) openSupport(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	f := supportForm{order: strings.TrimSpace(c.FormValue("order")), subject: c.FormValue("subject"), body: c.FormValue("body")}
	var orderID *int64
	if f.order != "" {
		id, err := strconv.ParseInt(f.order, 10, 64)
		if err != nil || id <= 0 {
			return echo.ErrNotFound
		}
		orderID = &id
	}
	id, err := a.supportDomain().OpenConversation(c.Request().Context(), u, f.subject, f.body, orderID, a.actor(c))
	if err != nil {
		msgs, status, ok := formErrors(c, err)
		if !ok {
			return err
		}
		return a.renderSupport(c, status, f, msgs)
	}
	if err := a.flashNext(c, "support.flash.opened"); err != nil {
		return err
	}
	return redirect(c, paths.SupportConversation(id))
}

// renderSupport renders the patient's support page with the form's values.
func (a *App) renderSupport(c echo.Context, status int, f supportForm, errs map[string]string) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	after := models.ParseConsultationCursor(c.QueryParam("after"))
	rows, next, err := a.supportDomain().PatientConversations(ctx, u, after)
	if err != nil {
		return err
	}
	orders, _, err := a.orders.PatientOrders(ctx, u, "", 0)
	if err != nil {
		return err
	}
	p := support.ListProps{Subject: f.subject, Body: f.body, Errors: errs, MaxSubject: models.MaxSupportSubject,
		MaxMessage: models.MaxSupportMessage}
	if status == http.StatusOK {
		p.Notice = a.flash(c)
	}
	for _, o := range orders {
		p.Orders = append(p.Orders, a.orderOption(c, o))
	}
	if f.order != "" {
		p.Order = a.preselectOrder(c, u, f.order, &p.Orders)
	}
	for _, r := range rows {
		p.Rows = append(p.Rows, a.supportRow(c, r, paths.SupportConversation(r.ID)))
	}
	if next != nil {
		p.Next = paths.Support + "?after=" + next.String()
	}
	if after != nil {
		p.First = paths.Support
	}
	return a.render(c, status, support.List(a.page(c, t(c, "support.list.title")), p))
}

// preselectOrder returns raw when it names one of u's orders (adding an older one
// to the choices), else "".
func (a *App) preselectOrder(c echo.Context, u *models.User, raw string, opts *[]support.OrderOption) string {
	for _, o := range *opts {
		if o.Value == raw {
			return raw
		}
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return ""
	}
	d, err := a.orders.PatientOrder(c.Request().Context(), u, id)
	if err != nil {
		return ""
	}
	*opts = append(*opts, a.orderOption(c, d.OrderSummary))
	return raw
}

func (a *App) orderOption(c echo.Context, o models.OrderSummary) support.OrderOption {
	return support.OrderOption{Value: strconv.FormatInt(o.ID, 10),
		Label: o.OrderNo + " · " + t(c, "stafforders.status."+o.Status) + " · " + components.Yuan(o.TotalFen)}
}

// supportRow is one conversation in a list.
func (a *App) supportRow(c echo.Context, r models.SupportSummary, href string) support.Row {
	return support.Row{Href: href, Subject: r.Subject, OrderNo: r.OrderNo, Status: t(c, "support.status."+r.Status),
		Updated: i18n.ShortTime(r.UpdatedAt), Answered: r.Answered}
}

// showSupportConversation is one of the patient's conversations.
func (a *App) showSupportConversation(c echo.Context) error {
	return a.renderSupportThread(c, http.StatusOK, false, "", nil)
}

// postSupportMessage adds the patient's message to their open conversation.
func (a *App) postSupportMessage(c echo.Context) error {
	return a.supportReply(c, false)
}

// closeSupportConversation closes the patient's conversation; the history stays.
func (a *App) closeSupportConversation(c echo.Context) error {
	return a.supportClose(c, false)
}
