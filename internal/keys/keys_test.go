package keys

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/tink-crypto/tink-go/v2/insecurecleartextkeyset"
	"github.com/tink-crypto/tink-go/v2/keyset"
	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/internal/testkit/dbtest"
)

func masterKey(t *testing.T) []byte {
	t.Helper()
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		t.Fatal(err)
	}
	return k
}

func open(t *testing.T, g *gorm.DB, mk []byte) *Keyring {
	t.Helper()
	k, err := Open(context.Background(), g, mk)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return k
}

var adPhone = AD{Table: "users", Column: "id_number", RowID: "42", OwnerID: 42}

func TestFieldRoundTripAndAD(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		k := open(t, g, masterKey(t))
		ct, err := k.Encrypt([]byte("110101199001011234"), adPhone)
		if err != nil {
			t.Fatal(err)
		}
		pt, err := k.Decrypt(ct, adPhone)
		if err != nil || string(pt) != "110101199001011234" {
			t.Fatalf("Decrypt = %q, %v", pt, err)
		}
		for name, ad := range map[string]AD{
			"other row":    {Table: "users", Column: "id_number", RowID: "43", OwnerID: 42},
			"other owner":  {Table: "users", Column: "id_number", RowID: "42", OwnerID: 43},
			"other column": {Table: "users", Column: "real_name", RowID: "42", OwnerID: 42},
			"other table":  {Table: "staff", Column: "id_number", RowID: "42", OwnerID: 42},
			// Length prefixes: moving a boundary changes the AD.
			"shifted": {Table: "users", Column: "id_number4", RowID: "2", OwnerID: 42},
		} {
			if _, err := k.Decrypt(ct, ad); !errors.Is(err, ErrDecrypt) {
				t.Errorf("%s: Decrypt = %v, want ErrDecrypt", name, err)
			}
		}
		ct[len(ct)-1] ^= 1
		if _, err := k.Decrypt(ct, adPhone); !errors.Is(err, ErrDecrypt) {
			t.Errorf("tampered: %v", err)
		}
		if _, err := k.Encrypt([]byte("x"), AD{Table: "users"}); err == nil {
			t.Error("Encrypt without Column succeeded")
		}

		s, err := k.EncryptString("张三", adPhone)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := k.DecryptString(s, adPhone); err != nil || got != "张三" {
			t.Errorf("DecryptString = %q, %v", got, err)
		}
		if _, err := k.DecryptString("not base64!", adPhone); !errors.Is(err, ErrDecrypt) {
			t.Errorf("DecryptString(garbage) = %v", err)
		}
	})
}

func TestSameKeysAcrossOpens(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		mk := masterKey(t)
		// Concurrent first starts must converge on one set of keysets.
		rings := make([]*Keyring, 4)
		var wg sync.WaitGroup
		for i := range rings {
			wg.Go(func() {
				k, err := Open(context.Background(), g, mk)
				if err != nil {
					t.Errorf("Open %d: %v", i, err)
				}
				rings[i] = k
			})
		}
		wg.Wait()
		if t.Failed() {
			return
		}
		var n int64
		g.Table("keysets").Count(&n)
		if n != 4 {
			t.Errorf("keysets rows = %d, want 4", n)
		}
		later := open(t, g, mk)
		ct, _ := rings[0].Encrypt([]byte("shared"), adPhone)
		for i, k := range append(rings[1:], later) {
			if pt, err := k.Decrypt(ct, adPhone); err != nil || string(pt) != "shared" {
				t.Errorf("ring %d: Decrypt = %q, %v", i+1, pt, err)
			}
			if !bytes.Equal(k.BlindIndex("user.phone", "13800000001"), rings[0].BlindIndex("user.phone", "13800000001")) {
				t.Errorf("ring %d: blind index differs", i+1)
			}
		}
		// The streaming keyset is shared too.
		var buf bytes.Buffer
		w, _ := rings[0].StreamingAEAD().NewEncryptingWriter(&buf, []byte("doc-1"))
		io.WriteString(w, "a file")
		w.Close()
		r, err := later.StreamingAEAD().NewDecryptingReader(&buf, []byte("doc-1"))
		if err != nil {
			t.Fatal(err)
		}
		if got, err := io.ReadAll(r); err != nil || string(got) != "a file" {
			t.Errorf("streaming round trip = %q, %v", got, err)
		}
	})
}

