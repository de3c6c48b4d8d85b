package blob

import (
	"context"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"

	"github.com/yibao-health/portal/internal/testkit/s3test"
)

// newS3 returns an S3 store on the shared test MinIO, in a bucket of its own, through
// the same constructor the portal uses.
func newS3(t *testing.T, prefix string) *S3 {
	t.Helper()
	endpoint, ak, sk := s3test.Start(t)
	u := "s3://" + s3test.Bucket(t) + "/" + prefix + "?endpoint=" + endpoint + "&tls=false&region=us-east-1"
	s, err := Open(u, t.TempDir(), ak, sk)
	if err != nil {
		t.Fatal(err)
	}
	return s.(*S3)
}

func TestS3Store(t *testing.T) {
	t.Run("root", func(t *testing.T) { StoreContract(t, newS3(t, "")) })
	t.Run("prefix", func(t *testing.T) {
		s := newS3(t, "portal/blobs/")
		StoreContract(t, s)
		// Keys live under the prefix; other keys in the bucket are not listed.
		ctx := context.Background()
		name := NewName()
		if _, err := s.Put(ctx, name, strings.NewReader("x")); err != nil {
			t.Fatal(err)
		}
		if _, err := s.client.StatObject(ctx, s.bucket, "portal/blobs/"+name, minio.StatObjectOptions{}); err != nil {
			t.Fatalf("object not under the prefix: %v", err)
		}
		if _, err := s.client.PutObject(ctx, s.bucket, "elsewhere/"+name, strings.NewReader("y"), 1, minio.PutObjectOptions{}); err != nil {
			t.Fatal(err)
		}
		var names []string
		if err := s.List(ctx, func(n string) error { names = append(names, n); return nil }); err != nil {
			t.Fatal(err)
		}
		if len(names) != 1 || names[0] != name {
			t.Fatalf("list = %v, want [%s]", names, name)
		}
	})
}

func TestS3OpenMissing(t *testing.T) {
	s := newS3(t, "")
	if _, err := s.Open(context.Background(), NewName()); !errors.Is(err, ErrNotFound) {
		t.Fatalf("open of a missing name: %v, want ErrNotFound", err)
	}
	if err := s.Delete(context.Background(), NewName()); err != nil {
		t.Fatalf("delete of a missing name: %v", err)
	}
}

// A reader that fails after several parts have been uploaded: no object, and no
// incomplete multipart upload (its parts would stay stored, and billed, forever).
func TestS3FailedPutLeavesNothing(t *testing.T) {
	s := newS3(t, "p")
	ctx := context.Background()
	// The check below can see an incomplete upload (MinIO lists them for the whole
	// bucket or for an exact key, not for a shorter prefix).
	core := &minio.Core{Client: s.client}
	probe := "p/" + NewName()
	id, err := core.NewMultipartUpload(ctx, s.bucket, probe, minio.PutObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if left := incompleteUploads(t, s, probe); len(left) == 0 {
		t.Fatalf("an incomplete upload is not listed: %v", left)
	}
	if err := core.AbortMultipartUpload(ctx, s.bucket, probe, id); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		what string
		r    func() io.Reader
		ctx  func() context.Context
	}{
		{"reader fails after 12 MB", func() io.Reader {
			return io.MultiReader(io.LimitReader(zeros{}, 12<<20), errReader{})
		}, context.Background},
		{"reader fails at once", func() io.Reader { return errReader{} }, context.Background},
		{"request cancelled after 7 MB", nil, nil},
	} {
		t.Run(tc.what, func(t *testing.T) {
			name := NewName()
			var err error
			if tc.r != nil {
				_, err = s.Put(tc.ctx(), name, tc.r())
			} else {
				cctx, cancel := context.WithCancel(ctx)
				r := &cancelAfter{r: zeros{}, n: 7 << 20, cancel: cancel}
				_, err = s.Put(cctx, name, r)
			}
			if err == nil {
				t.Fatal("put succeeded")
			}
			if _, err := s.Open(ctx, name); !errors.Is(err, ErrNotFound) {
				t.Fatalf("a failed put left an object: %v", err)
			}
			if left := incompleteUploads(t, s, "p/"+name); len(left) > 0 {
				t.Errorf("incomplete uploads left behind: %v", left)
			}
		})
	}
}

// incompleteUploads lists the bucket's incomplete multipart uploads, asking both for the
// whole bucket and for key.
func incompleteUploads(t *testing.T, s *S3, key string) []string {
	t.Helper()
	var out []string
	for _, prefix := range []string{"", key} {
		for u := range s.client.ListIncompleteUploads(context.Background(), s.bucket, prefix, true) {
			if u.Err != nil {
				t.Fatal(u.Err)
			}
			out = append(out, prefix+": "+u.Key)
		}
	}
	return out
}

