package fulltext

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"offres/internal/lexicon"
	"offres/internal/offres"
)

func TestSynonyms(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string // all of them among the hits
		not        []string // none of them among the hits
	}{
		{"acronym to multi-word title", "IDE", []string{"IDE-1", "IDE-2"}, nil},
		{"multi-word to acronym", "infirmier diplômé d'État", []string{"IDE-1", "IDE-2"}, nil},
		{"ATSEM finds the long title", "ATSEM", []string{"ATSEM-1"}, nil},
		{"long title finds itself", "agent territorial spécialisé des écoles maternelles", []string{"ATSEM-1"}, nil},
		{"DSIN finds the direction", "DSIN", []string{"DEV-1", "3134-25-0308/SR"}, nil},
		{"paita finds Païta", "paita", []string{"ATSEM-1"}, nil},
		{"Tontouta is in Païta", "Tontouta", []string{"ATSEM-1"}, nil},
		{"programmeur finds développeur", "programmeur", []string{"DEV-1"}, nil},
		{"dev finds développeur", "dev", []string{"DEV-1"}, nil},
		{"one-way informaticien finds développeur", "informaticien", []string{"DEV-1"}, nil},
		{"one-way not backwards", "développeur", []string{"DEV-1"}, []string{"XSS-1"}},
		{"stop-word acronym AS in capitals", "AS", []string{"AS-1"}, nil},
		{"Mont-Dore variants", "Boulari", []string{"RESEAU-1"}, nil},
	}
	backends(t, func(t *testing.T, ix *Index) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				ids := hitIDs(runSearch(t, ix, offres.Query{Text: tt.text, IncludeClosed: true}))
				for _, id := range tt.want {
					if !contains(ids, id) {
						t.Errorf("Search(%q) = %q, want %q among them", tt.text, ids, id)
					}
				}
				for _, id := range tt.not {
					if contains(ids, id) {
						t.Errorf("Search(%q) = %q, want no %q", tt.text, ids, id)
					}
				}
			})
		}
	})
}

func TestStopWordsOnlyIsNoText(t *testing.T) {
	ix := newTestIndex(t, false)
	// "as" in lower case is the verb, a stop word: not the acronym.
	for _, text := range []string{"as", "le la les", "(H/F)", "+ - :"} {
		got, all := runSearch(t, ix, offres.Query{Text: text}), runSearch(t, ix, offres.Query{})
		if !slices.Equal(hitIDs(got), hitIDs(all)) {
			t.Errorf("Search(%q) = %q, want all offers, most recent first", text, hitIDs(got))
		}
	}
}

func TestSynonymsDisabled(t *testing.T) {
	ix, err := OpenMemory(Options{Synonyms: []lexicon.Group{}})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Upsert(context.Background(), fixtures()); err != nil {
		t.Fatal(err)
	}
	if ids := hitIDs(runSearch(t, ix, offres.Query{Text: "programmeur"})); len(ids) != 0 {
		t.Errorf("without synonyms, programmeur found %q", ids)
	}
}

func TestFuzzy(t *testing.T) {
	tests := []struct {
		name, text string
		fuzzy      bool
		want       string // first hit, "" for none
	}{
		{"transposition in a 9-rune word", "infirmeir", true, "IDE-1"},
		{"missing letter", "developeur", true, "DEV-1"},
		{"typo needs fuzzy", "infirmeir", false, ""},
		{"short words are exact", "cdu", true, ""},
		{"two edits on a long word", "comptablle", true, "COMPTA-1"},
	}
	backends(t, func(t *testing.T, ix *Index) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				ids := hitIDs(runSearch(t, ix, offres.Query{Text: tt.text, Fuzzy: tt.fuzzy, IncludeClosed: true}))
				switch {
				case tt.want == "" && len(ids) > 0:
					t.Errorf("Search(%q) = %q, want nothing", tt.text, ids)
				case tt.want != "" && (len(ids) == 0 || ids[0] != tt.want):
					t.Errorf("Search(%q) = %q, want %q first", tt.text, ids, tt.want)
				}
			})
		}
	})
}

