package fulltext

import (
	"context"
	"slices"
	"testing"

	"offres/internal/offres"
)

func TestRank(t *testing.T) {
	backends(t, func(t *testing.T, ix *Index) {
		ctx := context.Background()
		q := offres.Query{Text: "infirmier", IncludeClosed: true, Today: today}
		r, err := ix.Rank(ctx, q, 10)
		ids, exact := r.IDs, r.Exact
		if err != nil {
			t.Fatal(err)
		}
		want := hitIDs(runSearch(t, ix, offres.Query{Text: "infirmier", IncludeClosed: true, Limit: 10}))
		if !slices.Equal(ids, want) {
			t.Errorf("Rank = %q, Search = %q: the same ranking was expected", ids, want)
		}
		if len(exact) != 0 {
			t.Errorf("exact = %v for a word of a title, want none", exact)
		}
		// Reference and exact title are exact matches, after folding.
		for text, id := range map[string]string{
			"3134-25-0308/sr":        "3134-25-0308/SR",
			"chef de projet DIGITAL": "3134-25-0308/SR",
			"Comptable":              "COMPTA-1",
		} {
			r, err := ix.Rank(ctx, offres.Query{Text: text, IncludeClosed: true, Today: today}, 5)
			ids, exact := r.IDs, r.Exact
			if err != nil {
				t.Fatal(err)
			}
			if len(ids) == 0 || !exact[id] || len(exact) != 1 {
				t.Errorf("Rank(%q) = %q, exact %v: want %s exact", text, ids, exact, id)
			}
		}
		// Filters apply; no text ranks every offer that passes them.
		r, err = ix.Rank(ctx, offres.Query{Filters: map[string][]string{offres.FacetCommune: {"Nouméa"}}, IncludeClosed: true, Today: today}, 100)
		ids = r.IDs
		if err != nil {
			t.Fatal(err)
		}
		all := runSearch(t, ix, offres.Query{Filters: map[string][]string{offres.FacetCommune: {"Nouméa"}}, IncludeClosed: true})
		if len(ids) != all.Total {
			t.Errorf("Rank with a filter gave %d offers, Search counts %d", len(ids), all.Total)
		}
		// n bounds the ranking.
		if r, _ := ix.Rank(ctx, offres.Query{IncludeClosed: true, Today: today}, 3); len(r.IDs) != 3 {
			ids := r.IDs
			t.Errorf("Rank(n=3) gave %d ids", len(ids))
		}
	})
}

func TestSearchIDs(t *testing.T) {
	backends(t, func(t *testing.T, ix *Index) {
		order := []string{"COMPTA-1", "IDE-2", "SECU-1", "IDE-1", "nope", "DEV-1", "IDE-2"}
		// The given order, the filters (closed offers left out: SECU-1),
		// unknown and repeated ids ignored.
		res := runSearch(t, ix, offres.Query{Text: "infirmier", IDs: order, Limit: 3})
		if got, want := hitIDs(res), []string{"COMPTA-1", "IDE-2", "IDE-1"}; !slices.Equal(got, want) {
			t.Errorf("page 1 = %q, want %q", got, want)
		}
		if res.Total != 4 {
			t.Errorf("total = %d, want 4 (COMPTA-1, IDE-2, IDE-1, DEV-1)", res.Total)
		}
		page2 := runSearch(t, ix, offres.Query{Text: "infirmier", IDs: order, Limit: 3, Page: 2})
		if got := hitIDs(page2); !slices.Equal(got, []string{"DEV-1"}) {
			t.Errorf("page 2 = %q, want [DEV-1]", got)
		}
		// Facets count the restricted set.
		var nouméa int
		for _, v := range res.Facets[offres.FacetCommune] {
			if v.Value == "Nouméa" {
				nouméa = v.Count
			}
		}
		if nouméa != 4 {
			t.Errorf("commune facet Nouméa = %d, want 4: %v", nouméa, res.Facets[offres.FacetCommune])
		}
		// The text highlights the offers it matches, and does not filter.
		for _, h := range res.Hits {
			if h.ID == "IDE-1" && len(h.Highlights) == 0 {
				t.Errorf("IDE-1 has no highlight for infirmier")
			}
			if h.ID == "COMPTA-1" && len(h.Highlights) != 0 {
				t.Errorf("COMPTA-1 has highlights %v for infirmier", h.Highlights)
			}
		}
		// Another sort than relevance orders the set itself.
		byDeadline := runSearch(t, ix, offres.Query{IDs: order, Sort: offres.SortDeadline})
		if got, want := hitIDs(byDeadline), []string{"IDE-1", "DEV-1", "IDE-2", "COMPTA-1"}; !slices.Equal(got, want) {
			t.Errorf("by deadline = %q, want %q", got, want)
		}
	})
}

