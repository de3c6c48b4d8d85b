package models

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/keys"
)

// Limits of the health profile (issue 5). Heights and weights are kept in tenths
// (one decimal place) so that what the patient typed is stored exactly.
const (
	MaxHealthRows       = 30   // diagnoses, and drug allergies, per profile
	MaxDiagnosisName    = 100  // characters
	MaxAllergySubstance = 100  // characters
	MaxAllergyReaction  = 200  // characters
	MaxHealthHistory    = 2000 // characters of each of the four histories
	MinHeightTenths     = 300  // 30.0 cm
	MaxHeightTenths     = 2500 // 250.0 cm
	MinWeightTenths     = 10   // 1.0 kg
	MaxWeightTenths     = 4000 // 400.0 kg
	// MaxHealthVersions bounds the history list (the newest versions first).
	MaxHealthVersions = 100
)

// The codes of the profile's choices, in display order.
var (
	DiagnosisStatuses = []string{"active", "resolved", "chronic"}
	AllergySeverities = []string{"mild", "moderate", "severe"}
	MaritalStatuses   = []string{"single", "married", "divorced", "widowed", "other", "undisclosed"}
	// HealthHistories are the four free-text histories: past (既往史), personal (个人史),
	// marital and childbearing (婚育史) and family (家族史); the codes are form fields.
	HealthHistories = []string{"past_history", "personal_history", "marital_history", "family_history"}
)

// AuditHealthProfileUpdate is the audit action of a save (success) and of a save
// refused for want of the health-data consent (denied). Its details name the
// version and the changed sections, never a value.
const AuditHealthProfileUpdate = "health.profile.update"

// The encrypted column of health_profiles, data_enc, holds the whole profile as
// JSON; HealthProfileADColumn is the column name its associated data carries (see
// HealthProfileAD and EncryptedColumns).
const (
	HealthProfileTable    = "health_profiles"
	HealthProfileADColumn = "data"
)

// HealthProfileRow is one saved version of a patient's health profile. Every
// health value is inside DataEnc; the rest says which version, when and by whom.
type HealthProfileRow struct {
	ID        int64
	UserID    int64
	Version   int
	DataEnc   string
	CreatedAt time.Time
	CreatedBy int64
}

// TableName is health_profiles.
func (HealthProfileRow) TableName() string { return HealthProfileTable }

// HealthProfileAD is the associated data of a row's ciphertext: table, column, the
// row's id and its owner, so a ciphertext copied to another version or another
// patient does not decrypt.
func HealthProfileAD(rowID, ownerID int64) keys.AD {
	return keys.AD{Table: HealthProfileTable, Column: HealthProfileADColumn, RowID: idString(rowID), OwnerID: ownerID}
}

// Diagnosis is one past or current diagnosis. Date is YYYY-MM-DD or "".
type Diagnosis struct {
	Name   string `json:"name"`
	Date   string `json:"date,omitempty"`
	Status string `json:"status"`
}

// Allergy is one drug allergy. Reaction may be "".
type Allergy struct {
	Substance string `json:"substance"`
	Reaction  string `json:"reaction,omitempty"`
	Severity  string `json:"severity"`
}

// Tenths is a measure with one decimal place, in tenths of its unit (1705 is 170.5);
// 0 means not given.
type Tenths int

// String is the measure as typed back: "170.5", or "170" for a whole number; "" for 0.
func (v Tenths) String() string {
	if v == 0 {
		return ""
	}
	if v%10 == 0 {
		return strconv.Itoa(int(v) / 10)
	}
	return fmt.Sprintf("%d.%d", v/10, v%10)
}

// HealthData is the content of one version; it is what data_enc encrypts.
type HealthData struct {
	Diagnoses       []Diagnosis `json:"diagnoses,omitempty"`
	Allergies       []Allergy   `json:"allergies,omitempty"`
	Height          Tenths      `json:"height_tenths_cm,omitempty"`
	Weight          Tenths      `json:"weight_tenths_kg,omitempty"`
	MaritalStatus   string      `json:"marital_status,omitempty"`
	PastHistory     string      `json:"past_history,omitempty"`
	PersonalHistory string      `json:"personal_history,omitempty"`
	MaritalHistory  string      `json:"marital_history,omitempty"`
	FamilyHistory   string      `json:"family_history,omitempty"`
}

