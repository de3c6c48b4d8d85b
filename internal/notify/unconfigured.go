package notify

import (
	"context"
	"errors"
)

// ErrNotConfigured is returned by Unconfigured: the channel has no provider.
var ErrNotConfigured = errors.New("notify: channel not configured")

// Unconfigured is the sender used in production for a channel without a provider:
// it refuses to send rather than pretending, so a missing provider is visible.
type Unconfigured struct{}

// SendEmail always fails with ErrNotConfigured.
func (Unconfigured) SendEmail(context.Context, string, string, string) error { return ErrNotConfigured }

// SendSMS always fails with ErrNotConfigured.
func (Unconfigured) SendSMS(context.Context, string, string) error { return ErrNotConfigured }
