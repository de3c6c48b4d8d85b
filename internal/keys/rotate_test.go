package keys

import (
	"context"
	"errors"
	"testing"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/internal/testkit/dbtest"
)

func TestRotate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		ctx := context.Background()
		mk := masterKey(t)
		k := open(t, g, mk)
		other := open(t, g, mk) // a second process
		oldID := k.PrimaryFieldKeyID()
		oldCT, _ := k.Encrypt([]byte("before"), adPhone)
		if id, ok := FieldKeyID(oldCT); !ok || id != oldID {
			t.Fatalf("old ciphertext key ID = %d, %v; want %d", id, ok, oldID)
		}
		bi := k.BlindIndex("user.phone", "13800000001")

		newID, err := k.Rotate(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if newID == oldID || k.PrimaryFieldKeyID() != newID {
			t.Fatalf("after rotate primary = %d, new = %d, old = %d", k.PrimaryFieldKeyID(), newID, oldID)
		}
		newCT, _ := k.Encrypt([]byte("after"), adPhone)
		if id, _ := FieldKeyID(newCT); id != newID {
			t.Errorf("new ciphertext key ID = %d, want %d", id, newID)
		}
		for _, c := range []struct {
			ct   []byte
			want string
		}{{oldCT, "before"}, {newCT, "after"}} {
			if pt, err := k.Decrypt(c.ct, adPhone); err != nil || string(pt) != c.want {
				t.Errorf("Decrypt = %q, %v; want %q", pt, err, c.want)
			}
		}
		if string(bi) != string(k.BlindIndex("user.phone", "13800000001")) {
			t.Error("rotation changed the blind index")
		}

		// The other process does not know the new key until it reloads.
		if _, err := other.Decrypt(newCT, adPhone); !errors.Is(err, ErrDecrypt) {
			t.Errorf("stale keyring Decrypt(new) = %v, want ErrDecrypt", err)
		}
		if err := other.Reload(ctx); err != nil {
			t.Fatal(err)
		}
		if pt, err := other.Decrypt(newCT, adPhone); err != nil || string(pt) != "after" {
			t.Errorf("reloaded Decrypt(new) = %q, %v", pt, err)
		}
		// A reopened keyring sees the rotation too.
		if open(t, g, mk).PrimaryFieldKeyID() != newID {
			t.Error("reopened keyring has the old primary")
		}
		// Rotating from the other process keeps both earlier keys.
		if _, err := other.Rotate(ctx); err != nil {
			t.Fatal(err)
		}
		if err := k.Reload(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := k.Decrypt(oldCT, adPhone); err != nil {
			t.Errorf("after second rotation, oldest ciphertext: %v", err)
		}
	})
}
