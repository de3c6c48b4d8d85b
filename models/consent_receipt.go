package models

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/i18n"
	"github.com/yibao-health/portal/internal/keys"
)

// Consent receipts follow the Kantara Initiative Consent Receipt Specification
// v1.1: a JSON object with the fields below, signed as a JWT (the spec's own
// suggestion) with the keys.ReceiptJWT keyset. The downloaded file is the receipt's
// fields plus "jwt", the compact JWS whose payload is exactly those fields; a
// verifier checks the signature and that the visible fields equal the signed ones.
const (
	ReceiptVersion   = "KI-CR-v1.1.0"
	ReceiptJWTType   = "kantara-cr+jwt"
	ReceiptSignField = "jwt"
	// ReceiptDefaultIssuer is the "iss" of receipts when no public URL is configured.
	ReceiptDefaultIssuer = "urn:yibao-health:portal"
)

// Receipt is one consent receipt. Field order and names are the specification's;
// the additions after SPICat are ours (policy version and hash, record IDs,
// decisions not in force, where to verify) and the JWT's registered claims.
type Receipt struct {
	Version          string              `json:"version"`
	Jurisdiction     string              `json:"jurisdiction"`
	ConsentTimestamp int64               `json:"consentTimestamp"`
	CollectionMethod string              `json:"collectionMethod"`
	ConsentReceiptID string              `json:"consentReceiptID"`
	Language         string              `json:"language"`
	PIIPrincipalID   string              `json:"piiPrincipalId"`
	PIIControllers   []ReceiptController `json:"piiControllers"`
	PolicyURL        string              `json:"policyUrl"`
	Services         []ReceiptService    `json:"services"`
	Sensitive        bool                `json:"sensitive"`
	SPICat           []string            `json:"spiCat"`

	PolicyVersion string            `json:"policyVersion"`
	PolicySHA256  string            `json:"policySha256"`
	RecordIDs     []int64           `json:"recordIds"`
	NotInForce    []ReceiptDecision `json:"notInForce"`
	VerifyURL     string            `json:"verifyUrl"`
	KeysURL       string            `json:"keysUrl"`

	Issuer   string `json:"iss"`
	IssuedAt int64  `json:"iat"`
	JWTID    string `json:"jti"`
}

// ReceiptController is a PII controller of the specification.
type ReceiptController struct {
	PIIController    string         `json:"piiController"`
	Contact          string         `json:"contact"`
	Address          ReceiptAddress `json:"address"`
	Email            string         `json:"email"`
	Phone            string         `json:"phone"`
	PIIControllerURL string         `json:"piiControllerUrl"`
}

// ReceiptAddress is the controller's postal address (schema.org PostalAddress names).
type ReceiptAddress struct {
	StreetAddress   string `json:"streetAddress,omitempty"`
	AddressLocality string `json:"addressLocality"`
	AddressCountry  string `json:"addressCountry"`
}

// ReceiptService is a service of the specification with its purposes in force.
type ReceiptService struct {
	Service  string           `json:"service"`
	Purposes []ReceiptPurpose `json:"purposes"`
}

// ReceiptPurpose is a purpose in force. PurposeKey, LegalBasis and RecordID are ours
// (RecordID 0: nothing decided, the purpose's default applies).
type ReceiptPurpose struct {
	Purpose              string   `json:"purpose"`
	PurposeCategory      []string `json:"purposeCategory"`
	ConsentType          string   `json:"consentType"`
	PIICategory          []string `json:"piiCategory"`
	PrimaryPurpose       bool     `json:"primaryPurpose"`
	Termination          string   `json:"termination"`
	ThirdPartyDisclosure bool     `json:"thirdPartyDisclosure"`
	ThirdPartyName       string   `json:"thirdPartyName,omitempty"`
	PurposeKey           string   `json:"purposeKey"`
	LegalBasis           string   `json:"legalBasis"`
	RecordID             int64    `json:"recordId,omitempty"`
}

// ReceiptDecision is a purpose not in force because the user withdrew or declined it.
type ReceiptDecision struct {
	PurposeKey string `json:"purposeKey"`
	Decision   string `json:"decision"`
	RecordID   int64  `json:"recordId"`
	At         int64  `json:"at"`
}

