package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestProductionRefusesWithoutSecrets(t *testing.T) {
	c, err := FromEnv(env(map[string]string{"PORTAL_ENV": "production", "PORTAL_DATA_DIR": t.TempDir()}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Prepare()
	if err == nil {
		t.Fatal("production started without secrets")
	}
	for _, want := range []string{"PORTAL_MASTER_KEY", "PORTAL_SESSION_KEYS", "PORTAL_DATABASE_URL"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("error should be one line: %q", err)
	}
	entries, _ := os.ReadDir(c.DataDir)
	if len(entries) != 0 {
		t.Errorf("production wrote files into the data dir: %v", entries)
	}
}

func TestProductionAcceptsSuppliedSecrets(t *testing.T) {
	c, err := FromEnv(env(map[string]string{
		"PORTAL_ENV": "production", "PORTAL_MASTER_KEY": NewKey(),
		"PORTAL_SESSION_KEYS": NewKey() + "," + NewKey(), "PORTAL_DATABASE_URL": "mysql://u:p@tcp(db:3306)/portal",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Prepare(); err != nil {
		t.Fatal(err)
	}
	if len(c.Secrets.SessionKeys) != 2 {
		t.Errorf("want 2 session keys, got %d", len(c.Secrets.SessionKeys))
	}
}

func TestDevelopmentGeneratesSecretsOnceAndReusesThem(t *testing.T) {
	dir := t.TempDir()
	c1, _ := FromEnv(env(map[string]string{"PORTAL_DATA_DIR": dir}))
	gen, err := c1.Prepare()
	if err != nil || gen == "" {
		t.Fatalf("first start should generate secrets: %q %v", gen, err)
	}
	st, err := os.Stat(filepath.Join(dir, devSecretsFile))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("secrets file mode: %v %v", st, err)
	}
	c2, _ := FromEnv(env(map[string]string{"PORTAL_DATA_DIR": dir}))
	gen, err = c2.Prepare()
	if err != nil || gen != "" {
		t.Fatalf("second start should reuse secrets: %q %v", gen, err)
	}
	if string(c1.Secrets.MasterKey) != string(c2.Secrets.MasterKey) {
		t.Error("master key changed between starts")
	}
}

func TestBadValuesAreReported(t *testing.T) {
	_, err := FromEnv(env(map[string]string{
		"PORTAL_ENV": "staging", "PORTAL_MASTER_KEY": "short", "PORTAL_TRUSTED_PROXIES": "10.0.0.0/8,nonsense",
		"PORTAL_REQUEST_TIMEOUT": "-1s",
	}))
	if err == nil {
		t.Fatal("bad configuration accepted")
	}
	for _, want := range []string{"PORTAL_ENV", "PORTAL_MASTER_KEY", "PORTAL_TRUSTED_PROXIES", "PORTAL_REQUEST_TIMEOUT"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not name %s: %v", want, err)
		}
	}
}

func TestTrustedProxiesAcceptBareIPs(t *testing.T) {
	c, err := FromEnv(env(map[string]string{"PORTAL_TRUSTED_PROXIES": "10.1.2.3, 192.168.0.0/16, ::1"}))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.TrustedProxies) != 3 || c.TrustedProxies[0].String() != "10.1.2.3/32" {
		t.Errorf("got %v", c.TrustedProxies)
	}
}
