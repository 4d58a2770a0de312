package api_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"offres/api"
	"offres/internal/metrics"
	"offres/internal/offres"
)

// The access classes of routes.
const (
	public, recruiter, admin, analyst = "public", "recruiter", "admin", "analyst"
)

// routeClasses is the access class of every route the server answers.
var routeClasses = map[string]string{
	"GET /healthz":                       public,
	"GET /readyz":                        public,
	"GET /api/v1/openapi.json":           public,
	"GET /api/v1/search":                 public,
	"GET /api/v1/search.atom":            public,
	"GET /api/v1/suggest":                public,
	"POST /api/v1/ask":                   public,
	"POST /api/v1/match":                 public,
	"GET /api/v1/offers/:id":             public,
	"GET /api/v1/offers/:id/similar":     public,
	"GET /":                              public,
	"GET /analytics":                     public,
	"GET /widget.js":                     public,
	"GET /static/*":                      public,
	"POST /api/v1/events":                public,
	"GET /offres/:id":                    public,
	"GET /sitemap.xml":                   public,
	"GET /robots.txt":                    public,
	"POST /api/v1/offers/:id/candidates": recruiter,
	"POST /api/v1/profiles":              recruiter,
	"GET /api/v1/profiles":               recruiter,
	"GET /api/v1/profiles/:pid":          recruiter,
	"DELETE /api/v1/profiles/:pid":       recruiter,
	"POST /api/v1/offers":                admin,
	"DELETE /api/v1/offers/:id":          admin,
	"GET /api/v1/admin/analytics":        analyst,
	"GET /metrics":                       analyst,
	"GET /debug/pprof/*":                 admin,
}

// TestRouteAccess walks every route the server answers: each must have its
// access class here (a new route fails until it is classified); without
// credentials a non-public route answers 401; no public route, and no
// recruiter route called with another key, shows a stored profile.
func TestRouteAccess(t *testing.T) {
	app, eng := newFullApp(t, api.Options{}, nil, func(d *api.Deps) { d.Metrics = metrics.New() })
	owner, other := key(t, eng, offres.RoleRecruiter), key(t, eng, offres.RoleRecruiter)
	body := `{"text":` + string(must(json.Marshal(nurseCVText))) + `}`
	r := do(t, app, "POST", "/api/v1/profiles", strings.NewReader(body), "Content-Type", "application/json", "Authorization", "Bearer "+owner)
	if r.status != 201 {
		t.Fatalf("create profile: %d %s", r.status, r.body)
	}
	var profile struct{ ID string }
	r.decode(t, &profile)
	leaks := func(b []byte) bool {
		return strings.Contains(string(b), "xq7") || strings.Contains(string(b), profile.ID)
	}

	// What a caller would send: the profile's words as queries, so a route
	// that searched profiles would show it.
	queries := map[string]string{
		"/api/v1/search":  "?q=Marqueur-unique-xq7&include_closed=true",
		"/api/v1/suggest": "?q=Marqueur",
	}
	bodies := map[string]string{
		"/api/v1/ask":    `{"question":"Quels postes d'infirmière à Dumbéa ?"}`,
		"/api/v1/match":  `{"text":"Géomètre topographe, 5 ans d'expérience, Nouméa."}`,
		"/api/v1/events": `{"events":[{"type":"search","query":"infirmier","results":3}]}`,
	}
	offerID := url.PathEscape("CHT-Médecine-2026-03")
	seen := map[string]bool{}
	for _, rt := range app.GetRoutes(true) {
		if rt.Method == "HEAD" {
			continue
		}
		name := rt.Method + " " + rt.Path
		seen[name] = true
		class, ok := routeClasses[name]
		if !ok {
			t.Errorf("route %s has no access class in this test", name)
			continue
		}
		target := strings.NewReplacer(":id", offerID, ":pid", profile.ID, "*", "heap").Replace(rt.Path) + queries[rt.Path]
		send := func(token string) response {
			headers := []string{"Content-Type", "application/json"}
			if token != "" {
				headers = append(headers, "Authorization", "Bearer "+token)
			}
			return do(t, app, rt.Method, target, strings.NewReader(bodies[rt.Path]), headers...)
		}
		anonymous := send("")
		switch {
		case class == public && anonymous.status == 401:
			t.Errorf("public %s asks for credentials", name)
		case class != public && anonymous.status != 401:
			t.Errorf("%s %s without credentials: %d", class, name, anonymous.status)
		}
		if leaks(anonymous.body) {
			t.Errorf("%s shows the profile without credentials: %.300s", name, anonymous.body)
		}
		if class == recruiter && rt.Method != "DELETE" {
			if r := send(other); leaks(r.body) {
				t.Errorf("%s shows another key's profile: %d %.300s", name, r.status, r.body)
			}
		}
	}
	for name := range routeClasses {
		if !seen[name] {
			t.Errorf("classified route %s is not served", name)
		}
	}
	// The walk deleted nothing of the owner's.
	if r := do(t, app, "GET", "/api/v1/profiles/"+profile.ID, nil, "Authorization", "Bearer "+owner); r.status != 200 {
		t.Fatalf("the owner lost the profile: %d %s", r.status, r.body)
	}
}

// TestAuthFailuresThrottled is finding 7 of issue 13: wrong admin tokens
// were answered 401 as fast as they came (6,500 a second). Past
// AuthFailuresPerMinute refusals, a client is answered 429 on every
// authenticated route, the right token included, until the minute ends;
// another client is not.
func TestAuthFailuresThrottled(t *testing.T) {
	app := newApp(t, api.Options{AuthFailuresPerMinute: 3, TrustedProxies: []string{"0.0.0.0"}})
	get := func(token, client string) int {
		return do(t, app, "GET", "/api/v1/admin/analytics", nil, "Authorization", "Bearer "+token, "X-Forwarded-For", client).status
	}
	for i := range 3 {
		if st := get(fmt.Sprintf("wrong-%d", i), "203.0.113.1"); st != 401 {
			t.Fatalf("attempt %d: %d, want 401", i, st)
		}
	}
	if st := get("wrong-3", "203.0.113.1"); st != 429 {
		t.Errorf("4th wrong token: %d, want 429", st)
	}
	if st := get(adminToken, "203.0.113.1"); st != 429 {
		t.Errorf("the right token from a throttled client: %d, want 429", st)
	}
	r := do(t, app, "DELETE", "/api/v1/profiles/x", nil, "Authorization", "Bearer ofr_x", "X-Forwarded-For", "203.0.113.1")
	if r.status != 429 {
		t.Errorf("a recruiter route from a throttled client: %d, want 429", r.status)
	}
	if code := r.errorCode(t); code != "rate_limited" {
		t.Errorf("code %q", code)
	}
	if st := get(adminToken, "203.0.113.2"); st == 429 || st == 401 {
		t.Errorf("another client: %d", st)
	}
}
