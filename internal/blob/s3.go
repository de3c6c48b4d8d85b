package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3PartSize is the part size of S3 uploads: 5 MiB, the smallest part S3 accepts.
//
// Put does not know a blob's size in advance (it streams the encrypted upload), so it
// calls minio-go's PutObject with size -1. That path reads the stream one part at a
// time into a single buffer of PartSize bytes and uploads each part as it fills
// (multipart upload); with NumThreads 1 and no ConcurrentStreamParts there is exactly
// one such buffer. Memory per upload is therefore ≈ S3PartSize (5 MiB) whatever the
// blob's size — without PartSize minio-go would pick ≈537 MiB parts for an unknown size.
// 10 000 parts of 5 MiB bound a blob to ≈48.8 GiB, far above the upload limits.
const S3PartSize = 5 << 20

// S3Config names an S3-compatible bucket (MinIO, Alibaba OSS, Tencent COS, AWS S3).
type S3Config struct {
	Endpoint  string // host[:port], no scheme
	Bucket    string
	Region    string // empty: asked from the server
	AccessKey string
	SecretKey string
	TLS       bool
	// Prefix is prepended to every blob name ("portal/" → "portal/ab/…"); empty for
	// the bucket's root. Slashes at either end are normalised.
	Prefix string
	// Lookup is "path", "dns" (virtual-hosted, required by Alibaba OSS and Tencent
	// COS) or "" / "auto" (minio-go decides from the endpoint).
	Lookup string
}

// S3 keeps blobs as objects in one bucket under an optional key prefix. Objects are
// written by multipart upload and appear only when the upload completes, so a failed
// Put leaves no object; its parts are discarded by aborting the upload.
type S3 struct {
	client *minio.Client
	bucket string
	prefix string
}

// NewS3 returns an S3 store for cfg. It does not contact the server; call Check.
func NewS3(cfg S3Config) (*S3, error) {
	if cfg.Endpoint == "" || strings.Contains(cfg.Endpoint, "/") {
		return nil, fmt.Errorf("blob: S3 endpoint must be HOST[:PORT], got %q", cfg.Endpoint)
	}
	if cfg.Bucket == "" {
		return nil, errors.New("blob: S3 bucket is empty")
	}
	if cfg.AccessKey == "" || cfg.SecretKey == "" {
		return nil, errors.New("blob: S3 needs an access key and a secret key")
	}
	var lookup minio.BucketLookupType
	switch strings.ToLower(cfg.Lookup) {
	case "", "auto":
		lookup = minio.BucketLookupAuto
	case "path":
		lookup = minio.BucketLookupPath
	case "dns", "virtual":
		lookup = minio.BucketLookupDNS
	default:
		return nil, fmt.Errorf("blob: S3 lookup must be auto, path or dns, got %q", cfg.Lookup)
	}
	prefix := strings.Trim(cfg.Prefix, "/")
	if prefix != "" {
		prefix += "/"
	}
	tr, err := minio.DefaultTransport(cfg.TLS)
	if err != nil {
		return nil, fmt.Errorf("blob: S3 transport: %w", err)
	}
	tr.ResponseHeaderTimeout = time.Minute // a hung server fails the request, not the process
	c, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:        credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure:       cfg.TLS,
		Region:       cfg.Region,
		BucketLookup: lookup,
		Transport:    tr,
	})
	if err != nil {
		return nil, fmt.Errorf("blob: S3 client: %w", err)
	}
	return &S3{client: c, bucket: cfg.Bucket, prefix: prefix}, nil
}

// Check makes sure the bucket exists, creating it when create is true (development,
// tests); the error is one line naming the endpoint and bucket.
func (s *S3) Check(ctx context.Context, create bool) error {
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return fmt.Errorf("blob: S3 bucket %q at %s: %s", s.bucket, s.client.EndpointURL().Host, oneLine(err))
	}
	if ok {
		return nil
	}
	if !create {
		return fmt.Errorf("blob: S3 bucket %q does not exist at %s", s.bucket, s.client.EndpointURL().Host)
	}
	if err := s.client.MakeBucket(ctx, s.bucket, minio.MakeBucketOptions{}); err != nil {
		code := minio.ToErrorResponse(err).Code
		if code != "BucketAlreadyOwnedByYou" && code != "BucketAlreadyExists" {
			return fmt.Errorf("blob: create S3 bucket %q at %s: %s", s.bucket, s.client.EndpointURL().Host, oneLine(err))
		}
	}
	return nil
}

func (s *S3) key(name string) (string, error) {
	if !ValidName(name) {
		return "", fmt.Errorf("blob: invalid name %q", name)
	}
	return s.prefix + name, nil
}

// Put streams r into name by multipart upload with one S3PartSize buffer (see
// S3PartSize). On any failure the upload is aborted — minio-go does so itself; Put
// then removes whatever incomplete upload of the key is still listed, so that no parts
// are left to be billed or read.
func (s *S3) Put(ctx context.Context, name string, r io.Reader) (int64, error) {
	key, err := s.key(name)
	if err != nil {
		return 0, err
	}
	info, err := s.client.PutObject(ctx, s.bucket, key, ctxReader{ctx, r}, -1, minio.PutObjectOptions{
		PartSize:    S3PartSize,
		NumThreads:  1,
		ContentType: "application/octet-stream",
	})
	if err != nil {
		// The request may have been cancelled; clean up regardless, bounded.
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		if cerr := s.client.RemoveIncompleteUpload(cctx, s.bucket, key); cerr != nil {
			err = errors.Join(err, fmt.Errorf("abort upload: %w", cerr))
		}
		return 0, fmt.Errorf("blob: put: %w", err)
	}
	return info.Size, nil
}

// Open streams name back. minio-go's GetObject is lazy (no request until the first
// read), so Open stats the object first and maps a missing key to ErrNotFound.
func (s *S3) Open(ctx context.Context, name string) (io.ReadCloser, error) {
	key, err := s.key(name)
	if err != nil {
		return nil, err
	}
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, s.mapErr("open", err)
	}
	if _, err := obj.Stat(); err != nil {
		obj.Close()
		return nil, s.mapErr("open", err)
	}
	return obj, nil
}

// Delete removes name; a missing object is not an error.
func (s *S3) Delete(ctx context.Context, name string) error {
	key, err := s.key(name)
	if err != nil {
		return err
	}
	if err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{}); err != nil {
		if err := s.mapErr("delete", err); !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	return nil
}

// List walks every object under the prefix and calls fn with the names of blobs
// (keys that are not blob names, such as other files an operator keeps in the bucket,
// are skipped).
func (s *S3) List(ctx context.Context, fn func(name string) error) error {
	ctx, cancel := context.WithCancel(ctx) // stops minio-go's listing goroutine on an early return
	defer cancel()
	for obj := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: s.prefix, Recursive: true}) {
		if obj.Err != nil {
			return fmt.Errorf("blob: list: %w", obj.Err)
		}
		name, ok := strings.CutPrefix(obj.Key, s.prefix)
		if !ok || !ValidName(name) {
			continue
		}
		if err := fn(name); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// mapErr turns S3's "no such key" into ErrNotFound.
func (s *S3) mapErr(op string, err error) error {
	resp := minio.ToErrorResponse(err)
	if resp.Code == "NoSuchKey" || (resp.StatusCode == http.StatusNotFound && resp.Code != "NoSuchBucket") {
		return ErrNotFound
	}
	return fmt.Errorf("blob: %s: %w", op, err)
}

// oneLine keeps a server's error message on one line for start-up errors.
func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}
