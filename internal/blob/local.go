package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Local keeps blobs as files under a directory (the data dir's "blobs", outside every
// served path). Writes go to a temporary file in the same directory and are renamed
// into place after fsync, so a crash leaves either the whole blob or a ".tmp" file that
// the sweep removes — and only ciphertext ever touches the disk.
type Local struct {
	dir string
}

// NewLocal returns a Local store rooted at dir, creating it (mode 0700).
func NewLocal(dir string) (*Local, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("blob: create %s: %w", dir, err)
	}
	return &Local{dir: dir}, nil
}

func (l *Local) path(name string) (string, error) {
	if !ValidName(name) {
		return "", fmt.Errorf("blob: invalid name %q", name)
	}
	return filepath.Join(l.dir, filepath.FromSlash(name)), nil
}

// Put writes r to name through a temporary file.
func (l *Local) Put(ctx context.Context, name string, r io.Reader) (int64, error) {
	p, err := l.path(name)
	if err != nil {
		return 0, err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return 0, fmt.Errorf("blob: mkdir: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(p), filepath.Base(p)+".*.tmp")
	if err != nil {
		return 0, fmt.Errorf("blob: create: %w", err)
	}
	n, err := io.Copy(f, ctxReader{ctx, r})
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), p)
	}
	if err != nil {
		os.Remove(f.Name())
		return 0, fmt.Errorf("blob: put: %w", err)
	}
	return n, nil
}

// Open opens name for reading.
func (l *Local) Open(_ context.Context, name string) (io.ReadCloser, error) {
	p, err := l.path(name)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotFound
	}
	return f, err
}

// Delete removes name.
func (l *Local) Delete(_ context.Context, name string) error {
	p, err := l.path(name)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blob: delete: %w", err)
	}
	return nil
}

// List walks the directory; leftover temporary files of crashed writes are removed
// on the way (they never held a complete blob).
func (l *Local) List(ctx context.Context, fn func(name string) error) error {
	return filepath.WalkDir(l.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		rel, _ := filepath.Rel(l.dir, p)
		rel = filepath.ToSlash(rel)
		if strings.HasSuffix(rel, ".tmp") {
			return os.Remove(p)
		}
		if ValidName(rel) {
			return fn(rel)
		}
		return nil
	})
}

// ctxReader stops a copy when the context ends (a client that went away).
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
