// Package config reads the portal's settings from flags and PORTAL_* environment
// variables (flags win), and supplies development secrets when none are configured.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/yibao-health/portal/internal/blob"
)

// Environments.
const (
	Development = "development"
	Production  = "production"
)

// Config is everything the portal needs to start. Secrets are never printed.
type Config struct {
	Env             string
	Addr            string
	DataDir         string
	DatabaseURL     string
	AutoMigrate     bool
	TrustedProxies  []*net.IPNet
	RequestTimeout  time.Duration
	ShutdownTimeout time.Duration
	BodyLimit       string
	LogFormat       string
	LogLevel        string
	SMTP            SMTP
	Secrets         Secrets
	// Blob is where uploaded files (ciphertext) are stored.
	Blob Blob
	// PublicURL is the portal's address as users reach it, for links in e-mails.
	PublicURL string
	// PatientIdle is a patient session's idle timeout (doctors and staff: 30 minutes).
	PatientIdle time.Duration
	// EmergencyWindow is how long a doctor's break-glass access lasts.
	EmergencyWindow time.Duration
	// UnpaidTTL is how long an unpaid order waits before it expires.
	UnpaidTTL time.Duration
	// ConsigneeCode says whether the other person confirms an order placed for them
	// with a code sent to their phone: off, optional or required.
	ConsigneeCode string
	// HashConcurrency bounds the argon2id hashes running at once (memory: 19 MiB each).
	HashConcurrency int
	// PolicyTwoPerson requires a second privacy officer to approve a policy version
	// before it is published (off only for one-person deployments).
	PolicyTwoPerson bool
	// UploadMaxFile and UploadMaxFiles bound a medical-document upload (bytes per
	// file, files per document); UploadTimeout is the deadline of an upload or a
	// file transfer, which may take longer than ordinary requests.
	UploadMaxFile  int64
	UploadMaxFiles int
	UploadTimeout  time.Duration
}

// SMTP configures the e-mail channel; an empty Host means e-mails are only recorded
// (development) or refused (production).
type SMTP struct {
	Host     string
	Port     int
	Username string
	Password string
	From     string
}

// Blob names the blob store: URL empty means the local directory <data-dir>/blobs;
// s3://BUCKET[/PREFIX]?endpoint=HOST:PORT… an S3-compatible bucket (see blob.ParseURL).
type Blob struct {
	URL       string
	AccessKey string
	SecretKey string
}

// Production reports whether the portal runs in production mode.
func (c Config) Production() bool { return c.Env == Production }

// setting describes one option: its flag, its environment variable, its default and help.
type setting struct {
	flag, env, def, help string
	secret               bool
}

