// Package layouts holds the page shell every HTML response is rendered inside.
package layouts

import (
	"context"
	"encoding/json"

	"github.com/yibao-health/portal/internal/i18n"
)

// Page is what every page needs from its handler, whatever the content.
type Page struct {
	// Title is the page's own title, already translated; Base appends the app name.
	// Empty means the app name alone.
	Title string
	// Description, when set, becomes <meta name="description">.
	Description string
	// CSRFToken is the request's token; Base puts it in the language-switch form and
	// pages put it in every form that posts.
	CSRFToken string
	// Path is the request path (without query). The language switch sends the user
	// back here, and the navigation marks the matching link as the current page.
	Path string
	// RequestID identifies the request in logs; error pages show it so support can
	// find the log lines. Base itself does not render it.
	RequestID string
	// Account is the signed-in user, nil for visitors.
	Account *Account
	// Banner, when set, is a notice shown under the header until the user dismisses
	// it (a minor privacy-policy revision, issue 4).
	Banner *Banner
}

// Banner is a dismissible notice under the header: a message, an optional link to
// read more, and a small form that records the dismissal.
type Banner struct {
	Label        string // names the notice region for screen readers
	Message      string
	Link         string // optional
	LinkLabel    string
	Dismiss      string // the dismiss form's action
	DismissLabel string
	Hidden       []Hidden // the dismiss form's fields besides _csrf
}

// Hidden is one hidden form field.
type Hidden struct{ Name, Value string }

// Account is what the header shows about the signed-in user.
type Account struct {
	Label string // username or masked contact, never a full identifier
	Home  string // the user's landing page (account, clinic or console)
	Kind  string // patient, doctor or staff
}

// documentTitle is "<page title> · <app name>", or the app name alone.
func documentTitle(ctx context.Context, p Page) string {
	app := i18n.T(ctx, "app.name")
	if p.Title == "" {
		return app
	}
	return p.Title + " · " + app
}

// otherLangs lists the languages the switch offers: every supported one but the
// current one.
func otherLangs(ctx context.Context) []i18n.Lang {
	cur := i18n.FromContext(ctx)
	out := make([]i18n.Lang, 0, len(i18n.All)-1)
	for _, l := range i18n.All {
		if l != cur {
			out = append(out, l)
		}
	}
	return out
}

// htmxConfig turns off the indicator <style> element htmx would otherwise inject:
// the CSP (style-src 'self') blocks it, and app.css carries the same rules.
const htmxConfig = `{"includeIndicatorStyles":false}`

// htmxHeaders is the hx-headers value that makes every htmx request carry the CSRF
// token in the X-CSRF-Token header (forms carry it as the _csrf field).
func htmxHeaders(p Page) string {
	b, _ := json.Marshal(map[string]string{"X-CSRF-Token": p.CSRFToken})
	return string(b)
}

// homeLabel names the signed-in user's landing page in the navigation.
func homeLabel(ctx context.Context, a *Account) string {
	switch a.Kind {
	case "doctor":
		return i18n.T(ctx, "nav.clinic")
	case "staff":
		return i18n.T(ctx, "nav.staff")
	}
	return i18n.T(ctx, "nav.account")
}
