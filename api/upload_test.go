package api_test

import (
	"bytes"
	"mime/multipart"
	"os"
	"path/filepath"
	"testing"

	"offres/api"
	"offres/internal/match"
)

// multipartBody returns a form with the file under "file".
func multipartBody(t *testing.T, name string, data []byte) (*bytes.Buffer, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	fw, err := w.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	w.WriteField("limit", "3")
	w.Close()
	return &b, w.FormDataContentType()
}

// TestUploadCV matches uploaded CVs (the document package's fixtures) and
// refuses the files it cannot read with a 400.
func TestUploadCV(t *testing.T) {
	app := newApp(t, api.Options{})
	for _, name := range []string{"cv.pdf", "cv.docx", "cv.txt"} {
		data, err := os.ReadFile(filepath.Join("..", "internal", "document", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		body, ct := multipartBody(t, name, data)
		r := do(t, app, "POST", "/api/v1/match", body, "Content-Type", ct)
		if r.status != 200 {
			t.Fatalf("%s: %d %s", name, r.status, r.body)
		}
		var res struct{ Matches []match.Result }
		r.decode(t, &res)
		if len(res.Matches) == 0 || len(res.Matches) > 3 {
			t.Errorf("%s: %d matches", name, len(res.Matches))
		}
	}
	for name, data := range map[string][]byte{
		"corrupt.pdf": []byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage"),
		"cv.docx":     []byte("PK\x03\x04 not really a zip"),
		"cv.exe":      []byte("MZ\x90\x00binary"),
		"empty.txt":   nil,
	} {
		body, ct := multipartBody(t, name, data)
		r := do(t, app, "POST", "/api/v1/match", body, "Content-Type", ct)
		if r.status != 400 || r.errorCode(t) != "invalid_request" {
			t.Errorf("%s: %d %s", name, r.status, r.body)
		}
	}
	scan, _ := os.ReadFile(filepath.Join("..", "internal", "document", "testdata", "scan.pdf"))
	body, ct := multipartBody(t, "scan.pdf", scan)
	if r := do(t, app, "POST", "/api/v1/match", body, "Content-Type", ct); r.status != 400 {
		t.Errorf("a scanned PDF: %d %s", r.status, r.body)
	}
}
