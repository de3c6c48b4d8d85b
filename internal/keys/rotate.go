package keys

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/tink-crypto/tink-go/v2/aead"
	"github.com/tink-crypto/tink-go/v2/keyset"
)

// ErrConcurrentRotation means another process changed the field keyset
// between this Rotate's read and write; nothing was written, retry.
var ErrConcurrentRotation = errors.New("keys: field keyset changed concurrently; retry the rotation")

// Rotate adds a fresh AES-256-GCM key to field-aead and makes it primary:
// new ciphertexts use it, old ones still decrypt with the old keys, which
// stay in the keyset. It returns the new key ID. Re-encrypting existing data
// (and later dropping old keys) is the job of the rotate command. Other
// processes see the new key after Reload.
func (k *Keyring) Rotate(ctx context.Context) (uint32, error) {
	// Start from the stored keyset, not our cached copy, so a rotation made
	// by another process is kept.
	h, old, err := k.readRaw(ctx, FieldAEAD)
	if err != nil {
		return 0, err
	}
	m := keyset.NewManagerFromHandle(h)
	id, err := m.Add(aead.AES256GCMKeyTemplate())
	if err != nil {
		return 0, fmt.Errorf("keys: rotate: add key: %w", err)
	}
	if err := m.SetPrimary(id); err != nil {
		return 0, fmt.Errorf("keys: rotate: set primary: %w", err)
	}
	if h, err = m.Handle(); err != nil {
		return 0, fmt.Errorf("keys: rotate: %w", err)
	}
	blob, err := k.seal(h, FieldAEAD)
	if err != nil {
		return 0, err
	}
	// Compare-and-swap on the stored bytes: portable across both dialects
	// (no SELECT … FOR UPDATE), and two racing rotations cannot lose a key.
	res := k.g.WithContext(ctx).Model(&keysetRow{}).
		Where("name = ? AND keyset = ?", FieldAEAD, old).
		Updates(map[string]any{"keyset": blob, "updated_at": time.Now().UTC()})
	if res.Error != nil {
		return 0, fmt.Errorf("keys: rotate: store keyset: %w", res.Error)
	}
	if res.RowsAffected != 1 {
		return 0, ErrConcurrentRotation
	}
	if err := k.Reload(ctx); err != nil {
		return 0, fmt.Errorf("keys: rotate: %w", err)
	}
	return id, nil
}

// PrimaryFieldKeyID returns the ID of the key Encrypt uses now.
func (k *Keyring) PrimaryFieldKeyID() uint32 {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.fieldKey
}

// FieldKeyID returns the ID of the key that made ciphertext, read from
// Tink's prefix (version byte 0x01, then the big-endian key ID), so the
// rotate command can find values not yet under the primary key.
func FieldKeyID(ciphertext []byte) (uint32, bool) {
	if len(ciphertext) < 5 || ciphertext[0] != 0x01 {
		return 0, false
	}
	return binary.BigEndian.Uint32(ciphertext[1:5]), true
}
