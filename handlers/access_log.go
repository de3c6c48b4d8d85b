package handlers

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/i18n"
	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/accesslog"
)

// accessLogPage is the number of entries per page of "who viewed my data".
const accessLogPage = 50

// showAccessLog is "who viewed my data": the patient's access log, newest first,
// filtered by the query (kind, emergency, own, from, to) and paged by after. The
// read is itself logged (viewer = the patient, basis owner) in the same request;
// those rows are hidden unless "own" is ticked.
func (a *App) showAccessLog(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	c.Response().Header().Set("Cache-Control", "no-store")
	f := accesslog.Filter{Kind: c.QueryParam("kind"), Emergency: c.QueryParam("emergency") == "1",
		Own: c.QueryParam("own") == "1", From: c.QueryParam("from"), To: c.QueryParam("to")}
	mf := models.AccessFilter{EmergencyOnly: f.Emergency, IncludeOwn: f.Own}
	switch f.Kind {
	case models.KindDoctor, models.KindStaff:
		mf.ViewerKind = f.Kind
	case models.KindPatient:
		mf.ViewerKind, mf.IncludeOwn = f.Kind, true
	default:
		f.Kind = ""
	}
	p := accesslog.ListProps{Filter: f, Errors: map[string]string{}}
	status := http.StatusOK
	if f.From != "" {
		if d, err := time.ParseInLocation(dateLayout, f.From, models.ChinaTime); err == nil {
			mf.From = d
		} else {
			p.Errors["from"] = t(c, "accesslog.filter.bad_date")
		}
	}
	if f.To != "" {
		if d, err := time.ParseInLocation(dateLayout, f.To, models.ChinaTime); err == nil {
			mf.To = d.AddDate(0, 0, 1)
		} else {
			p.Errors["to"] = t(c, "accesslog.filter.bad_date")
		}
	}
	after, _ := strconv.ParseInt(c.QueryParam("after"), 10, 64)
	if after < 0 {
		after = 0
	}
	if len(p.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	} else {
		page, err := models.AccessLog(ctx, a.db, u.ID, mf, after, accessLogPage)
		if err != nil {
			return err
		}
		for _, r := range page.Rows {
			p.Rows = append(p.Rows, a.accessRow(c, r))
		}
		if page.Next != 0 {
			p.Next = accessLogURL(f, page.Next)
		}
		if after != 0 {
			p.First = accessLogURL(f, 0)
		}
	}
	// The patient reading their own log is recorded too (issue 6).
	if err := models.LogAccess(a.db.WithContext(ctx), models.AccessEntry{PatientID: u.ID, ViewerID: u.ID,
		ViewerKind: models.KindPatient, ItemType: models.ItemAccessLog, ItemID: strconv.FormatInt(u.ID, 10),
		Basis: models.BasisOwner, CreatedAt: a.now(), RequestID: requestIDOf(c)}); err != nil {
		return err
	}
	return a.render(c, status, accesslog.List(a.page(c, t(c, "accesslog.title")), p))
}

// accessRow is one entry as the patient reads it: a doctor by name, title and
// hospital; staff by role only; no item titles, only kinds and categories.
func (a *App) accessRow(c echo.Context, r models.AccessRow) accesslog.Row {
	row := accesslog.Row{ID: r.ID, Emergency: r.Emergency, Self: r.Viewer.Self,
		When: i18n.ShortTime(r.CreatedAt)}
	switch v := r.Viewer; {
	case v.Self:
		row.Who = t(c, "accesslog.viewer.you")
	case v.Kind == models.KindDoctor && v.Name != "":
		row.Who = v.Name
		var d []string
		if v.Title != "" {
			d = append(d, t(c, "doctor.title."+v.Title))
		}
		for _, s := range []string{v.Hospital, v.Department} {
			if s != "" {
				d = append(d, s)
			}
		}
		row.WhoDetail = strings.Join(d, " · ")
	case v.Kind == models.KindDoctor:
		row.Who = t(c, "accesslog.viewer.doctor")
	case v.Kind == models.KindStaff && len(v.Caps) > 0:
		var roles []string
		for _, cp := range v.Caps {
			roles = append(roles, t(c, "staff.cap."+cp))
		}
		row.Who = t(c, "accesslog.viewer.staff", strings.Join(roles, "、"))
	default:
		row.Who = t(c, "accesslog.viewer.staff_any")
	}
	switch r.ItemType {
	case models.ItemDocument, models.ItemDocumentFile:
		cat := r.ItemCategory
		if cat == "" {
			cat = models.CategoryOther
		}
		row.What = t(c, "accesslog.item."+r.ItemType, t(c, "documents.category."+cat))
	default:
		row.What = t(c, "accesslog.item."+r.ItemType)
	}
	switch {
	case r.Basis == models.BasisConsultation && r.BasisID != nil:
		row.Basis = t(c, "accesslog.basis.consultation", *r.BasisID)
		row.BasisURL = paths.Consultation(*r.BasisID)
	default:
		row.Basis = t(c, "accesslog.basis."+r.Basis)
	}
	if r.Emergency {
		row.Basis = t(c, "accesslog.basis.emergency")
	}
	return row
}

// accessLogURL is the log with filter f from cursor after (0: the first page).
func accessLogURL(f accesslog.Filter, after int64) string {
	q := url.Values{}
	for k, v := range map[string]string{"kind": f.Kind, "from": f.From, "to": f.To} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if f.Emergency {
		q.Set("emergency", "1")
	}
	if f.Own {
		q.Set("own", "1")
	}
	if after > 0 {
		q.Set("after", strconv.FormatInt(after, 10))
	}
	if len(q) == 0 {
		return paths.AccountAccessLog
	}
	return paths.AccountAccessLog + "?" + q.Encode()
}
