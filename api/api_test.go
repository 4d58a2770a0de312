package api_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"offres/api"
	"offres/internal/assistant"
	"offres/internal/demo"
	"offres/internal/engine"
	"offres/internal/match"
	"offres/internal/offres"
	"offres/internal/rome"
)

const adminToken = "s3cret-admin-token"

// fixedNow is the day the tests judge deadlines against.
func fixedNow() time.Time { return time.Date(2026, 11, 28, 9, 0, 0, 0, offres.Noumea) }

// demoEngine returns an engine holding the demo corpus, on a temporary
// data dir.
func demoEngine(t *testing.T) *engine.Engine {
	t.Helper()
	ctx := context.Background()
	eng, err := engine.Open(ctx, engine.Options{Dir: t.TempDir(), Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	sum, rejected, err := eng.Import(ctx, "demo.json", bytes.NewReader(demo.Offers))
	if err != nil || len(rejected) > 0 || sum.Indexed < 60 {
		t.Fatalf("demo import: %v, %v, %+v", sum, rejected, err)
	}
	return eng
}

// newApp serves the demo corpus from a real engine on a temporary data dir,
// with every service: the assistant on model (nil: extractive), matching
// and the recruiters' routes.
func newFullApp(t *testing.T, opts api.Options, model assistant.LLM, with ...func(*api.Deps)) (*fiber.App, *engine.Engine) {
	t.Helper()
	eng := demoEngine(t)
	a, err := assistant.New(eng.Search(), eng, assistant.Options{Now: fixedNow, LLM: model})
	if err != nil {
		t.Fatal(err)
	}
	// The ROME referential embedded in the binary, as offres serve has it.
	tax, err := rome.Default()
	if err != nil {
		t.Fatal(err)
	}
	svc := match.NewService(eng.Search(), eng, match.New(tax), fixedNow)
	if opts.AdminToken == "" {
		opts.AdminToken = adminToken
	}
	deps := api.Deps{Search: eng.Search(), Offers: eng, Assistant: a, Matching: svc, Recruiters: eng, Candidates: svc}
	for _, f := range with {
		f(&deps)
	}
	return api.New(deps, opts), eng
}

func newApp(t *testing.T, opts api.Options) *fiber.App {
	t.Helper()
	app, _ := newFullApp(t, opts, nil)
	return app
}

type response struct {
	status int
	body   []byte
}

func (r response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

func (r response) errorCode(t *testing.T) string {
	t.Helper()
	code, _ := r.errorOf(t)
	return code
}

// errorOf returns the code and the message of an error body.
func (r response) errorOf(t *testing.T) (code, message string) {
	t.Helper()
	var e struct {
		Error struct{ Code, Message string }
	}
	r.decode(t, &e)
	if e.Error.Message == "" {
		t.Fatalf("error without message: %s", r.body)
	}
	return e.Error.Code, e.Error.Message
}

func do(t *testing.T, app *fiber.App, method, target string, body io.Reader, headers ...string) response {
	t.Helper()
	req := httptest.NewRequest(method, target, body)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := app.Test(req, 60_000) // a bound on a hang, not a timing assertion
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, body: b}
}

func TestSearch(t *testing.T) {
	app := newApp(t, api.Options{})
	r := do(t, app, "GET", "/api/v1/search?q=infirmier", nil)
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	var res offres.Result
	r.decode(t, &res)
	if res.Total == 0 || len(res.Hits) == 0 {
		t.Fatalf("no hit for infirmier: %s", r.body)
	}
	for _, h := range res.Hits {
		if h.DeadlineStatus == offres.StatusClosed {
			t.Errorf("closed offer %q returned without include_closed", h.ID)
		}
		if h.DeadlineStatus == "" {
			t.Errorf("hit %q has no deadline status", h.ID)
		}
	}
	if len(res.Facets[offres.FacetCommune]) == 0 {
		t.Errorf("no commune facet: %s", r.body)
	}

	// A facet filter narrows the result to that value.
	r = do(t, app, "GET", "/api/v1/search?category=A&limit=50", nil)
	r.decode(t, &res)
	if r.status != 200 || res.Total == 0 {
		t.Fatalf("category=A: %d %s", r.status, r.body)
	}
	for _, h := range res.Hits {
		if h.Category != "A" {
			t.Errorf("category filter let through %q (category %q)", h.ID, h.Category)
		}
	}
}

func TestSearchBadInput(t *testing.T) {
	app := newApp(t, api.Options{})
	for _, tc := range []struct {
		name, target string
		status       int
		code         string
	}{
		{"unknown parameter", "/api/v1/search?q=x&categori=A", 400, "invalid_request"},
		{"invalid UTF-8", "/api/v1/search?q=%ff%fe", 400, "invalid_request"},
		{"limit too large", "/api/v1/search?q=x&limit=500", 400, "invalid_request"},
		{"limit not a number", "/api/v1/search?q=x&limit=dix", 400, "invalid_request"},
		{"page zero", "/api/v1/search?q=x&page=-1", 400, "invalid_request"},
		{"bad sort", "/api/v1/search?q=x&sort=random", 400, "invalid_request"},
		{"bad boolean", "/api/v1/search?q=x&include_closed=peut-etre", 400, "invalid_request"},
		{"query too long", "/api/v1/search?q=" + strings.Repeat("a", 301), 400, "invalid_request"},
		{"suggest one char", "/api/v1/suggest?q=i", 400, "invalid_request"},
		{"unknown route", "/api/v1/nowhere", 404, "not_found"},
		{"wrong method", "/api/v1/search", 405, "method_not_allowed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			method := "GET"
			if tc.status == 405 {
				method = "PUT"
			}
			r := do(t, app, method, tc.target, nil)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
			if code := r.errorCode(t); code != tc.code {
				t.Fatalf("code %q, want %q", code, tc.code)
			}
		})
	}
}

func TestSuggest(t *testing.T) {
	app := newApp(t, api.Options{})
	r := do(t, app, "GET", "/api/v1/suggest?q=INFI", nil)
	var out struct{ Suggestions []offres.Suggestion }
	r.decode(t, &out)
	if r.status != 200 || len(out.Suggestions) == 0 {
		t.Fatalf("suggest INFI: %d %s", r.status, r.body)
	}
	for _, s := range out.Suggestions {
		if !strings.Contains(offres.Fold(s.Text), "infi") {
			t.Errorf("suggestion %q does not complete «infi»", s.Text)
		}
	}
}

func TestGetOfferEscapedID(t *testing.T) {
	app := newApp(t, api.Options{})
	r := do(t, app, "GET", "/api/v1/offers/"+url.PathEscape("3134-25-0308/SR"), nil)
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	var v struct {
		offres.Offer
		DeadlineStatus offres.DeadlineStatus `json:"deadline_status"`
		DaysLeft       *int                  `json:"days_left"`
	}
	r.decode(t, &v)
	if v.ID != "3134-25-0308/SR" || v.Deadline.String() != "2025-03-07" {
		t.Fatalf("got %+v", v.Offer)
	}
	if v.DeadlineStatus != offres.StatusClosed || v.DaysLeft == nil || *v.DaysLeft >= 0 {
		t.Fatalf("seed offer should be closed on 2026-11-28: %s %v", v.DeadlineStatus, v.DaysLeft)
	}
	if r := do(t, app, "GET", "/api/v1/offers/absent", nil); r.status != 404 || r.errorCode(t) != "not_found" {
		t.Fatalf("absent offer: %d %s", r.status, r.body)
	}

}

func TestAdminRoutes(t *testing.T) {
	app := newApp(t, api.Options{})
	offer := `{"id":"TEST 2026/é-1","title":"Géomètre topographe","description":"Relevés topographiques pour la DIE.","deadline":"2027-02-01","location":{"commune":"Païta"}}`
	path := "/api/v1/offers/" + url.PathEscape("TEST 2026/é-1")
	auth := "Bearer " + adminToken

	for _, tc := range []struct{ name, header string }{
		{"no token", ""},
		{"wrong token", "Bearer nope"},
		{"not bearer", "Basic " + adminToken},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, app, "POST", "/api/v1/offers", strings.NewReader(offer), "Content-Type", "application/json", "Authorization", tc.header)
			if r.status != 401 || r.errorCode(t) != "unauthorized" {
				t.Fatalf("post: %d %s", r.status, r.body)
			}
			if r := do(t, app, "DELETE", path, nil, "Authorization", tc.header); r.status != 401 {
				t.Fatalf("delete: %d %s", r.status, r.body)
			}
		})
	}

	r := do(t, app, "POST", "/api/v1/offers", strings.NewReader(offer), "Content-Type", "application/json", "Authorization", auth)
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	r = do(t, app, "POST", "/api/v1/offers", strings.NewReader(offer), "Content-Type", "application/json", "Authorization", auth)
	var res struct {
		Summary struct{ Indexed, Updated, Unchanged, Rejected int }
	}
	r.decode(t, &res)
	if r.status != 200 || res.Summary.Unchanged != 1 || res.Summary.Indexed != 0 {
		t.Fatalf("re-import: %d %s", r.status, r.body)
	}
	if r := do(t, app, "GET", path, nil); r.status != 200 {
		t.Fatalf("get escaped id: %d %s", r.status, r.body)
	}
	r = do(t, app, "GET", "/api/v1/search?q=geometre", nil)
	if !bytes.Contains(r.body, []byte("TEST 2026/é-1")) {
		t.Fatalf("imported offer not searchable: %s", r.body)
	}
	if r := do(t, app, "DELETE", path, nil, "Authorization", auth); r.status != 204 {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	if r := do(t, app, "GET", path, nil); r.status != 404 {
		t.Fatalf("get deleted: %d %s", r.status, r.body)
	}
	r = do(t, app, "GET", "/api/v1/search?q=geometre", nil)
	if bytes.Contains(r.body, []byte("TEST 2026/é-1")) {
		t.Fatalf("deleted offer still searchable: %s", r.body)
	}
	if r := do(t, app, "DELETE", path, nil, "Authorization", auth); r.status != 404 {
		t.Fatalf("delete twice: %d %s", r.status, r.body)
	}
}

