package models_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/internal/keys"
	"github.com/yibao-health/portal/internal/password"
	"github.com/yibao-health/portal/internal/testkit/dbtest"
	"github.com/yibao-health/portal/models"
)

// rotationData is a database holding a value in every encrypted column of the
// accounts area, with what each decrypts to.
type rotationData struct {
	g        *gorm.DB
	mk       []byte
	a        *models.Accounts
	admin    *models.User
	patients []*models.User
	doctorID int64
	licences map[int64][]byte
	phones   map[int64]string
	emails   map[int64]string
	idNumber string
	pending  string
	reason   string
	totp     string
}

func newRotationData(t *testing.T, g *gorm.DB, patients int) *rotationData {
	t.Helper()
	ctx := context.Background()
	mk := make([]byte, 32)
	if _, err := rand.Read(mk); err != nil {
		t.Fatal(err)
	}
	d := &rotationData{g: g, mk: mk, a: openAccounts(t, g, mk), licences: map[int64][]byte{},
		phones: map[int64]string{}, emails: map[int64]string{}, totp: "JBSWY3DPEHPK3PXP"}
	sys := models.AuditContext{ActorKind: models.ActorSystem}
	var err error
	d.admin, err = d.a.CreateAccount(ctx, models.NewAccount{Kind: models.KindStaff, Email: "admin@rotation.example",
		Caps: []string{models.CapAdmin}, TOTPSecret: d.totp}, sys)
	if err != nil {
		t.Fatal(err)
	}
	d.emails[d.admin.ID] = "admin@rotation.example"
	for i := range patients {
		phone, email := fmt.Sprintf("1380000%04d", i), fmt.Sprintf("p%d@rotation.example", i)
		u, err := d.a.CreateAccount(ctx, models.NewAccount{Kind: models.KindPatient, Phone: phone, Email: email}, sys)
		if err != nil {
			t.Fatal(err)
		}
		d.patients = append(d.patients, u)
		d.phones[u.ID], d.emails[u.ID] = phone, email
	}
	p0, p1 := d.patients[0], d.patients[1]
	err = d.a.SaveIdentity(ctx, p0, models.IdentityInput{RealName: "金丝雀", Gender: models.Genders[0],
		Birthday: "1990-01-01", Birthplace: "杭州"}, sys)
	if err != nil {
		t.Fatal(err)
	}
	d.idNumber = "11010519491231002X"
	enc, err := d.a.Seal("identities", "id_number", p0.ID, p0.ID, d.idNumber)
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Model(&models.Identity{}).Where("user_id = ?", p0.ID).Updates(map[string]any{"id_type": "resident", "id_number_enc": enc}).Error; err != nil {
		t.Fatal(err)
	}
	en, err := d.a.BeginTOTP(ctx, p1)
	if err != nil {
		t.Fatal(err)
	}
	d.pending = en.Secret
	d.reason = "轮换测试：可疑登录"
	if err := d.a.LockAccount(ctx, d.admin, p1.ID, d.reason, sys); err != nil {
		t.Fatal(err)
	}
	doc, err := d.a.CreateAccount(ctx, models.NewAccount{Kind: models.KindDoctor, Phone: "13900000001",
		Doctor: &models.DoctorProfile{RealName: "王医生", Hospital: "医院", Department: "科室", Title: models.TitleResident,
			LicenceNumber: "110101199001011"}}, sys)
	if err != nil {
		t.Fatal(err)
	}
	d.doctorID = doc.ID
	d.phones[doc.ID] = "13900000001"
	// A licence above 64 KiB: its optimistic check compares length and prefix.
	lic := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("licence "), 20000)...)
	ct, err := d.a.Keys.Encrypt(lic, keys.AD{Table: "doctor_licences", Column: "data", RowID: fmt.Sprint(doc.ID), OwnerID: doc.ID})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(lic)
	if err := g.Create(&models.DoctorLicence{UserID: doc.ID, ContentType: "application/pdf", Size: int64(len(lic)),
		SHA256: hex.EncodeToString(sum[:]), DataEnc: ct, CreatedAt: time.Now().UTC()}).Error; err != nil {
		t.Fatal(err)
	}
	d.licences[doc.ID] = lic
	return d
}

