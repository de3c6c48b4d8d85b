package models

import (
	"slices"
	"strings"
	"time"
)

// User kinds.
const (
	KindPatient = "patient"
	KindDoctor  = "doctor"
	KindStaff   = "staff"
)

// Account statuses. A locked account cannot sign in and its sessions end at once.
const (
	StatusActive = "active"
	StatusLocked = "locked"
)

// Staff capabilities (DESIGN.md §1); any combination.
const (
	CapSupport        = "support"
	CapPrivacyOfficer = "privacy_officer"
	CapAdmin          = "admin"
)

// Capabilities lists every staff capability in display order.
var Capabilities = []string{CapSupport, CapPrivacyOfficer, CapAdmin}

// User is an account of any kind. Contact values are encrypted (PhoneEnc, EmailEnc)
// and found through their blind indexes; never select them to list users.
type User struct {
	ID                int64
	Kind              string
	Username          *string
	PhoneIndex        *string
	PhoneEnc          *string
	EmailIndex        *string
	EmailEnc          *string
	PasswordHash      string
	Status            string
	StatusReason      string
	Capabilities      string
	MFASecretEnc      *string    `gorm:"column:mfa_secret_enc"`
	MFAPendingEnc     *string    `gorm:"column:mfa_pending_enc"`
	MFALastStep       int64      `gorm:"column:mfa_last_step"`
	MFAEnabledAt      *time.Time `gorm:"column:mfa_enabled_at"`
	TermsVersion      string
	TermsAcceptedAt   *time.Time
	PasswordChangedAt *time.Time
	// Lang is the language the user last used ("zh-CN" or "en"), for notices.
	Lang      string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// HasMFA reports whether a second factor is enrolled.
func (u *User) HasMFA() bool { return u.MFAEnabledAt != nil && u.MFASecretEnc != nil }

// NeedsMFA reports whether the account must pass a second factor to sign in: doctors
// and staff always (they enrol first), patients when they turned it on.
func (u *User) NeedsMFA() bool { return u.Kind != KindPatient || u.HasMFA() }

// Active reports whether the account may be used.
func (u *User) Active() bool { return u.Status == StatusActive }

// Caps returns the staff capabilities of u.
func (u *User) Caps() []string {
	if u.Capabilities == "" {
		return nil
	}
	return strings.Split(u.Capabilities, ",")
}

// Can reports whether u is staff holding capability.
func (u *User) Can(capability string) bool {
	return u.Kind == KindStaff && slices.Contains(u.Caps(), capability)
}

// JoinCaps normalises a capability list into the stored form (known values only,
// in canonical order, no repeats).
func JoinCaps(caps []string) string {
	var out []string
	for _, c := range Capabilities {
		if slices.Contains(caps, c) {
			out = append(out, c)
		}
	}
	return strings.Join(out, ",")
}

// Identity holds a patient's identity details; every *Enc field is ciphertext bound
// to (identities, column, user).
type Identity struct {
	UserID        int64 `gorm:"primaryKey;autoIncrement:false"`
	RealNameEnc   *string
	Gender        string
	BirthdayEnc   *string
	BirthplaceEnc *string
	IDType        string  `gorm:"column:id_type"`
	IDNumberEnc   *string `gorm:"column:id_number_enc"`
	UpdatedAt     time.Time
}

// RecoveryCode is one single-use MFA recovery code, stored as a keyed hash.
type RecoveryCode struct {
	ID        int64
	UserID    int64
	CodeHash  string
	UsedAt    *time.Time
	CreatedAt time.Time
}

// Doctor verification statuses.
const (
	DoctorPending   = "pending"
	DoctorVerified  = "verified"
	DoctorRejected  = "rejected"
	DoctorSuspended = "suspended"
)

// DoctorProfile is a doctor's professional details and verification state.
type DoctorProfile struct {
	UserID        int64 `gorm:"primaryKey;autoIncrement:false"`
	RealName      string
	Hospital      string
	Department    string
	Title         string
	Specialty     string
	LicenceNumber string
	Status        string
	ReviewReason  string
	ReviewedBy    *int64
	ReviewedAt    *time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// DoctorLicence is the encrypted licence document of a doctor.
type DoctorLicence struct {
	UserID      int64 `gorm:"primaryKey;autoIncrement:false"`
	ContentType string
	Size        int64
	SHA256      string `gorm:"column:sha256"`
	DataEnc     []byte
	CreatedAt   time.Time
}

// EnrollmentToken is a one-time link for an invited staff member (hash stored only).
type EnrollmentToken struct {
	ID        int64
	UserID    int64
	TokenHash string
	CreatedBy int64
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
}
