package webclient

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Response is a fully read HTTP response.
type Response struct {
	Status int
	Header http.Header
	Body   string
	URL    *url.URL // the URL that produced this response (after any redirects)
	Method string

	t   testing.TB
	doc *html.Node
}

// Expect fails the test unless the status is want, showing the start of the body.
func (r *Response) Expect(want int) *Response {
	r.t.Helper()
	if r.Status != want {
		r.t.Fatalf("webclient: %s %s: status %d, want %d; body:\n%s", r.Method, r.URL, r.Status, want, excerpt(r.Text(), 600))
	}
	return r
}

// Location is the redirect target, resolved against the request URL ("" if none).
func (r *Response) Location() string {
	loc := r.Header.Get("Location")
	if loc == "" {
		return ""
	}
	if u, err := r.URL.Parse(loc); err == nil && u.Host == r.URL.Host {
		return u.RequestURI()
	}
	return loc
}

// Doc parses the body as HTML (once). Scripting is off, as in a browser without
// JavaScript, so <noscript> content is parsed as markup.
func (r *Response) Doc() *html.Node {
	if r.doc == nil {
		doc, err := html.ParseWithOptions(strings.NewReader(r.Body), html.ParseOptionEnableScripting(false))
		if err != nil {
			r.t.Fatalf("webclient: %s %s: parse HTML: %v", r.Method, r.URL, err)
		}
		r.doc = doc
	}
	return r.doc
}

// Text is the page's visible text with whitespace collapsed: the body without
// <script>, <style>, <template> and elements marked hidden.
func (r *Response) Text() string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
			b.WriteByte(' ')
			return
		case html.ElementNode:
			switch n.DataAtom {
			case atom.Head, atom.Script, atom.Style, atom.Template:
				return
			}
			if _, hidden := attr(n, "hidden"); hidden {
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(r.Doc())
	return collapse(b.String())
}

// HasText reports whether the visible text contains s (whitespace-insensitive).
func (r *Response) HasText(s string) bool { return strings.Contains(r.Text(), collapse(s)) }

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

func excerpt(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// attr returns the value of n's attribute key and whether it is present.
func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}