func openAccounts(t *testing.T, g *gorm.DB, mk []byte) *models.Accounts {
	t.Helper()
	kr, err := keys.Open(context.Background(), g, mk)
	if err != nil {
		t.Fatal(err)
	}
	return models.NewAccounts(g, kr, password.New(password.DefaultParams, 2), nil, nil)
}

// checkReadable reads every value back through the domain's own code with a.
func (d *rotationData) checkReadable(t *testing.T, a *models.Accounts) {
	t.Helper()
	ctx := context.Background()
	ids := []int64{d.admin.ID, d.doctorID}
	for _, p := range d.patients {
		ids = append(ids, p.ID)
	}
	for _, id := range ids {
		u, err := a.User(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		phone, email, err := a.Contacts(u)
		if err != nil || phone != d.phones[id] || email != d.emails[id] {
			t.Errorf("user %d contacts = %q, %q, %v; want %q, %q", id, phone, email, err, d.phones[id], d.emails[id])
		}
	}
	admin, _ := a.User(ctx, d.admin.ID)
	if s, err := a.Open("users", "mfa_secret", admin.ID, admin.ID, admin.MFASecretEnc); err != nil || s != d.totp {
		t.Errorf("mfa secret = %q, %v", s, err)
	}
	p0, _ := a.User(ctx, d.patients[0].ID)
	if id, err := a.Identity(ctx, p0); err != nil || id.RealName != "金丝雀" || id.Birthday != "1990-01-01" || id.Birthplace != "杭州" {
		t.Errorf("identity = %+v, %v", id, err)
	}
	var row models.Identity
	d.g.Where("user_id = ?", p0.ID).Take(&row)
	if n, err := a.Open("identities", "id_number", p0.ID, p0.ID, row.IDNumberEnc); err != nil || n != d.idNumber {
		t.Errorf("id number = %q, %v", n, err)
	}
	p1, _ := a.User(ctx, d.patients[1].ID)
	if en, ok, err := a.PendingTOTP(p1); err != nil || !ok || en.Secret != d.pending {
		t.Errorf("pending TOTP = %q, %v, %v", en.Secret, ok, err)
	}
	if notes, err := a.AccountNotes(ctx, p1.ID, 5); err != nil || len(notes) != 1 || notes[0].Reason != d.reason {
		t.Errorf("account notes = %+v, %v", notes, err)
	}
	for id, want := range d.licences {
		got, _, err := a.OpenDoctorLicence(ctx, id, models.AuditContext{ActorKind: models.ActorSystem})
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("licence of %d: %d bytes, %v", id, len(got), err)
		}
	}
}

// keyIDs counts, per registered column, the stored values by the key that sealed them.
func keyIDs(t *testing.T, g *gorm.DB) map[string]map[uint32]int {
	t.Helper()
	out := map[string]map[uint32]int{}
	for _, c := range models.EncryptedColumns {
		var vals [][]byte
		if err := g.Raw(fmt.Sprintf("SELECT %s FROM %s WHERE %s IS NOT NULL", c.Column, c.Table, c.Column)).Scan(&vals).Error; err != nil {
			t.Fatalf("%s: %v", c.Name(), err)
		}
		for _, v := range vals {
			if len(v) == 0 {
				continue
			}
			if c.Encoding == models.Base64 {
				var err error
				if v, err = base64.StdEncoding.DecodeString(string(v)); err != nil {
					t.Fatalf("%s: %v", c.Name(), err)
				}
			}
			get := keys.FieldKeyID
			if c.KeyID != nil {
				get = c.KeyID
			}
			id, ok := get(v)
			if !ok {
				t.Fatalf("%s: a value is not a ciphertext", c.Name())
			}
			if out[c.Name()] == nil {
				out[c.Name()] = map[uint32]int{}
			}
			out[c.Name()][id]++
		}
	}
	return out
}

// onlyKey fails unless every counted value is under key; it returns their number.
func onlyKey(t *testing.T, ids map[string]map[uint32]int, key uint32) int {
	t.Helper()
	n := 0
	for col, byKey := range ids {
		for k, c := range byKey {
			if k != key {
				t.Errorf("%s: %d value(s) under key %d, want all under %d", col, c, k, key)
			}
			n += c
		}
	}
	return n
}

