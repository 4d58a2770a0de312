package search

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"offres/internal/demo"
	"offres/internal/fulltext"
	"offres/internal/offres"
)

// fuzzNow is the fixed time of the fuzz targets: 28 November 2026 in Nouméa.
var fuzzNow = func() time.Time { return time.Date(2026, 11, 28, 1, 0, 0, 0, time.UTC) }

// FuzzRequest feeds the parameters of GET /api/v1/search (q, sort, page,
// limit, one filter, include_closed, fuzzy, mode) to the request parser and
// runs the search over the demo corpus:
//   - a rejected request is a UserError of kind ErrInvalid with a message,
//     and Search rejects it too;
//   - an accepted one is within the bounds (text trimmed, UTF-8, at most
//     offres.MaxQueryLen runes; page, limit, sort and filters valid), and
//     parsing it again gives the same query;
//   - its search succeeds, in keyword mode (no semantic layer), with the
//     page and limit asked, no offer twice, and every hit has the filtered
//     value and is open unless closed offers are asked for.
//
// Alone, for longer:
//
//	go test ./search -run '^$' -fuzz '^FuzzRequest$' -fuzztime 60s
func FuzzRequest(f *testing.F) {
	offers, err := demo.Load()
	if err != nil {
		f.Fatal(err)
	}
	ix, err := fulltext.OpenMemory(fulltext.Options{Now: fuzzNow})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { ix.Close() })
	if err := ix.Upsert(context.Background(), offers); err != nil {
		f.Fatal(err)
	}
	s := New(ix, Options{Now: fuzzNow})

	// facet picks offres.FacetNames[facet], or no filter past the end, or
	// an unknown filter name at 255.
	f.Add("infirmier", "", 0, 0, uint8(0), "Nouméa", false, false, "")
	f.Add("  chef de projet  ", "deadline", 2, 5, uint8(1), "A", true, true, "keyword")
	f.Add("", "published", 1, 50, uint8(2), "cdd", false, false, "hybrid")
	f.Add("agent", "relevance", 100, 1, uint8(3), "Province Sud", true, false, "semantic")
	f.Add("éducateur", "", 0, 0, uint8(5), "closing_soon", false, false, "")
	f.Add("x", "", 0, 0, uint8(5), "closed", false, false, "")
	f.Add("mont-dore", "", 0, 0, uint8(0), "mont dore (le)", false, false, "")
	f.Add("\xff", "", 0, 0, uint8(9), "", false, false, "")
	f.Add("a", "score", -1, 51, uint8(255), "x", false, false, "fuzzy")
	f.Fuzz(func(t *testing.T, text, sort string, page, limit int, facet uint8, value string, includeClosed, noFuzzy bool, mode string) {
		r := Request{Text: text, Sort: sort, Page: page, Limit: limit, IncludeClosed: includeClosed, NoFuzzy: noFuzzy, Mode: mode}
		name := ""
		switch {
		case int(facet) < len(offres.FacetNames):
			name = offres.FacetNames[facet]
		case facet == 255:
			name = "salary"
		}
		if name != "" {
			r.Filters = map[string][]string{name: {value}}
		}
		ctx := context.Background()

		q, err := s.query(r)
		if err != nil {
			checkInvalid(t, "query", err)
			if _, err := s.Search(ctx, r); err == nil {
				t.Fatalf("Search accepted what the parser rejects: %+v", r)
			}
			return
		}
		checkQuery(t, r, q)
		again, err := s.query(Request{Text: q.Text, Sort: q.Sort, Page: q.Page, Limit: q.Limit, Filters: q.Filters,
			IncludeClosed: q.IncludeClosed, NoFuzzy: !q.Fuzzy})
		if err != nil || !reflect.DeepEqual(again, q) {
			t.Fatalf("parsing the query again: %+v, %v; want %+v", again, err, q)
		}

		res, err := s.Search(ctx, r)
		switch mode {
		case "", offres.ModeKeyword, offres.ModeSemantic, offres.ModeHybrid:
		default:
			checkInvalid(t, "mode", err)
			return
		}
		if err != nil {
			t.Fatalf("Search(%+v): %v", r, err)
		}
		if res.Mode != offres.ModeKeyword || res.Page != q.Page || res.Limit != q.Limit || len(res.Hits) > q.Limit {
			t.Fatalf("mode %q, page %d, limit %d, %d hits; asked page %d, limit %d", res.Mode, res.Page, res.Limit, len(res.Hits), q.Page, q.Limit)
		}
		seen := map[string]bool{}
		for _, h := range res.Hits {
			if seen[h.ID] {
				t.Fatalf("offer %s twice", h.ID)
			}
			seen[h.ID] = true
			if !hasValue(h, name, strings.TrimSpace(value)) {
				t.Fatalf("hit %s (%+v) does not have %s=%q", h.ID, h, name, value)
			}
			if !includeClosed && h.DeadlineStatus.Closed() && !(name == offres.FacetDeadline && strings.TrimSpace(value) == string(h.DeadlineStatus)) {
				t.Fatalf("closed offer %s without include_closed", h.ID)
			}
		}
	})
}