func TestFuzziness(t *testing.T) {
	for n, want := range map[int]int{1: 0, 4: 0, 5: 1, 8: 1, 9: 2, 15: 2} {
		if got := fuzziness(n); got != want {
			t.Errorf("fuzziness(%d) = %d, want %d", n, got, want)
		}
	}
}

func TestExactOutranksFuzzy(t *testing.T) {
	backends(t, func(t *testing.T, ix *Index) {
		// "sécurité" (stem securit) is exact in SECU-1, one edit away from
		// "sécurisés" (securis) in SECU-2, which has it twice.
		ids := hitIDs(runSearch(t, ix, offres.Query{Text: "sécurité", Fuzzy: true, IncludeClosed: true}))
		if !slices.Equal(ids, []string{"SECU-1", "SECU-2"}) {
			t.Errorf("Search(sécurité) = %q, want SECU-1 then SECU-2", ids)
		}
	})
}

// TestAllTermsFirst: the offers with every term rank first and are the
// exact matches; those with some of the terms follow, without a reason that
// is a match (matched_by), as BM25 would rank them.
func TestAllTermsFirst(t *testing.T) {
	backends(t, func(t *testing.T, ix *Index) {
		// IDE-1 has "infirmier" in its title; IDE-2 has both terms (nuit,
		// and IDE for infirmier); COMPTA-1 and AS-1 have "nuit" only.
		res := runSearch(t, ix, offres.Query{Text: "infirmier nuit"})
		ids := hitIDs(res)
		if len(ids) < 2 || ids[0] != "IDE-2" || res.ExactTotal != 1 {
			t.Errorf("Search(infirmier nuit) = %q, exact %d: want IDE-2 first, the one offer with both terms", ids, res.ExactTotal)
		}
		for _, h := range res.Hits {
			exact := slices.Contains(h.MatchedBy, offres.MatchKeyword)
			if exact != (h.ID == "IDE-2") {
				t.Errorf("%s matched_by %q: only IDE-2 has every term", h.ID, h.MatchedBy)
			}
		}
		// No offer has every term: those with some of them, the most first.
		ids = hitIDs(runSearch(t, ix, offres.Query{Text: "infirmier nuit volcanologue"}))
		if len(ids) < 3 || ids[0] != "IDE-2" {
			t.Errorf("Search(infirmier nuit volcanologue) = %q, want the partial matches, IDE-2 first", ids)
		}
	})
}

func TestExactReferenceFirst(t *testing.T) {
	for _, text := range []string{"3134-25-0308/SR", " 3134-25-0308/sr ", "3134 25 0308 SR"} {
		backends(t, func(t *testing.T, ix *Index) {
			ids := hitIDs(runSearch(t, ix, offres.Query{Text: text, Fuzzy: true}))
			if len(ids) == 0 || ids[0] != "3134-25-0308/SR" {
				t.Errorf("Search(%q) = %q, want the reference first", text, ids)
			}
		})
	}
}

func TestUserTextIsNotSyntax(t *testing.T) {
	backends(t, func(t *testing.T, ix *Index) {
		for _, text := range []string{"+infirmier -nuit", "infirmier·ère", "title:comptable", `"chef de projet`, "a AND (b OR", "*", "~2^3", "\\", "<script>", "’'"} {
			if _, err := ix.Search(context.Background(), offres.Query{Text: text, Today: today, Fuzzy: true}); err != nil {
				t.Errorf("Search(%q): %v", text, err)
			}
		}
		ids := hitIDs(runSearch(t, ix, offres.Query{Text: "title:comptable"}))
		if len(ids) == 0 || ids[0] != "COMPTA-1" {
			t.Errorf("Search(title:comptable) = %q, want COMPTA-1 found as text", ids)
		}
	})
}