func fieldKeyset(t *testing.T, g *gorm.DB) []byte {
	t.Helper()
	var b []byte
	if err := g.Raw("SELECT keyset FROM keysets WHERE name = ?", keys.FieldAEAD).Row().Scan(&b); err != nil {
		t.Fatal(err)
	}
	return b
}

func progressOf(t *testing.T, g *gorm.DB, rotation int64, table, column string) models.KeyRotationProgress {
	t.Helper()
	var p models.KeyRotationProgress
	if err := g.Where("rotation_id = ? AND table_name = ? AND column_name = ?", rotation, table, column).Take(&p).Error; err != nil {
		t.Fatalf("progress of %s.%s: %v", table, column, err)
	}
	return p
}

func TestKeyRotationReencryptsEverything(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		ctx := context.Background()
		data := newRotationData(t, g, 3)
		other := openAccounts(t, g, data.mk) // another server, running throughout
		oldID := data.a.Keys.PrimaryFieldKeyID()
		before := keyIDs(t, g)
		total := onlyKey(t, before, oldID)
		for _, col := range []string{"users.phone_enc", "users.email_enc", "users.mfa_secret_enc", "users.mfa_pending_enc",
			"identities.real_name_enc", "identities.birthday_enc", "identities.birthplace_enc", "identities.id_number_enc",
			"doctor_licences.data_enc", "account_actions.reason_enc"} {
			if before[col][oldID] == 0 {
				t.Errorf("fixture has no value in %s", col)
			}
		}
		var oldPhone string
		g.Raw("SELECT phone_enc FROM users WHERE id = ?", data.patients[0].ID).Scan(&oldPhone)

		var started []time.Duration
		rot := &models.KeyRotator{DB: g, Keys: data.a.Keys, Batch: 2,
			Hooks: models.RotationHooks{Started: func(_ models.RotationReport, wait time.Duration) { started = append(started, wait) }}}
		rep, err := rot.Run(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !rep.Finished || rep.Resumed || rep.FromKeyID != oldID || rep.TargetKeyID == oldID || len(started) != 1 || started[0] != 0 {
			t.Fatalf("report %+v, started %v", rep, started)
		}
		if got := data.a.Keys.PrimaryFieldKeyID(); got != rep.TargetKeyID {
			t.Errorf("primary = %d, want the target %d", got, rep.TargetKeyID)
		}
		if rep.Changed() != int64(total) || rep.TotalChanged() != int64(total) || rep.Left() != 0 {
			t.Errorf("changed %d (total %d, left %d), want %d", rep.Changed(), rep.TotalChanged(), rep.Left(), total)
		}
		if n := onlyKey(t, keyIDs(t, g), rep.TargetKeyID); n != total {
			t.Errorf("%d values after, %d before", n, total)
		}
		// Readable by this process, by a server that reloads the keyset, and by a
		// process started afterwards; the old key is no longer primary anywhere.
		data.checkReadable(t, data.a)
		if err := other.Keys.Reload(ctx); err != nil {
			t.Fatal(err)
		}
		data.checkReadable(t, other)
		fresh := openAccounts(t, g, data.mk)
		data.checkReadable(t, fresh)
		if fresh.Keys.PrimaryFieldKeyID() != rep.TargetKeyID {
			t.Error("a new process still has the old primary key")
		}
		// Old keys stay: a ciphertext from before (a backup) still opens.
		if s, err := fresh.Open("users", "phone", data.patients[0].ID, data.patients[0].ID, &oldPhone); err != nil || s != data.phones[data.patients[0].ID] {
			t.Errorf("old ciphertext = %q, %v", s, err)
		}

		if active, err := models.ActiveKeyRotation(ctx, g); err != nil || active != nil {
			t.Errorf("active rotation after the end: %+v, %v", active, err)
		}
		var row models.KeyRotation
		g.Take(&row, rep.RotationID)
		if row.FinishedAt == nil || row.TargetKeyID == nil || uint32(*row.TargetKeyID) != rep.TargetKeyID {
			t.Errorf("rotation row %+v", row)
		}
		var actions []string
		g.Model(&models.AuditEntry{}).Where("action LIKE ?", "keys.rotate.%").Order("id").Pluck("action", &actions)
		if strings.Join(actions, ",") != "keys.rotate.start,keys.rotate.finish" {
			t.Errorf("audit actions %v", actions)
		}
		if res, err := models.VerifyAudit(ctx, g); err != nil || !res.OK {
			t.Errorf("audit chain: %+v, %v", res, err)
		}

		// The next run is a new rotation with a new key.
		rep2, err := (&models.KeyRotator{DB: g, Keys: fresh.Keys}).Run(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if rep2.RotationID == rep.RotationID || rep2.TargetKeyID == rep.TargetKeyID || rep2.TotalChanged() != int64(total) {
			t.Errorf("second rotation %+v", rep2)
		}
		onlyKey(t, keyIDs(t, g), rep2.TargetKeyID)
		data.checkReadable(t, fresh)
	})
}

