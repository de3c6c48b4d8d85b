// Package models holds the GORM entities and the domain rules of the portal.
package models

// All lists every GORM entity, so the schema test can check that models and
// migrations agree. Add each new entity here.
func All() []any {
	return []any{
		&AuditEntry{}, &AuditHead{},
		&Notification{},
		&VerificationCode{}, &LoginThrottle{},
		&User{}, &Identity{}, &RecoveryCode{}, &DoctorProfile{}, &DoctorLicence{}, &EnrollmentToken{},
		&AccountAction{},
		&PolicyVersion{}, &ConsentRecord{},
		&Document{}, &DocumentFile{}, &PendingBlob{},
		&KeyRotation{}, &KeyRotationProgress{},
		&HealthProfileRow{},
		&AccessEntry{},
		&Consultation{}, &ConsultationShare{}, &ConsultationMessage{}, &EmergencyAccess{},
		&Product{}, &ProductImage{}, &CartItem{}, &Address{}, &Order{}, &OrderItem{}, &OrderEvent{},
		&OrderAuthorization{}, &PaymentNotification{}, &AfterSale{}, &SupportConversation{}, &SupportMessage{},
		&OrderUnmask{}, &Disclosure{},
	}
}
