package paths

import "strconv"

// Consultations (issue 6). The patient's side lives under /consultations, the
// doctor's under /clinic, break-glass under /clinic/emergency and its review under
// /staff/emergency.
const (
	Consultations       = "/consultations"         // GET the patient's list (?after=), POST start (after the preview)
	ConsultationNew     = "/consultations/new"     // GET the start form (?doctor=ID)
	ConsultationPreview = "/consultations/preview" // POST the form: the confirmation screen (stores nothing)

	ClinicConsultations = "/clinic/consultations" // + "/:id": the doctor's view of one consultation
	ClinicEmergency     = "/clinic/emergency"     // GET the form, POST request break-glass; + "/:id" the view
	StaffEmergency      = "/staff/emergency"      // GET the privacy officer's review queue; + "/:id" review
)

func id(n int64) string { return strconv.FormatInt(n, 10) }

// Consultation is the patient's page of one consultation (thread, grant controls).
func Consultation(n int64) string { return Consultations + "/" + id(n) }

// ConsultationNewFor is the start form for doctor n.
func ConsultationNewFor(doctor int64) string { return ConsultationNew + "?doctor=" + id(doctor) }

// ClinicConsultation is the doctor's page of one consultation.
func ClinicConsultation(n int64) string { return ClinicConsultations + "/" + id(n) }

// ClinicDocument is a granted document as the doctor of consultation n sees it.
func ClinicDocument(n, doc int64) string { return ClinicConsultation(n) + "/documents/" + id(doc) }

// ClinicEmergencyAccess is the doctor's page of one emergency access.
func ClinicEmergencyAccess(n int64) string { return ClinicEmergency + "/" + id(n) }

// StaffEmergencyAccess is the review page of one emergency access.
func StaffEmergencyAccess(n int64) string { return StaffEmergency + "/" + id(n) }