// A run stopped after its first batch (batch size 2) has committed that batch and
// its position; the next run, in a new process, continues with the same key, does
// not add another, and does not redo the committed batch.
func TestKeyRotationResumesAfterInterruption(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		data := newRotationData(t, g, 5)
		oldID := data.a.Keys.PrimaryFieldKeyID()
		total := onlyKey(t, keyIDs(t, g), oldID)

		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var batches []models.BatchDone
		rot := &models.KeyRotator{DB: g, Keys: data.a.Keys, Batch: 2, Hooks: models.RotationHooks{
			AfterBatch: func(b models.BatchDone) { batches = append(batches, b); cancel() }}}
		rep, err := rot.Run(ctx)
		if !errors.Is(err, context.Canceled) || rep == nil || rep.Finished {
			t.Fatalf("interrupted run: %+v, %v", rep, err)
		}
		target := rep.TargetKeyID
		if len(batches) != 1 || batches[0].Column.Name() != "users.phone_enc" || batches[0].Changed != 2 || batches[0].Done {
			t.Fatalf("batches %+v", batches)
		}
		// Committed: the first two phone numbers (in id order) and the position.
		var ids []int64
		g.Model(&models.User{}).Where("phone_enc IS NOT NULL").Order("id").Pluck("id", &ids)
		p := progressOf(t, g, rep.RotationID, "users", "phone_enc")
		if p.LastPK != fmt.Sprint(ids[1]) || p.Done || p.Batches != 1 || p.RowsChanged != 2 || p.RowsScanned != 2 {
			t.Errorf("progress %+v, want last_pk %d", p, ids[1])
		}
		mid := keyIDs(t, g)
		if mid["users.phone_enc"][target] != 2 || mid["users.phone_enc"][oldID] != len(ids)-2 {
			t.Errorf("phones after the first batch: %v", mid["users.phone_enc"])
		}
		if mid["users.email_enc"][target] != 0 {
			t.Errorf("a later column was touched: %v", mid["users.email_enc"])
		}
		active, err := models.ActiveKeyRotation(context.Background(), g)
		if err != nil || active == nil || active.ID != rep.RotationID {
			t.Fatalf("active rotation %+v, %v", active, err)
		}
		keyset := fieldKeyset(t, g)
		// Meanwhile the half-rotated data is readable by a process that reloaded.
		data.checkReadable(t, openAccounts(t, g, data.mk))

		next := openAccounts(t, g, data.mk) // a new process
		batches = nil
		rot = &models.KeyRotator{DB: g, Keys: next.Keys, Batch: 2,
			Hooks: models.RotationHooks{AfterBatch: func(b models.BatchDone) { batches = append(batches, b) }}}
		rep2, err := rot.Run(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if !rep2.Finished || !rep2.Resumed || rep2.RotationID != rep.RotationID || rep2.TargetKeyID != target {
			t.Fatalf("resumed run %+v", rep2)
		}
		if !bytes.Equal(fieldKeyset(t, g), keyset) {
			t.Error("the resumed run changed the keyset (a second key?)")
		}
		if next.Keys.PrimaryFieldKeyID() != target {
			t.Error("primary changed")
		}
		if rep2.Changed() != int64(total-2) || rep2.TotalChanged() != int64(total) {
			t.Errorf("resumed run changed %d (total %d), want %d (%d)", rep2.Changed(), rep2.TotalChanged(), total-2, total)
		}
		if batches[0].Column.Name() != "users.phone_enc" || batches[0].Changed != 2 {
			t.Errorf("the resumed run did not start after the committed batch: %+v", batches[0])
		}
		for _, c := range rep2.Columns {
			if c.Table == "users" && c.Column == "phone_enc" && (c.Scanned != int64(len(ids)-2) || c.TotalScanned != int64(len(ids))) {
				t.Errorf("phone column %+v: scanned again what was committed", c)
			}
		}
		onlyKey(t, keyIDs(t, g), target)
		data.checkReadable(t, next)
	})
}