// Controller is who answers for the processing, as receipts name it.
type Controller struct {
	NameZh, NameEn       string
	ContactZh, ContactEn string
	LocalityZh           string
	LocalityEn           string
	Email, Phone, URL    string
}

// DefaultController is the company the privacy policy names. Its e-mail and phone
// are the privacy contact points the policy must publish; set them before launch.
var DefaultController = Controller{
	NameZh: "北京医宝科技有限公司", NameEn: "Beijing Yibao Technology Co., Ltd.",
	ContactZh: "个人信息保护负责人", ContactEn: "Personal information protection officer",
	LocalityZh: "北京", LocalityEn: "Beijing",
	Email: "privacy@yibao-health.example", Phone: "+86-10-00000000",
}

// Receipts issues and verifies signed consent receipts.
type Receipts struct {
	DB   *gorm.DB
	Keys *keys.Keyring
	Now  func() time.Time
	// Issuer is the JWT "iss" of every receipt (the portal's public URL, or a
	// fixed name when none is configured); verification expects it.
	Issuer string
	// BaseURL prefixes the URLs a receipt names (policy, verification, keys).
	BaseURL    string
	Controller Controller
	// Paths of the policy, verification page and public keys, relative to BaseURL.
	PolicyPath, VerifyPath, KeysPath string
}

// Issue builds and signs userID's receipt in lang and returns the file (indented
// JSON: the receipt's fields and "jwt") with the receipt itself.
func (r *Receipts) Issue(ctx context.Context, userID int64, lang i18n.Lang) ([]byte, *Receipt, error) {
	rc, err := r.build(ctx, userID, lang)
	if err != nil {
		return nil, nil, err
	}
	payload, err := json.Marshal(rc)
	if err != nil {
		return nil, nil, fmt.Errorf("receipt: encode: %w", err)
	}
	compact, err := r.Keys.SignJWT(ReceiptJWTType, payload)
	if err != nil {
		return nil, nil, fmt.Errorf("receipt: sign: %w", err)
	}
	file, err := json.MarshalIndent(struct {
		*Receipt
		JWT string `json:"jwt"`
	}{rc, compact}, "", "  ")
	if err != nil {
		return nil, nil, fmt.Errorf("receipt: encode file: %w", err)
	}
	return append(file, '\n'), rc, nil
}

// build assembles the receipt from the derived states and their records.
func (r *Receipts) build(ctx context.Context, userID int64, lang i18n.Lang) (*Receipt, error) {
	states, err := ConsentStates(ctx, r.DB, userID)
	if err != nil {
		return nil, err
	}
	tr := func(key string, args ...any) string { return i18n.Translate(lang, key, args...) }
	now := r.Now().UTC()
	id, err := newReceiptID()
	if err != nil {
		return nil, err
	}
	rc := &Receipt{Version: ReceiptVersion, Jurisdiction: "CN", CollectionMethod: tr("consent.receipt.collection_method"),
		ConsentReceiptID: id, Language: string(lang), PIIPrincipalID: r.principalID(userID),
		PIIControllers: []ReceiptController{r.controller(lang)}, PolicyURL: r.BaseURL + r.PolicyPath,
		SPICat: []string{}, RecordIDs: []int64{}, NotInForce: []ReceiptDecision{},
		VerifyURL: r.BaseURL + r.VerifyPath, KeysURL: r.BaseURL + r.KeysPath,
		Issuer: r.Issuer, IssuedAt: now.Unix(), JWTID: id}
	svc := ReceiptService{Service: tr("consent.receipt.service"), Purposes: []ReceiptPurpose{}}
	var newest time.Time
	for _, st := range states {
		p := st.Purpose
		if st.Last != nil {
			rc.RecordIDs = append(rc.RecordIDs, st.Last.ID)
			if st.Last.CreatedAt.After(newest) {
				newest = st.Last.CreatedAt
			}
		}
		if !st.Granted {
			if st.Last != nil {
				rc.NotInForce = append(rc.NotInForce, ReceiptDecision{PurposeKey: p.Key, Decision: st.Last.Decision,
					RecordID: st.Last.ID, At: st.Last.CreatedAt.Unix()})
			}
			continue
		}
		rp := ReceiptPurpose{Purpose: tr("consent.purpose." + p.Key + ".name"),
			PurposeCategory: []string{purposeCategory[p.Key]}, ConsentType: consentType(st),
			PIICategory: []string{tr("consent.receipt.pii." + p.Key)}, PrimaryPurpose: primaryPurpose[p.Key],
			Termination: tr("consent.receipt.termination." + p.Mechanism), PurposeKey: p.Key, LegalBasis: p.LegalBasis}
		if p.Key == PurposeLogistics {
			rp.ThirdPartyDisclosure, rp.ThirdPartyName = true, tr("consent.receipt.third_party.logistics")
		}
		if st.Last != nil {
			rp.RecordID = st.Last.ID
		}
		if p.Sensitive {
			rc.Sensitive = true
			rc.SPICat = append(rc.SPICat, tr("consent.receipt.spi."+p.Key))
		}
		svc.Purposes = append(svc.Purposes, rp)
	}
	rc.Services = []ReceiptService{svc}
	if newest.IsZero() {
		newest = now
	}
	rc.ConsentTimestamp = newest.Unix()
	// The policy the user accepted: the newest terms acceptance, else the one in force.
	if err := r.policyOf(ctx, userID, rc); err != nil {
		return nil, err
	}
	return rc, nil
}