// settings is the single list behind flags, environment variables and --help.
var settings = []setting{
	{"env", "PORTAL_ENV", Development, "development or production; production refuses to start without real secrets and a database URL", false},
	{"addr", "PORTAL_ADDR", ":8080", "listen address (host:port)", false},
	{"data-dir", "PORTAL_DATA_DIR", "data", "directory for the embedded SQLite database, development secrets and local files", false},
	{"database-url", "PORTAL_DATABASE_URL", "", "empty: SQLite in the data directory; sqlite:PATH; or mysql://USER:PASSWORD@tcp(HOST:3306)/DBNAME", true},
	{"auto-migrate", "PORTAL_AUTO_MIGRATE", "true", "apply pending migrations when serve starts (false: refuse to start while any are pending)", false},
	{"trusted-proxies", "PORTAL_TRUSTED_PROXIES", "", "comma-separated CIDRs of reverse proxies whose X-Forwarded-For is believed", false},
	{"request-timeout", "PORTAL_REQUEST_TIMEOUT", "30s", "deadline of each request's context", false},
	{"shutdown-timeout", "PORTAL_SHUTDOWN_TIMEOUT", "20s", "how long SIGTERM waits for in-flight requests", false},
	{"body-limit", "PORTAL_BODY_LIMIT", "1M", "largest accepted request body for ordinary forms (uploads have their own limit)", false},
	{"log-format", "PORTAL_LOG_FORMAT", "text", "text or json", false},
	{"log-level", "PORTAL_LOG_LEVEL", "info", "debug, info, warn or error", false},
	{"master-key", "PORTAL_MASTER_KEY", "", "base64 of 32 random bytes; wraps the encryption keys (required in production)", true},
	{"session-keys", "PORTAL_SESSION_KEYS", "", "comma-separated base64 keys of 32 bytes for session and cookie signing, newest first (required in production)", true},
	{"public-url", "PORTAL_PUBLIC_URL", "http://localhost:8080", "the portal's address as users reach it, used in links sent by e-mail", false},
	{"patient-idle", "PORTAL_PATIENT_IDLE", "2h", "idle timeout of patient sessions (doctors and staff: 30m; every session ends 12h after sign-in)", false},
	{"emergency-window", "PORTAL_EMERGENCY_WINDOW", "4h", "how long a doctor's emergency (break-glass) access lasts (15m to 24h)", false},
	{"shop-unpaid-ttl", "PORTAL_SHOP_UNPAID_TTL", "30m", "how long an unpaid order waits before it expires (5m to 24h)", false},
	{"shop-consignee-code", "PORTAL_SHOP_CONSIGNEE_CODE", "optional", "when ordering for someone else, their confirmation by SMS code: off, optional or required", false},
	{"hash-concurrency", "PORTAL_HASH_CONCURRENCY", "0", "password hashes computed at once, 19 MiB each (0: one per CPU)", false},
	{"policy-two-person", "PORTAL_POLICY_TWO_PERSON", "true", "a policy version is published only after a second privacy officer approves it (false: for one-person deployments)", false},
	{"upload-max-file", "PORTAL_UPLOAD_MAX_FILE", "20MB", "largest file of a medical-document upload (bytes, or with KB/MB/GB)", false},
	{"upload-max-files", "PORTAL_UPLOAD_MAX_FILES", "10", "most files in one medical-document upload", false},
	{"upload-timeout", "PORTAL_UPLOAD_TIMEOUT", "10m", "deadline of a document upload or file download (other requests: PORTAL_REQUEST_TIMEOUT)", false},
	{"smtp-host", "PORTAL_SMTP_HOST", "", "SMTP server for e-mail; empty records e-mails in development", false},
	{"smtp-port", "PORTAL_SMTP_PORT", "587", "SMTP port (STARTTLS when offered)", false},
	{"smtp-username", "PORTAL_SMTP_USERNAME", "", "SMTP user", false},
	{"smtp-password", "PORTAL_SMTP_PASSWORD", "", "SMTP password", true},
	{"smtp-from", "PORTAL_SMTP_FROM", "no-reply@yibao.local", "sender address of e-mails", false},
	{"blob-url", "PORTAL_BLOB_URL", "", "where uploaded files (encrypted) are kept: empty for <data-dir>/blobs, or s3://BUCKET[/PREFIX]?endpoint=HOST:PORT&region=R&tls=true|false (MinIO, Alibaba OSS, Tencent COS; add &lookup=dns for OSS/COS)", false},
	{"s3-access-key", "PORTAL_S3_ACCESS_KEY", "", "access key of the S3 bucket in PORTAL_BLOB_URL", false},
	{"s3-secret-key", "PORTAL_S3_SECRET_KEY", "", "secret key of the S3 bucket in PORTAL_BLOB_URL", true},
}

// Register adds every setting as a flag on fs and returns a function that builds the
// Config after fs.Parse: flag if given, else environment variable, else default.
func Register(fs *flag.FlagSet, getenv func(string) string) func() (Config, error) {
	vals := make(map[string]*string, len(settings))
	for _, s := range settings {
		vals[s.flag] = fs.String(s.flag, "", fmt.Sprintf("%s (env %s, default %q)", s.help, s.env, s.def))
	}
	return func() (Config, error) {
		get := func(name string) string {
			for _, s := range settings {
				if s.flag != name {
					continue
				}
				if v := *vals[name]; v != "" {
					return v
				}
				if v := getenv(s.env); v != "" {
					return v
				}
				return s.def
			}
			panic("config: unknown setting " + name)
		}
		return build(get)
	}
}

