package api_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"offres/api"
	"offres/internal/analytics"
	"offres/internal/offres"
	"offres/web"
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
	app := newApp(t, api.Options{RequestTimeout: time.Millisecond})
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

// worstRequests are, for each public route, the costliest request its
// validation accepts: the longest query of typo-tolerant words on the last
// page, the longest question, a profile at every bound, fifty events of
// the longest query. A new public route fails TestCostBudget until it has
// one here and a row in docs/cost-budget.md.
func worstRequests(t *testing.T) map[string]func() *http.Request {
	long := func(n int) string { // words of 5 letters or more, typo-tolerant
		return strings.TrimSpace(strings.Repeat("infirmiere developpeur comptable ", n/33+1)[:n])
	}
	post := func(method, target string, body []byte) func() *http.Request {
		return func() *http.Request {
			r := httptest.NewRequest(method, target, bytes.NewReader(body))
			r.Header.Set("Content-Type", "application/json")
			return r
		}
	}
	get := func(target string) func() *http.Request {
		return func() *http.Request { return httptest.NewRequest("GET", target, nil) }
	}
	q := url.QueryEscape(long(offres.MaxQueryLen))
	var events []string // fifty events, as long as the 16 KiB body allows
	for range 50 {
		events = append(events, `{"type":"search","query":"`+long(270)+`","results":1000000}`)
	}
	offer := url.PathEscape("CHT-Médecine-2026-03")
	return map[string]func() *http.Request{
		"GET /healthz":             get("/healthz"),
		"GET /readyz":              get("/readyz"),
		"GET /api/v1/openapi.json": get("/api/v1/openapi.json"),
		"GET /api/v1/search":       get("/api/v1/search?q=" + q + "&fuzzy=true&limit=50&page=100&include_closed=true&mode=hybrid&sort=relevance"),
		"GET /api/v1/search.atom":  get("/api/v1/search.atom?q=" + q + "&fuzzy=true&limit=50&page=100&include_closed=true&mode=hybrid&sort=published"),
		"GET /api/v1/suggest":      get("/api/v1/suggest?q=" + url.QueryEscape(long(offres.MaxSuggestLen)) + "&limit=20"),
		// A question may have 500 characters, but one over 300 is refused
		// as a search (« la requête dépasse 300 caractères »).
		"POST /api/v1/ask":   post("POST", "/api/v1/ask", []byte(`{"question":"`+long(offres.MaxQueryLen)+` ?"}`)),
		"POST /api/v1/match": post("POST", "/api/v1/match", profileBomb(200, 200, 100_000)),
		// An upload: the most elements a DOCX part may hold, within the
		// 20 MiB of XML a DOCX may inflate to.
		"POST /api/v1/match (upload)": func() *http.Request {
			body, ct := multipartBody(t, "flat.docx", docxOf(t, "<document><body>"+strings.Repeat("<p/>", 5_000_000)+"</body></document>"))
			r := httptest.NewRequest("POST", "/api/v1/match", body)
			r.Header.Set("Content-Type", ct)
			return r
		},
		"GET /api/v1/offers/:id":         get("/api/v1/offers/" + offer),
		"GET /api/v1/offers/:id/similar": get("/api/v1/offers/" + offer + "/similar?limit=20&include_closed=true"),
		"GET /":                          get("/"),
		"GET /analytics":                 get("/analytics"),
		"GET /widget.js":                 get("/widget.js"),
		"GET /static/*":                  get("/static/demo.css"),
		"GET /offres/:id":                get("/offres/" + offer),
		"GET /sitemap.xml":               get("/sitemap.xml"),
		"GET /robots.txt":                get("/robots.txt"),
		"POST /api/v1/events":            post("POST", "/api/v1/events", []byte(`{"events":[`+strings.Join(events, ",")+`]}`)),
	}
}

// budgetRow is a row of the cost table of docs/cost-budget.md.
type budgetRow struct {
	time   time.Duration
	memory uint64
}

// costTable reads the table « Cost budget per public route ».
func costTable(t *testing.T) map[string]budgetRow {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "docs", "cost-budget.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(b), "\n## Cost budget per public route\n")
	if !ok {
		t.Fatal("docs/cost-budget.md has no « ## Cost budget per public route »")
	}
	row := regexp.MustCompile("(?m)^\\| `([A-Z]+ [^`]+)` \\|[^|]*\\| (\\d+) s \\| (\\d+) MB \\|")
	out := map[string]budgetRow{}
	for _, m := range row.FindAllStringSubmatch(table, -1) {
		secs, _ := strconv.Atoi(m[2])
		mb, _ := strconv.Atoi(m[3])
		out[m[1]] = budgetRow{time: time.Duration(secs) * time.Second, memory: uint64(mb) << 20}
	}
	return out
}

// TestCostBudget sends the worst request of every public route and checks
// it stays within the time and the memory (allocated bytes, which bound
// the RSS growth) of its row in docs/cost-budget.md. A public route
// without a row or a worst request fails.
func TestCostBudget(t *testing.T) {
	app, _ := newFullApp(t, api.Options{AskPerMinute: 1000, EventsPerMinute: 1000}, nil,
		func(d *api.Deps) {
			store, err := analytics.Open(analytics.Options{Now: fixedNow})
			if err != nil {
				t.Fatal(err)
			}
			d.Analytics = store
			d.Web = web.Assets
		})
	table, worst := costTable(t), worstRequests(t)
	var names []string
	for _, rt := range app.GetRoutes(true) {
		name := rt.Method + " " + rt.Path
		if rt.Method == "HEAD" || routeClasses[name] != public {
			continue
		}
		names = append(names, name)
		if worst[name+" (upload)"] != nil {
			names = append(names, name+" (upload)")
		}
	}
	for _, name := range names {
		route, _, _ := strings.Cut(name, " (")
		budget, ok := table[route]
		req := worst[name]
		if !ok || req == nil {
			t.Errorf("public route %s: no row in docs/cost-budget.md or no worst request here", name)
			continue
		}
		var status int
		r := req() // built before the measure
		n, d := cost(func() {
			resp, err := app.Test(r, 120_000)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			status = resp.StatusCode
		})
		t.Logf("%-32s %d  %6.1f MB  %v", name, status, float64(n)/(1<<20), d.Round(time.Millisecond))
		if status >= 500 && status != 503 && status != 504 {
			t.Errorf("%s: %d", name, status)
		}
		if n > budget.memory {
			t.Errorf("%s: %d MB allocated, budget %d MB", name, n>>20, budget.memory>>20)
		}
		if d > budget.time+5*time.Second { // the deadline, and room for a loaded machine
			t.Errorf("%s: took %v, budget %v", name, d, budget.time)
		}
	}
}