// Putting a 50 MB stream keeps memory near one part (5 MiB), not the blob's size.
func TestS3PutMemoryBounded(t *testing.T) {
	s := newS3(t, "")
	ctx := context.Background()
	const size = 50 << 20
	// Warm up connections and minio-go's pools so they are not counted.
	if _, err := s.Put(ctx, NewName(), io.LimitReader(zeros{}, 1<<20)); err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	peak := &heapPeak{base: before.HeapInuse}
	name := NewName()
	n, err := s.Put(ctx, name, peak.wrap(io.LimitReader(&pattern{}, size)))
	if err != nil || n != size {
		t.Fatalf("put: %d, %v", n, err)
	}
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("50 MB put: peak HeapInuse growth %.1f MiB (sampled every MiB read), allocated %.1f MiB in total (%.3f bytes per byte), %d GCs",
		float64(peak.max)/(1<<20), float64(alloc)/(1<<20), float64(alloc)/size, after.NumGC-before.NumGC)
	if peak.max > 32<<20 {
		t.Errorf("heap grew by %.1f MiB while putting 50 MB; want < 32 MiB", float64(peak.max)/(1<<20))
	}
	// And it reads back intact, streamed.
	r, err := s.Open(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if got, err := io.Copy(&patternChecker{t: t}, r); err != nil || got != size {
		t.Fatalf("read back %d bytes, %v", got, err)
	}
}

func TestParseURL(t *testing.T) {
	for _, tc := range []struct {
		url  string
		want S3Config
		err  string
	}{
		{url: "s3://b?endpoint=127.0.0.1:9000&tls=false", want: S3Config{Bucket: "b", Endpoint: "127.0.0.1:9000"}},
		{url: "s3://b/a/p/?endpoint=oss-cn-hangzhou.aliyuncs.com&region=oss-cn-hangzhou&lookup=dns",
			want: S3Config{Bucket: "b", Prefix: "a/p", Endpoint: "oss-cn-hangzhou.aliyuncs.com", Region: "oss-cn-hangzhou", Lookup: "dns", TLS: true}},
		{url: "s3://b", err: "endpoint"},
		{url: "s3://?endpoint=h:1", err: "bucket"},
		{url: "s3://b?endpoint=h:1&tls=maybe", err: "tls"},
		{url: "s3://b?endpoint=h:1&secret=x", err: "unknown parameter"},
		{url: "s3://k:s@b?endpoint=h:1", err: "credentials"},
		{url: "/srv/blobs", err: "scheme"},
	} {
		got, isS3, err := ParseURL(tc.url)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: err = %v, want one mentioning %q", tc.url, err, tc.err)
			}
			continue
		}
		if err != nil || !isS3 || got != tc.want {
			t.Errorf("%s: %+v, %v, %v; want %+v", tc.url, got, isS3, err, tc.want)
		}
	}
	if _, isS3, err := ParseURL(""); isS3 || err != nil {
		t.Errorf("empty URL: s3=%v err=%v", isS3, err)
	}
}

// Open with a bad secret key fails at start-up with one line, no fallback.
func TestS3OpenRefusesBadCredentials(t *testing.T) {
	endpoint, ak, _ := s3test.Start(t)
	_, err := Open("s3://"+s3test.Bucket(t)+"?endpoint="+endpoint+"&tls=false", t.TempDir(), ak, "wrong-secret-key")
	if err == nil {
		t.Fatal("opened with a wrong secret key")
	}
	if strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), endpoint) {
		t.Fatalf("want one line naming the endpoint, got %q", err)
	}
	t.Log(err)
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// pattern yields byte i%251 at offset i, so a reordered or dropped part shows.
type pattern struct{ off int64 }

func (p *pattern) Read(b []byte) (int, error) {
	for i := range b {
		b[i] = byte((p.off + int64(i)) % 251)
	}
	p.off += int64(len(b))
	return len(b), nil
}

type patternChecker struct {
	t   *testing.T
	off int64
}

func (c *patternChecker) Write(b []byte) (int, error) {
	for i, v := range b {
		if want := byte((c.off + int64(i)) % 251); v != want {
			c.t.Fatalf("byte %d = %d, want %d", c.off+int64(i), v, want)
		}
	}
	c.off += int64(len(b))
	return len(b), nil
}

// heapPeak samples HeapInuse growth every MiB read from the wrapped reader (that is,
// while minio-go fills and uploads parts).
type heapPeak struct {
	base, max uint64
	next      int64
}

func (h *heapPeak) wrap(r io.Reader) io.Reader { return &peakReader{h: h, r: r} }

type peakReader struct {
	h   *heapPeak
	r   io.Reader
	off int64
}

func (p *peakReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.off += int64(n)
	if p.off >= p.h.next {
		p.h.next = p.off + 1<<20
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		if m.HeapInuse > p.h.base && m.HeapInuse-p.h.base > p.h.max {
			p.h.max = m.HeapInuse - p.h.base
		}
	}
	return n, err
}

// cancelAfter cancels the request's context once n bytes have been read.
type cancelAfter struct {
	r      io.Reader
	n      int64
	cancel context.CancelFunc
}

func (c *cancelAfter) Read(p []byte) (int, error) {
	if c.n <= 0 {
		c.cancel()
	}
	n, err := c.r.Read(p)
	c.n -= int64(n)
	return n, err
}
