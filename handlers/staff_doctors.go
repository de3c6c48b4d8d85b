package handlers

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/mask"
	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/internal/session"
	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/staffdoctors"
)

// doctorStatuses are the queue's filters, in display order.
var doctorStatuses = []string{models.DoctorPending, models.DoctorRejected, models.DoctorVerified, models.DoctorSuspended}

// staffDoctorQueue lists applications of one status (pending by default), oldest
// first, a bounded page at a time.
func (a *App) staffDoctorQueue(c echo.Context) error {
	status := c.QueryParam("status")
	if !slices.Contains(doctorStatuses, status) {
		status = models.DoctorPending
	}
	after := models.ParseDoctorCursor(c.QueryParam("after"))
	rows, next, err := a.accounts.DoctorQueue(c.Request().Context(), status, after, models.DoctorQueuePage)
	if err != nil {
		return err
	}
	p := staffdoctors.QueueProps{Status: status, Statuses: doctorStatuses, Next: next.String(), Paged: after != nil}
	for _, r := range rows {
		p.Rows = append(p.Rows, staffdoctors.QueueRow{ID: r.UserID, Name: mask.Name(r.RealName), Hospital: r.Hospital,
			Department: r.Department, Title: r.Title, AppliedAt: r.CreatedAt})
	}
	return a.render(c, http.StatusOK, staffdoctors.Queue(a.page(c, t(c, "staffdoctors.title")), p))
}

// doctorID reads the :id path parameter; anything that is not a positive ID is 404.
func doctorID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, echo.ErrNotFound
	}
	return id, nil
}

// staffDoctorDetail shows one application for review.
func (a *App) staffDoctorDetail(c echo.Context) error {
	id, err := doctorID(c)
	if err != nil {
		return err
	}
	s, err := a.sess(c)
	if err != nil {
		return err
	}
	p := staffdoctors.DetailProps{}
	if key := a.takeFlash(c, s); key != "" {
		p.Notice = t(c, key)
	}
	return a.renderDoctorDetail(c, http.StatusOK, id, p)
}

// renderDoctorDetail loads application id into p (keeping its notice, errors and
// typed reason) and renders the review page with status.
func (a *App) renderDoctorDetail(c echo.Context, status int, id int64, p staffdoctors.DetailProps) error {
	ctx := c.Request().Context()
	prof, err := a.accounts.DoctorProfileOf(ctx, id)
	if err != nil {
		return err
	}
	u, err := a.accounts.User(ctx, id)
	if err != nil {
		return err
	}
	phone, email, err := a.accounts.Contacts(u)
	if err != nil {
		return err
	}
	p.ID, p.Status, p.Reason = id, prof.Status, prof.ReviewReason
	p.RealName, p.Hospital, p.Department, p.Title = prof.RealName, prof.Hospital, prof.Department, prof.Title
	p.Specialty, p.LicenceNumber, p.AppliedAt, p.ReviewedAt = prof.Specialty, prof.LicenceNumber, prof.CreatedAt, prof.ReviewedAt
	if phone != "" {
		p.Phone = mask.Phone(phone)
	}
	if email != "" {
		p.Email = mask.Email(email)
	}
	if lic, err := a.accounts.DoctorLicenceInfo(ctx, id); err == nil {
		p.LicenceType, p.LicenceKB = lic.ContentType, (lic.Size+1023)/1024
	} else if !models.IsNotFound(err) {
		return err
	}
	for _, action := range models.ReviewActions {
		if models.ReviewAllowed(action, prof.Status) {
			p.Actions = append(p.Actions, action)
		}
	}
	p.NeedsReason, p.MinReason, p.MaxReason = models.ReviewNeedsReason, models.MinReviewReason, models.MaxReviewReason
	return a.render(c, status, staffdoctors.Detail(a.page(c, t(c, "staffdoctors.detail_title")), p))
}

// staffDoctorLicence serves the decrypted licence document to an admin, audited.
// It is sandboxed (no script, no plugin, no network but same-origin images), never
// sniffed, never cached, and named by the server.
func (a *App) staffDoctorLicence(c echo.Context) error {
	id, err := doctorID(c)
	if err != nil {
		return err
	}
	data, contentType, err := a.accounts.OpenDoctorLicence(c.Request().Context(), id, a.actor(c))
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'; img-src 'self'")
	h.Set("Cache-Control", "no-store")
	disposition := "inline"
	if contentType == "application/octet-stream" {
		disposition = "attachment"
	}
	h.Set("Content-Disposition", disposition+`; filename="licence.`+models.LicenceExt(contentType)+`"`)
	return c.Blob(http.StatusOK, contentType, data)
}

// staffDoctorReview applies one decision. Bad input re-renders the review page with
// the message and the typed reason; success redirects back with a notice. A
// suspension ends every session of the doctor at once.
func (a *App) staffDoctorReview(action string) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := doctorID(c)
		if err != nil {
			return err
		}
		ctx := c.Request().Context()
		reason := c.FormValue("reason")
		if _, err := a.accounts.ReviewDoctor(ctx, id, action, reason, a.actor(c)); err != nil {
			msgs, status, ok := formErrors(c, err)
			if !ok {
				return err
			}
			return a.renderDoctorDetail(c, status, id, staffdoctors.DetailProps{Errors: msgs, ReasonValue: reason})
		}
		if action == models.ReviewSuspend {
			if _, err := a.sessions.RevokeUser(ctx, id, "", session.ReasonSuspended); err != nil {
				return err
			}
		}
		s, err := a.sess(c)
		if err != nil {
			return err
		}
		a.setFlash(c, s, "doctor.review.done."+action)
		return redirect(c, paths.StaffDoctor(id))
	}
}