// History returns the history with the given HealthHistories code.
func (d HealthData) History(code string) string {
	switch code {
	case "past_history":
		return d.PastHistory
	case "personal_history":
		return d.PersonalHistory
	case "marital_history":
		return d.MaritalHistory
	case "family_history":
		return d.FamilyHistory
	}
	return ""
}

// Empty reports whether nothing at all is filled in.
func (d HealthData) Empty() bool {
	return d.Height == 0 && d.Weight == 0 && d.MaritalStatus == "" && len(d.Diagnoses) == 0 && len(d.Allergies) == 0 &&
		d.PastHistory == "" && d.PersonalHistory == "" && d.MaritalHistory == "" && d.FamilyHistory == ""
}

// BMI is weight / height² (kg/m²) rounded to one decimal; ok is false unless both are given.
func (d HealthData) BMI() (bmi float64, ok bool) {
	if d.Height <= 0 || d.Weight <= 0 {
		return 0, false
	}
	h := float64(d.Height) / 1000 // metres
	return math.Round(float64(d.Weight)/10/(h*h)*10) / 10, true
}

// BMICategory is the WHO classification of an adult's BMI (as rounded by BMI):
// underweight < 18.5 ≤ normal < 25 ≤ overweight (pre-obesity) < 30 ≤ obese_1 < 35
// ≤ obese_2 < 40 ≤ obese_3. It does not apply to children and adolescents.
func BMICategory(bmi float64) string {
	switch {
	case bmi < 18.5:
		return "underweight"
	case bmi < 25:
		return "normal"
	case bmi < 30:
		return "overweight"
	case bmi < 35:
		return "obese_1"
	case bmi < 40:
		return "obese_2"
	}
	return "obese_3"
}

// IsAdult reports whether someone born on birthday (YYYY-MM-DD) is 18 or older on
// now's date in China; known is false when birthday is not a date.
func IsAdult(birthday string, now time.Time) (adult, known bool) {
	b, err := time.Parse(dateLayout, birthday)
	if err != nil {
		return false, false
	}
	today := now.In(ChinaTime)
	eighteenth := time.Date(b.Year()+18, b.Month(), b.Day(), 0, 0, 0, 0, time.UTC)
	return !eighteenth.After(time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)), true
}

// HealthProfile is one version of a patient's profile, decrypted. Version 0 means
// nothing has been saved yet (Data is empty).
type HealthProfile struct {
	OwnerID   int64
	Version   int
	CreatedAt time.Time
	CreatedBy int64
	Data      HealthData
}

// HealthVersion is one entry of a profile's history.
type HealthVersion struct {
	Version   int
	CreatedAt time.Time
	CreatedBy int64
}

// HealthProfileInput is what the profile form submits, as typed. Row i of
// Diagnoses and Allergies is form row i, blank rows included (they are dropped;
// clearing a row removes it), so field errors name the row: "dx-<i>-name",
// "al-<i>-severity". BaseVersion is the version the form was opened on.
type HealthProfileInput struct {
	BaseVersion     int
	Diagnoses       []Diagnosis
	Allergies       []Allergy
	Height, Weight  string
	MaritalStatus   string
	PastHistory     string
	PersonalHistory string
	MaritalHistory  string
	FamilyHistory   string
}

// HealthProfiles is the health-profile domain: validated, versioned saves under
// the separate health-data consent, and reads through the scoped access rule.
type HealthProfiles struct {
	DB   *gorm.DB
	Keys *keys.Keyring
	Now  func() time.Time
}

// NewHealthProfiles returns the domain on db; now defaults to time.Now.
func NewHealthProfiles(db *gorm.DB, k *keys.Keyring, now func() time.Time) *HealthProfiles {
	if now == nil {
		now = time.Now
	}
	return &HealthProfiles{DB: db, Keys: k, Now: now}
}

var measureRE = regexp.MustCompile(`^[0-9]{1,3}(\.[0-9])?$`)

// parseTenths reads a measure with at most one decimal; full-width digits and
// separators (Chinese input methods) and a decimal comma are accepted.
func parseTenths(s string) (Tenths, bool) {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return '0' + (r - '０')
		case r == '．' || r == ',' || r == '，' || r == '。':
			return '.'
		case r == ' ' || r == '\u3000':
			return -1
		}
		return r
	}, s)
	s = strings.TrimSuffix(s, ".")
	if !measureRE.MatchString(s) {
		return 0, false
	}
	whole, frac, _ := strings.Cut(s, ".")
	n, _ := strconv.Atoi(whole + frac)
	if frac == "" {
		n *= 10
	}
	return Tenths(n), true
}

