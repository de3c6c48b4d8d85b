package keys

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/tink-crypto/tink-go/v2/tink"
)

// AD names the place a field ciphertext belongs to. It becomes the AEAD's
// associated data, so a ciphertext copied to another table, column, row or
// owner fails to decrypt. Table and Column are required. RowID should be the
// row's stable identifier; for a row whose ID is assigned by the INSERT,
// use an ID the caller generates first, or a natural key such as the owner's
// user ID for one-row-per-user tables, and decrypt with the same value.
type AD struct {
	Table   string
	Column  string
	RowID   string
	OwnerID int64
}

// ErrDecrypt is returned for any ciphertext that does not authenticate: a
// wrong AD, a tampered value, or a key this Keyring does not hold.
var ErrDecrypt = errors.New("keys: ciphertext does not authenticate")

const adVersion = "yibao.field-ad.v1"

// bytes encodes ad unambiguously: a version tag, then each string with a
// 4-byte length prefix, then the owner as 8 bytes. No two ADs share an
// encoding, whatever separators their strings contain.
func (ad AD) bytes() ([]byte, error) {
	if ad.Table == "" || ad.Column == "" {
		return nil, fmt.Errorf("keys: associated data needs Table and Column, got %q.%q", ad.Table, ad.Column)
	}
	b := lengthPrefixed(adVersion, ad.Table, ad.Column, ad.RowID)
	return binary.BigEndian.AppendUint64(b, uint64(ad.OwnerID)), nil
}

func lengthPrefixed(parts ...string) []byte {
	var b []byte
	for _, s := range parts {
		b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
		b = append(b, s...)
	}
	return b
}

// fieldAEAD returns the current field primitive (Rotate may swap it) and ad's bytes.
func (k *Keyring) fieldAEAD(ad AD) (tink.AEAD, []byte, error) {
	adb, err := ad.bytes()
	if err != nil {
		return nil, nil, err
	}
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.field, adb, nil
}

// Encrypt seals plaintext with the primary field-aead key, bound to ad. The
// ciphertext starts with Tink's 5-byte prefix naming the key, so it stays
// readable after Rotate.
func (k *Keyring) Encrypt(plaintext []byte, ad AD) ([]byte, error) {
	a, adb, err := k.fieldAEAD(ad)
	if err != nil {
		return nil, err
	}
	ct, err := a.Encrypt(plaintext, adb)
	if err != nil {
		return nil, fmt.Errorf("keys: encrypt %s.%s: %w", ad.Table, ad.Column, err)
	}
	return ct, nil
}

// Decrypt opens a ciphertext from Encrypt with the same ad. Every
// authentication failure is ErrDecrypt; Tink's detail is wrapped with it.
func (k *Keyring) Decrypt(ciphertext []byte, ad AD) ([]byte, error) {
	a, adb, err := k.fieldAEAD(ad)
	if err != nil {
		return nil, err
	}
	pt, err := a.Decrypt(ciphertext, adb)
	if err != nil {
		return nil, fmt.Errorf("keys: decrypt %s.%s: %w: %w", ad.Table, ad.Column, ErrDecrypt, err)
	}
	return pt, nil
}

// EncryptString encrypts s and returns base64 (standard, padded), for
// text columns.
func (k *Keyring) EncryptString(s string, ad AD) (string, error) {
	ct, err := k.Encrypt([]byte(s), ad)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(ct), nil
}

// DecryptString reverses EncryptString.
func (k *Keyring) DecryptString(s string, ad AD) (string, error) {
	ct, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return "", fmt.Errorf("keys: decrypt %s.%s: %w: not base64", ad.Table, ad.Column, ErrDecrypt)
	}
	pt, err := k.Decrypt(ct, ad)
	if err != nil {
		return "", err
	}
	return string(pt), nil
}

const (
	blindIndexLen     = 32
	blindIndexVersion = "yibao.blind-index.v1"
)

// BlindIndex returns a 32-byte keyed hash (HMAC-SHA256 through Tink's PRF)
// of value for lookups on an encrypted column, e.g.
// BlindIndex("user.phone", "+8613800000001"). purpose separates uses, so
// equal values in different columns do not link. The caller normalises value
// (case, spaces, country code) the same way on write and on lookup. The
// blind-index keyset is never rotated: that would orphan every stored index.
func (k *Keyring) BlindIndex(purpose, value string) []byte {
	if purpose == "" {
		panic("keys: BlindIndex needs a purpose")
	}
	k.mu.RLock()
	set := k.prf
	k.mu.RUnlock()
	out, err := set.ComputePrimaryPRF(lengthPrefixed(blindIndexVersion, purpose, value), blindIndexLen)
	if err != nil {
		// Unreachable: Open ran the same computation as a self-test.
		panic(fmt.Sprintf("keys: blind index: %v", err))
	}
	return out
}
