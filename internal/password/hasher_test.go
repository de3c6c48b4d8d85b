package password

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// fast keeps unit tests quick; TestDefaultParams covers the real cost.
var fast = Params{Memory: 1024, Time: 1, Threads: 1}

func TestHashVerifyRoundTrip(t *testing.T) {
	ctx := context.Background()
	h := New(fast, 2)
	enc, err := h.Hash(ctx, "correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	ok, rehash, err := h.Verify(ctx, enc, "correct horse battery staple")
	if err != nil || !ok || rehash {
		t.Fatalf("Verify(right) = %v, %v, %v; want true, false, nil", ok, rehash, err)
	}
	ok, _, err = h.Verify(ctx, enc, "correct horse battery stapl")
	if err != nil || ok {
		t.Fatalf("Verify(wrong) = %v, %v; want false, nil", ok, err)
	}
	// NFC and NFD spellings of the same password match.
	enc, _ = h.Hash(ctx, "caf\u00e9-passphrase")
	if ok, _, _ := h.Verify(ctx, enc, "cafe\u0301-passphrase"); !ok {
		t.Error("NFD spelling did not verify against NFC hash")
	}
}

func TestDefaultParams(t *testing.T) {
	ctx := context.Background()
	h := New(DefaultParams, 1)
	enc, err := h.Hash(ctx, "Demo-Pass-2026")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q lacks the OWASP parameters", enc)
	}
	p, err := parsePHC(enc)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.salt) != 16 || len(p.key) != 32 || p.params != DefaultParams {
		t.Errorf("parsed %+v salt %d key %d", p.params, len(p.salt), len(p.key))
	}
	if ok, rehash, err := h.Verify(ctx, enc, "Demo-Pass-2026"); !ok || rehash || err != nil {
		t.Errorf("Verify = %v, %v, %v", ok, rehash, err)
	}
	if err := h.DummyVerify(ctx); err != nil {
		t.Error(err)
	}
}

func TestNeedsRehash(t *testing.T) {
	ctx := context.Background()
	enc, _ := New(fast, 1).Hash(ctx, "an old weak hash")
	ok, rehash, err := New(Params{Memory: 2048, Time: 1, Threads: 1}, 1).Verify(ctx, enc, "an old weak hash")
	if err != nil || !ok || !rehash {
		t.Fatalf("Verify with stronger current params = %v, %v, %v; want true, true, nil", ok, rehash, err)
	}
	// A wrong password never asks for a rehash.
	if ok, rehash, _ := New(DefaultParams, 1).Verify(ctx, enc, "nope nope"); ok || rehash {
		t.Errorf("wrong password: ok=%v rehash=%v", ok, rehash)
	}
}

func TestTamperedHash(t *testing.T) {
	ctx := context.Background()
	h := New(fast, 1)
	enc, _ := h.Hash(ctx, "tamper with me")
	parts := strings.Split(enc, "$")
	key := []byte(parts[5])
	key[3] ^= 'A' ^ 'B'
	if key[3] == parts[5][3] {
		key[3] = 'C'
	}
	flipped := strings.Join(append(parts[:5:5], string(key)), "$")
	if ok, _, _ := h.Verify(ctx, flipped, "tamper with me"); ok {
		t.Error("hash with a changed byte verified")
	}
	for _, bad := range []string{
		"", "plain", strings.Replace(enc, "argon2id", "argon2i", 1),
		strings.Replace(enc, "v=19", "v=16", 1), strings.Replace(enc, "m=1024", "m=99999999", 1),
		strings.Replace(enc, "t=1", "t=0", 1), enc + "$", enc[:len(enc)-10],
	} {
		if ok, _, err := h.Verify(ctx, bad, "tamper with me"); ok || !errors.Is(err, ErrMalformedHash) {
			t.Errorf("Verify(%q) = %v, %v; want ErrMalformedHash", bad, ok, err)
		}
	}
}

func TestConcurrencyBound(t *testing.T) {
	h := New(fast, 2)
	// Holding each slot briefly makes overlap certain, so the test would
	// see 3+ in flight if the bound were broken.
	h.hold = func() { time.Sleep(5 * time.Millisecond) }
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if _, err := h.Hash(context.Background(), "concurrent password"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if p := h.PeakInFlight(); p != 2 {
		t.Errorf("peak in flight = %d, want 2", p)
	}
	if n := h.InFlight(); n != 0 {
		t.Errorf("in flight after all done = %d", n)
	}
}

func TestContextCancelledWhileWaiting(t *testing.T) {
	h := New(fast, 1)
	release := make(chan struct{})
	entered := make(chan struct{})
	h.hold = func() { close(entered); <-release }
	go h.Hash(context.Background(), "holds the only slot")
	<-entered

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := h.Hash(ctx, "waits"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Hash while full = %v, want deadline exceeded", err)
	}
	if _, _, err := h.Verify(ctx, "$argon2id$v=19$m=1024,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "x"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Verify while full = %v, want deadline exceeded", err)
	}
	if err := h.DummyVerify(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("DummyVerify while full = %v, want deadline exceeded", err)
	}
	close(release)
}

func BenchmarkHash(b *testing.B) {
	h := New(DefaultParams, 1)
	ctx := context.Background()
	for b.Loop() {
		if _, err := h.Hash(ctx, "benchmark password"); err != nil {
			b.Fatal(err)
		}
	}
}