// FromEnv builds a Config from the environment alone (used by tests and tools).
func FromEnv(getenv func(string) string) (Config, error) {
	fs := flag.NewFlagSet("env", flag.ContinueOnError)
	return Register(fs, getenv)()
}

func build(get func(string) string) (Config, error) {
	c := Config{
		Env:         get("env"),
		Addr:        get("addr"),
		DataDir:     get("data-dir"),
		DatabaseURL: get("database-url"),
		BodyLimit:   get("body-limit"),
		LogFormat:   get("log-format"),
		LogLevel:    get("log-level"),
		PublicURL:   strings.TrimRight(get("public-url"), "/"),
		SMTP: SMTP{
			Host: get("smtp-host"), Username: get("smtp-username"),
			Password: get("smtp-password"), From: get("smtp-from"),
		},
		Blob: Blob{URL: get("blob-url"), AccessKey: get("s3-access-key"), SecretKey: get("s3-secret-key")},
	}
	var errs []error
	if c.Env != Development && c.Env != Production {
		errs = append(errs, fmt.Errorf("PORTAL_ENV must be %q or %q, not %q", Development, Production, c.Env))
	}
	var err error
	if c.AutoMigrate, err = strconv.ParseBool(get("auto-migrate")); err != nil {
		errs = append(errs, fmt.Errorf("PORTAL_AUTO_MIGRATE: %w", err))
	}
	if c.RequestTimeout, err = time.ParseDuration(get("request-timeout")); err != nil || c.RequestTimeout <= 0 {
		errs = append(errs, fmt.Errorf("PORTAL_REQUEST_TIMEOUT: want a positive duration like 30s"))
	}
	if c.ShutdownTimeout, err = time.ParseDuration(get("shutdown-timeout")); err != nil || c.ShutdownTimeout <= 0 {
		errs = append(errs, fmt.Errorf("PORTAL_SHUTDOWN_TIMEOUT: want a positive duration like 20s"))
	}
	if c.UnpaidTTL, err = time.ParseDuration(get("shop-unpaid-ttl")); err != nil || c.UnpaidTTL < 5*time.Minute || c.UnpaidTTL > 24*time.Hour {
		errs = append(errs, fmt.Errorf("PORTAL_SHOP_UNPAID_TTL: want a duration between 5m and 24h"))
	}
	switch c.ConsigneeCode = get("shop-consignee-code"); c.ConsigneeCode {
	case "off", "optional", "required":
	default:
		errs = append(errs, fmt.Errorf("PORTAL_SHOP_CONSIGNEE_CODE: want off, optional or required"))
	}
	if c.EmergencyWindow, err = time.ParseDuration(get("emergency-window")); err != nil || c.EmergencyWindow < 15*time.Minute || c.EmergencyWindow > 24*time.Hour {
		errs = append(errs, fmt.Errorf("PORTAL_EMERGENCY_WINDOW: want a duration between 15m and 24h"))
	}
	if c.PatientIdle, err = time.ParseDuration(get("patient-idle")); err != nil || c.PatientIdle < time.Minute || c.PatientIdle > 12*time.Hour {
		errs = append(errs, fmt.Errorf("PORTAL_PATIENT_IDLE: want a duration between 1m and 12h"))
	}
	if c.HashConcurrency, err = strconv.Atoi(get("hash-concurrency")); err != nil || c.HashConcurrency < 0 {
		errs = append(errs, fmt.Errorf("PORTAL_HASH_CONCURRENCY: want 0 or a positive number"))
	}
	if c.PolicyTwoPerson, err = strconv.ParseBool(get("policy-two-person")); err != nil {
		errs = append(errs, fmt.Errorf("PORTAL_POLICY_TWO_PERSON: %w", err))
	}
	if c.UploadMaxFile, err = parseSize(get("upload-max-file")); err != nil || c.UploadMaxFile < 1024 {
		errs = append(errs, fmt.Errorf("PORTAL_UPLOAD_MAX_FILE: want a size of at least 1KB like 20MB"))
	}
	if c.UploadMaxFiles, err = strconv.Atoi(get("upload-max-files")); err != nil || c.UploadMaxFiles < 1 || c.UploadMaxFiles > 100 {
		errs = append(errs, fmt.Errorf("PORTAL_UPLOAD_MAX_FILES: want a number from 1 to 100"))
	}
	if c.UploadTimeout, err = time.ParseDuration(get("upload-timeout")); err != nil || c.UploadTimeout <= 0 {
		errs = append(errs, fmt.Errorf("PORTAL_UPLOAD_TIMEOUT: want a positive duration like 10m"))
	}
	if c.SMTP.Port, err = strconv.Atoi(get("smtp-port")); err != nil {
		errs = append(errs, fmt.Errorf("PORTAL_SMTP_PORT: %w", err))
	}
	if c.TrustedProxies, err = parseCIDRs(get("trusted-proxies")); err != nil {
		errs = append(errs, fmt.Errorf("PORTAL_TRUSTED_PROXIES: %w", err))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("PORTAL_LOG_FORMAT must be text or json"))
	}
	if err := c.Blob.validate(); err != nil {
		errs = append(errs, err)
	}
	if c.Secrets, err = parseSecrets(get("master-key"), get("session-keys")); err != nil {
		errs = append(errs, err)
	}
	return c, errors.Join(errs...)
}

