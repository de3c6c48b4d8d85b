package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/glebarez/sqlite"
	gormmysql "gorm.io/driver/mysql"
	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/config"
	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/internal/keys"
	"github.com/yibao-health/portal/internal/password"
	"github.com/yibao-health/portal/internal/testkit/dbtest"
	"github.com/yibao-health/portal/models"
)

func TestKeysRotateHelpIsAccurate(t *testing.T) {
	withEnv(t, map[string]string{})
	out, err := runCLI(t, "keys", "rotate", "--help")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"portal keys rotate", "-batch", "-settle", "500", "1m15s", "run it again",
		"same key", "Old keys stay", "not supported", "every minute", "PORTAL_DATABASE_URL", "PORTAL_MASTER_KEY"} {
		if !strings.Contains(out, want) {
			t.Errorf("keys rotate --help does not mention %q", want)
		}
	}
	if out, _ := runCLI(t, "--help"); !strings.Contains(out, "generate|rotate") {
		t.Error("portal --help does not list keys rotate")
	}
	if _, err := runCLI(t, "keys", "frobnicate"); err == nil || !strings.Contains(err.Error(), "rotate") {
		t.Errorf("unknown keys command: %v", err)
	}
	if _, err := runCLI(t, "keys", "rotate", "--batch", "0"); err == nil {
		t.Error("--batch 0 accepted")
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "| `portal keys rotate") {
		t.Error("README's Commands table has no row for portal keys rotate")
	}
}

// The real thing: `portal keys rotate` runs as a separate process (this test binary
// re-executed), is killed with SIGKILL right after its first batch committed, and a
// second run completes the same rotation: same key, nothing redone, all readable.
func TestKeysRotateSurvivesKill(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		ctx := context.Background()
		dir := t.TempDir()
		masterKey := config.NewKey()
		env := map[string]string{"PORTAL_DATA_DIR": dir, "PORTAL_DATABASE_URL": databaseURL(t, g), "PORTAL_MASTER_KEY": masterKey,
			"PORTAL_LOG_LEVEL": "warn"}
		mk, err := base64.StdEncoding.DecodeString(masterKey)
		if err != nil {
			t.Fatal(err)
		}
		kr, err := keys.Open(ctx, g, mk)
		if err != nil {
			t.Fatal(err)
		}
		a := models.NewAccounts(g, kr, password.New(password.DefaultParams, 1), nil, nil)
		phones := map[int64]string{}
		for i := range 7 {
			phone := fmt.Sprintf("1370000%04d", i)
			u, err := a.CreateAccount(ctx, models.NewAccount{Kind: models.KindPatient, Phone: phone}, models.AuditContext{ActorKind: models.ActorSystem})
			if err != nil {
				t.Fatal(err)
			}
			phones[u.ID] = phone
		}
		oldID := kr.PrimaryFieldKeyID()

		// First run, in a child process that pauses after every batch: killed
		// during the pause that follows the first commit.
		exe, err := os.Executable()
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(exe, "-test.run=^TestKeysRotateChildProcess$")
		cmd.Env = []string{"PORTAL_TEST_KEYS_CHILD=1", "PORTAL_TEST_KEYS_PAUSE=60s"}
		for k, v := range env {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		var stdout bytes.Buffer
		cmd.Stdout = &stdout
		stderr, err := cmd.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		pid := cmd.Process.Pid
		killed := false
		defer func() {
			if !killed {
				_ = cmd.Process.Kill() // only the process this test started
				_ = cmd.Wait()
			}
		}()
		lines := make(chan string)
		go func() {
			sc := bufio.NewScanner(stderr)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		var log []string
		deadline := time.After(2 * time.Minute)
	wait:
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatalf("child %d exited before its first batch:\n%s\n%s", pid, strings.Join(log, "\n"), stdout.String())
				}
				log = append(log, l)
				if strings.HasPrefix(l, "BATCH COMMITTED users.phone_enc") {
					break wait
				}
			case <-deadline:
				t.Fatalf("no batch from child %d within 2 minutes:\n%s", pid, strings.Join(log, "\n"))
			}
		}
		t.Logf("child %d: %s; sending SIGKILL", pid, log[len(log)-1])
		if err := cmd.Process.Kill(); err != nil { // SIGKILL: no deferred code, no cleanup
			t.Fatal(err)
		}
		killed = true
		go func() {
			for range lines {
			}
		}()
		if err := cmd.Wait(); err == nil || !strings.Contains(err.Error(), "killed") {
			t.Fatalf("child %d: %v", pid, err)
		}
		if !strings.Contains(stdout.String(), "added key") {
			t.Errorf("child output: %s", stdout.String())
		}

		// What the killed run left: the rotation open, its key primary, the first
		// batch (2 phones) committed with its position, nothing more.
		active, err := models.ActiveKeyRotation(ctx, g)
		if err != nil || active == nil || active.TargetKeyID == nil {
			t.Fatalf("active rotation after the kill: %+v, %v", active, err)
		}
		target := uint32(*active.TargetKeyID)
		var p models.KeyRotationProgress
		if err := g.Where("rotation_id = ? AND table_name = ? AND column_name = ?", active.ID, "users", "phone_enc").Take(&p).Error; err != nil {
			t.Fatal(err)
		}
		if p.Batches != 1 || p.RowsChanged != 2 || p.Done {
			t.Errorf("progress after the kill: %+v", p)
		}
		if got := phoneKeys(t, g); got[target] != 2 || got[oldID] != len(phones)-2 {
			t.Errorf("phones by key after the kill: %v (old %d, new %d)", got, oldID, target)
		}
		var keyset []byte
		g.Raw("SELECT keyset FROM keysets WHERE name = ?", keys.FieldAEAD).Row().Scan(&keyset)

		// Second run, in this process: resumes and completes.
		withEnv(t, env)
		out, err := runCLI(t, "keys", "rotate", "--batch", "2", "--settle", "0")
		if err != nil {
			t.Fatalf("second run: %v\n%s", err, out)
		}
		for _, want := range []string{fmt.Sprintf("Rotation #%d resumes", active.ID), fmt.Sprintf("under key %d", target),
			"users.phone_enc", fmt.Sprintf("%d re-encrypted of %d value(s) read (%d in all runs)", len(phones)-2, len(phones)-2, len(phones)),
			"complete"} {
			if !strings.Contains(out, want) {
				t.Errorf("second run output lacks %q:\n%s", want, out)
			}
		}
		var after []byte
		g.Raw("SELECT keyset FROM keysets WHERE name = ?", keys.FieldAEAD).Row().Scan(&after)
		if !bytes.Equal(after, keyset) {
			t.Error("the second run added a key")
		}
		if got := phoneKeys(t, g); len(got) != 1 || got[target] != len(phones) {
			t.Errorf("phones by key at the end: %v, want all %d under %d", got, len(phones), target)
		}
		if a, _ := models.ActiveKeyRotation(ctx, g); a != nil {
			t.Error("rotation still open")
		}
		if err := kr.Reload(ctx); err != nil {
			t.Fatal(err)
		}
		for id, want := range phones {
			u, _ := a.User(ctx, id)
			if got, _, err := a.Contacts(u); err != nil || got != want {
				t.Errorf("user %d phone = %q, %v", id, got, err)
			}
		}
	})
}