// A crash after the new key was added but before it was recorded must not add a
// second key on the next run; a crash before the key was added adds exactly one.
func TestKeyRotationCrashAroundTheNewKey(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		ctx := context.Background()
		data := newRotationData(t, g, 2)
		oldID := data.a.Keys.PrimaryFieldKeyID()
		active := true
		if err := g.Create(&models.KeyRotation{FromKeyID: int64(oldID), Active: &active, StartedAt: time.Now().UTC()}).Error; err != nil {
			t.Fatal(err)
		}
		added, err := data.a.Keys.Rotate(ctx)
		if err != nil {
			t.Fatal(err)
		}
		keyset := fieldKeyset(t, g)
		next := openAccounts(t, g, data.mk)
		rep, err := (&models.KeyRotator{DB: g, Keys: next.Keys}).Run(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if rep.TargetKeyID != added || !bytes.Equal(fieldKeyset(t, g), keyset) {
			t.Errorf("target %d, want the key added before the crash %d; keyset changed: %v", rep.TargetKeyID, added,
				!bytes.Equal(fieldKeyset(t, g), keyset))
		}
		onlyKey(t, keyIDs(t, g), added)

		// Crash right after the row was written: the next run adds the key.
		from := next.Keys.PrimaryFieldKeyID()
		if err := g.Create(&models.KeyRotation{FromKeyID: int64(from), Active: &active, StartedAt: time.Now().UTC()}).Error; err != nil {
			t.Fatal(err)
		}
		rep, err = (&models.KeyRotator{DB: g, Keys: next.Keys}).Run(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if rep.TargetKeyID == from || next.Keys.PrimaryFieldKeyID() != rep.TargetKeyID {
			t.Errorf("target %d, from %d, primary %d", rep.TargetKeyID, from, next.Keys.PrimaryFieldKeyID())
		}
		onlyKey(t, keyIDs(t, g), rep.TargetKeyID)
		data.checkReadable(t, next)
	})
}

// Values written while the rotation runs are never overwritten with the older
// value: a write under the old key (a server that has not reloaded yet) is
// re-encrypted on a second read, a write under the new key is kept as it is.
func TestKeyRotationKeepsConcurrentWrites(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		ctx := context.Background()
		data := newRotationData(t, g, 3)
		stale := openAccounts(t, g, data.mk) // never reloads
		var ids []int64
		g.Model(&models.User{}).Where("phone_enc IS NOT NULL").Order("id").Pluck("id", &ids)
		wrote := false
		write := func(a *models.Accounts, id int64, phone string) {
			enc, err := a.Seal("users", "phone", id, id, phone)
			if err != nil {
				t.Fatal(err)
			}
			if err := g.Exec("UPDATE users SET phone_enc = ? WHERE id = ?", *enc, id).Error; err != nil {
				t.Fatal(err)
			}
			data.phones[id] = phone
		}
		rot := &models.KeyRotator{DB: g, Keys: data.a.Keys, Batch: 2, Hooks: models.RotationHooks{
			BeforeWrite: func(c models.EncryptedColumn, _ []string) {
				if c.Name() != "users.phone_enc" || wrote {
					return
				}
				wrote = true
				write(stale, ids[0], "13811112222")  // old key
				write(data.a, ids[1], "13833334444") // new key (data.a rotated)
			}}}
		rep, err := rot.Run(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !wrote {
			t.Fatal("the hook never ran")
		}
		for _, c := range rep.Columns {
			if c.Table == "users" && c.Column == "phone_enc" && (c.Conflicts != 2 || c.Left != 0) {
				t.Errorf("phone column %+v, want 2 conflicts, none left", c)
			}
		}
		onlyKey(t, keyIDs(t, g), rep.TargetKeyID)
		data.checkReadable(t, data.a)
	})
}