func TestPostOffersBadInput(t *testing.T) {
	app := newApp(t, api.Options{BodyLimit: 64 << 10})
	auth := "Bearer " + adminToken
	ndjson := `{"id":"N1","title":"Comptable","description":"Tenue de la comptabilité."}
{"id":"N2","title":
{"id":"N3","title":"Juriste","description":"Marchés publics."}
`
	r := do(t, app, "POST", "/api/v1/offers", strings.NewReader(ndjson), "Content-Type", "application/x-ndjson", "Authorization", auth)
	var res struct {
		Summary  struct{ Indexed, Rejected int }
		Rejected []struct{ Position, Reason string }
	}
	r.decode(t, &res)
	if r.status != 201 || res.Summary.Indexed != 2 || res.Summary.Rejected != 1 || len(res.Rejected) != 1 ||
		!strings.Contains(res.Rejected[0].Position, "line 2") {
		t.Fatalf("ndjson with a bad line: %d %s", r.status, r.body)
	}

	for _, tc := range []struct {
		name, body, ctype string
		status            int
	}{
		{"malformed JSON", `{"id":"X","title":`, "application/json", 400},
		{"missing title", `{"id":"X","description":"d"}`, "application/json", 400},
		{"invalid UTF-8", "{\"id\":\"X\",\"title\":\"\xff\xfe\",\"description\":\"d\"}", "application/json", 400},
		{"empty body", ``, "application/json", 400},
		{"unsupported type", `x`, "image/png", 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, app, "POST", "/api/v1/offers", strings.NewReader(tc.body), "Content-Type", tc.ctype, "Authorization", auth)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
			r.errorCode(t)
		})
	}
}

