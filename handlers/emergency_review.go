package handlers

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/emergency"
)

// Break-glass access, the privacy officer's review (issue 6). The guard admits
// staff with the privacy_officer capability only; the reviewer sees the doctor,
// the patient masked, the reason, the justification and what was read, never the
// health data itself.

// showEmergencyQueue lists accesses of one review state (pending by default).
func (a *App) showEmergencyQueue(c echo.Context) error {
	status := c.QueryParam("status")
	if !slices.Contains(models.EmergencyStatuses, status) {
		status = models.EmergencyPending
	}
	after, _ := strconv.ParseInt(c.QueryParam("after"), 10, 64)
	q, err := a.consultations.EmergencyReviewQueue(c.Request().Context(), status, max(after, 0))
	if err != nil {
		return err
	}
	p := emergency.QueueProps{Status: status, Statuses: models.EmergencyStatuses, Counts: map[string]int64{
		models.EmergencyPending: q.Counts.Pending, models.EmergencyConfirmed: q.Counts.Confirmed, models.EmergencyFlagged: q.Counts.Flagged}}
	for _, r := range q.Rows {
		p.Rows = append(p.Rows, a.emergencyRow(c, r))
	}
	if q.Next != 0 {
		p.Next = paths.StaffEmergency + "?status=" + status + "&after=" + strconv.FormatInt(q.Next, 10)
	}
	if after > 0 {
		p.First = paths.StaffEmergency + "?status=" + status
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return a.render(c, http.StatusOK, emergency.Queue(a.page(c, t(c, "emergency.queue.title")), p))
}

// emergencyRow is one access as the reviewer lists it.
func (a *App) emergencyRow(c echo.Context, r models.EmergencyReviewRow) emergency.QueueRow {
	row := emergency.QueueRow{ID: r.ID, Doctor: r.Doctor.RealName, Patient: r.Patient.Name, Reason: r.Reason,
		Status: r.ReviewStatus, CreatedAt: r.CreatedAt, ExpiresAt: r.ExpiresAt}
	var d []string
	if r.Doctor.Title != "" {
		d = append(d, t(c, "doctor.title."+r.Doctor.Title))
	}
	for _, s := range []string{r.Doctor.Hospital, r.Doctor.Department} {
		if s != "" {
			d = append(d, s)
		}
	}
	row.DoctorDetail = strings.Join(d, " · ")
	if row.Doctor == "" {
		row.Doctor = t(c, "accesslog.viewer.doctor")
	}
	return row
}

// showEmergencyReview is one access under review.
func (a *App) showEmergencyReview(c echo.Context) error {
	id, err := emergencyID(c)
	if err != nil {
		return err
	}
	s, err := a.sess(c)
	if err != nil {
		return err
	}
	var p emergency.ReviewProps
	if key := a.takeFlash(c, s); key != "" {
		p.Notice = t(c, key)
	}
	return a.renderEmergencyReview(c, http.StatusOK, id, p)
}

// renderEmergencyReview loads access id into p, keeping its notice, errors and
// typed note.
func (a *App) renderEmergencyReview(c echo.Context, status int, id int64, p emergency.ReviewProps) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	d, err := a.consultations.EmergencyReview(c.Request().Context(), u, id, a.actor(c))
	if err != nil {
		return err
	}
	p.QueueRow = a.emergencyRow(c, d.EmergencyReviewRow)
	p.Justification, p.ReviewNote, p.ReviewedAt, p.MoreReads = d.Justification, d.ReviewNote, d.ReviewedAt, d.MoreReads
	for _, r := range d.Reads {
		p.Reads = append(p.Reads, emergency.Read{At: r.At, ItemType: r.ItemType})
	}
	p.Pending, p.MaxNote = d.ReviewStatus == models.EmergencyPending, models.MaxReviewNote
	c.Response().Header().Set("Cache-Control", "no-store")
	return a.render(c, status, emergency.Review(a.page(c, t(c, "emergency.review.title")), p))
}

// reviewEmergency records the decision; a refused one shows the page again with
// the message and the typed note.
func (a *App) reviewEmergency(c echo.Context) error {
	id, err := emergencyID(c)
	if err != nil {
		return err
	}
	u, err := a.user(c)
	if err != nil {
		return err
	}
	decision, note := c.FormValue("decision"), c.FormValue("note")
	if err := a.consultations.ReviewEmergency(c.Request().Context(), u, id, decision, note, a.actor(c)); err != nil {
		msgs, status, ok := formErrors(c, err)
		if !ok {
			return err
		}
		return a.renderEmergencyReview(c, status, id, emergency.ReviewProps{Errors: msgs, Note: note})
	}
	s, err := a.sess(c)
	if err != nil {
		return err
	}
	a.setFlash(c, s, "emergency.review.done_"+decision)
	return redirect(c, paths.StaffEmergencyAccess(id))
}
