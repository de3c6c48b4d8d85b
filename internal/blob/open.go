package blob

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// ParseURL checks a PORTAL_BLOB_URL without contacting anything: empty (the local
// directory <data-dir>/blobs) or
//
//	s3://BUCKET[/PREFIX]?endpoint=HOST:PORT[&region=R][&tls=true|false][&lookup=auto|path|dns]
//
// tls defaults to true; lookup to auto (path-style for MinIO and other hosts,
// virtual-hosted for AWS; Alibaba OSS and Tencent COS want dns). Credentials are not
// part of the URL; they come from PORTAL_S3_ACCESS_KEY and PORTAL_S3_SECRET_KEY. For an
// empty URL it returns a zero S3Config and false.
func ParseURL(raw string) (S3Config, bool, error) {
	if raw == "" {
		return S3Config{}, false, nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return S3Config{}, false, fmt.Errorf("blob URL: %w", err)
	}
	if u.Scheme != "s3" {
		return S3Config{}, false, fmt.Errorf("blob URL must be empty or s3://BUCKET[/PREFIX]?endpoint=HOST:PORT, got scheme %q", u.Scheme)
	}
	if u.User != nil {
		return S3Config{}, false, fmt.Errorf("blob URL must not carry credentials; use PORTAL_S3_ACCESS_KEY and PORTAL_S3_SECRET_KEY")
	}
	q := u.Query()
	for k := range q {
		switch k {
		case "endpoint", "region", "tls", "lookup":
		default:
			return S3Config{}, false, fmt.Errorf("blob URL: unknown parameter %q (endpoint, region, tls, lookup)", k)
		}
	}
	cfg := S3Config{
		Bucket:   u.Host,
		Prefix:   strings.Trim(u.Path, "/"),
		Endpoint: q.Get("endpoint"),
		Region:   q.Get("region"),
		Lookup:   q.Get("lookup"),
		TLS:      true,
	}
	if cfg.Bucket == "" {
		return S3Config{}, false, fmt.Errorf("blob URL names no bucket: want s3://BUCKET[/PREFIX]?endpoint=HOST:PORT")
	}
	if cfg.Endpoint == "" {
		return S3Config{}, false, fmt.Errorf("blob URL needs ?endpoint=HOST:PORT")
	}
	if t := q.Get("tls"); t != "" {
		if cfg.TLS, err = strconv.ParseBool(t); err != nil {
			return S3Config{}, false, fmt.Errorf("blob URL: tls must be true or false, got %q", t)
		}
	}
	return cfg, true, nil
}

// Open returns the store named by rawURL (see ParseURL): the local directory
// <dataDir>/blobs when it is empty, else the S3 bucket, reached with accessKey and
// secretKey. For S3 it contacts the server and makes sure the bucket exists, creating
// it if missing (within 30 seconds); any failure is returned as one line — it never
// falls back to the local directory.
func Open(rawURL, dataDir, accessKey, secretKey string) (Store, error) {
	cfg, isS3, err := ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	if !isS3 {
		return NewLocal(filepath.Join(dataDir, "blobs"))
	}
	cfg.AccessKey, cfg.SecretKey = accessKey, secretKey
	s, err := NewS3(cfg)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.Check(ctx, true); err != nil {
		return nil, err
	}
	return s, nil
}

// Describe names the store for the start-up log, without credentials.
func Describe(rawURL, dataDir string) string {
	cfg, isS3, err := ParseURL(rawURL)
	if err != nil || !isS3 {
		return filepath.Join(dataDir, "blobs")
	}
	scheme := "https"
	if !cfg.TLS {
		scheme = "http"
	}
	return fmt.Sprintf("s3 %s://%s bucket %s prefix %q", scheme, cfg.Endpoint, cfg.Bucket, cfg.Prefix)
}
