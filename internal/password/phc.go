package password

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// ErrMalformedHash is returned by Verify for a stored string that is not an
// argon2id PHC string this package can check.
var ErrMalformedHash = errors.New("password: malformed argon2id hash")

// Limits on parameters read back from storage: a corrupted or hostile row
// must not make Verify allocate gigabytes or loop for minutes.
const (
	maxMemoryKiB = 1 << 20 // 1 GiB
	maxTime      = 64
	minSaltLen   = 8
	minKeyLen    = 16
	maxKeyLen    = 64
)

// phc is a decoded `$argon2id$v=19$m=…,t=…,p=…$salt$hash` string.
type phc struct {
	params Params
	salt   []byte
	key    []byte
}

// b64 is the PHC string format's base64: standard alphabet, no padding.
var b64 = base64.RawStdEncoding

func (h phc) String() string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version,
		h.params.Memory, h.params.Time, h.params.Threads,
		b64.EncodeToString(h.salt), b64.EncodeToString(h.key))
}

// parsePHC decodes s strictly: one algorithm, one version, parameters in the
// canonical order, so that every accepted string re-encodes to itself.
func parsePHC(s string) (phc, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return phc{}, ErrMalformedHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return phc{}, fmt.Errorf("%w: version %q", ErrMalformedHash, parts[2])
	}
	var h phc
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &h.params.Memory, &h.params.Time, &h.params.Threads); err != nil {
		return phc{}, fmt.Errorf("%w: parameters %q", ErrMalformedHash, parts[3])
	}
	if h.params.Memory == 0 || h.params.Memory > maxMemoryKiB || h.params.Time == 0 ||
		h.params.Time > maxTime || h.params.Threads == 0 || h.params.Memory < 8*uint32(h.params.Threads) {
		return phc{}, fmt.Errorf("%w: parameters out of range", ErrMalformedHash)
	}
	var err error
	if h.salt, err = b64.DecodeString(parts[4]); err != nil || len(h.salt) < minSaltLen {
		return phc{}, fmt.Errorf("%w: salt", ErrMalformedHash)
	}
	if h.key, err = b64.DecodeString(parts[5]); err != nil || len(h.key) < minKeyLen || len(h.key) > maxKeyLen {
		return phc{}, fmt.Errorf("%w: hash", ErrMalformedHash)
	}
	if h.String() != s {
		return phc{}, fmt.Errorf("%w: not canonical", ErrMalformedHash)
	}
	return h, nil
}
