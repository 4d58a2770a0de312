package document

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"offres/internal/offres"
)

// maxFuzzAlloc bounds what one extraction may allocate: a DOCX inflating to
// its 20 MiB of XML allocates about 230 MB as it is read (garbage, mostly).
const maxFuzzAlloc = 512 << 20

// allocatedNoGC runs f and returns the bytes it allocated, without the
// collection allocated runs first (too slow for a fuzz loop).
func allocatedNoGC(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// FuzzExtract feeds uploads derived from the fixtures: whatever the bytes,
// Extract returns normalised text within the limits, or an
// *offres.UserError of kind ErrInvalid, within its time and an allocation
// bound; it never panics.
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
	// The bombs of issue 13: a DOCX nesting millions of elements, a PDF
	// whose cross-reference chain loops.
	f.Add("deep.docx", zipOf(f, map[string]string{"word/document.xml": "<document><body>" + strings.Repeat("<p>", 6_900_000)}))
	f.Add("loop.pdf", prevCycle(onePage(`BT /F1 12 Tf 72 700 Td (Noum\351a) Tj ET`, helvetica)))
	lim := Limits{MaxRunes: 5000, Timeout: 2 * time.Second}
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		var (
			got Text
			err error
		)
		start := time.Now()
		n := allocatedNoGC(func() { got, err = lim.Extract(t.Context(), name, data) })
		// The bounds of Limits and of the extractors, whatever the bytes:
		// the deadline (with room for a loaded machine) and an allocation
		// far below the bombs of issue 13 (1.9 GB).
		if d := time.Since(start); d > lim.Timeout+3*time.Second {
			t.Fatalf("took %v (timeout %v)", d, lim.Timeout)
		}
		if n > maxFuzzAlloc {
			t.Fatalf("%d MB allocated, bound %d MB", n>>20, maxFuzzAlloc>>20)
		}
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
