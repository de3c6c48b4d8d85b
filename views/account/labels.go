package account

import (
	"context"

	"github.com/yibao-health/portal/internal/i18n"
	"github.com/yibao-health/portal/views/components"
)

// orDash shows an empty value as "—".
func orDash(ctx context.Context, s string) string {
	if s == "" {
		return i18n.T(ctx, "account.not_given")
	}
	return s
}

// orNone shows an unset contact as "not linked".
func orNone(ctx context.Context, s string) string {
	if s == "" {
		return i18n.T(ctx, "account.contact.none")
	}
	return s
}

// idTypeLabel names a document type code.
func idTypeLabel(ctx context.Context, code string) string {
	if code == "" {
		return i18n.T(ctx, "account.not_given")
	}
	return i18n.T(ctx, "identity.id_type."+code)
}

// genderOptions and idTypeOptions are the choices of the identity form; the codes
// are models.Genders and models.IDTypes (views do not import models).
func genderOptions(ctx context.Context) []components.Option {
	out := []components.Option{{Value: "", Label: i18n.T(ctx, "identity.choose")}}
	for _, g := range Genders {
		out = append(out, components.Option{Value: g, Label: i18n.T(ctx, "identity.gender."+g)})
	}
	return out
}

func idTypeOptions(ctx context.Context) []components.Option {
	out := []components.Option{{Value: "", Label: i18n.T(ctx, "identity.id_type.none")}}
	for _, t := range IDTypes {
		out = append(out, components.Option{Value: t, Label: i18n.T(ctx, "identity.id_type."+t)})
	}
	return out
}

// IDTypes are the document-type codes in display order (models.IDTypes; a handler
// test checks they agree).
var IDTypes = []string{"resident_id", "passport", "hk_macau_permit", "taiwan_permit", "other_id"}

// Genders are the gender codes in display order (models.Genders).
var Genders = []string{"male", "female", "other"}

// idNumberHint explains the ID number field: with a number stored, that an empty
// field keeps it.
func idNumberHint(ctx context.Context, masked string) string {
	if masked != "" {
		return i18n.T(ctx, "identity.id_number_keep", masked)
	}
	return i18n.T(ctx, "identity.id_number_hint")
}
