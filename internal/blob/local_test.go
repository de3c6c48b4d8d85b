package blob

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// StoreContract runs the behaviour every Store must have; the S3 test reuses it.
func StoreContract(t *testing.T, s Store) {
	ctx := context.Background()
	name := NewName()
	data := bytes.Repeat([]byte("ciphertext"), 100_000)
	n, err := s.Put(ctx, name, bytes.NewReader(data))
	if err != nil || n != int64(len(data)) {
		t.Fatalf("put: %d, %v", n, err)
	}
	r, err := s.Open(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(r)
	r.Close()
	if !bytes.Equal(got, data) {
		t.Fatal("read back differs")
	}
	seen := false
	if err := s.List(ctx, func(n string) error { seen = seen || n == name; return nil }); err != nil || !seen {
		t.Fatalf("list: seen=%v err=%v", seen, err)
	}
	if err := s.Delete(ctx, name); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Open(ctx, name); !errors.Is(err, ErrNotFound) {
		t.Fatalf("open after delete: %v", err)
	}
	if err := s.Delete(ctx, name); err != nil {
		t.Fatalf("second delete: %v", err)
	}
	// A failed write leaves nothing behind.
	bad := NewName()
	if _, err := s.Put(ctx, bad, io.MultiReader(bytes.NewReader(data[:1000]), errReader{})); err == nil {
		t.Fatal("put of a failing reader succeeded")
	}
	if _, err := s.Open(ctx, bad); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a failed put left a blob: %v", err)
	}
	if _, err := s.Put(ctx, "../escape", bytes.NewReader(nil)); err == nil {
		t.Fatal("invalid name accepted")
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("client went away") }

func TestLocalStore(t *testing.T) {
	dir := t.TempDir()
	s, err := NewLocal(dir)
	if err != nil {
		t.Fatal(err)
	}
	StoreContract(t, s)
	// Temporary files of a crashed write are swept by List.
	stale := filepath.Join(dir, "ab", "x.tmp")
	os.MkdirAll(filepath.Dir(stale), 0o700)
	os.WriteFile(stale, []byte("partial"), 0o600)
	s.List(context.Background(), func(string) error { return nil })
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Fatal("stale temporary file not swept")
	}
}
