package keys

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/tink-crypto/tink-go/v2/keyset"
	"github.com/tink-crypto/tink-go/v2/streamingaead"
	"github.com/tink-crypto/tink-go/v2/tink"
)

// FileKey is the streaming AEAD of one stored file (issue 5, crypto-shredding).
// Every file gets a Tink keyset of its own (AES-256-GCM-HKDF, 4 KB segments, so
// memory per stream is a few segments whatever the file's size). The keyset is
// kept only in the file's database row, wrapped by the field AEAD with
// associated data naming that row; the blob store holds only ciphertext.
// Deleting the row destroys the only copy of the key, so a copy of the blob
// taken earlier (a backup, a stolen disk) can no longer be read.
type FileKey struct {
	sa tink.StreamingAEAD
	ad AD
}

const fileStreamADVersion = "yibao.file-stream.v1"

// NewFileKey generates a fresh file keyset and returns it with its wrapped
// form: Tink's binary EncryptedKeyset, sealed by the primary field-aead key
// with ad as associated data (keyset.Handle.WriteWithAssociatedData). Store
// the wrapped bytes in the row ad names; OpenFileKey needs the same ad.
func (k *Keyring) NewFileKey(ad AD) (*FileKey, []byte, error) {
	h, err := keyset.NewHandle(streamingaead.AES256GCMHKDF4KBKeyTemplate())
	if err != nil {
		return nil, nil, fmt.Errorf("keys: generate file key: %w", err)
	}
	wrapped, err := k.wrapFileKey(h, ad)
	if err != nil {
		return nil, nil, err
	}
	sa, err := streamingaead.New(h)
	if err != nil {
		return nil, nil, fmt.Errorf("keys: file key primitive: %w", err)
	}
	return &FileKey{sa: sa, ad: ad}, wrapped, nil
}

// OpenFileKey unwraps a file keyset stored by NewFileKey. A wrapped key read
// with another ad (copied from another row, owner or column), altered, or
// sealed by a field key this Keyring does not hold fails with ErrDecrypt.
func (k *Keyring) OpenFileKey(wrapped []byte, ad AD) (*FileKey, error) {
	h, err := k.unwrapFileKey(wrapped, ad)
	if err != nil {
		return nil, err
	}
	sa, err := streamingaead.New(h)
	if err != nil {
		return nil, fmt.Errorf("keys: file key primitive: %w", err)
	}
	return &FileKey{sa: sa, ad: ad}, nil
}

// RewrapFileKey re-seals a wrapped file keyset under the current primary
// field-aead key (same ad), for the rotate command: the file key itself and
// the blobs it encrypted do not change.
func (k *Keyring) RewrapFileKey(wrapped []byte, ad AD) ([]byte, error) {
	h, err := k.unwrapFileKey(wrapped, ad)
	if err != nil {
		return nil, err
	}
	return k.wrapFileKey(h, ad)
}

// WrappedFileKeyID is the ID of the field-aead key that sealed a wrapped file
// keyset (read from the Tink prefix of its encrypted part), so the rotate
// command can find wrapped keys not yet under the primary key.
func WrappedFileKeyID(wrapped []byte) (uint32, bool) {
	ek, err := keyset.NewBinaryReader(bytes.NewReader(wrapped)).ReadEncrypted()
	if err != nil {
		return 0, false
	}
	return FieldKeyID(ek.GetEncryptedKeyset())
}

func (k *Keyring) wrapFileKey(h *keyset.Handle, ad AD) ([]byte, error) {
	a, adb, err := k.fieldAEAD(ad)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := h.WriteWithAssociatedData(keyset.NewBinaryWriter(&buf), a, adb); err != nil {
		return nil, fmt.Errorf("keys: wrap file key %s.%s: %w", ad.Table, ad.Column, err)
	}
	return buf.Bytes(), nil
}

func (k *Keyring) unwrapFileKey(wrapped []byte, ad AD) (*keyset.Handle, error) {
	a, adb, err := k.fieldAEAD(ad)
	if err != nil {
		return nil, err
	}
	h, err := keyset.ReadWithAssociatedData(keyset.NewBinaryReader(bytes.NewReader(wrapped)), a, adb)
	if err != nil {
		return nil, fmt.Errorf("keys: open file key %s.%s: %w: %w", ad.Table, ad.Column, ErrDecrypt, err)
	}
	return h, nil
}

// streamAD binds a stream to the key's row and owner and to label, which
// names the stream among those of one key (e.g. "document:7/original" and
// "document:7/thumbnail"), so two blobs of one file cannot be swapped and a
// blob moved to another document does not decrypt.
func (f *FileKey) streamAD(label string) []byte {
	b := lengthPrefixed(fileStreamADVersion, f.ad.Table, f.ad.RowID, label)
	return binary.BigEndian.AppendUint64(b, uint64(f.ad.OwnerID))
}

// NewEncryptingWriter returns a writer that encrypts into dst; Close writes
// the last segment and must be called for the ciphertext to be complete.
func (f *FileKey) NewEncryptingWriter(dst io.Writer, label string) (io.WriteCloser, error) {
	w, err := f.sa.NewEncryptingWriter(dst, f.streamAD(label))
	if err != nil {
		return nil, fmt.Errorf("keys: encrypt stream: %w", err)
	}
	return w, nil
}

// NewDecryptingReader returns a reader of the plaintext of src, a stream
// written by NewEncryptingWriter with the same label. Each segment is
// authenticated before any of it is returned; a wrong label, key or altered
// or truncated ciphertext makes Read fail with ErrDecrypt.
func (f *FileKey) NewDecryptingReader(src io.Reader, label string) (io.Reader, error) {
	r, err := f.sa.NewDecryptingReader(src, f.streamAD(label))
	if err != nil {
		return nil, fmt.Errorf("keys: decrypt stream: %w: %w", ErrDecrypt, err)
	}
	return decryptErrReader{r}, nil
}

// decryptErrReader marks Tink's authentication failures as ErrDecrypt.
type decryptErrReader struct{ r io.Reader }

func (d decryptErrReader) Read(p []byte) (int, error) {
	n, err := d.r.Read(p)
	if err != nil && err != io.EOF {
		err = fmt.Errorf("keys: decrypt stream: %w: %w", ErrDecrypt, err)
	}
	return n, err
}
