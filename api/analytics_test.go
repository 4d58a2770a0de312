package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"offres/api"
	"offres/internal/analytics"
	"offres/internal/engine"
	"offres/internal/offres"
)

// analyticsApp serves the demo corpus with search analytics stored in a
// snapshot file; it returns the engine for keys and the store to save.
func analyticsApp(t *testing.T, opts api.Options) (*fiber.App, *engine.Engine, *analytics.Store, string) {
	t.Helper()
	eng := demoEngine(t)
	path := filepath.Join(t.TempDir(), "analytics.json")
	store, err := analytics.Open(analytics.Options{Path: path, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	if opts.AdminToken == "" {
		opts.AdminToken = adminToken
	}
	app := api.New(api.Deps{Search: eng.Search(), Offers: eng, Recruiters: eng, Analytics: store}, opts)
	return app, eng, store, path
}

func postEvents(t *testing.T, app *fiber.App, body string, headers ...string) response {
	t.Helper()
	h := append([]string{"Content-Type", "application/json"}, headers...)
	return do(t, app, "POST", "/api/v1/events", strings.NewReader(body), h...)
}

func TestEventsValidation(t *testing.T) {
	app, _, _, _ := analyticsApp(t, api.Options{EventsPerMinute: 1000})
	many := make([]string, 51)
	for i := range many {
		many[i] = `{"type":"search","query":"infirmier","results":1}`
	}
	for _, tc := range []struct {
		name, body, ctype string
		status            int
	}{
		{"search", `{"events":[{"type":"search","query":"infirmier","results":3}]}`, "", 202},
		{"beacon as text/plain", `{"events":[{"type":"search","query":"infirmier","results":3}]}`, "text/plain;charset=UTF-8", 202},
		{"not json", `{"events":`, "", 400},
		{"no events", `{"events":[]}`, "", 400},
		{"too many events", `{"events":[` + strings.Join(many, ",") + `]}`, "", 400},
		{"unknown field", `{"events":[{"type":"search","query":"x","results":1,"ip":"1.2.3.4"}]}`, "", 400},
		{"unknown top-level field", `{"events":[{"type":"search","query":"x","results":1}],"user":"u"}`, "", 400},
		{"unknown type", `{"events":[{"type":"view","query":"x"}]}`, "", 400},
		{"negative results", `{"events":[{"type":"search","query":"x","results":-2}]}`, "", 400},
		{"click without offer", `{"events":[{"type":"click","query":"x","position":1}]}`, "", 400},
		{"two documents", `{"events":[{"type":"search","query":"x","results":1}]} {}`, "", 400},
		{"form content type", `events=1`, "application/x-www-form-urlencoded", 400},
		{"huge body", `{"events":[{"type":"search","query":"` + strings.Repeat("a", 20<<10) + `","results":1}]}`, "", 413},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctype := tc.ctype
			if ctype == "" {
				ctype = "application/json"
			}
			r := do(t, app, "POST", "/api/v1/events", strings.NewReader(tc.body), "Content-Type", ctype)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
			if r.status >= 400 {
				r.errorCode(t) // a JSON error with a message
			}
		})
	}
	// A message names the faulty event, in French.
	r := postEvents(t, app, `{"events":[{"type":"search","query":"a","results":1},{"type":"click","query":"a","offer_id":"x","position":0}]}`)
	if r.status != 400 || !strings.Contains(string(r.body), "événement 2 : position") {
		t.Errorf("faulty event not named: %d %s", r.status, r.body)
	}
}