// TestFiltered checks Filtered against the set of Rank's ids, for queries
// without text as a filtered semantic search makes them: filters, the
// deadline rule, a named job; and false beyond n.
func TestFiltered(t *testing.T) {
	backends(t, func(t *testing.T, ix *Index) {
		ctx := context.Background()
		for _, q := range []offres.Query{
			{Filters: map[string][]string{offres.FacetCommune: {"Nouméa"}}},
			{Filters: map[string][]string{offres.FacetCommune: {"Nouméa", "Dumbéa"}, offres.FacetCategory: {"A", "B"}}},
			{Filters: map[string][]string{offres.FacetCategory: {"B"}}, IncludeClosed: true},
			{Filters: map[string][]string{offres.FacetCommune: {"Nouméa"}}, Occupations: []string{"J1506"}},
			{Filters: map[string][]string{offres.FacetCommune: {"Bourail"}, offres.FacetCategory: {"A"}}},
			{},
		} {
			q.Today = today
			r, err := ix.Rank(ctx, q, 100)
			if err != nil {
				t.Fatal(err)
			}
			want := slices.Sorted(slices.Values(r.IDs))
			got, ok, err := ix.Filtered(ctx, q, 100)
			if err != nil || !ok {
				t.Fatalf("Filtered(%+v) = %v, %v", q, ok, err)
			}
			if slices.Sort(got); !slices.Equal(got, want) {
				t.Errorf("Filtered(%+v) = %q, Rank's set %q", q, got, want)
			}
			if len(want) > 1 {
				if got, ok, err := ix.Filtered(ctx, q, len(want)-1); err != nil || ok || got != nil {
					t.Errorf("Filtered(%+v, %d) = %q, %v, %v: want false beyond n", q, len(want)-1, got, ok, err)
				}
			}
		}
	})
}

// TestRankIndependentOfInsertion: offers that tie on score and deadline
// rank by id, whatever the order they were indexed in (an import writes
// batches concurrently; the evaluations' figures moved by up to 0.04
// nDCG@10 per query from one run to the next before the tie-break).
func TestRankIndependentOfInsertion(t *testing.T) {
	ctx := context.Background()
	var offers []offres.Offer
	for _, id := range []string{"b", "d", "a", "e", "c", "f"} {
		offers = append(offers, offres.Offer{ID: id, Title: "Agent d'accueil", Description: "Accueil du public."})
	}
	rank := func(offers []offres.Offer) ([]string, []string) {
		ix, err := OpenMemory(Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer ix.Close()
		for _, o := range offers { // one batch each: one segment each
			if err := ix.Upsert(ctx, []offres.Offer{o}); err != nil {
				t.Fatal(err)
			}
		}
		r, err := ix.Rank(ctx, offres.Query{Text: "accueil", IncludeClosed: true, Today: today}, 10)
		if err != nil {
			t.Fatal(err)
		}
		return r.IDs, hitIDs(runSearch(t, ix, offres.Query{Text: "accueil", Limit: 10}))
	}
	reversed := slices.Clone(offers)
	slices.Reverse(reversed)
	want := []string{"a", "b", "c", "d", "e", "f"}
	for _, order := range [][]offres.Offer{offers, reversed} {
		ranked, searched := rank(order)
		if !slices.Equal(ranked, want) || !slices.Equal(searched, want) {
			t.Errorf("indexed as %v: Rank %v, Search %v; want %v", ids(order), ranked, searched, want)
		}
	}
}

func ids(offers []offres.Offer) []string {
	out := make([]string, len(offers))
	for i, o := range offers {
		out[i] = o.ID
	}
	return out
}

// TestPlaceAndEmployerWords: an offer's department (its province field)
// is a word of the offer — « emploi en Guyane », « à Saint-Denis de La
// Réunion » —, and « chez » is not a word a query needs: the offer of
// Safran never says « chez Safran ».
func TestPlaceAndEmployerWords(t *testing.T) {
	ix, err := OpenMemory(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	offers := []offres.Offer{
		{ID: "FT1", Title: "Agent de nettoiement", Description: "Nettoyage des rues.", Location: offres.Location{Commune: "ST DENIS", Province: "La Réunion"}},
		{ID: "cifre", Title: "Cifre : simulation de la combustion", Description: "Safran propose une thèse."},
		{ID: "assistant", Title: "Assistant de direction", Description: "Organisation des réunions."}, // « réunion » is a word of the index
	}
	if err := ix.Upsert(ctx, offers); err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string]string{"Réunion nettoiement": "FT1", "thèse chez Safran": "cifre"} {
		r, err := ix.Rank(ctx, offres.Query{Text: text, IncludeClosed: true, Today: today}, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.IDs) == 0 || r.IDs[0] != want || !r.Evidence[want] {
			t.Errorf("%q ranks %v (evidence %v), want %s first with every word", text, r.IDs, r.Evidence, want)
		}
	}
	if ids := hitIDs(runSearch(t, ix, offres.Query{Text: "Réunion", Limit: 10})); !slices.Contains(ids, "FT1") {
		t.Errorf("« Réunion » finds %v, not the offer of La Réunion", ids)
	}
}
