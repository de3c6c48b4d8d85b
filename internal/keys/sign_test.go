package keys

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/tink-crypto/tink-go/v2/jwt"
	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/internal/testkit/dbtest"
)

// The receipt keyset signs on one Keyring and verifies on another Open of the same
// database; an altered payload, another type header or issuer, or another
// database's key fail; the JWK set verifies with plain Tink (what an outside
// verifier would do).
func TestReceiptSigning(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		mk := masterKey(t)
		k := open(t, g, mk)
		payload := []byte(`{"iss":"https://portal.test","iat":1767225600,"jti":"r-1","consentReceiptID":"r-1","services":[{"service":"portal"}]}`)
		compact, err := k.SignJWT("kantara-cr+jwt", payload)
		if err != nil {
			t.Fatal(err)
		}
		got, err := open(t, g, mk).VerifyJWT(compact, "kantara-cr+jwt", "https://portal.test")
		if err != nil {
			t.Fatalf("verify on a second Open: %v", err)
		}
		var a, b any
		json.Unmarshal(payload, &a)
		json.Unmarshal(got, &b)
		if ja, _ := json.Marshal(a); string(ja) != mustJSON(b) {
			t.Errorf("payload round trip = %s", got)
		}

		parts := strings.Split(compact, ".")
		altered := strings.Replace(string(payload), `"r-1","services"`, `"r-2","services"`, 1)
		tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(altered)) + "." + parts[2]
		for name, c := range map[string]string{"tampered payload": tampered, "truncated": compact[:len(compact)-4], "garbage": "a.b.c"} {
			if _, err := k.VerifyJWT(c, "kantara-cr+jwt", "https://portal.test"); !errors.Is(err, ErrSignature) {
				t.Errorf("%s: VerifyJWT = %v, want ErrSignature", name, err)
			}
		}
		if _, err := k.VerifyJWT(compact, "JWT", "https://portal.test"); !errors.Is(err, ErrSignature) {
			t.Errorf("other typ: %v", err)
		}
		if _, err := k.VerifyJWT(compact, "kantara-cr+jwt", "https://elsewhere.test"); !errors.Is(err, ErrSignature) {
			t.Errorf("other issuer: %v", err)
		}
		if _, err := open(t, dbtest.Open(t, d), masterKey(t)).VerifyJWT(compact, "kantara-cr+jwt", "https://portal.test"); !errors.Is(err, ErrSignature) {
			t.Errorf("another deployment's key verified the token: %v", err)
		}

		// The published JWK set is all an outside verifier needs.
		jwks := k.PublicJWKS()
		if strings.Contains(string(jwks), `"d"`) {
			t.Fatalf("JWK set carries a private key: %s", jwks)
		}
		h, err := jwt.JWKSetToPublicKeysetHandle(jwks)
		if err != nil {
			t.Fatal(err)
		}
		v, _ := jwt.NewVerifier(h)
		typ, iss := "kantara-cr+jwt", "https://portal.test"
		val, _ := jwt.NewValidator(&jwt.ValidatorOpts{ExpectedTypeHeader: &typ, ExpectedIssuer: &iss, AllowMissingExpiration: true})
		if _, err := v.VerifyAndDecode(compact, val); err != nil {
			t.Errorf("verify with the published JWK set: %v", err)
		}
	})
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