// cleanHistory normalises line ends and trims; ok is false for text over the limit
// or with control characters other than line breaks and tabs.
func cleanHistory(s string) (string, bool) {
	s = strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n"))
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > MaxHealthHistory {
		return s, false
	}
	return s, !strings.ContainsFunc(s, func(r rune) bool { return (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f })
}

// CleanHealthProfile validates in against today (a date in China) and returns the
// profile to store: rows left blank dropped, text trimmed. Every problem is
// reported at once, each under its form field.
func CleanHealthProfile(in HealthProfileInput, today time.Time) (HealthData, error) {
	var p Problems
	var d HealthData
	for i, dx := range in.Diagnoses {
		f := "dx-" + strconv.Itoa(i) + "-"
		dx.Name, dx.Date = strings.TrimSpace(dx.Name), strings.TrimSpace(dx.Date)
		if dx.Name == "" && dx.Date == "" && dx.Status == "" {
			continue
		}
		if !validText(dx.Name, MaxDiagnosisName) {
			p.Add(f+"name", "health.diagnosis.name.invalid")
		}
		if dx.Date != "" {
			t, err := time.Parse(dateLayout, dx.Date)
			if err != nil || t.Year() < 1900 {
				p.Add(f+"date", "health.diagnosis.date.invalid")
			} else if t.After(today) {
				p.Add(f+"date", "health.diagnosis.date.future")
			}
		}
		if !slices.Contains(DiagnosisStatuses, dx.Status) {
			p.Add(f+"status", "health.diagnosis.status.invalid")
		}
		d.Diagnoses = append(d.Diagnoses, dx)
	}
	for i, al := range in.Allergies {
		f := "al-" + strconv.Itoa(i) + "-"
		al.Substance, al.Reaction = strings.TrimSpace(al.Substance), strings.TrimSpace(al.Reaction)
		if al.Substance == "" && al.Reaction == "" && al.Severity == "" {
			continue
		}
		if !validText(al.Substance, MaxAllergySubstance) {
			p.Add(f+"substance", "health.allergy.substance.invalid")
		}
		if al.Reaction != "" && !validText(al.Reaction, MaxAllergyReaction) {
			p.Add(f+"reaction", "health.allergy.reaction.invalid")
		}
		if !slices.Contains(AllergySeverities, al.Severity) {
			p.Add(f+"severity", "health.allergy.severity.invalid")
		}
		d.Allergies = append(d.Allergies, al)
	}
	if len(d.Diagnoses) > MaxHealthRows {
		p.Add("diagnoses", "health.diagnoses.too_many")
	}
	if len(d.Allergies) > MaxHealthRows {
		p.Add("allergies", "health.allergies.too_many")
	}
	measure := func(field, s string, lo, hi Tenths) Tenths {
		if s = strings.TrimSpace(s); s == "" {
			return 0
		}
		v, ok := parseTenths(s)
		if !ok || v < lo || v > hi {
			p.Add(field, "health."+field+".invalid")
			return 0
		}
		return v
	}
	d.Height = measure("height", in.Height, MinHeightTenths, MaxHeightTenths)
	d.Weight = measure("weight", in.Weight, MinWeightTenths, MaxWeightTenths)
	if in.MaritalStatus != "" && !slices.Contains(MaritalStatuses, in.MaritalStatus) {
		p.Add("marital_status", "health.marital_status.invalid")
	}
	d.MaritalStatus = in.MaritalStatus
	history := func(field, s string) string {
		s, ok := cleanHistory(s)
		if !ok {
			p.Add(field, "health.history.invalid")
		}
		return s
	}
	d.PastHistory = history("past_history", in.PastHistory)
	d.PersonalHistory = history("personal_history", in.PersonalHistory)
	d.MaritalHistory = history("marital_history", in.MaritalHistory)
	d.FamilyHistory = history("family_history", in.FamilyHistory)
	if err := p.Err(); err != nil {
		return HealthData{}, err
	}
	return d, nil
}

// encode is the JSON that is encrypted (HTML characters not escaped: nothing
// renders it, and it stays shorter).
func (d HealthData) encode() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(d); err != nil {
		return nil, fmt.Errorf("health: encode profile: %w", err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// changedSections names the parts of the profile that differ between old and d,
// for the audit row (names only, never values).
func (d HealthData) changedSections(old HealthData) string {
	var out []string
	add := func(name string, changed bool) {
		if changed {
			out = append(out, name)
		}
	}
	add("diagnoses", !slices.Equal(d.Diagnoses, old.Diagnoses))
	add("allergies", !slices.Equal(d.Allergies, old.Allergies))
	add("height", d.Height != old.Height)
	add("weight", d.Weight != old.Weight)
	add("marital_status", d.MaritalStatus != old.MaritalStatus)
	for _, h := range HealthHistories {
		add(h, d.History(h) != old.History(h))
	}
	return strings.Join(out, ",")
}

// errNoHealthConsent stops a save's transaction when the consent is missing.
var errNoHealthConsent = errors.New("health: no health-data consent")

// Save validates in and stores it as owner's next profile version, encrypted, in
// one transaction with its health.profile.update audit row. The separate consent
// to process health information (PurposeHealthData) is checked inside that
// transaction, so a withdrawal committed before stops the save: the answer is then
// Forbidden "health.consent.required", nothing is stored and the refusal is
// audited (outcome denied). A form opened on an older version than the newest is
// a Conflict "health.profile.stale" (another window saved meanwhile). Saving what
// is already stored writes nothing (changed false). Invalid input is Problems
// before anything is read or written.
func (h *HealthProfiles) Save(ctx context.Context, owner *User, in HealthProfileInput, actx AuditContext) (version int, changed bool, err error) {
	if owner == nil || owner.Kind != KindPatient {
		return 0, false, NotFound("")
	}
	now := h.Now().UTC()
	cny := now.In(ChinaTime)
	data, err := CleanHealthProfile(in, time.Date(cny.Year(), cny.Month(), cny.Day(), 0, 0, 0, 0, time.UTC))
	if err != nil {
		return 0, false, err
	}
	plain, err := data.encode()
	if err != nil {
		return 0, false, err
	}
	err = h.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		granted, err := HasConsent(ctx, tx, owner.ID, PurposeHealthData, "")
		if err != nil {
			return err
		}
		if !granted {
			return errNoHealthConsent
		}
		latest, err := h.latest(tx, owner.ID)
		if err != nil {
			return err
		}
		var old HealthData
		if latest != nil {
			if latest.Version != in.BaseVersion {
				return Conflict("", "health.profile.stale")
			}
			if old, err = h.open(latest); err != nil {
				return err
			}
			if prev, err := old.encode(); err != nil || bytes.Equal(prev, plain) {
				version = latest.Version
				return err // nothing changed: no new version
			}
			version = latest.Version + 1
		} else {
			if in.BaseVersion != 0 {
				return Conflict("", "health.profile.stale")
			}
			version = 1
		}
		row := HealthProfileRow{UserID: owner.ID, Version: version, CreatedAt: now, CreatedBy: actx.ActorID}
		if err := tx.Create(&row).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return Conflict("", "health.profile.stale")
			}
			return fmt.Errorf("health: insert version: %w", err)
		}
		ct, err := h.Keys.EncryptString(string(plain), HealthProfileAD(row.ID, owner.ID))
		if err != nil {
			return err
		}
		if err := tx.Model(&row).Update("data_enc", ct).Error; err != nil {
			return fmt.Errorf("health: store version: %w", err)
		}
		changed = true
		_, err = AppendAudit(tx, actx.Entry(AuditHealthProfileUpdate, "health_profile", idString(owner.ID), OutcomeSuccess).
			With(map[string]string{"version": strconv.Itoa(version), "changed": data.changedSections(old)}))
		return err
	})
	if errors.Is(err, errNoHealthConsent) {
		entry := actx.Entry(AuditHealthProfileUpdate, "health_profile", idString(owner.ID), OutcomeDenied).
			With(map[string]string{"reason": "no_health_consent"})
		if aerr := h.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error { _, e := AppendAudit(tx, entry); return e }); aerr != nil {
			return 0, false, aerr
		}
		return 0, false, Forbidden("health.consent.required")
	}
	if err != nil {
		if AsError(err) != nil {
			return 0, false, err
		}
		return 0, false, fmt.Errorf("health: save profile: %w", err)
	}
	return version, changed, nil
}