// TestBodyLimit sends a body over the limit to a real listening server:
// fasthttp refuses it before any handler runs, still as a JSON error.
func TestBodyLimit(t *testing.T) {
	app := newApp(t, api.Options{BodyLimit: 64 << 10})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Listener(ln)
	t.Cleanup(func() { app.Shutdown() })
	huge := `[` + strings.Repeat(`{"id":"H","title":"t","description":"d"},`, 3000) + `{}]`
	// A raw connection: the server answers 413 from the Content-Length and
	// closes while the body is still being sent, which an http.Client may
	// report as a reset instead of the response.
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	go func() {
		fmt.Fprintf(conn, "POST /api/v1/offers HTTP/1.1\r\nHost: offres\r\nAuthorization: Bearer %s\r\n"+
			"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", adminToken, len(huge), huge)
	}()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	r := response{status: resp.StatusCode, body: b}
	if r.status != 413 || r.errorCode(t) != "body_too_large" {
		t.Fatalf("huge body: %d %s", r.status, b)
	}
}

func TestHealth(t *testing.T) {
	app := newApp(t, api.Options{})
	for _, path := range []string{"/healthz", "/readyz"} {
		if r := do(t, app, "GET", path, nil); r.status != 200 {
			t.Errorf("%s: %d %s", path, r.status, r.body)
		}
	}
	r := do(t, app, "GET", "/api/v1/openapi.json", nil)
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	r.decode(t, &doc)
	if r.status != 200 || !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi: %d %s", r.status, r.body)
	}
	// Every route the server answers is documented.
	for _, rt := range app.GetRoutes(true) {
		if rt.Path == "/" || strings.HasSuffix(rt.Path, "*") || rt.Method == "HEAD" {
			continue
		}
		p := strings.ReplaceAll(strings.ReplaceAll(rt.Path, ":id", "{id}"), ":pid", "{pid}")
		if doc.Paths[p][strings.ToLower(rt.Method)] == nil {
			t.Errorf("route %s %s missing from openapi.json", rt.Method, rt.Path)
		}
	}
}
