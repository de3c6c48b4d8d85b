package consent

import (
	"context"

	"github.com/yibao-health/portal/internal/i18n"
)

// actionLabel names the button that turns a purpose on (grant) or off: opt-in
// purposes give and withdraw consent, opt-out purposes are turned on and off.
func actionLabel(ctx context.Context, mechanism string, grant bool) string {
	switch {
	case mechanism == "opt_out" && grant:
		return i18n.T(ctx, "consent.action.turn_on")
	case mechanism == "opt_out":
		return i18n.T(ctx, "consent.action.turn_off")
	case grant:
		return i18n.T(ctx, "consent.action.grant")
	}
	return i18n.T(ctx, "consent.action.withdraw")
}

// orDash is s, or the history's placeholder when empty.
func orDash(ctx context.Context, s string) string {
	if s == "" {
		return i18n.T(ctx, "consent.history.none")
	}
	return s
}

// boolAttr renders a boolean for a data attribute.
func boolAttr(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