// A registry entry with the wrong associated data stops the rotation at the first
// value, naming the column, and changes nothing in it; the rotation stays open.
func TestKeyRotationStopsOnAWrongEntry(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		ctx := context.Background()
		data := newRotationData(t, g, 2)
		oldID := data.a.Keys.PrimaryFieldKeyID()
		wrong := []models.EncryptedColumn{{Table: "users", Column: "phone_enc", ADColumn: "email", Key: "id", Owner: "id", Encoding: models.Base64}}
		_, err := (&models.KeyRotator{DB: g, Keys: data.a.Keys, Columns: wrong}).Run(ctx)
		if err == nil || !strings.Contains(err.Error(), "users.phone_enc") || !errors.Is(err, keys.ErrDecrypt) {
			t.Fatalf("err = %v", err)
		}
		if ids := keyIDs(t, g)["users.phone_enc"]; len(ids) != 1 || ids[oldID] == 0 {
			t.Errorf("phones changed: %v", ids)
		}
		if a, _ := models.ActiveKeyRotation(ctx, g); a == nil {
			t.Error("the rotation was closed")
		}
		dup := append(wrong, wrong[0])
		if _, err := (&models.KeyRotator{DB: g, Keys: data.a.Keys, Columns: dup}).Run(ctx); err == nil {
			t.Error("a column listed twice was accepted")
		}
		// With the right registry the same rotation completes.
		rep, err := (&models.KeyRotator{DB: g, Keys: data.a.Keys}).Run(ctx)
		if err != nil || !rep.Finished || !rep.Resumed {
			t.Fatalf("%+v, %v", rep, err)
		}
		onlyKey(t, keyIDs(t, g), rep.TargetKeyID)
	})
}

// Re-encryption waits until running servers have reloaded the keyset.
func TestKeyRotationSettles(t *testing.T) {
	g := dbtest.SQLite(t)
	data := newRotationData(t, g, 2)
	oldID := data.a.Keys.PrimaryFieldKeyID()
	ctx, cancel := context.WithCancel(context.Background())
	var wait time.Duration
	rot := &models.KeyRotator{DB: g, Keys: data.a.Keys, Settle: time.Hour, Hooks: models.RotationHooks{
		Started: func(_ models.RotationReport, w time.Duration) { wait = w; cancel() }}}
	if _, err := rot.Run(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if wait < 59*time.Minute {
		t.Errorf("wait = %v", wait)
	}
	onlyKey(t, keyIDs(t, g), oldID)
	// An hour later (resumed) there is nothing left to wait for.
	rot = &models.KeyRotator{DB: g, Keys: data.a.Keys, Settle: time.Hour, Now: func() time.Time { return time.Now().Add(time.Hour) },
		Hooks: models.RotationHooks{Started: func(_ models.RotationReport, w time.Duration) { wait = w }}}
	rep, err := rot.Run(context.Background())
	if err != nil || wait != 0 || !rep.Resumed {
		t.Fatalf("%+v, %v, wait %v", rep, err, wait)
	}
	onlyKey(t, keyIDs(t, g), rep.TargetKeyID)
}

// The optimistic check compares bytes: on MySQL a concurrent write that differs
// from the value read only in letter case (equal under the column's collation)
// must not be overwritten either.
func TestKeyRotationComparesBytes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		ctx := context.Background()
		data := newRotationData(t, g, 2)
		id := data.patients[0].ID
		var old string
		g.Raw("SELECT phone_enc FROM users WHERE id = ?", id).Scan(&old)
		i := strings.IndexFunc(old[12:], func(r rune) bool { return r >= 'a' && r <= 'z' }) + 12
		flipped := old[:i] + strings.ToUpper(old[i:i+1]) + old[i+1:]
		rot := &models.KeyRotator{DB: g, Keys: data.a.Keys, Batch: 2, Hooks: models.RotationHooks{
			BeforeWrite: func(c models.EncryptedColumn, _ []string) {
				if c.Name() == "users.phone_enc" {
					g.Exec("UPDATE users SET phone_enc = ? WHERE id = ?", flipped, id)
				}
			}}}
		// The flipped value is read again and does not open: the run stops there.
		if _, err := rot.Run(ctx); !errors.Is(err, keys.ErrDecrypt) {
			t.Fatalf("err = %v", err)
		}
		var now string
		g.Raw("SELECT phone_enc FROM users WHERE id = ?", id).Scan(&now)
		if now != flipped {
			t.Fatalf("the concurrent write was overwritten")
		}
		g.Exec("UPDATE users SET phone_enc = ? WHERE id = ?", old, id)
		rep, err := (&models.KeyRotator{DB: g, Keys: data.a.Keys}).Run(ctx)
		if err != nil || !rep.Finished {
			t.Fatalf("%+v, %v", rep, err)
		}
		onlyKey(t, keyIDs(t, g), rep.TargetKeyID)
		data.checkReadable(t, data.a)
	})
}

