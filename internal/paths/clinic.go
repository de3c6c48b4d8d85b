package paths

// The clinic's actions and file routes (issue 6); the pages are in consult.go.

// ClinicQueue is the queue's tab of status ("new", "active", "closed").
func ClinicQueue(status string) string { return Clinic + "?status=" + status }

// ClinicMessages is where the doctor posts a reply in consultation n.
func ClinicMessages(n int64) string { return ClinicConsultation(n) + "/messages" }

// ClinicClose is where the doctor closes consultation n with advice.
func ClinicClose(n int64) string { return ClinicConsultation(n) + "/close" }

// ClinicDocumentFile is the base of one granted file's routes: + "/view",
// "/download", "/thumbnail" (as for the patient's DocumentFile).
func ClinicDocumentFile(n, doc, file int64) string {
	return ClinicDocument(n, doc) + "/files/" + id(file)
}

// ClinicFileView, ClinicFileDownload and ClinicThumbnail are a granted file
// shown inline, sent as an attachment, and its thumbnail.
func ClinicFileView(n, doc, file int64) string { return ClinicDocumentFile(n, doc, file) + "/view" }
func ClinicFileDownload(n, doc, file int64) string {
	return ClinicDocumentFile(n, doc, file) + "/download"
}
func ClinicThumbnail(n, doc, file int64) string {
	return ClinicDocumentFile(n, doc, file) + "/thumbnail"
}
