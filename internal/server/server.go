// Package server runs an http.Handler with production timeouts and drains in-flight
// requests on shutdown.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// Options tunes the HTTP server.
type Options struct {
	// ShutdownTimeout bounds how long in-flight requests may run after the stop signal.
	ShutdownTimeout time.Duration
	// RequestTimeout is the handler deadline; the write timeout is set a little above it
	// as a backstop for handlers that ignore their context.
	RequestTimeout time.Duration
	Log            *slog.Logger
	// Ready, if set, receives the listener's address once it accepts connections.
	Ready func(addr net.Addr)
}

// Run serves h on ln until ctx is done, then stops accepting connections and waits for
// in-flight requests (up to ShutdownTimeout) before returning.
func Run(ctx context.Context, ln net.Listener, h http.Handler, o Options) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute, // uploads stream through; the request deadline bounds handlers
		WriteTimeout:      o.RequestTimeout + 10*time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(o.Log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if o.Ready != nil {
		o.Ready(ln.Addr())
	}
	select {
	case err := <-errc:
		return fmt.Errorf("server: %w", err)
	case <-ctx.Done():
	}
	o.Log.Info("shutting down: draining in-flight requests", "timeout", o.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), o.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("server: shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("server: %w", err)
	}
	o.Log.Info("stopped cleanly")
	return nil
}
