package api_test

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"offres/api"
	"offres/web"
)

// The portal's files are served with their content type, an ETag and their
// cache policy; / is the demo portal page embedding the widget.
func TestWebAssets(t *testing.T) {
	eng := demoEngine(t)
	app := api.New(api.Deps{Search: eng.Search(), Offers: eng, Web: web.Assets}, api.Options{})
	for _, tc := range []struct {
		path, ctype, cache, contains string
	}{
		{"/", "text/html; charset=utf-8", "no-cache", `<offres-search`},
		{"/", "text/html; charset=utf-8", "no-cache", `<script src="/widget.js" defer></script>`},
		{"/analytics", "text/html; charset=utf-8", "no-cache", "Statistiques de recherche"},
		{"/widget.js", "text/javascript; charset=utf-8", "public, max-age=3600", "customElements.define('offres-search'"},
		{"/widget.js?v=2", "text/javascript; charset=utf-8", "public, max-age=3600", "offres-search"},
		{"/static/widget.js", "text/javascript; charset=utf-8", "public, max-age=3600", "offres-search"},
		{"/static/demo.css", "text/css; charset=utf-8", "public, max-age=3600", ".wrap"},
		{"/static/analytics.js", "text/javascript; charset=utf-8", "public, max-age=3600", "/api/v1/admin/analytics"},
		{"/static/favicon.svg", "image/svg+xml", "public, max-age=3600", "<svg"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			resp, err := app.Test(httptest.NewRequest("GET", tc.path, nil), 5000)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body strings.Builder
			if _, err := io.Copy(&body, resp.Body); err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, body.String())
			}
			if got := resp.Header.Get("Content-Type"); got != tc.ctype {
				t.Errorf("Content-Type %q, want %q", got, tc.ctype)
			}
			if got := resp.Header.Get("Cache-Control"); got != tc.cache {
				t.Errorf("Cache-Control %q, want %q", got, tc.cache)
			}
			if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Error("no X-Content-Type-Options: nosniff")
			}
			etag := resp.Header.Get("ETag")
			if !strings.HasPrefix(etag, `"`) || len(etag) < 10 {
				t.Errorf("ETag %q", etag)
			}
			if strings.HasPrefix(tc.ctype, "text/html") {
				if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
					t.Errorf("page without a strict CSP: %q", csp)
				}
			}
			if !strings.Contains(body.String(), tc.contains) {
				t.Errorf("body lacks %q", tc.contains)
			}
			// Revalidation costs a 304 without body.
			req := httptest.NewRequest("GET", tc.path, nil)
			req.Header.Set("If-None-Match", etag)
			resp2, err := app.Test(req, 5000)
			if err != nil {
				t.Fatal(err)
			}
			defer resp2.Body.Close()
			var body2 strings.Builder
			io.Copy(&body2, resp2.Body)
			if resp2.StatusCode != 304 || body2.Len() != 0 {
				t.Errorf("If-None-Match: status %d, %d bytes; want 304, none", resp2.StatusCode, body2.Len())
			}
		})
	}
	for _, path := range []string{"/static/missing.js", "/static/../api.go", "/static/%2e%2e/web.go", "/static/", "/widget.css"} {
		r := do(t, app, "GET", path, nil)
		if r.status != 404 {
			t.Errorf("%s: status %d, want 404", path, r.status)
		} else if code := r.errorCode(t); code != "not_found" {
			t.Errorf("%s: code %q", path, code)
		}
	}
	if r := do(t, app, "GET", "/widget.js?callback=x", nil); r.status != 400 {
		t.Errorf("unknown parameter on /widget.js: %d", r.status)
	}

	// Without the files, the pages are not found.
	bare := api.New(api.Deps{Search: eng.Search(), Offers: eng}, api.Options{})
	for _, path := range []string{"/", "/widget.js", "/static/demo.css"} {
		if r := do(t, bare, "GET", path, nil); r.status != 404 {
			t.Errorf("%s without web files: %d", path, r.status)
		}
	}
}

func TestPagesTakeAnyParameter(t *testing.T) {
	eng := demoEngine(t)
	app := api.New(api.Deps{Search: eng.Search(), Offers: eng, Web: web.Assets}, api.Options{})
	if r := do(t, app, "GET", "/?utm_source=portail&x=1", nil); r.status != 200 {
		t.Errorf("/ with a portal's parameters: %d", r.status)
	}
	if r := do(t, app, "GET", "/api/v1/search?categori=A", nil); r.status != 400 {
		t.Errorf("an API route still refuses unknown parameters: %d", r.status)
	}
}
