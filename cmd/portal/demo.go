package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/yibao-health/portal/models"
)

// Demo accounts (development only). Everyone uses DemoPassword; doctors and staff
// share DemoTOTPSecret, so a demo can be run from one authenticator entry.
const (
	DemoPassword   = "Demo-Pass-2026"
	DemoTOTPSecret = "JBSWY3DPEHPK3PXP"
)

func demoAccounts() []models.NewAccount {
	doctor := func(name, hospital, dept, title, specialty, licence string) *models.DoctorProfile {
		return &models.DoctorProfile{RealName: name, Hospital: hospital, Department: dept, Title: title,
			Specialty: specialty, LicenceNumber: licence, Status: models.DoctorVerified}
	}
	return []models.NewAccount{
		{Kind: models.KindPatient, Phone: "13800000001", Username: "demo_patient1"},
		{Kind: models.KindPatient, Phone: "13800000002", Username: "demo_patient2"},
		{Kind: models.KindDoctor, Phone: "13900000001", TOTPSecret: DemoTOTPSecret,
			Doctor: doctor("王医生", "示范人民医院", "心内科", "主任医师", "高血压、冠心病", "110000000000001")},
		{Kind: models.KindDoctor, Phone: "13900000002", TOTPSecret: DemoTOTPSecret,
			Doctor: doctor("李医生", "示范人民医院", "内分泌科", "主治医师", "糖尿病、甲状腺疾病", "110000000000002")},
		{Kind: models.KindStaff, Email: "support@demo.local", TOTPSecret: DemoTOTPSecret, Caps: []string{models.CapSupport}},
		{Kind: models.KindStaff, Email: "privacy@demo.local", TOTPSecret: DemoTOTPSecret, Caps: []string{models.CapPrivacyOfficer}},
		{Kind: models.KindStaff, Email: "admin@demo.local", TOTPSecret: DemoTOTPSecret, Caps: []string{models.CapAdmin}},
	}
}

// seedDemo creates the demo accounts that do not exist yet (it is safe to run on
// every start) and prints how to sign in with them.
func seedDemo(ctx context.Context, accounts *models.Accounts, out io.Writer) error {
	actx := models.AuditContext{ActorKind: models.ActorSystem, RequestID: "demo-seed"}
	fmt.Fprintf(out, "Demo accounts (password %s; doctors and staff: TOTP secret %s):\n", DemoPassword, DemoTOTPSecret)
	for _, n := range demoAccounts() {
		login := n.Phone
		if login == "" {
			login = n.Email
		}
		existing, err := accounts.FindByLogin(ctx, login)
		if err != nil {
			return err
		}
		if existing == nil {
			n.Password = DemoPassword
			if _, err := accounts.CreateAccount(ctx, n, actx); err != nil {
				return fmt.Errorf("demo: create %s: %w", login, err)
			}
		}
		role := n.Kind
		if len(n.Caps) > 0 {
			role += " (" + strings.Join(n.Caps, ",") + ")"
		}
		fmt.Fprintf(out, "  %-20s %s\n", login, role)
	}
	if err := seedDemoPolicy(ctx, accounts.DB, out); err != nil {
		return err
	}
	return seedDemoConsents(ctx, accounts)
}
