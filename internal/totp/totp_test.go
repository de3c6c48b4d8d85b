package totp

import (
	"bytes"
	"encoding/base64"
	"image/png"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
)

const demoSecret = "JBSWY3DPEHPK3PXP"

func TestValidate(t *testing.T) {
	secret, uri, err := NewSecret("医保健康", "13900000001")
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "otpauth" || u.Host != "totp" {
		t.Fatalf("uri %q: %v", uri, err)
	}
	q := u.Query()
	if q.Get("secret") != secret || q.Get("issuer") != "医保健康" || q.Get("digits") != "6" ||
		q.Get("algorithm") != "SHA1" || q.Get("period") != "30" {
		t.Errorf("uri parameters %v", q)
	}

	now := time.Unix(1_750_000_015, 0)
	for _, s := range []string{secret, demoSecret} {
		for _, tc := range []struct {
			offset time.Duration
			ok     bool
		}{{0, true}, {-30 * time.Second, true}, {30 * time.Second, true},
			{-60 * time.Second, false}, {60 * time.Second, false}} {
			at := now.Add(tc.offset)
			code, err := totp.GenerateCode(s, at)
			if err != nil {
				t.Fatal(err)
			}
			step, ok := Validate(s, code, now)
			if ok != tc.ok || (ok && step != Step(at)) {
				t.Errorf("secret %s offset %v: Validate = %d, %v; want %d, %v", s, tc.offset, step, ok, Step(at), tc.ok)
			}
		}
	}
	code, _ := totp.GenerateCode(demoSecret, now)
	if _, ok := Validate(demoSecret, code[:3]+" "+code[3:], now); !ok {
		t.Error("code with a space refused")
	}
	for _, bad := range []string{"", "12345", "1234567", "12345a", "١٢٣٤٥٦", "+12345", code + "0"} {
		if _, ok := Validate(demoSecret, bad, now); ok {
			t.Errorf("Validate(%q) accepted", bad)
		}
	}
	if _, ok := Validate("not base32!", code, now); ok {
		t.Error("malformed secret accepted")
	}
}

func TestQR(t *testing.T) {
	_, uri, _ := NewSecret("Yibao", "doctor@example.com")
	b, err := QRCodePNG(uri)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatal("not a PNG")
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if r := img.Bounds(); r.Dx() != QRSize || r.Dy() != QRSize {
		t.Errorf("QR is %v, want %d×%d", r, QRSize, QRSize)
	}
	d, err := QRDataURI(uri)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(d, "data:image/png;base64,"))
	if !strings.HasPrefix(d, "data:image/png;base64,") || err != nil || !bytes.Equal(raw, b) {
		t.Errorf("data URI does not carry the PNG: %v", err)
	}
}

func TestRecoveryCodes(t *testing.T) {
	plain, hashes := NewRecoveryCodes(RecoveryCodeCount)
	if len(plain) != 10 || len(hashes) != 10 {
		t.Fatalf("got %d codes, %d hashes", len(plain), len(hashes))
	}
	shape := regexp.MustCompile(`^[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}$`)
	seen := map[string]bool{}
	for i, c := range plain {
		if !shape.MatchString(c) {
			t.Errorf("code %q has the wrong shape", c)
		}
		if seen[c] {
			t.Errorf("duplicate code %q", c)
		}
		seen[c] = true
		if hashes[i] != HashRecoveryCode(c) || len(hashes[i]) != 64 || strings.Contains(hashes[i], c) {
			t.Errorf("hash %d = %q", i, hashes[i])
		}
	}
	want := HashRecoveryCode("abcd-ef01-2345")
	for _, typed := range []string{"ABCD-EF01-2345", "abcd ef01 2345", " abcdef012345\n", "ABCD-EFOI-2345", "abcd-efol-2345"} {
		if HashRecoveryCode(typed) != want {
			t.Errorf("%q does not normalise to abcd-ef01-2345", typed)
		}
	}
	if HashRecoveryCode("abcd-ef01-2346") == want {
		t.Error("different codes share a hash")
	}
}

func TestURIRebuildsTheSameSecret(t *testing.T) {
	secret, uri, err := NewSecret("Yibao Health", "alice")
	if err != nil {
		t.Fatal(err)
	}
	if got := URI("Yibao Health", "alice", secret); got != uri {
		t.Fatalf("URI = %q, want %q", got, uri)
	}
	if URI("x", "y", "not base32!") != "" {
		t.Fatal("malformed secret gave a URI")
	}
}