// mayReadHealthProfile is the scoped access rule of health profiles (DESIGN.md §3,
// invariant 1), the one place every read asks. Today only the owner may read: for
// any other viewer — visitor, doctor, staff, another patient — the profile does not
// exist (NotFound, never Forbidden). The consultation issue extends this rule, and
// only this rule, with doctors under an active grant that covers the profile; such
// a non-owner read must then append to the access log the patient sees in the same
// request before the data is returned.
func mayReadHealthProfile(viewer *User, ownerID int64) bool {
	return viewer != nil && viewer.ID == ownerID && viewer.Kind == KindPatient
}

// HealthProfile returns the current (newest) version of ownerID's profile as viewer
// may see it, under the scoped access rule (mayReadHealthProfile): NotFound for
// anyone the rule does not admit. An owner with nothing saved gets Version 0.
func (h *HealthProfiles) HealthProfile(ctx context.Context, viewer *User, ownerID int64) (*HealthProfile, error) {
	if !mayReadHealthProfile(viewer, ownerID) {
		return nil, NotFound("")
	}
	row, err := h.latest(h.DB.WithContext(ctx), ownerID)
	if err != nil {
		return nil, err
	}
	if row == nil {
		return &HealthProfile{OwnerID: ownerID}, nil
	}
	return h.profile(row)
}

