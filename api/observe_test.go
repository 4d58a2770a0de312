package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"testing"

	"offres/api"
	"offres/internal/metrics"
	"offres/internal/offres"
	"offres/search"
)

// syncBuffer collects log lines from concurrent handlers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) lines(t *testing.T) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(b.buf.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		out = append(out, m)
	}
	return out
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestRequestLogs(t *testing.T) {
	var logs syncBuffer
	app := newApp(t, api.Options{Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	// Personal data a candidate might type: it must reach no log.
	const personal = "marie.dupont@example.nc"
	r1 := do(t, app, "GET", "/api/v1/search?q="+personal, nil, "X-Forwarded-For", "203.0.113.9")
	r2 := do(t, app, "GET", "/api/v1/search?limit=zz", nil)
	if r1.status != 200 || r2.status != 400 {
		t.Fatalf("statuses %d %d", r1.status, r2.status)
	}
	if s := logs.String(); strings.Contains(s, "marie") || strings.Contains(s, "203.0.113.9") || strings.Contains(s, "zz") {
		t.Fatalf("personal data or query in the logs: %s", s)
	}
	ids := map[string]bool{}
	for _, l := range logs.lines(t) {
		if l["msg"] != "request" {
			continue
		}
		id, _ := l["request_id"].(string)
		if !regexp.MustCompile(`^[0-9a-f]{24}$`).MatchString(id) {
			t.Errorf("request id %q in %v", id, l)
		}
		ids[id] = true
		if l["route"] != "/api/v1/search" || l["method"] != "GET" {
			t.Errorf("log line %v", l)
		}
	}
	if len(ids) != 2 {
		t.Fatalf("want two request lines with distinct ids, got %v", ids)
	}
}

func TestRequestID(t *testing.T) {
	const sent = "edge-1234-abcd"
	direct := newApp(t, api.Options{})
	resp := respond(t, direct, "GET", "/healthz", "X-Request-Id", sent)
	if got := resp.Header.Get("X-Request-Id"); got == sent || len(got) != 24 {
		t.Errorf("without a trusted proxy, the client's request id %q was kept: %q", sent, got)
	}
	proxied := newApp(t, api.Options{TrustedProxies: []string{"0.0.0.0/0"}})
	if got := respond(t, proxied, "GET", "/healthz", "X-Request-Id", sent).Header.Get("X-Request-Id"); got != sent {
		t.Errorf("the trusted proxy's request id: got %q", got)
	}
	if got := respond(t, proxied, "GET", "/healthz", "X-Request-Id", "bad id\nwith newline").Header.Get("X-Request-Id"); len(got) != 24 {
		t.Errorf("malformed request id kept: %q", got)
	}
}

func TestMetrics(t *testing.T) {
	reg := metrics.New()
	app, eng := newFullApp(t, api.Options{}, nil, func(d *api.Deps) { d.Metrics = reg })
	reg.WatchSizes(eng.Sizes)
	reg.WatchPanics(eng.BackgroundPanics)
	auth := "Bearer " + adminToken
	do(t, app, "GET", "/api/v1/search?q=infirmier", nil)
	do(t, app, "GET", "/api/v1/search?q=infirmier", nil)
	do(t, app, "GET", "/api/v1/search?page=0x", nil)
	do(t, app, "GET", "/api/v1/offers/nope", nil)
	do(t, app, "GET", "/no/such/route", nil)
	offer := `{"id":"M-1","title":"Géomètre","description":"Relevés.","deadline":"2027-02-01","location":{"commune":"Païta"}}`
	if r := do(t, app, "POST", "/api/v1/offers", strings.NewReader(offer), "Content-Type", "application/json", "Authorization", auth); r.status != 201 {
		t.Fatalf("import: %d %s", r.status, r.body)
	}

	if r := do(t, app, "GET", "/metrics", nil); r.status != 401 {
		t.Fatalf("metrics without a token: %d", r.status)
	}
	r := do(t, app, "GET", "/metrics", nil, "Authorization", auth)
	if r.status != 200 {
		t.Fatalf("metrics: %d %s", r.status, r.body)
	}
	text := string(r.body)
	for _, want := range []string{
		`offres_http_request_duration_seconds_count{code="200",method="GET",route="/api/v1/search"} 2`,
		`offres_http_request_duration_seconds_count{code="400",method="GET",route="/api/v1/search"} 1`,
		`offres_http_request_duration_seconds_count{code="201",method="POST",route="/api/v1/offers"} 1`,
		`offres_http_errors_total{code="invalid_request",route="/api/v1/search"} 1`,
		`offres_background_panics_total 0`,
		`offres_http_errors_total{code="not_found",route="/api/v1/offers/:id"} 1`,
		`offres_http_errors_total{code="not_found",route="unmatched"} 1`,
		`offres_import_offers_total{outcome="indexed"} 1`,
		`offres_index_size{kind="offers"} 73`,
		`offres_index_size{kind="fulltext_documents"} 73`,
		`go_goroutines `,
		`process_resident_memory_bytes `,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if strings.Contains(text, "/no/such/route") || strings.Contains(text, "route=\"/api/v1/offers/nope\"") {
		t.Errorf("paths make series: %s", text)
	}
}

func TestPprofNeedsAdmin(t *testing.T) {
	app := newApp(t, api.Options{})
	for _, path := range []string{"/debug/pprof/", "/debug/pprof/heap"} {
		if r := do(t, app, "GET", path, nil); r.status != 401 {
			t.Errorf("%s without a token: %d", path, r.status)
		}
	}
	r := do(t, app, "GET", "/debug/pprof/heap?debug=1", nil, "Authorization", "Bearer "+adminToken)
	if r.status != 200 || !bytes.Contains(r.body, []byte("heap profile")) {
		t.Fatalf("heap profile: %d %.200s", r.status, r.body)
	}
}

// panicky is a search service with a bug.
type panicky struct{ api.Searcher }

func (panicky) Search(context.Context, search.Request) (offres.Result, error) { panic("bug") }

func TestPanicIsA500(t *testing.T) {
	var logs syncBuffer
	eng := demoEngine(t)
	app := api.New(api.Deps{Search: panicky{eng.Search()}, Offers: eng}, api.Options{Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	r := do(t, app, "GET", "/api/v1/search?q=x", nil)
	if r.status != 500 || r.errorCode(t) != "internal" {
		t.Fatalf("panic: %d %s", r.status, r.body)
	}
	if r := do(t, app, "GET", "/api/v1/suggest?q=inf", nil); r.status != 200 {
		t.Fatalf("after a panic: %d %s", r.status, r.body)
	}
	if !strings.Contains(logs.String(), `"msg":"panic"`) {
		t.Fatalf("panic not logged: %s", logs.String())
	}
}