// TestKeysRotateChildProcess is the child of TestKeysRotateSurvivesKill: `portal
// keys rotate --batch 2 --settle 0`, announcing each committed batch on stderr and
// then pausing, so that the parent can kill it between two batches.
func TestKeysRotateChildProcess(t *testing.T) {
	if os.Getenv("PORTAL_TEST_KEYS_CHILD") != "1" {
		t.Skip("helper process of TestKeysRotateSurvivesKill")
	}
	pause, _ := time.ParseDuration(os.Getenv("PORTAL_TEST_KEYS_PAUSE"))
	afterRotateBatch = func(b models.BatchDone) {
		fmt.Fprintf(os.Stderr, "BATCH COMMITTED %s last=%s changed=%d\n", b.Column.Name(), b.LastKey, b.Changed)
		time.Sleep(pause)
	}
	if err := run(context.Background(), []string{"keys", "rotate", "--batch", "2", "--settle", "0"}, os.Stdout); err != nil {
		t.Fatal(err)
	}
}

// phoneKeys counts users.phone_enc values by the key that sealed them.
func phoneKeys(t *testing.T, g *gorm.DB) map[uint32]int {
	t.Helper()
	var vals []string
	if err := g.Raw("SELECT phone_enc FROM users WHERE phone_enc IS NOT NULL").Scan(&vals).Error; err != nil {
		t.Fatal(err)
	}
	out := map[uint32]int{}
	for _, v := range vals {
		ct, err := base64.StdEncoding.DecodeString(v)
		if err != nil {
			t.Fatal(err)
		}
		id, _ := keys.FieldKeyID(ct)
		out[id]++
	}
	return out
}

// databaseURL is the PORTAL_DATABASE_URL of a dbtest database.
func databaseURL(t *testing.T, g *gorm.DB) string {
	t.Helper()
	switch d := g.Dialector.(type) {
	case *gormmysql.Dialector:
		return "mysql://" + d.Config.DSN
	case *sqlite.Dialector:
		path, _, _ := strings.Cut(d.DSN, "?")
		return "sqlite:" + path
	}
	t.Fatalf("unknown dialector %T", g.Dialector)
	return ""
}
