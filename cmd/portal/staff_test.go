package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strings"
	"testing"

	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/models"
)

func TestStaffCreateHelpIsAccurate(t *testing.T) {
	withEnv(t, map[string]string{})
	out, err := runCLI(t, "staff", "create", "--help")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"portal staff create --email", "-email", "-capability", "support", "privacy_officer", "admin",
		"72 hours", "/enroll/", "PORTAL_PUBLIC_URL", "PORTAL_DATA_DIR", "another admin"} {
		if !strings.Contains(out, want) {
			t.Errorf("staff create --help does not mention %q", want)
		}
	}
	if out, err := runCLI(t, "staff"); err == nil || !strings.Contains(out, "portal staff create") {
		t.Errorf("bare `portal staff`: %v\n%s", err, out)
	}
}

// The operator bootstraps the first admin: migrations are applied, the account has
// its capabilities and no password, and only the token's SHA-256 is stored.
// policy: C4.1-5
func TestStaffCreateBootstrapsAnAdmin(t *testing.T) {
	dir := t.TempDir()
	withEnv(t, map[string]string{"PORTAL_DATA_DIR": dir})

	if _, err := runCLI(t, "staff", "create", "--email", "root@example.com", "--capability", "admin", "--auto-migrate=false"); err == nil ||
		!strings.Contains(err.Error(), "portal migrate up") {
		t.Fatalf("with pending migrations and auto-migrate off: %v", err)
	}
	out, err := runCLI(t, "staff", "create", "--email", "Root@Example.com", "--capability", "admin", "--capability", "support,privacy_officer",
		"--public-url", "https://portal.example/")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	m := regexp.MustCompile(`https://portal\.example/enroll/([A-Za-z0-9_-]{40,})\n`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no enrolment link in the output:\n%s", out)
	}

	g, _, err := db.Open(context.Background(), db.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { s, _ := g.DB(); s.Close() }()
	var u models.User
	if err := g.Where("kind = ?", models.KindStaff).Take(&u).Error; err != nil {
		t.Fatal(err)
	}
	if u.Capabilities != "support,privacy_officer,admin" || u.PasswordHash != "" || !u.Active() {
		t.Fatalf("bootstrapped account: %+v", u)
	}
	var tok models.EnrollmentToken
	if err := g.Where("user_id = ?", u.ID).Take(&tok).Error; err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(m[1]))
	if tok.TokenHash != hex.EncodeToString(sum[:]) || tok.UsedAt != nil {
		t.Fatalf("stored token: %+v", tok)
	}
	var audit models.AuditEntry
	if err := g.Where("action = ?", "staff.invite").Take(&audit).Error; err != nil || audit.ActorKind != models.ActorSystem || strings.Contains(audit.Details, m[1]) {
		t.Fatalf("staff.invite audit: %+v %v", audit, err)
	}

	// The link was lost before use: the operator runs the command again and gets a
	// new one; the old one stops working. Once enrolled, the account is refused.
	again, err := runCLI(t, "staff", "create", "--email", "root@example.com", "--capability", "admin", "--public-url", "https://portal.example")
	m2 := regexp.MustCompile(`https://portal\.example/enroll/([A-Za-z0-9_-]{40,})\n`).FindStringSubmatch(again)
	if err != nil || m2 == nil || m2[1] == m[1] || !strings.Contains(again, "has not enrolled yet") {
		t.Fatalf("second run before enrolment: %v\n%s", err, again)
	}
	var live int64
	g.Model(&models.EnrollmentToken{}).Where("user_id = ? AND used_at IS NULL", u.ID).Count(&live)
	if live != 1 {
		t.Fatalf("%d live links after reissue, want 1", live)
	}
	if err := g.Model(&models.User{}).Where("id = ?", u.ID).Update("password_hash", "x").Error; err != nil {
		t.Fatal(err)
	}
	for args, want := range map[string]string{
		"--email root@example.com --capability admin": "already exists",
		"--email x@example.com --capability root":     "--capability",
		"--email x@example.com":                       "--capability",
		"--capability admin":                          "--email is required",
		"--email not-an-address --capability admin":   "--email",
	} {
		_, err := runCLI(t, append([]string{"staff", "create"}, strings.Fields(args)...)...)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("staff create %s: %v, want an error mentioning %q", args, err, want)
		}
	}
}
