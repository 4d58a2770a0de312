package api_test

import (
	"archive/zip"
	"bytes"
	"runtime"
	"strings"
	"testing"
	"time"

	"offres/api"
)

// cost runs f and returns the bytes allocated on the heap meanwhile and
// the time it took. Allocation counts every goroutine of the test binary,
// the server's included (the tests of this package do not run in
// parallel); it bounds the RSS growth a request can cause and, unlike the
// RSS, does not depend on when the collector returns memory.
func cost(f func()) (uint64, time.Duration) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	f()
	d := time.Since(start)
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc, d
}

// docxOf returns a DOCX holding document.xml, deflated.
func docxOf(t *testing.T, documentXML string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create("word/document.xml")
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(documentXML))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestMatchDOCXBomb is finding 1 of issue 13: the 20 KB DOCX that opens
// 6,900,000 elements answers 400 in French, quickly, with little memory.
func TestMatchDOCXBomb(t *testing.T) {
	app := newApp(t, api.Options{})
	body, ct := multipartBody(t, "deep.docx", docxOf(t, "<document><body>"+strings.Repeat("<p>", 6_900_000)))
	var r response
	n, d := cost(func() { r = do(t, app, "POST", "/api/v1/match", body, "Content-Type", ct) })
	t.Logf("%d MB allocated in %v", n>>20, d)
	if r.status != 400 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if msg := errorMessage(t, r); !strings.Contains(msg, "DOCX trop complexe") {
		t.Errorf("message %q", msg)
	}
	if n > 50<<20 {
		t.Errorf("%d MB allocated, want < 50", n>>20)
	}
	if d > 3*time.Second { // 1 s expected; generous on a loaded machine
		t.Errorf("took %v", d)
	}
}

// TestMatchDeadlineCoversExtraction: the request's deadline starts before
// the uploaded file is read, so a file slow to read ends with the request.
func TestMatchDeadlineCoversExtraction(t *testing.T) {
	app := newApp(t, api.Options{RequestTimeout: 50 * time.Millisecond})
	flat := docxOf(t, "<document><body>"+strings.Repeat("<p/>", 5_000_000)+"</body></document>")
	body, ct := multipartBody(t, "flat.docx", flat)
	r := do(t, app, "POST", "/api/v1/match", body, "Content-Type", ct)
	if r.status != 400 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if msg := errorMessage(t, r); !strings.Contains(msg, "trop de temps") {
		t.Errorf("message %q", msg)
	}
}

func errorMessage(t *testing.T, r response) string {
	t.Helper()
	_, msg := r.errorOf(t)
	return msg
}