// HealthProfileVersion returns one saved version of ownerID's profile under the
// same rule; an unknown version is NotFound.
func (h *HealthProfiles) HealthProfileVersion(ctx context.Context, viewer *User, ownerID int64, version int) (*HealthProfile, error) {
	if !mayReadHealthProfile(viewer, ownerID) {
		return nil, NotFound("")
	}
	var rows []HealthProfileRow
	if err := h.DB.WithContext(ctx).Where("user_id = ? AND version = ?", ownerID, version).Limit(1).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("health: load version: %w", err)
	}
	if len(rows) == 0 {
		return nil, NotFound("")
	}
	return h.profile(&rows[0])
}

// HealthProfileHistory lists the saved versions of ownerID's profile, newest first
// (at most MaxHealthVersions; more reports whether older ones exist), under the
// same rule. Nothing is decrypted.
func (h *HealthProfiles) HealthProfileHistory(ctx context.Context, viewer *User, ownerID int64) (list []HealthVersion, more bool, err error) {
	if !mayReadHealthProfile(viewer, ownerID) {
		return nil, false, NotFound("")
	}
	var rows []HealthProfileRow
	err = h.DB.WithContext(ctx).Select("id", "version", "created_at", "created_by").Where("user_id = ?", ownerID).
		Order("version DESC").Limit(MaxHealthVersions + 1).Find(&rows).Error
	if err != nil {
		return nil, false, fmt.Errorf("health: history: %w", err)
	}
	if len(rows) > MaxHealthVersions {
		rows, more = rows[:MaxHealthVersions], true
	}
	list = make([]HealthVersion, len(rows))
	for i, r := range rows {
		list[i] = HealthVersion{Version: r.Version, CreatedAt: r.CreatedAt, CreatedBy: r.CreatedBy}
	}
	return list, more, nil
}

// latest is the newest row of userID, or nil.
func (h *HealthProfiles) latest(g *gorm.DB, userID int64) (*HealthProfileRow, error) {
	var rows []HealthProfileRow
	if err := g.Where("user_id = ?", userID).Order("version DESC").Limit(1).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("health: load profile: %w", err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	return &rows[0], nil
}

// open decrypts and decodes a row's content.
func (h *HealthProfiles) open(row *HealthProfileRow) (HealthData, error) {
	plain, err := h.Keys.DecryptString(row.DataEnc, HealthProfileAD(row.ID, row.UserID))
	if err != nil {
		return HealthData{}, fmt.Errorf("health: version %d: %w", row.Version, err)
	}
	var d HealthData
	if err := json.Unmarshal([]byte(plain), &d); err != nil {
		return HealthData{}, fmt.Errorf("health: version %d: decode: %w", row.Version, err)
	}
	return d, nil
}

func (h *HealthProfiles) profile(row *HealthProfileRow) (*HealthProfile, error) {
	d, err := h.open(row)
	if err != nil {
		return nil, err
	}
	return &HealthProfile{OwnerID: row.UserID, Version: row.Version, CreatedAt: row.CreatedAt, CreatedBy: row.CreatedBy, Data: d}, nil
}
