package config

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Secrets are the keys the portal cannot run without. Production must supply them;
// development generates them once into the data directory.
type Secrets struct {
	MasterKey   []byte   // 32 bytes; wraps the encryption keysets
	SessionKeys [][]byte // newest first; 32 bytes each
}

// Missing names the secrets that are not set, for the production start-up check.
func (s Secrets) Missing() []string {
	var out []string
	if len(s.MasterKey) == 0 {
		out = append(out, "PORTAL_MASTER_KEY")
	}
	if len(s.SessionKeys) == 0 {
		out = append(out, "PORTAL_SESSION_KEYS")
	}
	return out
}

func parseSecrets(master, sessions string) (Secrets, error) {
	var s Secrets
	if master != "" {
		k, err := decodeKey(master)
		if err != nil {
			return s, fmt.Errorf("PORTAL_MASTER_KEY: %w", err)
		}
		s.MasterKey = k
	}
	for _, part := range strings.Split(sessions, ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		k, err := decodeKey(part)
		if err != nil {
			return s, fmt.Errorf("PORTAL_SESSION_KEYS: %w", err)
		}
		s.SessionKeys = append(s.SessionKeys, k)
	}
	return s, nil
}

func decodeKey(v string) ([]byte, error) {
	k, err := base64.StdEncoding.DecodeString(strings.TrimSpace(v))
	if err != nil {
		return nil, errors.New("not valid base64")
	}
	if len(k) != 32 {
		return nil, fmt.Errorf("want 32 bytes, got %d", len(k))
	}
	return k, nil
}

// NewKey returns a fresh random 32-byte key in base64, for `portal keys generate`.
func NewKey() string {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.StdEncoding.EncodeToString(k)
}

// devSecretsFile holds development secrets; it is created with mode 0600.
const devSecretsFile = "dev-secrets.json"

type devSecrets struct {
	MasterKey   string `json:"master_key"`
	SessionKeys string `json:"session_keys"`
}

// Prepare finishes the Config for start-up. In production it refuses, with one line
// naming what is missing, to run without secrets or a database URL. In development it
// fills missing secrets from the data directory, generating them on first start, and
// reports whether it generated them.
func (c *Config) Prepare() (generated string, err error) {
	if c.Production() {
		missing := c.Secrets.Missing()
		if c.DatabaseURL == "" {
			missing = append(missing, "PORTAL_DATABASE_URL")
		}
		if len(missing) > 0 {
			return "", fmt.Errorf("production mode needs %s; the portal never invents production secrets (generate keys with `portal keys generate`)", strings.Join(missing, ", "))
		}
		return "", nil
	}
	if len(c.Secrets.Missing()) == 0 {
		return "", nil
	}
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return "", fmt.Errorf("config: create data dir: %w", err)
	}
	path := filepath.Join(c.DataDir, devSecretsFile)
	var ds devSecrets
	raw, err := os.ReadFile(path)
	switch {
	case err == nil:
		if err := json.Unmarshal(raw, &ds); err != nil {
			return "", fmt.Errorf("config: read %s: %w", path, err)
		}
	case errors.Is(err, os.ErrNotExist):
		ds = devSecrets{MasterKey: NewKey(), SessionKeys: NewKey()}
		out, _ := json.MarshalIndent(ds, "", "  ")
		if err := os.WriteFile(path, out, 0o600); err != nil {
			return "", fmt.Errorf("config: write %s: %w", path, err)
		}
		generated = path
	default:
		return "", fmt.Errorf("config: read %s: %w", path, err)
	}
	fill, err := parseSecrets(ds.MasterKey, ds.SessionKeys)
	if err != nil {
		return "", fmt.Errorf("config: %s: %w", path, err)
	}
	if len(c.Secrets.MasterKey) == 0 {
		c.Secrets.MasterKey = fill.MasterKey
	}
	if len(c.Secrets.SessionKeys) == 0 {
		c.Secrets.SessionKeys = fill.SessionKeys
	}
	return generated, nil
}
