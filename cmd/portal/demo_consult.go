package main

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/yibao-health/portal/internal/blob"
	"github.com/yibao-health/portal/models"
)

// seedDemoConsultation gives the first demo patient a health profile, two
// documents (a lab report and a record) and a consultation with the first demo
// doctor that shares the allergies and the lab report only, so both sides of a
// grant can be tried at once. It does nothing when that consultation exists.
func seedDemoConsultation(ctx context.Context, accounts *models.Accounts, blobs blob.Store, out io.Writer) error {
	patient, err := accounts.FindByLogin(ctx, "13800000001")
	if err != nil || patient == nil {
		return fmt.Errorf("demo: patient: %w", err)
	}
	doctor, err := accounts.FindByLogin(ctx, "13900000001")
	if err != nil || doctor == nil {
		return fmt.Errorf("demo: doctor: %w", err)
	}
	var n int64
	if err := accounts.DB.WithContext(ctx).Model(&models.Consultation{}).
		Where("patient_id = ? AND doctor_id = ?", patient.ID, doctor.ID).Count(&n).Error; err != nil || n > 0 {
		return err
	}
	now := accounts.Now()
	actx := models.AuditContext{ActorKind: models.ActorPatient, ActorID: patient.ID, RequestID: "demo-seed"}
	cc := models.ConsentContext{Channel: models.ChannelSystem}
	if _, err := models.RecordConsent(accounts.DB.WithContext(ctx), patient.ID, models.PurposeHealthData, "", models.DecisionAccepted, nil, cc, now); err != nil {
		return err
	}
	if err := accounts.SaveIdentity(ctx, patient, models.IdentityInput{RealName: "陈晓明", Gender: "male", Birthday: "1978-04-12"}, actx); err != nil {
		return fmt.Errorf("demo: identity: %w", err)
	}
	hp := models.NewHealthProfiles(accounts.DB, accounts.Keys, accounts.Now)
	_, _, err = hp.Save(ctx, patient, models.HealthProfileInput{
		Allergies: []models.Allergy{{Substance: "青霉素", Reaction: "皮疹、瘙痒", Severity: "moderate"}},
		Diagnoses: []models.Diagnosis{{Name: "原发性高血压", Date: "2019-05-01", Status: "chronic"}},
		Height:    "172", Weight: "70.5", MaritalStatus: "married",
		PastHistory: "2015 年阑尾切除术。", FamilyHistory: "父亲患高血压。",
	}, actx)
	if err != nil {
		return fmt.Errorf("demo: health profile: %w", err)
	}
	docs := models.NewDocuments(accounts.DB, accounts.Keys, blobs, accounts.Now, models.UploadLimits{MaxFileSize: 1 << 20, MaxFiles: 1})
	day := now.In(models.ChinaTime).AddDate(0, 0, -10).Format("2006-01-02")
	lab, err := demoDocument(ctx, docs, patient.ID, models.DocumentInput{Category: models.CategoryLab, Title: "血常规", Date: day, Hospital: "示范人民医院"}, actx)
	if err != nil {
		return err
	}
	if _, err := demoDocument(ctx, docs, patient.ID, models.DocumentInput{Category: models.CategoryRecord, Title: "门诊病历", Date: day, Hospital: "示范人民医院"}, actx); err != nil {
		return err
	}
	cs := &models.Consultations{DB: accounts.DB, Accounts: accounts, Docs: docs, Health: hp, Now: accounts.Now}
	in := models.StartInput{DoctorID: doctor.ID, Question: "最近一周早上血压在 150/95 左右，需要调整用药吗？", ShareDays: 7,
		Scope: models.Scope{Sections: []string{models.SectionAllergies}, DocumentIDs: []int64{lab}}}
	id, err := cs.Start(ctx, patient, in, cc, actx)
	if err != nil {
		return fmt.Errorf("demo: consultation: %w", err)
	}
	fmt.Fprintf(out, "Demo consultation %d: 13800000001 shares allergies and one lab report with 13900000001 (while open, then %d days)\n",
		id, in.ShareDays)
	return nil
}

// demoDocument uploads a one-page PDF as document in.
func demoDocument(ctx context.Context, docs *models.Documents, owner int64, in models.DocumentInput, actx models.AuditContext) (int64, error) {
	u, err := docs.BeginUpload(ctx, owner, in)
	if err != nil {
		return 0, fmt.Errorf("demo: document: %w", err)
	}
	defer u.Abort(ctx)
	pdf := "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n" +
		"% demo " + in.Title + "\ntrailer << /Root 1 0 R >>\n%%EOF\n"
	if err := u.AddFile(ctx, bytes.NewReader([]byte(pdf))); err != nil {
		return 0, fmt.Errorf("demo: document file: %w", err)
	}
	return u.Commit(ctx, actx)
}