// TestAnalyticsFlow: the widget's events, then the report, with its access
// rules (admin token or analyst key; no key, a wrong one or a recruiter's
// refused), and no personal data anywhere.
func TestAnalyticsFlow(t *testing.T) {
	app, eng, store, path := analyticsApp(t, api.Options{EventsPerMinute: 1000})
	r := postEvents(t, app, `{"events":[
		{"type":"search","query":"Infirmier","results":10},
		{"type":"click","query":"Infirmier","offer_id":"CHT-Médecine-2026-03","position":1},
		{"type":"click","query":"Infirmier","offer_id":"offre-qui-n-existe-pas","position":2},
		{"type":"search","query":"infirmier","results":10},
		{"type":"search","query":"boulanger","results":0},
		{"type":"search","query":"marie.dupont@exemple.nc","results":0},
		{"type":"search","query":"06 12 34 56 78","results":0}]}`)
	if r.status != 202 {
		t.Fatalf("events: %d %s", r.status, r.body)
	}
	var res struct{ Counted, Dropped int }
	r.decode(t, &res)
	// One client: its second « infirmier » search does not count (one a
	// day per client and query, issue 13).
	if res.Counted != 3 || res.Dropped != 4 {
		t.Errorf("counted %d, dropped %d; want 3, 4 (two personal queries, one unknown offer, one repeat)", res.Counted, res.Dropped)
	}

	// Access.
	ctx := context.Background()
	_, analyst, err := eng.CreateKey(ctx, "DSIN statistiques", offres.RoleAnalyst)
	if err != nil {
		t.Fatal(err)
	}
	_, recruiter, err := eng.CreateKey(ctx, "DRH", offres.RoleRecruiter)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, auth string
		status     int
	}{
		{"no token", "", 401},
		{"not bearer", "Basic " + adminToken, 401},
		{"wrong token", "Bearer nope", 401},
		{"wrong key", "Bearer " + analyst[:len(analyst)-2] + "xx", 401},
		{"recruiter key", "Bearer " + recruiter, 403},
		{"admin token", "Bearer " + adminToken, 200},
		{"analyst key", "Bearer " + analyst, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var h []string
			if tc.auth != "" {
				h = []string{"Authorization", tc.auth}
			}
			r := do(t, app, "GET", "/api/v1/admin/analytics", nil, h...)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
			if r.status != 200 {
				r.errorCode(t)
			}
		})
	}

	r = do(t, app, "GET", "/api/v1/admin/analytics?days=7&limit=5", nil, "Authorization", "Bearer "+adminToken)
	var rep analytics.Report
	r.decode(t, &rep)
	if rep.Days != 7 || rep.To != "2026-11-28" || rep.Totals.Searches != 2 || rep.Totals.NoResults != 1 || rep.Totals.Clicks != 1 {
		t.Errorf("report: %s", r.body)
	}
	if len(rep.PopularQueries) == 0 || rep.PopularQueries[0].Query != "infirmier" || rep.PopularQueries[0].Searches != 1 ||
		rep.PopularQueries[0].ClickThrough != 1 {
		t.Errorf("popular queries: %+v", rep.PopularQueries)
	}
	if len(rep.NoResultQueries) != 1 || rep.NoResultQueries[0].Query != "boulanger" {
		t.Errorf("no-result queries: %+v", rep.NoResultQueries)
	}
	if len(rep.TopOffers) != 1 || rep.TopOffers[0].OfferID != "CHT-Médecine-2026-03" {
		t.Errorf("top offers: %+v", rep.TopOffers)
	}
	if rep.Totals.DroppedQueries != 2 {
		t.Errorf("dropped queries %d, want 2", rep.Totals.DroppedQueries)
	}
	for _, bad := range []string{"days=0x", "days=400", "limit=0&days=-1", "limit=500", "day=7"} {
		if r := do(t, app, "GET", "/api/v1/admin/analytics?"+bad, nil, "Authorization", "Bearer "+adminToken); r.status != 400 {
			t.Errorf("%s: %d %s", bad, r.status, r.body)
		}
	}

	// What is stored: no personal query, no address, no time of day.
	if err := store.Save(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{"dupont", "exemple.nc", "06 12", "0.0.0.0", "127.0.0.1", "Mozilla", "2026-11-28T"} {
		if strings.Contains(string(b), leak) || strings.Contains(string(r.body), leak) {
			t.Errorf("%q stored or reported: %s", leak, b)
		}
	}
	if ip := regexp.MustCompile(`\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b`).Find(b); ip != nil {
		t.Errorf("an IP address in the snapshot: %s", ip)
	}
	var snap map[string]any
	if err := json.Unmarshal(b, &snap); err != nil {
		t.Fatalf("snapshot: %v", err)
	}
}

func TestEventsRateLimited(t *testing.T) {
	app, _, _, _ := analyticsApp(t, api.Options{EventsPerMinute: 3})
	body := `{"events":[{"type":"search","query":"infirmier","results":1}]}`
	for i := range 3 {
		if r := postEvents(t, app, body); r.status != 202 {
			t.Fatalf("request %d: %d %s", i+1, r.status, r.body)
		}
	}
	r := postEvents(t, app, body)
	if r.status != 429 || r.errorCode(t) != "rate_limited" {
		t.Errorf("4th request: %d %s", r.status, r.body)
	}
	// Searching is not limited by the events' budget.
	if r := do(t, app, "GET", "/api/v1/search?q=infirmier", nil); r.status != 200 {
		t.Errorf("search after the events limit: %d", r.status)
	}
}

func TestAnalyticsUnavailable(t *testing.T) {
	eng := demoEngine(t)
	app := api.New(api.Deps{Search: eng.Search(), Offers: eng, Recruiters: eng}, api.Options{AdminToken: adminToken})
	if r := postEvents(t, app, `{"events":[{"type":"search","query":"x","results":1}]}`); r.status != 503 {
		t.Errorf("events without analytics: %d", r.status)
	}
	if r := do(t, app, "GET", "/api/v1/admin/analytics", nil, "Authorization", "Bearer "+adminToken); r.status != 503 {
		t.Errorf("report without analytics: %d", r.status)
	}
}