// checkInvalid wants a UserError of kind ErrInvalid with a message.
func checkInvalid(t *testing.T, what string, err error) {
	t.Helper()
	var ue *offres.UserError
	if !errors.As(err, &ue) || !errors.Is(err, offres.ErrInvalid) || ue.Message == "" {
		t.Fatalf("%s: %v (%T), want a UserError of kind ErrInvalid", what, err, err)
	}
}

// checkQuery checks the bounds of a parsed query.
func checkQuery(t *testing.T, r Request, q offres.Query) {
	t.Helper()
	switch {
	case q.Text != strings.TrimSpace(r.Text), !utf8.ValidString(q.Text), utf8.RuneCountInString(q.Text) > offres.MaxQueryLen:
		t.Fatalf("text %q from %q", q.Text, r.Text)
	case q.Page < 1 || q.Page > offres.MaxPage, q.Limit < 1 || q.Limit > offres.MaxPageSize:
		t.Fatalf("page %d, limit %d", q.Page, q.Limit)
	case !slices.Contains([]string{offres.SortRelevance, offres.SortDeadline, offres.SortPublished}, q.Sort):
		t.Fatalf("sort %q", q.Sort)
	case q.Fuzzy == r.NoFuzzy, q.IncludeClosed != r.IncludeClosed, q.Today != offres.Today(fuzzNow):
		t.Fatalf("query %+v from %+v", q, r)
	}
	for name, values := range q.Filters {
		if !slices.Contains(offres.FacetNames, name) || len(values) == 0 || len(values) > offres.MaxFacetSize {
			t.Fatalf("filter %s=%q", name, values)
		}
		for _, v := range values {
			if v == "" || v != strings.TrimSpace(v) || !utf8.ValidString(v) {
				t.Fatalf("filter %s value %q", name, v)
			}
		}
	}
}

// hasValue reports whether a hit has the value of a facet filter ("" name:
// no filter): the same folded value (the official spelling of a commune),
// the deadline status.
func hasValue(h offres.Hit, name, value string) bool {
	var got string
	switch name {
	case "":
		return true
	case offres.FacetDeadline:
		return string(h.DeadlineStatus) == value
	case offres.FacetCommune:
		if c, ok := offres.LookupCommune(value); ok {
			value = c.Name
		}
		got = h.Commune
	case offres.FacetCategory:
		got = h.Category
	case offres.FacetContract:
		got = h.ContractType
	case offres.FacetEmployer:
		got = h.Employer
	case offres.FacetDirection:
		got = h.Direction
	case offres.FacetRome:
		return slices.ContainsFunc(h.Occupations, func(o offres.Occupation) bool { return offres.FoldKey(o.Code) == offres.FoldKey(value) })
	}
	return offres.FoldKey(got) == offres.FoldKey(value)
}
