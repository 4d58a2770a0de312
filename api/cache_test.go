package api_test

import (
	"bytes"
	"io"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"offres/api"
)

// TestSearchCache: a search asked again comes from the cache, whatever the
// order of its parameters, until an import or a deletion changes the index.
func TestSearchCache(t *testing.T) {
	app := newApp(t, api.Options{})
	get := func(target string) (string, []byte) {
		t.Helper()
		req := httptest.NewRequest("GET", target, nil)
		resp, err := app.Test(req, 10_000)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != 200 || len(b) == 0 {
			t.Fatalf("%s: %d %s %v", target, resp.StatusCode, b, err)
		}
		return resp.Header.Get("X-Cache"), b
	}
	state, first := get("/api/v1/search?q=infirmier&limit=50&commune=Dumb%C3%A9a")
	if state != "miss" {
		t.Fatalf("first search: X-Cache %q", state)
	}
	state, again := get("/api/v1/search?commune=Dumb%C3%A9a&limit=50&q=infirmier")
	if state != "hit" || !bytes.Equal(first, again) {
		t.Fatalf("the same search again: X-Cache %q, same body %v", state, bytes.Equal(first, again))
	}
	if state, _ := get("/api/v1/search?q=infirmier&limit=49&commune=Dumb%C3%A9a"); state != "miss" {
		t.Fatalf("another page size: X-Cache %q", state)
	}

	auth := []string{"Content-Type", "application/json", "Authorization", "Bearer " + adminToken}
	offer := `{"id":"CACHE-1","title":"Infirmier de nuit","description":"Soins de nuit au centre de Dumbéa.","deadline":"2027-03-01","location":{"commune":"Dumbéa"}}`
	if r := do(t, app, "POST", "/api/v1/offers", strings.NewReader(offer), auth...); r.status != 201 {
		t.Fatalf("import: %d %s", r.status, r.body)
	}
	state, body := get("/api/v1/search?q=infirmier&limit=50&commune=Dumb%C3%A9a")
	if state != "miss" || !bytes.Contains(body, []byte("CACHE-1")) {
		t.Fatalf("after an import: X-Cache %q, new offer listed %v: %.600s", state, bytes.Contains(body, []byte("CACHE-1")), body)
	}
	if r := do(t, app, "DELETE", "/api/v1/offers/"+url.PathEscape("CACHE-1"), nil, auth...); r.status != 204 {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	state, body = get("/api/v1/search?q=infirmier&limit=50&commune=Dumb%C3%A9a")
	if state != "miss" || bytes.Contains(body, []byte("CACHE-1")) {
		t.Fatalf("after a deletion: X-Cache %q, deleted offer listed %v", state, bytes.Contains(body, []byte("CACHE-1")))
	}

	off := newApp(t, api.Options{SearchCacheEntries: -1})
	for range 2 {
		if resp := respond(t, off, "GET", "/api/v1/search?q=infirmier"); resp.Header.Get("X-Cache") != "" {
			t.Fatalf("no cache, yet X-Cache %q", resp.Header.Get("X-Cache"))
		}
	}
}