// The issue 5 columns, written by their own code: a health profile and a medical
// document with two files (their wrapped per-file keys are resealed, the blobs stay
// as they are), read back through that code after the rotation.
func TestKeyRotationCoversHealthAndDocuments(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		ctx := context.Background()
		e := newDocEnv(t, g)
		pdf := docPDF("rotation")
		docID, err := upload(t, e, e.uid, labInput("血常规"), pdf, docPNG(t, 40, 30))
		if err != nil {
			t.Fatal(err)
		}
		blobsBefore := blobFiles(t, e.dir)
		hp := models.NewHealthProfiles(g, e.acc.Keys, e.clock.now)
		u, err := e.acc.User(ctx, e.uid)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := hp.Save(ctx, u, sampleProfile(), models.AuditContext{ActorKind: models.ActorPatient, ActorID: u.ID}); err != nil {
			t.Fatal(err)
		}
		oldID := e.acc.Keys.PrimaryFieldKeyID()
		before := keyIDs(t, g)
		for _, col := range []string{"health_profiles.data_enc", "documents.title_enc", "documents.hospital_enc",
			"documents.notes_enc", "document_files.key_enc"} {
			if before[col][oldID] == 0 {
				t.Errorf("fixture has no value in %s", col)
			}
		}

		rep, err := (&models.KeyRotator{DB: g, Keys: e.acc.Keys, Batch: 1}).Run(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n := onlyKey(t, keyIDs(t, g), rep.TargetKeyID); int64(n) != rep.TotalChanged() {
			t.Errorf("%d values, %d re-encrypted", n, rep.TotalChanged())
		}
		if after := blobFiles(t, e.dir); strings.Join(after, ",") != strings.Join(blobsBefore, ",") {
			t.Errorf("blobs changed: %v -> %v", blobsBefore, after)
		}

		r := models.DocumentReader{UserID: e.uid}
		v, err := e.docs.Get(ctx, r, docID)
		if err != nil || v.Title != "血常规" || v.Hospital != "协和医院" || v.Notes != "空腹" || len(v.Files) != 2 {
			t.Fatalf("document %+v, %v", v, err)
		}
		pdfBack := false
		for _, f := range v.Files {
			fc, err := e.docs.OpenFile(ctx, r, docID, f.ID, false)
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(fc)
			fc.Close()
			if err != nil || len(b) == 0 {
				t.Errorf("file %d: %d bytes, %v", f.Position, len(b), err)
			}
			pdfBack = pdfBack || bytes.Equal(b, pdf)
		}
		if !pdfBack {
			t.Error("the PDF did not come back")
		}
		p, err := hp.HealthProfile(ctx, u, u.ID)
		if err != nil || p == nil || p.Data.PastHistory != sampleProfile().PastHistory {
			t.Fatalf("health profile %+v, %v", p, err)
		}
	})
}
