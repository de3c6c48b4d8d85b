package paths

import (
	"net/url"
	"strconv"
)

// Medical documents (issue 5): the patient's list, the upload form, each document's
// page and its files, and deletion. Every route is the owner's (Patient access).
const (
	Documents      = "/health/documents"     // GET the list (?category=&from=&to=&after=), POST an upload (multipart)
	DocumentUpload = "/health/documents/new" // GET the upload form
)

// DocumentUploadAction is where the upload form posts: the list path with the CSRF
// token in the query string, because the upload's body is never parsed as a form
// (handlers/documents_upload.go explains why).
func DocumentUploadAction(csrfToken string) string {
	return Documents + "?_csrf=" + url.QueryEscape(csrfToken)
}

// Document is a document's page: its details and files.
func Document(id int64) string { return Documents + "/" + strconv.FormatInt(id, 10) }

// DocumentDelete is where the deletion is confirmed (GET) and done (POST).
func DocumentDelete(id int64) string { return Document(id) + "/delete" }

// DocumentFile is the base of one file's routes: + "/view", "/download", "/thumbnail".
func DocumentFile(id, fileID int64) string {
	return Document(id) + "/files/" + strconv.FormatInt(fileID, 10)
}

// DocumentFileView shows a file inline (images and PDF), DocumentFileDownload sends it
// as an attachment, DocumentThumbnail is an image's server-made thumbnail.
func DocumentFileView(id, fileID int64) string     { return DocumentFile(id, fileID) + "/view" }
func DocumentFileDownload(id, fileID int64) string { return DocumentFile(id, fileID) + "/download" }
func DocumentThumbnail(id, fileID int64) string    { return DocumentFile(id, fileID) + "/thumbnail" }
