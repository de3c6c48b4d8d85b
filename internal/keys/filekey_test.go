package keys

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"testing"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/internal/testkit/dbtest"
)

func fileAD(row string, owner int64) AD {
	return AD{Table: "document_files", Column: "key", RowID: row, OwnerID: owner}
}

func encryptStream(t *testing.T, f *FileKey, label string, plain []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := f.NewEncryptingWriter(&buf, label)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(plain); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func decryptStream(f *FileKey, label string, ct []byte) ([]byte, error) {
	r, err := f.NewDecryptingReader(bytes.NewReader(ct), label)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

// A file key encrypts a stream many segments long and opens it again from its
// wrapped form; the wrapped key opens only with its own AD, and a stream only
// with its own label and key.
func TestFileKeyRoundTripAndBinding(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		k := open(t, g, masterKey(t))
		ad := fileAD("1001", 42)
		f, wrapped, err := k.NewFileKey(ad)
		if err != nil {
			t.Fatal(err)
		}
		plain := make([]byte, 3*4096+123) // several 4 KB segments and a partial one
		_, _ = rand.Read(plain)
		ct := encryptStream(t, f, "document:7/original", plain)
		if bytes.Contains(ct, plain[:64]) {
			t.Fatal("ciphertext contains plaintext")
		}

		g2, err := k.OpenFileKey(wrapped, ad)
		if err != nil {
			t.Fatalf("OpenFileKey: %v", err)
		}
		got, err := decryptStream(g2, "document:7/original", ct)
		if err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("round trip: %v (len %d)", err, len(got))
		}

		// The wrapped key opens only with the AD of its own row.
		for name, other := range map[string]AD{
			"other row":    fileAD("1002", 42),
			"other owner":  fileAD("1001", 43),
			"other column": {Table: "document_files", Column: "title", RowID: "1001", OwnerID: 42},
		} {
			if _, err := k.OpenFileKey(wrapped, other); !errors.Is(err, ErrDecrypt) {
				t.Errorf("%s: OpenFileKey err = %v, want ErrDecrypt", name, err)
			}
		}
		tampered := bytes.Clone(wrapped)
		tampered[len(tampered)-5] ^= 1
		if _, err := k.OpenFileKey(tampered, ad); !errors.Is(err, ErrDecrypt) {
			t.Errorf("tampered wrapped key: err = %v, want ErrDecrypt", err)
		}

		// Key bytes from another row: that row's key cannot read this blob, and
		// this row's AD cannot open that row's key.
		f3, wrapped3, err := k.NewFileKey(fileAD("1003", 42))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := k.OpenFileKey(wrapped3, ad); !errors.Is(err, ErrDecrypt) {
			t.Errorf("another row's key opened with this row's AD: %v", err)
		}
		if _, err := decryptStream(f3, "document:7/original", ct); !errors.Is(err, ErrDecrypt) {
			t.Errorf("another file's key decrypted the blob: %v", err)
		}

		// The label binds the stream: a thumbnail cannot pass for the original,
		// nor a blob moved to another document.
		for _, label := range []string{"document:7/thumbnail", "document:8/original"} {
			if _, err := decryptStream(g2, label, ct); !errors.Is(err, ErrDecrypt) {
				t.Errorf("label %q: err = %v, want ErrDecrypt", label, err)
			}
		}
		// A truncated or altered stream fails rather than returning short data.
		if _, err := decryptStream(g2, "document:7/original", ct[:len(ct)-100]); !errors.Is(err, ErrDecrypt) {
			t.Errorf("truncated stream: err = %v, want ErrDecrypt", err)
		}
		bad := bytes.Clone(ct)
		bad[5000] ^= 1
		if _, err := decryptStream(g2, "document:7/original", bad); !errors.Is(err, ErrDecrypt) {
			t.Errorf("altered stream: err = %v, want ErrDecrypt", err)
		}
	})
}

// After a field-key rotation old wrapped keys still open, RewrapFileKey moves
// one under the new primary, and the blob it encrypted is still readable.
func TestFileKeyRewrapAfterRotation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		k := open(t, g, masterKey(t))
		ad := fileAD("2001", 7)
		f, wrapped, err := k.NewFileKey(ad)
		if err != nil {
			t.Fatal(err)
		}
		ct := encryptStream(t, f, "x", []byte("scan of a lab report"))
		old, ok := WrappedFileKeyID(wrapped)
		if !ok || old != k.PrimaryFieldKeyID() {
			t.Fatalf("WrappedFileKeyID = %d, %v; primary %d", old, ok, k.PrimaryFieldKeyID())
		}
		newID, err := k.Rotate(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := k.OpenFileKey(wrapped, ad); err != nil {
			t.Fatalf("old wrapped key after rotation: %v", err)
		}
		re, err := k.RewrapFileKey(wrapped, ad)
		if err != nil {
			t.Fatal(err)
		}
		if id, _ := WrappedFileKeyID(re); id != newID {
			t.Errorf("rewrapped under key %d, want %d", id, newID)
		}
		f2, err := k.OpenFileKey(re, ad)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := decryptStream(f2, "x", ct); err != nil || string(got) != "scan of a lab report" {
			t.Fatalf("after rewrap: %q, %v", got, err)
		}
	})
}
