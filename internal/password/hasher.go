// Package password hashes and checks user passwords: argon2id in PHC string
// form with per-hash parameters, a bound on concurrent hashes, and the
// length/common-password policy of issue 3 (NIST SP 800-63B style: no
// composition rules).
package password

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"fmt"
	"sync/atomic"

	"golang.org/x/crypto/argon2"
)

// Params are the argon2id cost parameters. They are stored in every hash, so
// raising them later only affects new hashes (and rehash on next sign-in).
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8  // lanes
}

// DefaultParams are OWASP's argon2id minimum (Password Storage Cheat Sheet):
// 19 MiB, 2 passes, 1 lane.
var DefaultParams = Params{Memory: 19456, Time: 2, Threads: 1}

const (
	saltLen = 16
	keyLen  = 32
)

// Hasher hashes and verifies passwords with at most maxConcurrent argon2id
// computations at a time. Each computation allocates Params.Memory KiB, so
// the bound caps the memory a burst of sign-ins can take (2 × 19 MiB by
// default); further callers queue until a slot frees or their context ends.
// A Hasher is safe for concurrent use.
type Hasher struct {
	params Params
	slots  chan struct{}

	inFlight atomic.Int32
	peak     atomic.Int32
	hold     func() // test hook, runs while a slot is held
}

// New returns a Hasher using p for new hashes; maxConcurrent < 1 means 1.
func New(p Params, maxConcurrent int) *Hasher {
	if maxConcurrent < 1 {
		maxConcurrent = 1
	}
	return &Hasher{params: p, slots: make(chan struct{}, maxConcurrent)}
}

// Params returns the parameters used for new hashes.
func (h *Hasher) Params() Params { return h.params }

// InFlight returns the number of argon2id computations running now.
func (h *Hasher) InFlight() int { return int(h.inFlight.Load()) }

// PeakInFlight returns the largest InFlight seen since New, for benchmarks
// that report how many hashes ran at once.
func (h *Hasher) PeakInFlight() int { return int(h.peak.Load()) }

// Hash returns the PHC string of plain (NFC-normalised, see Normalize)
// with a fresh random salt.
func (h *Hasher) Hash(ctx context.Context, plain string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password: hash: salt: %w", err)
	}
	key, err := h.derive(ctx, Normalize(plain), salt, h.params, keyLen)
	if err != nil {
		return "", fmt.Errorf("password: hash: %w", err)
	}
	return phc{params: h.params, salt: salt, key: key}.String(), nil
}

// Verify reports whether plain matches encoded, and whether encoded was made
// with parameters weaker than the Hasher's, so the caller should store a
// fresh Hash while it has the plain password at hand. A malformed encoded
// string is an error (ErrMalformedHash), not a mismatch.
func (h *Hasher) Verify(ctx context.Context, encoded, plain string) (ok, needsRehash bool, err error) {
	stored, err := parsePHC(encoded)
	if err != nil {
		return false, false, err
	}
	key, err := h.derive(ctx, Normalize(plain), stored.salt, stored.params, uint32(len(stored.key)))
	if err != nil {
		return false, false, fmt.Errorf("password: verify: %w", err)
	}
	if subtle.ConstantTimeCompare(key, stored.key) != 1 {
		return false, false, nil
	}
	weaker := stored.params.Memory < h.params.Memory || stored.params.Time < h.params.Time ||
		len(stored.key) < keyLen || len(stored.salt) < saltLen
	return true, weaker, nil
}

// DummyVerify does the work of a Verify at the current parameters and throws
// it away. Call it when the account does not exist, so that the response
// time does not tell an attacker which logins are registered.
func (h *Hasher) DummyVerify(ctx context.Context) error {
	var salt [saltLen]byte
	if _, err := h.derive(ctx, "dummy password", salt[:], h.params, keyLen); err != nil {
		return fmt.Errorf("password: dummy verify: %w", err)
	}
	return nil
}

// derive runs argon2id once a slot is free, or returns ctx.Err().
func (h *Hasher) derive(ctx context.Context, plain string, salt []byte, p Params, n uint32) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	select {
	case h.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-h.slots }()
	cur := h.inFlight.Add(1)
	defer h.inFlight.Add(-1)
	for old := h.peak.Load(); cur > old && !h.peak.CompareAndSwap(old, cur); old = h.peak.Load() {
	}
	if h.hold != nil {
		h.hold()
	}
	return argon2.IDKey([]byte(plain), salt, p.Time, p.Memory, p.Threads, n), nil
}
