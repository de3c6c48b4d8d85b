package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/keys"
)

// DoctorStatus returns the verification status of doctor userID ("" when the
// doctor has no profile). Only DoctorVerified reaches anything with patient data.
func DoctorStatus(ctx context.Context, g *gorm.DB, userID int64) (string, error) {
	var status []string
	if err := g.WithContext(ctx).Model(&DoctorProfile{}).Where("user_id = ?", userID).Limit(1).Pluck("status", &status).Error; err != nil {
		return "", fmt.Errorf("doctors: status: %w", err)
	}
	if len(status) == 0 {
		return "", nil
	}
	return status[0], nil
}

// Professional titles (职称), stored as these codes and shown through the message
// keys "doctor.title.<code>".
const (
	TitleChief          = "chief"           // 主任医师
	TitleAssociateChief = "associate_chief" // 副主任医师
	TitleAttending      = "attending"       // 主治医师
	TitleResident       = "resident"        // 住院医师
)

// DoctorTitles lists the titles in display order.
var DoctorTitles = []string{TitleChief, TitleAssociateChief, TitleAttending, TitleResident}

// MaxLicenceSize is the largest licence document accepted (10 MB); MaxLicenceMB
// is the same limit for messages.
const (
	MaxLicenceSize = 10 << 20
	MaxLicenceMB   = 10
)

// licenceTypes maps each accepted licence type, as sniffed from the content, to
// the file extension the server names it with.
var licenceTypes = map[string]string{
	"application/pdf": "pdf",
	"image/jpeg":      "jpg",
	"image/png":       "png",
	"image/webp":      "webp",
}

// SniffLicence returns the content type of a licence document detected from its
// bytes (never from a file name), and whether it is an accepted type.
func SniffLicence(data []byte) (contentType string, ok bool) {
	ct, _, _ := strings.Cut(http.DetectContentType(data), ";")
	_, ok = licenceTypes[ct]
	return ct, ok
}

// LicenceExt is the extension of an accepted licence content type ("bin" otherwise).
func LicenceExt(contentType string) string {
	if ext, ok := licenceTypes[contentType]; ok {
		return ext
	}
	return "bin"
}

// licenceNumber is the 15-digit 执业证书编码 of a physician's practising certificate.
var licenceNumber = regexp.MustCompile(`^[0-9]{15}$`)

// DoctorApplication is a doctor's application form: the account part (contact,
// code, optional username, password, agreement) and the professional part with
// the licence document's bytes.
type DoctorApplication struct {
	Registration
	RealName, Hospital, Department, Title, Specialty, LicenceNumber string
	Licence                                                         []byte
}

// normalize trims the text fields in place (a licence number may be typed with spaces).
func (d *DoctorApplication) normalize() {
	for _, s := range []*string{&d.RealName, &d.Hospital, &d.Department, &d.Title, &d.Specialty} {
		*s = strings.TrimSpace(*s)
	}
	d.LicenceNumber = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '-' {
			return -1
		}
		return r
	}, d.LicenceNumber)
}

// problems checks the professional part and the document.
func (d *DoctorApplication) problems() Problems {
	var p Problems
	text := func(field, v string, max int, required bool) {
		switch n := utf8.RuneCountInString(v); {
		case n == 0 && required:
			p.Add(field, "doctor.apply."+field+".required")
		case n > max || strings.ContainsFunc(v, unicode.IsControl):
			p = append(p, &Error{Kind: KindInvalid, Field: field, Key: "doctor.apply.too_long", Args: []any{max}})
		}
	}
	text("real_name", d.RealName, 64, true)
	text("hospital", d.Hospital, 128, true)
	text("department", d.Department, 64, true)
	text("specialty", d.Specialty, 255, false)
	if !slices.Contains(DoctorTitles, d.Title) {
		p.Add("title", "doctor.apply.title.required")
	}
	if !licenceNumber.MatchString(d.LicenceNumber) {
		p.Add("licence_number", "doctor.apply.licence_number.invalid")
	}
	switch _, ok := SniffLicence(d.Licence); {
	case len(d.Licence) == 0:
		p.Add("licence", "doctor.apply.licence.required")
	case len(d.Licence) > MaxLicenceSize:
		p = append(p, &Error{Kind: KindTooLarge, Field: "licence", Key: "doctor.apply.licence.too_large", Args: []any{MaxLicenceMB}})
	case !ok:
		p.Add("licence", "doctor.apply.licence.type")
	}
	return p
}

// ApplyDoctor creates a doctor's account with its pending profile and encrypted
// licence document, all in one transaction: nothing is stored if any part fails.
// Every problem of the form is reported at once. The new doctor has no session:
// doctors enrol a second factor at their first sign-in.
func (a *Accounts) ApplyDoctor(ctx context.Context, d DoctorApplication, actx AuditContext) (*User, error) {
	d.normalize()
	d.Kind = KindDoctor
	p := d.problems()
	if _, _, _, err := d.Registration.validate(); err != nil {
		var rp Problems
		if !errors.As(err, &rp) {
			return nil, err
		}
		p = append(rp, p...)
	}
	if len(p) > 0 {
		return nil, p
	}
	contentType, _ := SniffLicence(d.Licence)
	sum := sha256.Sum256(d.Licence)
	return a.Register(ctx, d.Registration, actx, func(tx *gorm.DB, u *User) error {
		prof := DoctorProfile{UserID: u.ID, RealName: d.RealName, Hospital: d.Hospital, Department: d.Department,
			Title: d.Title, Specialty: d.Specialty, LicenceNumber: d.LicenceNumber, Status: DoctorPending,
			CreatedAt: u.CreatedAt, UpdatedAt: u.CreatedAt}
		if err := tx.Create(&prof).Error; err != nil {
			return fmt.Errorf("doctors: create profile: %w", err)
		}
		enc, err := a.Keys.Encrypt(d.Licence, licenceAD(u.ID))
		if err != nil {
			return fmt.Errorf("doctors: encrypt licence: %w", err)
		}
		lic := DoctorLicence{UserID: u.ID, ContentType: contentType, Size: int64(len(d.Licence)),
			SHA256: hex.EncodeToString(sum[:]), DataEnc: enc, CreatedAt: u.CreatedAt}
		if err := tx.Create(&lic).Error; err != nil {
			return fmt.Errorf("doctors: store licence: %w", err)
		}
		return nil
	})
}

// licenceAD binds a licence ciphertext to its doctor's row.
func licenceAD(doctorID int64) keys.AD {
	return keys.AD{Table: "doctor_licences", Column: "data", RowID: idString(doctorID), OwnerID: doctorID}
}

// DoctorProfileOf returns doctor userID's profile; a missing one is NotFound.
func (a *Accounts) DoctorProfileOf(ctx context.Context, userID int64) (*DoctorProfile, error) {
	var p DoctorProfile
	err := a.DB.WithContext(ctx).Where("user_id = ?", userID).Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, NotFound("")
	}
	if err != nil {
		return nil, fmt.Errorf("doctors: load profile: %w", err)
	}
	return &p, nil
}
