// Package paths names the portal's URLs in one place, so views can link to routes
// without importing handlers.
package paths

// Public pages and endpoints.
const (
	Home     = "/"
	Privacy  = "/privacy"
	Lang     = "/lang"
	Healthz  = "/healthz"
	Readyz   = "/readyz"
	Static   = "/static"
	DevInbox = "/dev/outbox"
)
