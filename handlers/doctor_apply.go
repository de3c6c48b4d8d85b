package handlers

import (
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/doctor"
)

// maxApplyBody bounds a doctor application request: the licence document plus the
// form's text fields and the multipart framing.
const maxApplyBody = models.MaxLicenceSize + 256<<10

// isDoctorUpload reports whether the request posts the doctor application form
// (either of its buttons), the only requests allowed past the global body limit.
func isDoctorUpload(c echo.Context) bool {
	p := c.Path()
	return c.Request().Method == http.MethodPost && (p == paths.DoctorApply || p == paths.DoctorApplyCode)
}

// doctorUploadLimit gives the application form its own body limit. It runs before
// the CSRF check, which parses the form: a body declared too large is refused at
// once with a 413 page saying the limit, and a body that grows past it while being
// read stops there.
func doctorUploadLimit(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !isDoctorUpload(c) {
			return next(c)
		}
		req := c.Request()
		if req.ContentLength > maxApplyBody {
			return &models.Error{Kind: models.KindTooLarge, Key: "doctor.apply.too_large", Args: []any{models.MaxLicenceMB}}
		}
		req.Body = http.MaxBytesReader(c.Response(), req.Body, maxApplyBody)
		return next(c)
	}
}

// applyProps reads what the user typed (never the password or the file).
func applyProps(c echo.Context) doctor.ApplyProps {
	return doctor.ApplyProps{Contact: c.FormValue("contact"), Code: c.FormValue("code"), Username: c.FormValue("username"),
		RealName: c.FormValue("real_name"), Hospital: c.FormValue("hospital"), Department: c.FormValue("department"),
		Title: c.FormValue("title"), Specialty: c.FormValue("specialty"), LicenceNumber: c.FormValue("licence_number"),
		Agree: c.FormValue("agree") == "1"}
}

func (a *App) renderApply(c echo.Context, status int, p doctor.ApplyProps) error {
	p.Titles, p.MaxMB = models.DoctorTitles, models.MaxLicenceMB
	return a.render(c, status, doctor.Apply(a.page(c, t(c, "doctor.apply.page_title")), p))
}

func (a *App) showDoctorApply(c echo.Context) error {
	if u, err := a.user(c); err != nil || u != nil {
		if err != nil {
			return err
		}
		return redirect(c, a.landing(c, u))
	}
	return a.renderApply(c, http.StatusOK, doctor.ApplyProps{})
}

// doctorApplyCode sends the one-time code and shows the form again with what was typed.
func (a *App) doctorApplyCode(c echo.Context) error {
	p := applyProps(c)
	if err := a.accounts.SendCode(c.Request().Context(), models.PurposeRegister, p.Contact, lang(c)); err != nil {
		msgs, status, ok := formErrors(c, err)
		if !ok {
			return err
		}
		p.Errors = msgs
		return a.renderApply(c, status, p)
	}
	p.Notice = t(c, "register.code_sent")
	return a.renderApply(c, http.StatusOK, p)
}

// doctorApply creates the doctor's account, pending profile and encrypted licence in
// one transaction. No session is started: doctors enrol MFA at their first sign-in.
func (a *App) doctorApply(c echo.Context) error {
	p := applyProps(c)
	licence, err := readLicence(c)
	if err != nil {
		return err
	}
	in := models.DoctorApplication{
		Registration: models.Registration{Contact: p.Contact, Code: p.Code, Username: p.Username,
			Password: c.FormValue("password"), Agree: p.Agree, Consent: a.consentContext(c, models.ChannelRegistration)},
		RealName: p.RealName, Hospital: p.Hospital, Department: p.Department, Title: p.Title,
		Specialty: p.Specialty, LicenceNumber: p.LicenceNumber, Licence: licence,
	}
	if _, err := a.accounts.ApplyDoctor(c.Request().Context(), in, a.actor(c)); err != nil {
		msgs, status, ok := formErrors(c, err)
		if !ok {
			return err
		}
		p.Errors = msgs
		return a.renderApply(c, status, p)
	}
	return redirect(c, paths.DoctorApplied)
}

// readLicence returns the uploaded document's bytes, at most one byte over the
// limit (so the domain can tell it is too large), or nil when no file was sent.
func readLicence(c echo.Context) ([]byte, error) {
	fh, err := c.FormFile("licence")
	if errors.Is(err, http.ErrMissingFile) || errors.Is(err, http.ErrNotMultipart) {
		return nil, nil
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, &models.Error{Kind: models.KindTooLarge, Key: "doctor.apply.too_large", Args: []any{models.MaxLicenceMB}}
	}
	if err != nil {
		return nil, echo.NewHTTPError(http.StatusBadRequest).SetInternal(err)
	}
	f, err := fh.Open()
	if err != nil {
		return nil, fmt.Errorf("doctor apply: open upload: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, models.MaxLicenceSize+1))
	if err != nil {
		return nil, fmt.Errorf("doctor apply: read upload: %w", err)
	}
	return data, nil
}

// showDoctorApplied tells a new applicant what happens next.
func (a *App) showDoctorApplied(c echo.Context) error {
	return a.render(c, http.StatusOK, doctor.Applied(a.page(c, t(c, "doctor.applied.title"))))
}
