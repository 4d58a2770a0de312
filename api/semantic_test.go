package api_test

import (
	"net/url"
	"strings"
	"testing"

	"offres/api"
	"offres/internal/offres"
)

func TestSearchModes(t *testing.T) {
	app := newApp(t, api.Options{})
	for _, mode := range []string{"keyword", "semantic", "hybrid"} {
		r := do(t, app, "GET", "/api/v1/search?q="+url.QueryEscape("protéger la faune marine")+"&mode="+mode, nil)
		if r.status != 200 {
			t.Fatalf("mode %s: status %d: %s", mode, r.status, r.body)
		}
		var res offres.Result
		r.decode(t, &res)
		if res.Mode != mode {
			t.Errorf("mode %s answered in mode %q", mode, res.Mode)
		}
		if mode != "keyword" {
			if len(res.Hits) == 0 {
				t.Fatalf("mode %s: no hit for a paraphrase: %s", mode, r.body)
			}
			if p := res.Hits[0].Passage; p == nil || p.Text == "" || !strings.HasPrefix(p.ID, res.Hits[0].ID+"#") {
				t.Errorf("mode %s: first hit without its passage: %s", mode, r.body)
			}
		}
	}
	r := do(t, app, "GET", "/api/v1/search?q=x&mode=neural", nil)
	if r.status != 400 || r.errorCode(t) != "invalid_request" {
		t.Errorf("unknown mode: %d %s", r.status, r.body)
	}
}

func TestSimilarRoute(t *testing.T) {
	app := newApp(t, api.Options{})
	r := do(t, app, "GET", "/api/v1/offers/"+url.PathEscape("PS-2026-0640/DSIN")+"/similar?limit=3", nil)
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	var res offres.Result
	r.decode(t, &res)
	if len(res.Hits) == 0 || len(res.Hits) > 3 {
		t.Fatalf("%d similar offers: %s", len(res.Hits), r.body)
	}
	for _, h := range res.Hits {
		if h.ID == "PS-2026-0640/DSIN" {
			t.Errorf("the offer is similar to itself")
		}
		if h.DeadlineStatus == offres.StatusClosed {
			t.Errorf("closed offer %s without include_closed", h.ID)
		}
	}
	if r := do(t, app, "GET", "/api/v1/offers/absent/similar", nil); r.status != 404 || r.errorCode(t) != "not_found" {
		t.Errorf("similar of an absent offer: %d %s", r.status, r.body)
	}
	if r := do(t, app, "GET", "/api/v1/offers/"+url.PathEscape("PS-2026-0640/DSIN")+"/similar?limit=99", nil); r.status != 400 {
		t.Errorf("limit 99: %d %s", r.status, r.body)
	}
}
