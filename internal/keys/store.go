package keys

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tink-crypto/tink-go/v2/keyset"
	"gorm.io/gorm/clause"
)

// keysetRow is a row of the keysets table (migrations/*/0003_keysets.sql).
// It is not in models.All(): keys is an infrastructure leaf; schema_test.go
// here checks it against the migrations instead.
type keysetRow struct {
	Name      string `gorm:"primaryKey"`
	Keyset    []byte // Tink binary EncryptedKeyset
	UpdatedAt time.Time
}

func (keysetRow) TableName() string { return "keysets" }

var errNoKeyset = errors.New("keys: keyset not found")

// read loads and unwraps the keyset called name.
func (k *Keyring) read(ctx context.Context, name string) (*keyset.Handle, error) {
	h, _, err := k.readRaw(ctx, name)
	return h, err
}

// readRaw also returns the stored bytes, for Rotate's compare-and-swap.
func (k *Keyring) readRaw(ctx context.Context, name string) (*keyset.Handle, []byte, error) {
	var row keysetRow
	res := k.g.WithContext(ctx).Where("name = ?", name).Limit(1).Find(&row)
	if res.Error != nil {
		return nil, nil, fmt.Errorf("keys: read keyset %q: %w", name, res.Error)
	}
	if res.RowsAffected == 0 {
		return nil, nil, fmt.Errorf("%w: %q", errNoKeyset, name)
	}
	h, err := keyset.ReadWithAssociatedData(keyset.NewBinaryReader(bytes.NewReader(row.Keyset)), k.master, keysetAD(name))
	if err != nil {
		return nil, nil, fmt.Errorf("keys: open keyset %q: %w: %w", name, ErrMasterKey, err)
	}
	return h, row.Keyset, nil
}

// readOrCreate returns the stored keyset, generating and inserting it first
// if there is none. Concurrent first starts are safe: the insert ignores a
// duplicate name and everyone re-reads the row that won.
func (k *Keyring) readOrCreate(ctx context.Context, name string) (*keyset.Handle, error) {
	h, err := k.read(ctx, name)
	if !errors.Is(err, errNoKeyset) {
		return h, err
	}
	h, err = keyset.NewHandle(templates[name]())
	if err != nil {
		return nil, fmt.Errorf("keys: generate keyset %q: %w", name, err)
	}
	blob, err := k.seal(h, name)
	if err != nil {
		return nil, err
	}
	row := keysetRow{Name: name, Keyset: blob, UpdatedAt: time.Now().UTC()}
	if err := k.g.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error; err != nil {
		return nil, fmt.Errorf("keys: insert keyset %q: %w", name, err)
	}
	return k.read(ctx, name)
}

// seal encrypts h with the master AEAD into Tink's binary EncryptedKeyset.
func (k *Keyring) seal(h *keyset.Handle, name string) ([]byte, error) {
	var buf bytes.Buffer
	if err := h.WriteWithAssociatedData(keyset.NewBinaryWriter(&buf), k.master, keysetAD(name)); err != nil {
		return nil, fmt.Errorf("keys: wrap keyset %q: %w", name, err)
	}
	return buf.Bytes(), nil
}
