package keys

import (
	"errors"
	"fmt"

	"github.com/tink-crypto/tink-go/v2/jwt"
	"github.com/tink-crypto/tink-go/v2/keyset"
)

// ReceiptJWT is the keyset that signs documents the portal hands out and anyone
// may verify, such as consent receipts: ECDSA P-256 JWTs (JWA "ES256") with a
// "kid" header naming the key, so a later key added to the keyset does not
// invalidate older documents. Its public half is published as a JWK set.
const ReceiptJWT = "receipt-jwt"

// ErrSignature is returned for a token that does not verify: malformed, signed
// by a key this keyset does not hold, altered after signing, or with a header
// or issuer other than the expected ones. Tink's detail is wrapped with it.
var ErrSignature = errors.New("keys: signature does not verify")

// signing holds the primitives built from the ReceiptJWT keyset.
type signing struct {
	signer   jwt.Signer
	verifier jwt.Verifier
	jwks     []byte
}

func newSigning(h *keyset.Handle) (*signing, error) {
	signer, err := jwt.NewSigner(h)
	if err != nil {
		return nil, fmt.Errorf("keys: %s signer: %w", ReceiptJWT, err)
	}
	pub, err := h.Public()
	if err != nil {
		return nil, fmt.Errorf("keys: %s public keyset: %w", ReceiptJWT, err)
	}
	verifier, err := jwt.NewVerifier(pub)
	if err != nil {
		return nil, fmt.Errorf("keys: %s verifier: %w", ReceiptJWT, err)
	}
	jwks, err := jwt.JWKSetFromPublicKeysetHandle(pub)
	if err != nil {
		return nil, fmt.Errorf("keys: %s JWK set: %w", ReceiptJWT, err)
	}
	return &signing{signer: signer, verifier: verifier, jwks: jwks}, nil
}

func (k *Keyring) signing() *signing {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.sign
}

// SignJWT signs payload, a JSON object of claims (registered ones such as iss,
// iat and jti are checked by Tink; none may be exp-less by accident: the
// caller decides), with header typ, and returns the JWS compact serialization.
func (k *Keyring) SignJWT(typ string, payload []byte) (string, error) {
	raw, err := jwt.NewRawJWTFromJSON(&typ, payload)
	if err != nil {
		return "", fmt.Errorf("keys: sign: claims: %w", err)
	}
	compact, err := k.signing().signer.SignAndEncode(raw)
	if err != nil {
		return "", fmt.Errorf("keys: sign: %w", err)
	}
	return compact, nil
}

// VerifyJWT checks a compact JWT from SignJWT: signature by a ReceiptJWT key,
// type header typ and issuer iss. Tokens without an expiry are accepted (a
// receipt is proof of a past fact and does not expire). It returns the signed
// JSON payload. Every failure is ErrSignature.
func (k *Keyring) VerifyJWT(compact, typ, iss string) ([]byte, error) {
	v, err := jwt.NewValidator(&jwt.ValidatorOpts{ExpectedTypeHeader: &typ, ExpectedIssuer: &iss, AllowMissingExpiration: true})
	if err != nil {
		return nil, fmt.Errorf("keys: verify: validator: %w", err)
	}
	verified, err := k.signing().verifier.VerifyAndDecode(compact, v)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSignature, err)
	}
	payload, err := verified.JSONPayload()
	if err != nil {
		return nil, fmt.Errorf("%w: payload: %w", ErrSignature, err)
	}
	return payload, nil
}

// PublicJWKS returns the public keys of ReceiptJWT as a JWK set (RFC 7517), for
// anyone who wants to verify a signed document without the portal.
func (k *Keyring) PublicJWKS() []byte {
	return append([]byte(nil), k.signing().jwks...)
}
