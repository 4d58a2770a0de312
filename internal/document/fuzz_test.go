package document

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"offres/internal/offres"
)

// FuzzExtract feeds uploads derived from the fixtures: whatever the bytes,
// Extract returns normalised text within the limits, or an
// *offres.UserError of kind ErrInvalid; it never panics.
//
//	go test ./document -run '^$' -fuzz FuzzExtract -fuzztime 60s
func FuzzExtract(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*"))
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range files {
		if info, err := os.Stat(file); err != nil || info.IsDir() {
			continue
		}
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(filepath.Base(file), data)
	}
	f.Add("cv.pdf", onePage(`BT /F1 12 Tf 72 700 Td [(Noum)-20(\351a)-400(Dumb\351a)] TJ 0 -30 Td (Pa\357ta) Tj ET`, helvetica))
	f.Add("cv.docx", zipOf(f, map[string]string{"word/document.xml": `<w:document><w:body><w:p><w:r><w:t>Léa</w:t><w:tab/><w:br/></w:r></w:p></w:body></w:document>`}))
	f.Add("cv.txt", []byte("Noum\xe9a\r\n\r\n\r\nDumb\xe9a"))
	lim := Limits{MaxRunes: 5000, Timeout: 2 * time.Second}
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		got, err := lim.Extract(t.Context(), name, data)
		if err != nil {
			var ue *offres.UserError
			if !errors.Is(err, offres.ErrInvalid) || !errors.As(err, &ue) || ue.Message == "" {
				t.Fatalf("error %v (%T) is not an invalid-input UserError", err, err)
			}
			return
		}
		switch got.Format {
		case FormatPDF, FormatDOCX, FormatTXT:
		default:
			t.Fatalf("format %q", got.Format)
		}
		if got.Content == "" {
			t.Fatal("no error and no text")
		}
		checkText(t, got.Content, lim.MaxRunes)
		if again := normalize(got.Content); again != got.Content {
			t.Fatalf("text not normalised: %q", got.Content)
		}
	})
}
