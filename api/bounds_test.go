package api_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"runtime"
	"strings"
	"testing"
	"time"

	"offres/api"
	"offres/internal/offres"
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

// profileBomb is the structured profile of finding 2 of issue 13: n skills
// of size bytes each, French words that the matcher analyses, and a text
// of textSize bytes.
func profileBomb(n, size, textSize int) []byte {
	words := func(size int) string {
		const w = "développement logiciel comptabilité gestion "
		return strings.ToValidUTF8(strings.Repeat(w, size/len(w)+1)[:size], "")
	}
	skills := make([]string, n)
	for i := range skills {
		skills[i] = words(size)
	}
	titles := make([]string, 50)
	for i := range titles {
		titles[i] = words(size)
	}
	b, _ := json.Marshal(map[string]any{"profile": map[string]any{"skills": skills, "job_titles": titles, "text": words(textSize)}})
	return b
}

// TestMatchProfileBomb is finding 2 of issue 13: 200 skills of 28 KB
// (5.3 MB) took 61 s and 822 MB. A profile over the bounds answers 400;
// one at the bounds answers within the deadline, with little memory.
func TestMatchProfileBomb(t *testing.T) {
	app := newApp(t, api.Options{})
	for _, tt := range []struct {
		name      string
		body      []byte
		wantError bool
	}{
		{"200 skills of 28 KB", profileBomb(200, 28_000, 0), true},
		{"1 MB", profileBomb(40, 25_000, 0), true},
		// 200 skills and 50 job titles of 200 characters, a text of
		// 100,000: the most the validation accepts.
		{"at the bounds", profileBomb(200, 200, 100_000), false},
	} {
		var r response
		n, d := cost(func() {
			r = do(t, app, "POST", "/api/v1/match", bytes.NewReader(tt.body), "Content-Type", "application/json")
		})
		t.Logf("%s: %d MB allocated in %v: %d", tt.name, n>>20, d, r.status)
		if tt.wantError {
			if r.status != 400 {
				t.Errorf("%s: %d %s", tt.name, r.status, r.body[:min(len(r.body), 300)])
			}
		} else if r.status != 200 && r.status != 504 {
			t.Errorf("%s: %d %s", tt.name, r.status, r.body[:min(len(r.body), 300)])
		}
		if n > 100<<20 {
			t.Errorf("%s: %d MB allocated, want < 100", tt.name, n>>20)
		}
		if d > 10*time.Second { // the 5 s deadline, with room for a loaded machine
			t.Errorf("%s: took %v", tt.name, d)
		}
	}
}

// TestStoreProfileBomb: POST /profiles stored the profile of finding 2 of
// issue 13 (201); it answers 400 now, and stores nothing.
func TestStoreProfileBomb(t *testing.T) {
	app, eng := newRecruiterApp(t)
	token := key(t, eng, offres.RoleRecruiter)
	headers := []string{"Content-Type", "application/json", "Authorization", "Bearer " + token}
	for _, body := range [][]byte{profileBomb(200, 28_000, 0), profileBomb(200, 300, 0), profileBomb(10, 100, 300_000)} {
		r := do(t, app, "POST", "/api/v1/profiles", bytes.NewReader(body), headers...)
		if r.status != 400 {
			t.Errorf("%d bytes: %d %s", len(body), r.status, r.body[:min(len(r.body), 300)])
		}
	}
	if r := do(t, app, "GET", "/api/v1/profiles", nil, headers...); !bytes.Contains(r.body, []byte(`"profiles":[]`)) && !bytes.Contains(r.body, []byte(`null`)) {
		t.Errorf("profiles stored: %s", r.body[:min(len(r.body), 300)])
	}
}