func TestWrongMasterKey(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		open(t, g, masterKey(t))
		_, err := Open(context.Background(), g, masterKey(t))
		if !errors.Is(err, ErrMasterKey) || !strings.Contains(err.Error(), "wrong master key") {
			t.Errorf("Open with another master key = %v, want ErrMasterKey", err)
		}
		if _, err := Open(context.Background(), g, make([]byte, 16)); err == nil {
			t.Error("Open with a 16-byte master key succeeded")
		}
	})
}

func TestKeysetSwappedBetweenNamesFails(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		mk := masterKey(t)
		open(t, g, mk)
		var blob []byte
		g.Table("keysets").Where("name = ?", FileStreaming).Select("keyset").Row().Scan(&blob)
		g.Table("keysets").Where("name = ?", FieldAEAD).Update("keyset", blob)
		if _, err := Open(context.Background(), g, mk); !errors.Is(err, ErrMasterKey) {
			t.Errorf("Open after copying a keyset under another name = %v, want ErrMasterKey", err)
		}
	})
}

func TestBlindIndex(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		k := open(t, g, masterKey(t))
		a := k.BlindIndex("user.phone", "13800000001")
		if len(a) != 32 || !bytes.Equal(a, k.BlindIndex("user.phone", "13800000001")) {
			t.Fatalf("not deterministic 32 bytes: %x", a)
		}
		for _, other := range [][]byte{
			k.BlindIndex("user.email", "13800000001"),
			k.BlindIndex("user.phone", "13800000002"),
			k.BlindIndex("user.phon", "e13800000001"),
		} {
			if bytes.Equal(a, other) {
				t.Error("blind index collides across purpose/value")
			}
		}
		// Another database gets other keys, so other indexes.
		if bytes.Equal(a, open(t, dbtest.Open(t, d), masterKey(t)).BlindIndex("user.phone", "13800000001")) {
			t.Error("blind index equal under a different keyset")
		}
	})
}

// TestNoPlaintextKeyMaterial reads the raw keysets table: each row is a Tink
// EncryptedKeyset, it does not contain any key's bytes, and it cannot be read
// as a cleartext keyset.
func TestNoPlaintextKeyMaterial(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		mk := masterKey(t)
		k := open(t, g, mk)
		for _, name := range []string{FieldAEAD, BlindIndexPRF, FileStreaming, ReceiptJWT} {
			var blob []byte
			if err := g.Table("keysets").Where("name = ?", name).Select("keyset").Row().Scan(&blob); err != nil {
				t.Fatal(err)
			}
			h, err := k.read(context.Background(), name)
			if err != nil {
				t.Fatal(err)
			}
			for _, key := range insecurecleartextkeyset.KeysetMaterial(h).GetKey() {
				if v := key.GetKeyData().GetValue(); len(v) < 32 || bytes.Contains(blob, v[len(v)-32:]) {
					t.Errorf("%s: raw row contains key %d material", name, key.GetKeyId())
				}
			}
			if _, err := insecurecleartextkeyset.Read(keyset.NewBinaryReader(bytes.NewReader(blob))); err == nil {
				t.Errorf("%s: raw row parses as a cleartext keyset", name)
			}
			enc, err := keyset.NewBinaryReader(bytes.NewReader(blob)).ReadEncrypted()
			if err != nil || len(enc.GetEncryptedKeyset()) == 0 {
				t.Errorf("%s: raw row is not an EncryptedKeyset: %v", name, err)
			}
		}
	})
}
