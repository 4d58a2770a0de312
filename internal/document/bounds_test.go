package document

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"
)

// allocated runs f and returns the bytes it allocated on the heap (all
// goroutines of the test binary: the tests of this package do not run in
// parallel).
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
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