func TestFilters(t *testing.T) {
	tests := []struct {
		name    string
		filters map[string][]string
		closed  bool
		want    []string // sorted
	}{
		{"commune", map[string][]string{"commune": {"Nouméa"}}, false,
			[]string{"3134-25-0308/SR", "COMPTA-1", "DEV-1", "IDE-1", "IDE-2", "SECU-2", "XSS-1"}},
		{"commune folded", map[string][]string{"commune": {"NOUMEA"}}, false,
			[]string{"3134-25-0308/SR", "COMPTA-1", "DEV-1", "IDE-1", "IDE-2", "SECU-2", "XSS-1"}},
		{"commune variant", map[string][]string{"commune": {"Tontouta"}}, false, []string{"ATSEM-1"}},
		{"commune as indexed from a variant", map[string][]string{"commune": {"Le Mont-Dore"}}, true, []string{"RESEAU-1"}},
		{"or within a facet", map[string][]string{"commune": {"Dumbéa", "Bourail"}}, false, []string{"AS-1", "EVT-1"}},
		{"and across facets", map[string][]string{"commune": {"Nouméa"}, "category": {"A"}}, false,
			[]string{"3134-25-0308/SR", "DEV-1", "IDE-1"}},
		{"category", map[string][]string{"category": {"C"}}, false, []string{"ATSEM-1"}},
		{"contract type", map[string][]string{"contract_type": {"cdd"}}, false, []string{"EVT-1", "IDE-2"}},
		{"employer", map[string][]string{"employer": {"Province Sud"}}, false, []string{"3134-25-0308/SR", "DEV-1", "IDE-1"}},
		{"direction", map[string][]string{"direction": {"Direction du Système d'Information et du Numérique"}}, true,
			[]string{"3134-25-0308/SR", "DEV-1", "RESEAU-1"}},
		// EVT-1 and SECU-2 have no deadline and were published less than
		// offres.DefaultUndatedOpenDays ago: open.
		{"deadline open", map[string][]string{"deadline_status": {"open"}}, false,
			[]string{"COMPTA-1", "DEV-1", "EVT-1", "IDE-1", "IDE-2", "SECU-2", "XSS-1"}},
		{"deadline closing soon", map[string][]string{"deadline_status": {"closing_soon"}}, false,
			[]string{"3134-25-0308/SR", "AS-1", "ATSEM-1"}},
		{"deadline unknown", map[string][]string{"deadline_status": {"unknown"}}, false, nil},
		{"deadline closed asked explicitly", map[string][]string{"deadline_status": {"closed"}}, false, []string{"RESEAU-1", "SECU-1"}},
		{"deadline closed or open", map[string][]string{"deadline_status": {"closed", "open"}}, false,
			[]string{"COMPTA-1", "DEV-1", "EVT-1", "IDE-1", "IDE-2", "RESEAU-1", "SECU-1", "SECU-2", "XSS-1"}},
		{"unknown value filters to nothing", map[string][]string{"commune": {"Paris"}}, false, nil},
		{"unknown status filters to nothing", map[string][]string{"deadline_status": {"someday"}}, false, nil},
		{"empty value list filters nothing", map[string][]string{"commune": {}}, false,
			[]string{"3134-25-0308/SR", "AS-1", "ATSEM-1", "COMPTA-1", "DEV-1", "EVT-1", "IDE-1", "IDE-2", "SECU-2", "XSS-1"}},
	}
	backends(t, func(t *testing.T, ix *Index) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := runSearch(t, ix, offres.Query{Filters: tt.filters, IncludeClosed: tt.closed})
				ids := hitIDs(res)
				slices.Sort(ids)
				if !slices.Equal(ids, tt.want) {
					t.Errorf("filters %v = %q, want %q", tt.filters, ids, tt.want)
				}
				if res.Total != len(tt.want) {
					t.Errorf("Total = %d, want %d", res.Total, len(tt.want))
				}
			})
		}
	})
}