// validate checks the blob URL's form (the bucket is checked at start-up) and that S3
// credentials come with an S3 URL and only with one: keys without a URL would
// otherwise silently leave blobs on the local disk.
func (b Blob) validate() error {
	_, isS3, err := blob.ParseURL(b.URL)
	switch {
	case err != nil:
		return fmt.Errorf("PORTAL_BLOB_URL: %w", err)
	case isS3 && (b.AccessKey == "" || b.SecretKey == ""):
		return fmt.Errorf("PORTAL_BLOB_URL is an S3 bucket: set PORTAL_S3_ACCESS_KEY and PORTAL_S3_SECRET_KEY")
	case !isS3 && (b.AccessKey != "" || b.SecretKey != ""):
		return fmt.Errorf("PORTAL_S3_ACCESS_KEY/PORTAL_S3_SECRET_KEY are set but PORTAL_BLOB_URL is empty: set the bucket URL, or unset the keys to use the local directory")
	}
	return nil
}

// parseSize reads a byte count: digits, optionally followed by KB, MB or GB
// (powers of 1024; K, M, G and a lower-case unit work too).
func parseSize(s string) (int64, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KB", 1 << 10}, {"MB", 1 << 20}, {"GB", 1 << 30}, {"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"B", 1}} {
		if rest, ok := strings.CutSuffix(s, u.suffix); ok {
			s, mult = strings.TrimSpace(rest), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > (1<<40)/mult {
		return 0, fmt.Errorf("not a size: %q", s)
	}
	return n * mult, nil
}

func parseCIDRs(s string) ([]*net.IPNet, error) {
	var out []*net.IPNet
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if !strings.Contains(part, "/") {
			if ip := net.ParseIP(part); ip != nil && ip.To4() != nil {
				part += "/32"
			} else {
				part += "/128"
			}
		}
		_, n, err := net.ParseCIDR(part)
		if err != nil {
			return nil, fmt.Errorf("%q is not an IP or CIDR", part)
		}
		out = append(out, n)
	}
	return out, nil
}

// Help lists every environment variable with its default, for --help.
func Help() string {
	var b strings.Builder
	for _, s := range settings {
		def := s.def
		if def == "" {
			def = "(empty)"
		}
		help := s.help
		if s.secret {
			help += " [secret: prefer the variable, flags show in the process list]"
		}
		fmt.Fprintf(&b, "  %-24s --%-17s default %s\n      %s\n", s.env, s.flag, def, help)
	}
	return b.String()
}
