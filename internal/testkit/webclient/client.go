// Package webclient is a small browser stand-in for router tests: it talks to the
// real Echo app on httptest with a cookie jar, reads pages with an HTML parser and
// submits forms the way a browser would, carrying the form's hidden inputs (the
// CSRF token among them). It never follows redirects unless asked, so tests can
// assert on 303s and their Location.
package webclient

import (
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
)

// Client is a cookie-keeping HTTP client bound to one test and one base URL.
type Client struct {
	// FollowRedirects makes requests follow up to 10 redirects (default false).
	FollowRedirects bool
	// HTTP is the underlying client; swap its Transport for a TLS test server.
	HTTP *http.Client
	// Base is the server's base URL; request paths are resolved against it.
	Base *url.URL

	t testing.TB
}

// New returns a client for the server at baseURL (e.g. httptest.Server.URL).
func New(t *testing.T, baseURL string) *Client { return newClient(t, baseURL) }

func newClient(t testing.TB, baseURL string) *Client {
	t.Helper()
	base, err := url.Parse(baseURL)
	if err != nil {
		t.Fatalf("webclient: bad base URL %q: %v", baseURL, err)
	}
	jar, _ := cookiejar.New(nil)
	c := &Client{Base: base, t: t}
	c.HTTP = &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if !c.FollowRedirects {
			return http.ErrUseLastResponse
		}
		if len(via) >= 10 {
			return errors.New("webclient: stopped after 10 redirects")
		}
		return nil
	}}
	return c
}

// Get fetches path; extra headers are merged into the request.
func (c *Client) Get(path string, hdr ...http.Header) *Response {
	c.t.Helper()
	return c.Do(http.MethodGet, path, "", nil, hdr...)
}

// PostForm posts fields as a form with nothing added: no CSRF token, no Origin.
// Use it to prove that the server refuses a forged or stale submission.
func (c *Client) PostForm(path string, fields url.Values) *Response {
	c.t.Helper()
	return c.Do(http.MethodPost, path, "application/x-www-form-urlencoded",
		strings.NewReader(fields.Encode()))
}

// Do sends one request to path (resolved against Base) and reads the whole reply.
// A transport error fails the test.
func (c *Client) Do(method, path, contentType string, body io.Reader, hdr ...http.Header) *Response {
	c.t.Helper()
	u := c.resolve(path)
	req, err := http.NewRequest(method, u.String(), body)
	if err != nil {
		c.t.Fatalf("webclient: %s %s: %v", method, path, err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for _, h := range hdr {
		for k, vs := range h {
			for _, v := range vs {
				req.Header.Add(k, v)
			}
		}
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		c.t.Fatalf("webclient: %s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("webclient: %s %s: read body: %v", method, path, err)
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: string(b),
		URL: resp.Request.URL, Method: method, t: c.t}
}

// Cookie returns the named cookie the jar would send to Base, or nil.
func (c *Client) Cookie(name string) *http.Cookie {
	for _, ck := range c.HTTP.Jar.Cookies(c.Base) {
		if ck.Name == name {
			return ck
		}
	}
	return nil
}

func (c *Client) resolve(path string) *url.URL {
	u, err := c.Base.Parse(path)
	if err != nil {
		c.t.Fatalf("webclient: bad path %q: %v", path, err)
	}
	return u
}