func TestCORS(t *testing.T) {
	const portal = "https://emploi.province-sud.nc"
	app, _, _, _ := analyticsApp(t, api.Options{CORSOrigins: []string{portal, "https://*.example.nc"}})
	for _, tc := range []struct {
		origin, want string
	}{
		{portal, portal},
		{"https://www.example.nc", "https://www.example.nc"},
		{"https://evil.example.com", ""},
	} {
		// The preflight of the widget's JSON POST.
		r := respond(t, app, "OPTIONS", "/api/v1/events", "Origin", tc.origin,
			"Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type")
		if got := r.Header.Get("Access-Control-Allow-Origin"); got != tc.want {
			t.Errorf("preflight from %s: Allow-Origin %q, want %q", tc.origin, got, tc.want)
		}
		if tc.want != "" && !strings.Contains(strings.ToLower(r.Header.Get("Access-Control-Allow-Headers")), "content-type") {
			t.Errorf("preflight from %s: Allow-Headers %q", tc.origin, r.Header.Get("Access-Control-Allow-Headers"))
		}
		r = respond(t, app, "GET", "/api/v1/suggest?q=infi", "Origin", tc.origin)
		if got := r.Header.Get("Access-Control-Allow-Origin"); got != tc.want || r.StatusCode != 200 {
			t.Errorf("GET from %s: %d, Allow-Origin %q, want %q", tc.origin, r.StatusCode, got, tc.want)
		}
		if r.Header.Get("Access-Control-Allow-Credentials") == "true" {
			t.Error("credentials allowed")
		}
	}
	// Without origins configured: same origin only.
	bare, _, _, _ := analyticsApp(t, api.Options{})
	r := respond(t, bare, "GET", "/api/v1/suggest?q=infi", "Origin", portal)
	if got := r.Header.Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("no CORS configured, yet Allow-Origin %q", got)
	}
}

func TestCheckCORSOrigins(t *testing.T) {
	for _, tc := range []struct {
		name    string
		origins []string
		ok      bool
	}{
		{"none", nil, true},
		{"one", []string{"https://emploi.province-sud.nc"}, true},
		{"with port", []string{"http://localhost:3000"}, true},
		{"subdomains", []string{"https://*.province-sud.nc"}, true},
		{"every origin", []string{"*"}, true},
		{"star among others", []string{"*", "https://a.nc"}, false},
		{"path", []string{"https://a.nc/emploi"}, false},
		{"no scheme", []string{"emploi.province-sud.nc"}, false},
		{"other scheme", []string{"ftp://a.nc"}, false},
		{"query", []string{"https://a.nc?x=1"}, false},
		{"star in the middle", []string{"https://a.*.nc"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := api.CheckCORSOrigins(tc.origins); (err == nil) != tc.ok {
				t.Errorf("CheckCORSOrigins(%q) = %v", tc.origins, err)
			}
		})
	}
}

// respond sends a request with headers and returns the response, its body
// closed: for the tests that look at headers.
func respond(t *testing.T, app *fiber.App, method, target string, headers ...string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := app.Test(req, 10_000)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	resp.Body.Close()
	return resp
}

// TestAnalyticsInflation is finding 9 of issue 13: three POSTs made a
// fabricated query the top search and gave an offer 75 clicks. One client
// now counts once a day per query and per offer.
func TestAnalyticsInflation(t *testing.T) {
	app, _, _, _ := analyticsApp(t, api.Options{EventsPerMinute: 1000})
	var events []string
	for range 25 {
		events = append(events, `{"type":"search","query":"requête fabriquée","results":3}`,
			`{"type":"click","query":"requête fabriquée","offer_id":"CHT-Médecine-2026-03","position":1}`)
	}
	for range 3 {
		if r := postEvents(t, app, `{"events":[`+strings.Join(events, ",")+`]}`); r.status != 202 {
			t.Fatalf("events: %d %s", r.status, r.body)
		}
	}
	r := do(t, app, "GET", "/api/v1/admin/analytics?days=1", nil, "Authorization", "Bearer "+adminToken)
	var rep analytics.Report
	r.decode(t, &rep)
	if len(rep.PopularQueries) != 1 || rep.PopularQueries[0].Searches != 1 || len(rep.TopOffers) != 1 || rep.TopOffers[0].Clicks != 1 {
		t.Errorf("one client moved the rankings: %s", r.body)
	}
}
