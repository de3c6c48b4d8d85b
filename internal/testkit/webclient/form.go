package webclient

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Form is a <form> read from a page.
type Form struct {
	RawAction string     // the action attribute as written
	Action    string     // the action resolved against the page URL
	Method    string     // "GET" or "POST" (PUT/DELETE travel in a _method field)
	Enctype   string     // "application/x-www-form-urlencoded" or "multipart/form-data"
	Hidden    url.Values // the hidden inputs, _csrf among them
	Values    url.Values // every control a browser would send, with its current value

	page          *Response
	buttonActions []string // formaction attributes of its submit buttons
}

// Value is the current value of the named control ("" if absent); use it to check
// that a re-rendered form kept what the user typed.
func (f *Form) Value(name string) string { return f.Values.Get(name) }

// Forms returns every form on the page, in document order.
func (r *Response) Forms() []*Form {
	var out []*Form
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.DataAtom == atom.Form {
			out = append(out, r.readForm(n))
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(r.Doc())
	return out
}

// FindForm returns the form whose action is action, written or resolved (e.g.
// "/signin"), or the first form when action is "". A form whose submit button has
// formaction="action" matches too, as the form that button sends.
func (r *Response) FindForm(action string) (*Form, bool) {
	forms := r.Forms()
	for _, f := range forms {
		if action == "" || f.RawAction == action || f.Action == action {
			return f, true
		}
	}
	for _, f := range forms {
		for _, fa := range f.buttonActions {
			if fa == action {
				g := *f
				g.RawAction = action
				if u, err := r.URL.Parse(action); err == nil {
					g.Action = u.RequestURI()
				}
				return &g, true
			}
		}
	}
	return nil, false
}

// Form is FindForm that fails the test, listing the forms present, when none matches.
func (r *Response) Form(action string) *Form {
	r.t.Helper()
	f, ok := r.FindForm(action)
	if !ok {
		var have []string
		for _, f := range r.Forms() {
			have = append(have, f.Method+" "+f.Action)
		}
		r.t.Fatalf("webclient: %s (status %d) has no form with action %q; forms: %q; text:\n%s",
			r.URL, r.Status, action, have, excerpt(r.Text(), 400))
	}
	return f
}

// Submit loads pagePath, finds the form with action formAction ("" = first form)
// and submits its hidden inputs merged with fields (fields win) like a browser:
// with the form's method and encoding, and Origin and Referer headers.
func (c *Client) Submit(pagePath, formAction string, fields url.Values) *Response {
	c.t.Helper()
	page := c.Get(pagePath)
	if page.Status != http.StatusOK {
		c.t.Fatalf("webclient: Submit: GET %s: status %d, want 200; text:\n%s", pagePath, page.Status, excerpt(page.Text(), 400))
	}
	return c.SubmitForm(page.Form(formAction), fields)
}

// File is a file part of a multipart submission, as a browser sends a chosen file.
type File struct {
	Field, Name string // the input's name and the file name the browser reports
	ContentType string // the part's Content-Type; "" means application/octet-stream
	Data        []byte
}

// SubmitFiles is Submit for a multipart form with files attached; it fails the
// test if the form is not multipart/form-data (a browser would not send the files).
func (c *Client) SubmitFiles(pagePath, formAction string, fields url.Values, files ...File) *Response {
	c.t.Helper()
	page := c.Get(pagePath)
	if page.Status != http.StatusOK {
		c.t.Fatalf("webclient: SubmitFiles: GET %s: status %d, want 200; text:\n%s", pagePath, page.Status, excerpt(page.Text(), 400))
	}
	return c.SubmitFormFiles(page.Form(formAction), fields, files...)
}

// SubmitFormFiles is SubmitForm with files attached to a multipart form.
func (c *Client) SubmitFormFiles(f *Form, fields url.Values, files ...File) *Response {
	c.t.Helper()
	if f.Enctype != "multipart/form-data" {
		c.t.Fatalf("webclient: form %s is %s, not multipart/form-data: files would not be sent", f.Action, f.Enctype)
	}
	return c.submit(f, fields, files)
}

// SubmitForm submits a form already read, e.g. the one re-rendered after a
// rejected submission (its hidden inputs carry that page's token).
func (c *Client) SubmitForm(f *Form, fields url.Values) *Response {
	c.t.Helper()
	return c.submit(f, fields, nil)
}

func (c *Client) submit(f *Form, fields url.Values, files []File) *Response {
	c.t.Helper()
	vals := url.Values{}
	for k, v := range f.Hidden {
		vals[k] = append([]string(nil), v...)
	}
	for k, v := range fields {
		vals[k] = v
	}
	hdr := http.Header{"Origin": {c.Base.Scheme + "://" + c.Base.Host}, "Referer": {f.page.URL.String()}}
	if f.Method == http.MethodGet {
		u := c.resolve(f.Action)
		u.RawQuery = vals.Encode()
		return c.Do(http.MethodGet, u.String(), "", nil, hdr)
	}
	if f.Enctype == "multipart/form-data" {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for k, vs := range vals {
			for _, v := range vs {
				_ = mw.WriteField(k, v)
			}
		}
		for _, fl := range files {
			h := textproto.MIMEHeader{}
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"; filename="%s"`, quoteEscaper.Replace(fl.Field), quoteEscaper.Replace(fl.Name)))
			ct := fl.ContentType
			if ct == "" {
				ct = "application/octet-stream"
			}
			h.Set("Content-Type", ct)
			w, err := mw.CreatePart(h)
			if err != nil {
				c.t.Fatalf("webclient: file part %s: %v", fl.Field, err)
			}
			_, _ = w.Write(fl.Data)
		}
		_ = mw.Close()
		return c.Do(http.MethodPost, f.Action, mw.FormDataContentType(), &buf, hdr)
	}
	return c.Do(http.MethodPost, f.Action, "application/x-www-form-urlencoded", strings.NewReader(vals.Encode()), hdr)
}

func (r *Response) readForm(n *html.Node) *Form {
	f := &Form{Method: http.MethodGet, Enctype: "application/x-www-form-urlencoded",
		Hidden: url.Values{}, Values: url.Values{}, page: r}
	f.RawAction, _ = attr(n, "action")
	f.Action = r.URL.RequestURI()
	if u, err := r.URL.Parse(f.RawAction); err == nil {
		f.Action = u.String()
		if u.Host == r.URL.Host {
			f.Action = u.RequestURI()
		}
	}
	if m, _ := attr(n, "method"); strings.EqualFold(m, "post") {
		f.Method = http.MethodPost
	}
	if e, _ := attr(n, "enctype"); strings.EqualFold(e, "multipart/form-data") {
		f.Enctype = "multipart/form-data"
	}
	var walk func(*html.Node)
	walk = func(c *html.Node) {
		if c.Type == html.ElementNode {
			if fa, ok := attr(c, "formaction"); ok {
				f.buttonActions = append(f.buttonActions, fa)
			}
			f.addControl(c)
		}
		for k := c.FirstChild; k != nil; k = k.NextSibling {
			walk(k)
		}
	}
	walk(n)
	return f
}

// addControl records a control's value the way a browser builds a form data set.
func (f *Form) addControl(n *html.Node) {
	name, _ := attr(n, "name")
	if _, disabled := attr(n, "disabled"); name == "" || disabled {
		return
	}
	val, hasVal := attr(n, "value")
	switch n.DataAtom {
	case atom.Input:
		typ, _ := attr(n, "type")
		switch strings.ToLower(typ) {
		case "hidden":
			f.Hidden.Add(name, val)
		case "checkbox", "radio":
			if _, checked := attr(n, "checked"); !checked {
				return
			}
			if !hasVal {
				val = "on"
			}
		case "submit", "button", "image", "reset", "file":
			return
		}
		f.Values.Add(name, val)
	case atom.Textarea:
		f.Values.Add(name, textOf(n))
	case atom.Select:
		var first *html.Node
		picked := false
		_, multiple := attr(n, "multiple")
		eachOption(n, func(o *html.Node) {
			if first == nil {
				first = o
			}
			if _, sel := attr(o, "selected"); sel {
				f.Values.Add(name, optionValue(o))
				picked = true
			}
		})
		if !picked && !multiple && first != nil {
			f.Values.Add(name, optionValue(first))
		}
	}
}

func eachOption(n *html.Node, fn func(*html.Node)) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.DataAtom == atom.Option {
			fn(c)
		} else if c.Type == html.ElementNode && c.DataAtom == atom.Optgroup {
			eachOption(c, fn)
		}
	}
}

func optionValue(o *html.Node) string {
	if v, ok := attr(o, "value"); ok {
		return v
	}
	return collapse(textOf(o))
}

func textOf(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return b.String()
}

// quoteEscaper escapes a Content-Disposition parameter as mime/multipart does.
var quoteEscaper = strings.NewReplacer("\\", "\\\\", `"`, "\\\"")