func TestUnknownFilterIsInvalid(t *testing.T) {
	ix := newTestIndex(t, false)
	_, err := ix.Search(context.Background(), offres.Query{Filters: map[string][]string{"salary": {"high"}}, Today: today})
	if !errors.Is(err, offres.ErrInvalid) {
		t.Errorf("err = %v, want ErrInvalid", err)
	}
}

func TestClosedExcluded(t *testing.T) {
	tests := []struct {
		name   string
		q      offres.Query
		closed bool // whether closed offers are expected
	}{
		{"default", offres.Query{}, false},
		{"text", offres.Query{Text: "sécurité réseaux"}, false},
		{"include closed", offres.Query{IncludeClosed: true}, true},
		{"closed status filter", offres.Query{Filters: map[string][]string{"deadline_status": {"closed", "open"}}}, true},
		{"other status filter", offres.Query{Filters: map[string][]string{"deadline_status": {"open", "closing_soon", "unknown"}}}, false},
	}
	isClosed := map[string]bool{"RESEAU-1": true, "SECU-1": true} // 2026-11-20, and the month 2026-10
	backends(t, func(t *testing.T, ix *Index) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := runSearch(t, ix, tt.q)
				got := false
				for _, h := range res.Hits {
					got = got || isClosed[h.ID]
					if h.DeadlineStatus == offres.StatusClosed && !isClosed[h.ID] {
						t.Errorf("%s reported closed", h.ID)
					}
				}
				if got != tt.closed {
					t.Errorf("closed offers in %q: %v, want %v", hitIDs(res), got, tt.closed)
				}
			})
		}
	})
}

func TestHitDeadlines(t *testing.T) {
	ix := newTestIndex(t, false)
	res := runSearch(t, ix, offres.Query{IncludeClosed: true})
	byID := make(map[string]offres.Hit)
	for _, h := range res.Hits {
		byID[h.ID] = h
	}
	tests := []struct {
		id     string
		status offres.DeadlineStatus
		days   *int
	}{
		{"3134-25-0308/SR", offres.StatusClosingSoon, ptr(0)}, // deadline today
		{"ATSEM-1", offres.StatusClosingSoon, ptr(3)},
		{"IDE-1", offres.StatusOpen, ptr(22)},
		{"DEV-1", offres.StatusOpen, ptr(33)}, // month only: 2026-12-31
		{"RESEAU-1", offres.StatusClosed, ptr(-8)},
		{"SECU-1", offres.StatusClosed, ptr(-28)}, // month only: 2026-10-31
		{"EVT-1", offres.StatusOpen, nil},         // no deadline, published 54 days ago
	}
	for _, tt := range tests {
		h, ok := byID[tt.id]
		if !ok {
			t.Errorf("%s not found", tt.id)
			continue
		}
		if h.DeadlineStatus != tt.status || !equalPtr(h.DaysLeft, tt.days) {
			t.Errorf("%s: status %s days %v, want %s %v", tt.id, h.DeadlineStatus, deref(h.DaysLeft), tt.status, deref(tt.days))
		}
	}
	h := byID["DEV-1"]
	want := offres.Hit{
		ID: "DEV-1", Title: "Développeur web full stack", Employer: "Province Sud",
		Direction: "Direction du Système d'Information et du Numérique", Commune: "Nouméa", Category: "A",
		ContractType: offres.ContractContractuel, Deadline: offres.Date{Year: 2026, Month: 12},
		PublishedAt: date(2026, 11, 15),
	}
	h.Score, h.DaysLeft, h.DeadlineStatus = 0, nil, ""
	if fmt.Sprint(h) != fmt.Sprint(want) {
		t.Errorf("hit = %+v\nwant  %+v", h, want)
	}
	if got := byID["RESEAU-1"].Commune; got != "Le Mont-Dore" {
		t.Errorf("commune %q, want the official spelling Le Mont-Dore", got)
	}
}