func (r *Receipts) policyOf(ctx context.Context, userID int64, rc *Receipt) error {
	var rows []ConsentRecord
	err := r.DB.WithContext(ctx).Where("user_id = ? AND purpose = ? AND scope = '' AND decision = ? AND policy_version_id IS NOT NULL",
		userID, PurposeTerms, DecisionAccepted).Order("id DESC").Limit(1).Find(&rows).Error
	if err != nil {
		return fmt.Errorf("receipt: accepted policy: %w", err)
	}
	var pv *PolicyVersion
	if len(rows) == 1 {
		if pv, err = (&Policies{DB: r.DB, Now: r.Now}).Get(ctx, *rows[0].PolicyVersionID); err != nil {
			return fmt.Errorf("receipt: accepted policy: %w", err)
		}
	} else if pv, err = (&Policies{DB: r.DB, Now: r.Now}).Current(ctx); err != nil {
		return fmt.Errorf("receipt: current policy: %w", err)
	}
	if pv != nil {
		rc.PolicyVersion, rc.PolicySHA256 = pv.Version, pv.SHA256
	}
	return nil
}

// principalID is a pseudonym of the user: a keyed hash of the account ID, stable
// across receipts and meaningless without the portal's keys (never the phone).
func (r *Receipts) principalID(userID int64) string {
	return "urn:yibao:principal:" + hex.EncodeToString(r.Keys.BlindIndex("consent.receipt.principal", strconv.FormatInt(userID, 10))[:16])
}

func (r *Receipts) controller(lang i18n.Lang) ReceiptController {
	c := r.Controller
	out := ReceiptController{PIIController: c.NameZh, Contact: c.ContactZh, Email: c.Email, Phone: c.Phone,
		Address: ReceiptAddress{AddressLocality: c.LocalityZh, AddressCountry: "CN"}, PIIControllerURL: c.URL}
	if lang == i18n.EN {
		out.PIIController, out.Contact, out.Address.AddressLocality = c.NameEn, c.ContactEn, c.LocalityEn
	}
	if out.PIIControllerURL == "" {
		out.PIIControllerURL = r.BaseURL + "/"
	}
	return out
}

// purposeCategory names each purpose's category from the specification's list.
var purposeCategory = map[string]string{
	PurposeTerms:           "Core Function",
	PurposeHealthData:      "Core Function",
	PurposeIdentityDoc:     "Core Function",
	PurposeMarketing:       "Marketing",
	PurposePersonalization: "Personalized Experience",
	PurposeAnalytics:       "Improve Performance",
	PurposeLogistics:       "Sharing for Delivery",
}

// primaryPurpose marks the purposes that are the service itself.
var primaryPurpose = map[string]bool{PurposeTerms: true, PurposeHealthData: true, PurposeLogistics: true}

// consentType is EXPLICIT for a decision the user made, IMPLICIT for an opt-out
// purpose left on, NOTICE for a notice-only purpose (no consent needed: contract).
func consentType(st ConsentState) string {
	switch {
	case st.Purpose.Mechanism == MechanismNotice:
		return "NOTICE"
	case st.Last == nil:
		return "IMPLICIT"
	}
	return "EXPLICIT"
}

// newReceiptID is a random (version 4) UUID.
func newReceiptID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("receipt: id: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], nil
}
