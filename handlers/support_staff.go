package handlers

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/i18n"
	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/support"
)

// Support conversations, the support staff's side (issue 7): the queue (open or
// closed) and one thread with the patient masked, reply and close. The guard
// admits staff with the support capability only.

// showStaffSupportQueue lists conversations of one state, newest activity first.
func (a *App) showStaffSupportQueue(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	status := c.QueryParam("status")
	if !slices.Contains(models.SupportStatuses, status) {
		status = models.SupportOpen
	}
	after := models.ParseConsultationCursor(c.QueryParam("after"))
	q, err := a.supportDomain().StaffQueue(c.Request().Context(), u, status, after)
	if err != nil {
		return err
	}
	var p support.QueueProps
	for _, s := range models.SupportStatuses {
		p.Tabs = append(p.Tabs, support.Tab{Label: t(c, "support.status."+s), Href: paths.StaffSupport + "?status=" + s,
			Count: strconv.FormatInt(q.Counts[s], 10), Current: s == status})
	}
	for _, r := range q.Items {
		p.Rows = append(p.Rows, a.supportRow(c, r, paths.StaffSupportConversation(r.ID)))
	}
	if q.Next != nil {
		p.Next = paths.StaffSupport + "?status=" + status + "&after=" + q.Next.String()
	}
	if after != nil {
		p.First = paths.StaffSupport + "?status=" + status
	}
	return a.render(c, http.StatusOK, support.Queue(a.page(c, t(c, "support.queue.title")), p))
}

// showStaffSupportConversation is one conversation for support staff.
func (a *App) showStaffSupportConversation(c echo.Context) error {
	return a.renderSupportThread(c, http.StatusOK, true, "", nil)
}

// postStaffSupportMessage answers a conversation (the patient is told, without
// the text).
func (a *App) postStaffSupportMessage(c echo.Context) error { return a.supportReply(c, true) }

// closeStaffSupportConversation closes a conversation.
func (a *App) closeStaffSupportConversation(c echo.Context) error { return a.supportClose(c, true) }

// threadPath is the page of conversation id for patient or staff.
func threadPath(staff bool, id int64) string {
	if staff {
		return paths.StaffSupportConversation(id)
	}
	return paths.SupportConversation(id)
}

// supportReply posts a message to conversation :id (only the path names it);
// refused input comes back with the typed text.
func (a *App) supportReply(c echo.Context, staff bool) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	id, err := documentID(c, "id")
	if err != nil {
		return err
	}
	body := c.FormValue("body")
	if err := a.supportDomain().Reply(c.Request().Context(), u, id, body, a.actor(c)); err != nil {
		msgs, status, ok := formErrors(c, err)
		if !ok {
			return err
		}
		return a.renderSupportThread(c, status, staff, body, msgs)
	}
	if err := a.flashNext(c, "support.flash.sent"); err != nil {
		return err
	}
	return redirect(c, threadPath(staff, id))
}

// supportClose closes conversation :id.
func (a *App) supportClose(c echo.Context, staff bool) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	id, err := documentID(c, "id")
	if err != nil {
		return err
	}
	if err := a.supportDomain().Close(c.Request().Context(), u, id, a.actor(c)); err != nil {
		msgs, status, ok := formErrors(c, err)
		if !ok {
			return err
		}
		return a.renderSupportThread(c, status, staff, "", msgs)
	}
	if err := a.flashNext(c, "support.flash.closed"); err != nil {
		return err
	}
	return redirect(c, threadPath(staff, id))
}

// renderSupportThread reads conversation :id for the signed-in user (the model
// refuses anyone but its patient and support staff) and renders it.
func (a *App) renderSupportThread(c echo.Context, status int, staff bool, draft string, errs map[string]string) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	id, err := documentID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	th, err := a.supportDomain().Conversation(ctx, u, id)
	if err != nil {
		return err
	}
	if staff {
		if err := a.supportDomain().StaffViewed(ctx, u, id, a.actor(c)); err != nil {
			return err
		}
	}
	p := support.ThreadProps{Staff: staff, ID: th.ID, Subject: th.Subject, Status: t(c, "support.status."+th.Status),
		Opened: i18n.ShortTime(th.CreatedAt), Closed: th.Status == models.SupportClosed, OrderNo: th.OrderNo, Earlier: th.Earlier,
		Errors: errs, Draft: draft, MaxMessage: models.MaxSupportMessage, ReplyAction: threadPath(staff, id) + "/messages",
		CloseAction: threadPath(staff, id) + "/close", Back: paths.Support}
	if status == http.StatusOK {
		p.Notice = a.flash(c)
	}
	if th.OrderID != nil {
		p.OrderHref = paths.Order(*th.OrderID)
	}
	if staff {
		p.Back = paths.StaffSupport + "?status=" + th.Status
		if th.OrderID != nil {
			p.OrderHref = paths.StaffOrder(*th.OrderID)
		}
		who, err := a.supportDomain().MaskedPatient(ctx, u, th.UserID)
		if err != nil {
			return err
		}
		p.PatientName, p.Phone = who.Name, who.Phone
	}
	for _, m := range th.Messages {
		p.Messages = append(p.Messages, support.Message{FromStaff: m.FromStaff, Body: m.Body, When: i18n.ShortTime(m.CreatedAt)})
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return a.render(c, status, support.Thread(a.page(c, th.Subject), p))
}