func ptr(n int) *int { return &n }

func equalPtr(a, b *int) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func deref(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestFacets(t *testing.T) {
	backends(t, func(t *testing.T, ix *Index) {
		res := runSearch(t, ix, offres.Query{Filters: map[string][]string{"commune": {"Nouméa"}}})
		for _, name := range offres.FacetNames {
			if _, ok := res.Facets[name]; !ok {
				t.Errorf("facet %q missing", name)
			}
		}
		tests := []struct {
			facet string
			want  []offres.FacetValue
		}{
			{"commune", []offres.FacetValue{{Value: "Nouméa", Count: 7}}},
			{"category", []offres.FacetValue{{Value: "A", Count: 3}, {Value: "B", Count: 1}}},
			{"contract_type", []offres.FacetValue{{Value: "titulaire", Count: 2}, {Value: "cdd", Count: 1}, {Value: "contractuel", Count: 2}}},
			{"deadline_status", []offres.FacetValue{{Value: "open", Count: 6}, {Value: "closing_soon", Count: 1}}},
			{"employer", []offres.FacetValue{
				{Value: "Province Sud", Count: 3}, {Value: "Clinique de l'Anse", Count: 1}, {Value: "Gardiennage du Sud", Count: 1},
				{Value: "Société <b>Test</b>", Count: 1}, {Value: "Ville de Nouméa", Count: 1},
			}},
		}
		for _, tt := range tests {
			got := res.Facets[tt.facet]
			if !sameFacet(got, tt.want) {
				t.Errorf("facet %s = %v, want %v", tt.facet, got, tt.want)
			}
		}
		// Counts are sorted, largest first.
		for _, name := range []string{"commune", "category", "contract_type", "employer", "direction"} {
			if !slices.IsSortedFunc(res.Facets[name], func(a, b offres.FacetValue) int { return b.Count - a.Count }) {
				t.Errorf("facet %s not sorted by count: %v", name, res.Facets[name])
			}
		}
		// The closed bucket counts when closed offers are included.
		res = runSearch(t, ix, offres.Query{IncludeClosed: true, Text: "sécurité réseaux"})
		if !slices.Contains(res.Facets["deadline_status"], offres.FacetValue{Value: "closed", Count: 2}) {
			t.Errorf("deadline_status = %v, want 2 closed", res.Facets["deadline_status"])
		}
	})
}

// sameFacet compares facet values regardless of the order of equal counts.
func sameFacet(a, b []offres.FacetValue) bool {
	key := func(v offres.FacetValue) string { return fmt.Sprintf("%s=%d", v.Value, v.Count) }
	x, y := make([]string, len(a)), make([]string, len(b))
	for i := range a {
		x[i] = key(a[i])
	}
	for i := range b {
		y[i] = key(b[i])
	}
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}

func TestSort(t *testing.T) {
	tests := []struct {
		name string
		q    offres.Query
		want []string
	}{
		{"deadline soonest first, unknown last", offres.Query{Sort: offres.SortDeadline},
			[]string{"3134-25-0308/SR", "ATSEM-1", "AS-1", "IDE-1", "XSS-1", "DEV-1", "IDE-2", "COMPTA-1", "EVT-1", "SECU-2"}},
		{"published newest first, unknown last", offres.Query{Sort: offres.SortPublished, IncludeClosed: true},
			[]string{"COMPTA-1", "ATSEM-1", "DEV-1", "IDE-2", "AS-1", "XSS-1", "IDE-1", "EVT-1", "RESEAU-1", "SECU-2", "3134-25-0308/SR", "SECU-1"}},
		{"relevance without text is recency", offres.Query{},
			[]string{"COMPTA-1", "ATSEM-1", "DEV-1", "IDE-2", "AS-1", "XSS-1", "IDE-1", "EVT-1", "SECU-2", "3134-25-0308/SR"}},
		{"relevance ties by deadline", offres.Query{Text: "Gardiennage", IncludeClosed: true},
			[]string{"SECU-1", "SECU-2"}},
		{"deadline sort with text", offres.Query{Text: "infirmier", Sort: offres.SortDeadline},
			[]string{"IDE-1", "IDE-2"}},
	}
	backends(t, func(t *testing.T, ix *Index) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if got := hitIDs(runSearch(t, ix, tt.q)); !slices.Equal(got, tt.want) {
					t.Errorf("got  %q\nwant %q", got, tt.want)
				}
			})
		}
	})
}

