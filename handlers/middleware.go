package handlers

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/yibao-health/portal/internal/paths"
)

// Context keys set by the middleware.
const (
	ctxRequestID = "request_id"
	ctxCSRF      = "csrf"
	ctxNonce     = "csp_nonce"
	headerReqID  = "X-Request-ID"
	csrfField    = "_csrf"
	csrfHeader   = "X-CSRF-Token"
)

// useMiddleware installs the chain. The order is deliberate, outermost first:
// request ID (every later log line carries it), access log (sees the final status),
// panic recovery (turns a panic into the 500 page, inside the log), security headers
// (on every response, errors included), request deadline, body limit, gzip, language,
// then CSRF (needs the language for its error page).
func (a *App) useMiddleware() error {
	a.echo.Pre(a.requestID)
	a.echo.Use(a.accessLog, a.recoverPanic, a.securityHeaders, a.deadline)
	a.echo.Use(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: a.cfg.BodyLimit,
		Skipper: func(c echo.Context) bool { return ownBodyLimit(c) || isCatalogImageUpload(c) }}),
		doctorUploadLimit, a.documentUploadLimit, catalogImageLimit)
	a.echo.Use(middleware.GzipWithConfig(middleware.GzipConfig{MinLength: 1024, Skipper: isDocumentFile}))
	a.echo.Use(a.language)
	csrfConfig := middleware.CSRFConfig{
		// Uploads are checked by uploadCSRF instead (documents_upload.go); payment
		// notifications come from the provider's server and are verified by their
		// signature (models.Orders.HandlePaymentNotice), not a browser token.
		Skipper:        func(c echo.Context) bool { return isDocumentUpload(c) || isPaymentNotification(c) },
		TokenLookup:    "form:" + csrfField + ",header:" + csrfHeader,
		ContextKey:     ctxCSRF,
		CookieName:     a.cookieName("csrf"),
		CookiePath:     "/",
		CookieHTTPOnly: true,
		CookieSecure:   a.cfg.Production(),
		CookieSameSite: http.SameSiteLaxMode,
		CookieMaxAge:   12 * 3600,
	}
	csrf, err := csrfConfig.ToMiddleware()
	if err != nil {
		return fmt.Errorf("handlers: csrf: %w", err)
	}
	csrfUpload, err := uploadCSRF(csrfConfig)
	if err != nil {
		return fmt.Errorf("handlers: csrf: %w", err)
	}
	a.echo.Use(blockCrossSite, csrf, csrfUpload)
	return nil
}

// cookieName adds the __Host- prefix in production, which makes browsers insist on
// Secure, Path=/ and no Domain.
func (a *App) cookieName(name string) string {
	if a.cfg.Production() {
		return "__Host-" + name
	}
	return name
}

func (a *App) requestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		id := hex.EncodeToString(b)
		c.Set(ctxRequestID, id)
		c.Response().Header().Set(headerReqID, id)
		return next(c)
	}
}

func requestIDOf(c echo.Context) string {
	id, _ := c.Get(ctxRequestID).(string)
	return id
}

// accessLog writes one structured line per request: no bodies, no query strings
// (they may carry personal data), no cookies.
func (a *App) accessLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		if err := next(c); err != nil {
			c.Error(err) // render now so the status below is the one sent
		}
		req, res := c.Request(), c.Response()
		level := slog.LevelInfo
		if req.URL.Path == paths.Healthz || req.URL.Path == paths.Readyz {
			level = slog.LevelDebug
		}
		a.log.LogAttrs(req.Context(), level, "request",
			slog.String("request_id", requestIDOf(c)),
			slog.String("method", req.Method),
			slog.String("path", logPath(req.URL.Path)),
			slog.Int("status", res.Status),
			slog.Int64("bytes", res.Size),
			slog.Duration("duration", time.Since(start)),
			slog.String("client_ip", c.RealIP()),
		)
		return nil
	}
}

func (a *App) recoverPanic(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				stack := make([]byte, 8<<10)
				stack = stack[:runtime.Stack(stack, false)]
				err = fmt.Errorf("panic: %v\n%s", r, stack)
			}
		}()
		return next(c)
	}
}

// securityHeaders sets a strict CSP with a fresh nonce that templ adds to inline
// scripts, and the other headers that keep the page from being framed or sniffed.
func (a *App) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		nb := make([]byte, 16)
		_, _ = rand.Read(nb)
		nonce := base64.RawStdEncoding.EncodeToString(nb)
		c.Set(ctxNonce, nonce)
		req := c.Request()
		c.SetRequest(req.WithContext(templ.WithNonce(req.Context(), nonce)))
		h := c.Response().Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self' 'nonce-"+nonce+"'; "+
			"style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; "+
			"frame-ancestors 'none'; object-src 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("Permissions-Policy", "camera=(self), geolocation=(), microphone=(), interest-cohort=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if a.cfg.Production() {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		return next(c)
	}
}

// deadline bounds each request through its context, which database calls and
// renderers honour. (Echo's Timeout middleware races with the handler's writes.)
func (a *App) deadline(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		timeout := a.cfg.RequestTimeout
		if isDocumentTransfer(c) {
			timeout = a.transferTimeout()
		}
		ctx, cancel := context.WithTimeout(c.Request().Context(), timeout)
		defer cancel()
		c.SetRequest(c.Request().WithContext(ctx))
		return next(c)
	}
}

// blockCrossSite refuses state-changing requests a browser marks as cross-site, then
// hides Sec-Fetch-Site from Echo's CSRF middleware so that it always checks the token
// (its own Sec-Fetch-Site shortcut would skip the token for same-origin requests).
func blockCrossSite(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		site := req.Header.Get(echo.HeaderSecFetchSite)
		switch req.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
		default:
			if site == "cross-site" {
				return echo.NewHTTPError(http.StatusForbidden, "cross-site request")
			}
		}
		req.Header.Del(echo.HeaderSecFetchSite)
		return next(c)
	}
}

func csrfTokenOf(c echo.Context) string {
	t, _ := c.Get(ctxCSRF).(string)
	return t
}

// ipExtractor believes X-Forwarded-For only when the direct peer is a configured proxy;
// otherwise the client IP is the TCP peer. Echo trusts loopback and private ranges by
// default, so those defaults are switched off explicitly.
func ipExtractor(proxies []*net.IPNet) echo.IPExtractor {
	if len(proxies) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, p := range proxies {
		opts = append(opts, echo.TrustIPRange(p))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// safeNext returns next if it is a path on this site, else "/": never an open redirect.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return paths.Home
	}
	return next
}

// isPaymentNotification reports whether the request is a provider's server-to-server
// payment notification.
func isPaymentNotification(c echo.Context) bool {
	return c.Request().Method == http.MethodPost && strings.HasPrefix(c.Path(), paths.PaymentNotify+"/")
}
