// Package keys holds the portal's encryption keys as Tink keysets, stored in
// the keysets table and wrapped by the master key from config (DESIGN.md §5,
// issue 5): an AEAD for fields, a PRF for blind indexes, a streaming AEAD for
// files. The construction is Tink's; this package only decides where the
// keysets live, how each ciphertext is bound to its place (AD), and how the
// field keyset is rotated.
package keys

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/tink-crypto/tink-go/v2/aead"
	"github.com/tink-crypto/tink-go/v2/aead/subtle"
	"github.com/tink-crypto/tink-go/v2/jwt"
	"github.com/tink-crypto/tink-go/v2/prf"
	tinkpb "github.com/tink-crypto/tink-go/v2/proto/tink_go_proto"
	"github.com/tink-crypto/tink-go/v2/streamingaead"
	"github.com/tink-crypto/tink-go/v2/tink"
	"gorm.io/gorm"
)

// Keyset names, the primary keys of the keysets table.
const (
	FieldAEAD     = "field-aead"     // AES-256-GCM, Tink prefix (key ID in each ciphertext)
	BlindIndexPRF = "blind-index"    // HMAC-SHA256 PRF; never rotated (indexes would break)
	FileStreaming = "file-streaming" // AES-256-GCM-HKDF, 1 MB segments
)

// ErrMasterKey means a stored keyset could not be decrypted: the configured
// master key is not the one that wrapped it (or the row was tampered with).
var ErrMasterKey = errors.New("keys: stored keyset cannot be decrypted with the configured master key (wrong master key, or the keysets row was altered)")

// Keyring holds the primitives built from the three keysets. It is safe for
// concurrent use; Rotate and Reload swap primitives under a lock.
type Keyring struct {
	g      *gorm.DB
	master tink.AEAD

	mu       sync.RWMutex
	field    tink.AEAD
	fieldKey uint32 // primary key ID of field-aead
	prf      *prf.Set
	stream   tink.StreamingAEAD
	sign     *signing // ReceiptJWT, sign.go
}

// Open loads the keysets from the keysets table, creating any that is
// missing (first start). masterKey must be 32 bytes (config.Secrets.MasterKey).
// Several processes may Open the same database at once: they all end up with
// the keysets of whichever process inserted first.
func Open(ctx context.Context, g *gorm.DB, masterKey []byte) (*Keyring, error) {
	if len(masterKey) != 32 {
		return nil, fmt.Errorf("keys: master key must be 32 bytes, got %d", len(masterKey))
	}
	// The master AEAD wraps keysets only; Tink's subtle AES-GCM over the raw
	// key (random 96-bit nonce) is what a KMS-less deployment can offer.
	master, err := subtle.NewAESGCM(masterKey)
	if err != nil {
		return nil, fmt.Errorf("keys: master key: %w", err)
	}
	k := &Keyring{g: g, master: master}
	if err := k.load(ctx, true); err != nil {
		return nil, err
	}
	return k, nil
}

// Reload re-reads the keysets from the database, so that a process picks up
// a rotation another process made (its new ciphertexts carry a key ID this
// process would not know yet).
func (k *Keyring) Reload(ctx context.Context) error { return k.load(ctx, false) }

// load builds all primitives first and swaps them in together.
func (k *Keyring) load(ctx context.Context, create bool) error {
	get := k.read
	if create {
		get = k.readOrCreate
	}
	fh, err := get(ctx, FieldAEAD)
	if err != nil {
		return err
	}
	ph, err := get(ctx, BlindIndexPRF)
	if err != nil {
		return err
	}
	sh, err := get(ctx, FileStreaming)
	if err != nil {
		return err
	}
	rh, err := get(ctx, ReceiptJWT)
	if err != nil {
		return err
	}
	sign, err := newSigning(rh)
	if err != nil {
		return err
	}
	field, err := aead.New(fh)
	if err != nil {
		return fmt.Errorf("keys: %s primitive: %w", FieldAEAD, err)
	}
	primary, err := fh.Primary()
	if err != nil {
		return fmt.Errorf("keys: %s primary: %w", FieldAEAD, err)
	}
	set, err := prf.NewPRFSet(ph)
	if err != nil {
		return fmt.Errorf("keys: %s primitive: %w", BlindIndexPRF, err)
	}
	// BlindIndex has no error return: prove once here that it cannot fail.
	if _, err := set.ComputePrimaryPRF([]byte("self-test"), blindIndexLen); err != nil {
		return fmt.Errorf("keys: %s self-test: %w", BlindIndexPRF, err)
	}
	stream, err := streamingaead.New(sh)
	if err != nil {
		return fmt.Errorf("keys: %s primitive: %w", FileStreaming, err)
	}
	k.mu.Lock()
	k.field, k.fieldKey, k.prf, k.stream, k.sign = field, primary.KeyID(), set, stream, sign
	k.mu.Unlock()
	return nil
}

// StreamingAEAD returns the file-streaming primitive for blob encryption.
// Callers pass associated data naming the blob's owner and document.
func (k *Keyring) StreamingAEAD() tink.StreamingAEAD {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.stream
}

// keysetAD is the associated data of a wrapped keyset: its name, so that a
// keyset copied into another row fails to decrypt.
func keysetAD(name string) []byte { return []byte(name) }

// templates gives the key template each keyset is created with.
var templates = map[string]func() *tinkpb.KeyTemplate{
	FieldAEAD:     aead.AES256GCMKeyTemplate,
	BlindIndexPRF: prf.HMACSHA256PRFKeyTemplate,
	FileStreaming: streamingaead.AES256GCMHKDF1MBKeyTemplate,
	ReceiptJWT:    jwt.ES256Template,
}
