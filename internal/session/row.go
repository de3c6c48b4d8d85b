package session

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/gob"
	"encoding/hex"
	"fmt"
	"sort"
	"time"
)

// row is one record of the sessions table.
type row struct {
	IDHash             string `gorm:"primaryKey"`
	UserID             int64
	UserKind           string
	Data               string
	CreatedAt          time.Time
	LastSeenAt         time.Time
	ExpiresAt          time.Time
	IdleTimeoutSeconds int
	RevokedAt          *time.Time
	RevokeReason       string
	UserAgent          string
	ClientIP           string
}

// TableName maps row to sessions.
func (row) TableName() string { return "sessions" }

// idBytes is the entropy of a session ID: 256 bits, far beyond guessing.
const idBytes = 32

// newID returns a fresh random session ID (base64url, no padding) and the
// hash under which it is stored.
func newID() (raw, idHash string, err error) {
	b := make([]byte, idBytes)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("session: random id: %w", err)
	}
	raw = base64.RawURLEncoding.EncodeToString(b)
	return raw, hashID(raw), nil
}

// validID reports whether raw has the shape newID produces, so that garbage
// from a client never reaches the database.
func validID(raw string) bool {
	b, err := base64.RawURLEncoding.DecodeString(raw)
	return err == nil && len(b) == idBytes
}

// hashID is the stored form of a session ID. A plain SHA-256 suffices: the
// ID has 256 bits of entropy, so there is nothing to brute-force.
func hashID(raw string) string {
	sum := sha256.Sum256([]byte(raw))
	return hex.EncodeToString(sum[:])
}

// maxData bounds the encoded values of one session; sessions hold small
// things (CSRF token, flashes, a pending sign-in), not payloads.
const maxData = 64 << 10

// pair is one session value; values are encoded as a sorted list of pairs
// rather than a map because gob encodes maps in random order, and Save
// compares encodings to skip writing unchanged sessions.
type pair struct {
	K, V any
}

// encodeValues encodes the caller's values (the store's own metadata is
// never in the map passed here) as base64 gob, deterministically.
func encodeValues(values map[any]any) (string, error) {
	if len(values) == 0 {
		return "", nil
	}
	pairs := make([]pair, 0, len(values))
	for k, v := range values {
		pairs = append(pairs, pair{K: k, V: v})
	}
	sort.Slice(pairs, func(i, j int) bool {
		return fmt.Sprintf("%T:%v", pairs[i].K, pairs[i].K) < fmt.Sprintf("%T:%v", pairs[j].K, pairs[j].K)
	})
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(pairs); err != nil {
		return "", fmt.Errorf("session: encode values: %w", err)
	}
	s := base64.StdEncoding.EncodeToString(buf.Bytes())
	if len(s) > maxData {
		return "", fmt.Errorf("session: encode values: %d bytes exceed the limit of %d", len(s), maxData)
	}
	return s, nil
}

// decodeValues reverses encodeValues.
func decodeValues(s string) (map[any]any, error) {
	values := map[any]any{}
	if s == "" {
		return values, nil
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("session: decode values: %w", err)
	}
	var pairs []pair
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&pairs); err != nil {
		return nil, fmt.Errorf("session: decode values: %w", err)
	}
	for _, p := range pairs {
		values[p.K] = p.V
	}
	return values, nil
}
