// Package pages holds the portal's full pages; each one wraps its content in
// layouts.Base.
package pages

import (
	"context"
	"fmt"
	"slices"

	"github.com/yibao-health/portal/internal/i18n"
)

// ErrorProps is what the error handler knows about a failed request.
type ErrorProps struct {
	// Status is the HTTP status code, shown large.
	Status int
	// Title and Message are translated texts; when empty, the page falls back to the
	// catalogue's error.<status>.title/.body (or the 500 texts for other statuses).
	Title   string
	Message string
	// RequestID, when set, is shown so the user can quote it to support.
	RequestID string
}

// knownErrorStatuses have their own title/body in the catalogues.
var knownErrorStatuses = []int{400, 403, 404, 413, 500, 503}

// text returns the translated title or message for the props, falling back to the
// catalogue entry for the status.
func (p ErrorProps) text(ctx context.Context, given, part string) string {
	if given != "" {
		return given
	}
	status := p.Status
	if !slices.Contains(knownErrorStatuses, status) {
		status = 500
	}
	return i18n.T(ctx, fmt.Sprintf("error.%d.%s", status, part))
}
