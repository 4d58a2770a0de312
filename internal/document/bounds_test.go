package document

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// allocated runs f and returns the bytes it allocated on the heap (all
// goroutines of the test binary: the tests of this package do not run in
// parallel).
func allocated(f func()) uint64 {
	runtime.GC()
	return allocatedNoGC(f)
}

// TestDOCXDepthBomb is finding 1 of issue 13: a 20 KB DOCX whose
// document.xml opens 6,900,000 elements without closing them kept one
// stack entry and one paragraph per element (1.3 GB, 9 s). It is refused
// early, with little memory.
func TestDOCXDepthBomb(t *testing.T) {
	for _, tag := range []string{"<p>", "<r>", "<x>"} {
		data := zipOf(t, map[string]string{"word/document.xml": "<document><body>" + strings.Repeat(tag, 6_900_000)})
		var err error
		start := time.Now()
		n := allocated(func() { _, err = Extract(t.Context(), "deep.docx", data) })
		d := time.Since(start)
		t.Logf("%s: %d MB allocated in %v", tag, n>>20, d)
		wantUserError(t, err, "DOCX trop complexe")
		if n > 50<<20 {
			t.Errorf("%s: %d MB allocated, want < 50", tag, n>>20)
		}
		if d > 3*time.Second {
			t.Errorf("%s: took %v", tag, d)
		}
	}
}

// TestDOCXElements: a part of millions of empty elements (20 MiB of
// « <p/> », 20 KB zipped) allocated 1.2 GB in 1.5 s; past a million
// elements the reading stops.
func TestDOCXElements(t *testing.T) {
	data := zipOf(t, map[string]string{"word/document.xml": "<document><body>" + strings.Repeat("<p/>", 5_000_000) + "</body></document>"})
	var err error
	n := allocated(func() { _, err = Extract(t.Context(), "flat.docx", data) })
	wantUserError(t, err, "DOCX trop complexe")
	if n > 400<<20 {
		t.Errorf("%d MB allocated, want < 400", n>>20)
	}
}

// TestDOCXDeadline: the reading of a DOCX stops at the context's deadline
// (a request's), as well as at Limits.Timeout.
func TestDOCXDeadline(t *testing.T) {
	data := zipOf(t, map[string]string{"word/document.xml": "<document><body>" + strings.Repeat("<p/>", 5_000_000) + "</body></document>"})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := Extract(ctx, "flat.docx", data)
	wantUserError(t, err, "trop de temps")
	_, err = Limits{Timeout: time.Nanosecond}.Extract(t.Context(), "flat.docx", data)
	wantUserError(t, err, "trop de temps")
}

// TestPDFPrevLoop is finding 6 of issue 13: a 629-byte PDF whose xref
// /Prev points to itself burnt the whole time budget (5 s) in the
// library's loop. The structure check follows the /Prev chain first and
// refuses a loop, at a cost proportional to the size; a chain without a
// loop still reads.
func TestPDFPrevLoop(t *testing.T) {
	plain := onePage(`BT /F1 12 Tf 72 700 Td (Noum\351a) Tj ET`, helvetica)
	self := prevCycle(plain)
	// Two tables that name each other: the second, appended, says /Prev
	// the first, whose trailer says /Prev the second.
	i := bytes.LastIndex(plain, []byte("startxref\n"))
	first, _ := strconv.Atoi(strings.Fields(string(plain[i+len("startxref\n"):]))[0]) // the table's offset
	second := len(plain) + len(" /Prev 0000000000")                                   // where the appended table starts
	two := bytes.Replace(plain, []byte("/Root 1 0 R >>"), []byte(fmt.Sprintf("/Root 1 0 R /Prev %010d >>", second)), 1)
	two = fmt.Appendf(two, "xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 6 /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n", first, second)
	for name, data := range map[string][]byte{"itself": self, "each other": two} {
		if err := checkPDFStructure(data); err == nil {
			t.Errorf("%s: a /Prev loop passes the structure check", name)
		}
		start := time.Now()
		_, err := Extract(t.Context(), "loop.pdf", data)
		wantUserError(t, err, "PDF trop complexe")
		if d := time.Since(start); d > 2*time.Second { // the 5 s budget was the bound before
			t.Errorf("%s: took %v", name, d)
		}
	}
	// A chain without a loop: an update appended to a PDF.
	chain := bytes.Clone(plain)
	chain = fmt.Appendf(chain, "xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 6 /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n", first, len(plain))
	if err := checkPDFStructure(chain); err != nil {
		t.Errorf("a /Prev chain without a loop: %v", err)
	}
	if got, err := Extract(t.Context(), "chain.pdf", chain); err != nil || got.Content != "Nouméa" {
		t.Errorf("a /Prev chain without a loop: %q, %v", got.Content, err)
	}
}
