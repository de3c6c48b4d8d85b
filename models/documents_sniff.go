package models

import (
	"bytes"
)

// The content types a medical document file may have, decided from its bytes
// (never from the name or the type the browser claims).
const (
	TypePDF   = "application/pdf"
	TypeJPEG  = "image/jpeg"
	TypePNG   = "image/png"
	TypeWebP  = "image/webp"
	TypeDICOM = "application/dicom"
)

// SniffLen is how many leading bytes SniffDocument needs: 512, which covers the
// DICOM preamble (128 bytes) and its "DICM" magic.
const SniffLen = 512

// pdfTrailerWindow is where a complete PDF's "%%EOF" marker must appear: within
// its last 1024 bytes (the tolerance PDF readers allow for trailing bytes).
const pdfTrailerWindow = 1024

// SniffDocument returns the content type of a file from its first bytes (up to
// SniffLen), and whether it is an accepted type: PDF ("%PDF-" at the start),
// JPEG, PNG, WebP (their signatures) or DICOM ("DICM" at offset 128). Anything
// else — scripts, HTML, archives, compressed streams, empty files — is refused
// whatever it is called. A PDF is also checked at its end (pdfComplete) once
// the whole file has streamed past.
func SniffDocument(head []byte) (string, bool) {
	switch {
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return TypePDF, true
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
		return TypeJPEG, true
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return TypePNG, true
	case len(head) >= 16 && bytes.Equal(head[:4], []byte("RIFF")) && bytes.Equal(head[8:15], []byte("WEBPVP8")):
		return TypeWebP, true
	case len(head) >= 132 && bytes.Equal(head[128:132], []byte("DICM")):
		return TypeDICOM, true
	}
	return "", false
}

// fileExt is the extension the server names a file of contentType with.
func fileExt(contentType string) string {
	switch contentType {
	case TypePDF:
		return "pdf"
	case TypeJPEG:
		return "jpg"
	case TypePNG:
		return "png"
	case TypeWebP:
		return "webp"
	case TypeDICOM:
		return "dcm"
	}
	return "bin"
}

// tailWriter keeps the last pdfTrailerWindow bytes written to it.
type tailWriter struct {
	buf []byte
}

func (t *tailWriter) Write(p []byte) (int, error) {
	n := len(p)
	if n >= pdfTrailerWindow {
		t.buf = append(t.buf[:0], p[n-pdfTrailerWindow:]...)
		return n, nil
	}
	if over := len(t.buf) + n - pdfTrailerWindow; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	t.buf = append(t.buf, p...)
	return n, nil
}

// pdfComplete reports whether a PDF's last bytes hold the "%%EOF" marker: a
// file cut off in transfer (or a fragment) does not.
func (t *tailWriter) pdfComplete() bool { return bytes.Contains(t.buf, []byte("%%EOF")) }