func TestPagination(t *testing.T) {
	backends(t, func(t *testing.T, ix *Index) {
		all := hitIDs(runSearch(t, ix, offres.Query{Sort: offres.SortDeadline, IncludeClosed: true}))
		var paged []string
		for page := 1; ; page++ {
			res := runSearch(t, ix, offres.Query{Sort: offres.SortDeadline, IncludeClosed: true, Page: page, Limit: 5})
			if res.Total != len(all) || res.Page != page || res.Limit != 5 {
				t.Fatalf("page %d: total %d page %d limit %d, want %d %d 5", page, res.Total, res.Page, res.Limit, len(all), page)
			}
			if len(res.Hits) == 0 {
				break
			}
			paged = append(paged, hitIDs(res)...)
		}
		if !slices.Equal(paged, all) {
			t.Errorf("pages = %q, want %q", paged, all)
		}
		res := runSearch(t, ix, offres.Query{Page: 100, Limit: 50})
		if len(res.Hits) != 0 || res.Total != 10 {
			t.Errorf("far page: %d hits, total %d", len(res.Hits), res.Total)
		}
	})
}

func TestDefaultsAndInvalidQueries(t *testing.T) {
	ix := newTestIndex(t, false)
	res, err := ix.Search(context.Background(), offres.Query{Today: today})
	if err != nil {
		t.Fatal(err)
	}
	if res.Page != 1 || res.Limit != offres.DefaultLimit || len(res.Hits) != offres.DefaultLimit {
		t.Errorf("defaults: page %d limit %d hits %d", res.Page, res.Limit, len(res.Hits))
	}
	invalid := []offres.Query{
		{Text: strings.Repeat("a", offres.MaxQueryLen+1)},
		{Page: -1},
		{Page: offres.MaxPage + 1},
		{Limit: -1},
		{Limit: offres.MaxPageSize + 1},
		{Sort: "salary"},
		{Today: offres.Date{Year: 2026, Month: 11}},
	}
	for _, q := range invalid {
		if q.Today.IsZero() {
			q.Today = today
		}
		if _, err := ix.Search(context.Background(), q); !errors.Is(err, offres.ErrInvalid) {
			t.Errorf("Search(%+v) = %v, want ErrInvalid", q, err)
		}
	}
}

func TestTodayDefaultsToNow(t *testing.T) {
	ix, err := OpenMemory(Options{Now: func() time.Time { return today.Time() }})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Upsert(context.Background(), fixtures()); err != nil {
		t.Fatal(err)
	}
	res, err := ix.Search(context.Background(), offres.Query{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 10 {
		t.Errorf("total %d, want the 10 offers open on %s", res.Total, today)
	}
}

func TestHighlights(t *testing.T) {
	backends(t, func(t *testing.T, ix *Index) {
		res := runSearch(t, ix, offres.Query{Text: "script alert", IncludeClosed: true})
		if len(res.Hits) == 0 || res.Hits[0].ID != "XSS-1" {
			t.Fatalf("hits %q, want XSS-1", hitIDs(res))
		}
		h := res.Hits[0].Highlights
		title := h["title"]
		if len(title) != 1 {
			t.Fatalf("title highlights = %q", title)
		}
		want := "Technicien &lt;<mark>script</mark>&gt;<mark>alert</mark>(1)&lt;/<mark>script</mark>&gt; support"
		if title[0] != want {
			t.Errorf("title highlight = %q\nwant %q", title[0], want)
		}
		for field, frags := range h {
			for _, f := range frags {
				raw := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(f)
				if strings.ContainsAny(raw, "<>") {
					t.Errorf("%s fragment %q has raw tags", field, f)
				}
			}
		}
		if text := h["text"]; len(text) == 0 || !strings.Contains(text[0], "&lt;img src=x onerror=<mark>alert</mark>(1)&gt;") {
			t.Errorf("text highlights = %q", text)
		}

		res = runSearch(t, ix, offres.Query{Text: "programmeur postgresql"})
		if len(res.Hits) == 0 {
			t.Fatal("no hit")
		}
		h = res.Hits[0].Highlights
		if got := h["title"]; len(got) != 1 || got[0] != "<mark>Développeur</mark> web full stack" {
			t.Errorf("synonym highlighted in title = %q", got)
		}
		if got := h["skills"]; len(got) != 1 || got[0] != "<mark>PostgreSQL</mark>" {
			t.Errorf("skills highlights = %q", got)
		}
		// No text, no highlights.
		if res := runSearch(t, ix, offres.Query{}); res.Hits[0].Highlights != nil {
			t.Errorf("highlights without text: %v", res.Hits[0].Highlights)
		}
	})
}

func TestHighlightsFragmentsPerField(t *testing.T) {
	ix, err := OpenMemory(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	long := strings.Repeat("Une longue phrase de remplissage sans rapport avec le sujet. ", 8)
	o := offres.Offer{
		ID: "LONG-1", Title: "Infirmier", Location: offres.Location{Commune: "Nouméa"},
		Description: strings.Repeat("Le poste d'infirmier. "+long, 6),
	}
	if err := ix.Upsert(context.Background(), []offres.Offer{o}); err != nil {
		t.Fatal(err)
	}
	res := runSearch(t, ix, offres.Query{Text: "infirmier"})
	if got := res.Hits[0].Highlights["text"]; len(got) != maxFragmentsPerField {
		t.Errorf("%d text fragments, want %d: %q", len(got), maxFragmentsPerField, got)
	}
}

// TestBodyHighlightsFollowMatches: the body has no term vectors; its
// highlights come from the query terms and from the variants the query
// matched in the other fields (here a typo matched in the title).
func TestBodyHighlightsFollowMatches(t *testing.T) {
	ix, err := OpenMemory(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	o := offres.Offer{ID: "B-1", Title: "Infirmier", Description: "Poste d'infirmier de nuit au dispensaire."}
	if err := ix.Upsert(context.Background(), []offres.Offer{o}); err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"infirmiers dispensaire", "infirmeir"} {
		res := runSearch(t, ix, offres.Query{Text: text, Fuzzy: true})
		if len(res.Hits) != 1 {
			t.Fatalf("%q: %d hits", text, len(res.Hits))
		}
		got := strings.Join(res.Hits[0].Highlights["text"], " ")
		if !strings.Contains(got, "<mark>d&#39;infirmier</mark>") && !strings.Contains(got, "<mark>infirmier</mark>") {
			t.Errorf("%q: body highlights %q", text, got)
		}
	}
}

func TestSearchCancelled(t *testing.T) {
	ix := newTestIndex(t, false)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ix.Search(ctx, offres.Query{Text: "infirmier", Today: today}); !errors.Is(err, context.Canceled) {
		t.Errorf("Search with a cancelled context = %v, want context.Canceled", err)
	}
	if err := ix.Upsert(ctx, fixtures()); !errors.Is(err, context.Canceled) {
		t.Errorf("Upsert with a cancelled context = %v, want context.Canceled", err)
	}
}

// TestUndatedOffersExpire: an offer without a deadline is open for the
// undated window after its publication, then expired: hidden unless closed
// offers are asked for, counted and filtered as such, and the window is the
// query's.
func TestUndatedOffersExpire(t *testing.T) {
	backends(t, func(t *testing.T, ix *Index) {
		later := offres.Date{Year: 2026, Month: 12, Day: 2} // SECU-2 (1 Oct) is 62 days old, EVT-1 (5 Oct) 58
		res := runSearch(t, ix, offres.Query{Today: later})
		if ids := hitIDs(res); slices.Contains(ids, "SECU-2") || !slices.Contains(ids, "EVT-1") {
			t.Errorf("open offers on %s: %q, want EVT-1 and not SECU-2", later, ids)
		}
		res = runSearch(t, ix, offres.Query{Today: later, Filters: map[string][]string{"deadline_status": {"expired"}}})
		if ids := hitIDs(res); !slices.Equal(ids, []string{"SECU-2"}) {
			t.Errorf("expired offers: %q, want SECU-2", ids)
		}
		res = runSearch(t, ix, offres.Query{Today: later, IncludeClosed: true, Limit: 50})
		found := false
		for _, h := range res.Hits {
			if h.ID == "SECU-2" {
				found = true
				if h.DeadlineStatus != offres.StatusExpired || h.DaysLeft != nil {
					t.Errorf("SECU-2: status %s days %v, want expired without days", h.DeadlineStatus, deref(h.DaysLeft))
				}
			}
		}
		if !found {
			t.Error("include_closed does not show the expired offer")
		}
		if !sameFacet(res.Facets["deadline_status"][len(res.Facets["deadline_status"])-1:], []offres.FacetValue{{Value: "expired", Count: 1}}) {
			t.Errorf("deadline_status facet %v: want expired 1 last", res.Facets["deadline_status"])
		}
		// A longer window keeps it open.
		res = runSearch(t, ix, offres.Query{Today: later, UndatedOpenDays: 90})
		if ids := hitIDs(res); !slices.Contains(ids, "SECU-2") {
			t.Errorf("with a 90-day window SECU-2 is hidden: %q", ids)
		}
	})
}

// TestEverydayExpression: an everyday expression of the lexicon (the input
// of a one-way group) matches as the expression or one of its alternatives
// in the title, skills or employer, not as its words scattered in a text
// (« garde d'enfants » in an agency's benefits and « travailler » in the
// missions); the body, indexed without positions, cannot tell the phrase.
func TestEverydayExpression(t *testing.T) {
	ix, err := OpenMemory(Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	offers := []offres.Offer{
		{ID: "AGENCY", Title: "Opérateur en masquage", Employer: "Intérim du Sud",
			Description: "Vous travaillerez en équipe sur la ligne de peinture. Avantages : garde d'enfants, mutuelle."},
		{ID: "PERI", Title: "Animateur périscolaire", Employer: "Ville de Nouméa",
			Description: "Encadrement des activités de la pause méridienne."},
		{ID: "SAID", Title: "Agent d'accueil", Employer: "Ville de Dumbéa",
			Description: "Vous aimez travailler avec des enfants et leurs familles."},
		{ID: "SKILL", Title: "Agent d'accueil", Employer: "Ville de Païta",
			Description: "Accueil du public.", Skills: []offres.Skill{{Label: "Travailler avec des enfants"}}},
	}
	if err := ix.Upsert(context.Background(), offers); err != nil {
		t.Fatal(err)
	}
	res := runSearch(t, ix, offres.Query{Text: "travailler avec des enfants"})
	exact := map[string]bool{}
	for _, h := range res.Hits {
		exact[h.ID] = slices.Contains(h.MatchedBy, offres.MatchKeyword) || slices.Contains(h.MatchedBy, offres.MatchTitle)
	}
	want := map[string]bool{"AGENCY": false, "PERI": true, "SAID": false, "SKILL": true}
	for id, w := range want {
		if exact[id] != w {
			t.Errorf("« travailler avec des enfants »: %s a match %v, want %v (hits %q, %d exact)", id, exact[id], w, hitIDs(res), res.ExactTotal)
		}
	}
}
