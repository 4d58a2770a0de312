package fulltext

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"offres/internal/offres"
)

// snapshotQueries are searches of every shape the snapshot cache serves:
// filters of each facet and deadline status, closed offers in or out,
// sorts and pages.
func snapshotQueries(texts []string) []offres.Query {
	filters := []map[string][]string{
		nil,
		{offres.FacetCommune: {"Nouméa", "Dumbéa"}},
		{offres.FacetCategory: {"A", "B"}, offres.FacetCommune: {"Nouméa", "Le Mont-Dore", "Dumbéa"}},
		{offres.FacetDeadline: {string(offres.StatusClosingSoon)}},
		{offres.FacetDeadline: {string(offres.StatusClosed), string(offres.StatusExpired)}},
		{offres.FacetContract: {offres.ContractCDD}, offres.FacetDeadline: {string(offres.StatusOpen)}},
		{offres.FacetEmployer: {"nobody"}},
	}
	var out []offres.Query
	for _, text := range texts {
		for _, f := range filters {
			for _, closed := range []bool{false, true} {
				for _, sort := range []string{offres.SortRelevance, offres.SortDeadline} {
					for _, page := range []int{1, 2} {
						out = append(out, offres.Query{Text: text, Filters: f, IncludeClosed: closed, Sort: sort,
							Page: page, Limit: 5, Fuzzy: true, Today: today})
					}
				}
			}
		}
	}
	return out
}

// snapshotAnswer runs q in every way the cache serves it: Search, Rank,
// Search of the ranking's ids (a page of a fused ranking), Passing,
// Filtered.
func snapshotAnswer(t *testing.T, ix *Index, q offres.Query) string {
	t.Helper()
	ctx := context.Background()
	res, err := ix.Search(ctx, q)
	if err != nil {
		t.Fatalf("Search(%+v): %v", q, err)
	}
	rank, err := ix.Rank(ctx, q, 50)
	if err != nil {
		t.Fatalf("Rank(%+v): %v", q, err)
	}
	byIDs := q
	byIDs.IDs = rank.IDs
	page, err := ix.Search(ctx, byIDs)
	if err != nil {
		t.Fatalf("Search(%+v): %v", byIDs, err)
	}
	passing, err := ix.Passing(ctx, q, append(rank.IDs, "IDE-1", "DEV-1", "missing"))
	if err != nil {
		t.Fatalf("Passing(%+v): %v", q, err)
	}
	filtered, few, err := ix.Filtered(ctx, q, 40)
	if err != nil {
		t.Fatalf("Filtered(%+v): %v", q, err)
	}
	slices.Sort(filtered) // a set
	b, err := json.Marshal([]any{res, page, passing, rank, filtered, few})
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%q %v closed %v, sort %s, page %d: %s", q.Text, q.Filters, q.IncludeClosed, q.Sort, q.Page, b)
}

// compareUncached checks that ix answers each of qs as it does without its
// snapshot cache, twice (the second time from the cache), on one snapshot:
// scores change with the segments, which the index merges in the
// background.
func compareUncached(t *testing.T, ix *Index, qs []offres.Query) {
	t.Helper()
	for _, q := range qs {
		for attempt := 0; ; attempt++ {
			before, err := ix.reader()
			if err != nil {
				t.Fatal(err)
			}
			ix.snaps.off = true
			want := snapshotAnswer(t, ix, q)
			ix.snaps.off = false
			got := []string{snapshotAnswer(t, ix, q), snapshotAnswer(t, ix, q)}
			same := ix.sameSnapshot(before)
			before.Close()
			if !same {
				if attempt == 20 {
					t.Fatal("the index never stood still")
				}
				continue
			}
			for round, g := range got {
				if g != want {
					t.Fatalf("round %d: with the snapshot cache:\n%s\nwithout:\n%s", round, g, want)
				}
			}
			break
		}
	}
	ix.snaps.mu.Lock()
	defer ix.snaps.mu.Unlock()
	if len(ix.snaps.filters) == 0 || len(ix.snaps.docs) == 0 {
		t.Fatalf("the cache was not used: %d filters, %d document numbers", len(ix.snaps.filters), len(ix.snaps.docs))
	}
}

// TestSnapshotCacheSameResults: the filters collected once per snapshot
// and the document numbers of a ranking change no result.
func TestSnapshotCacheSameResults(t *testing.T) {
	backends(t, func(t *testing.T, ix *Index) {
		compareUncached(t, ix, snapshotQueries([]string{"", "infirmier", "IDE", "développeur web", "réseaux", "infirmeir", "ATSEM-1"}))
	})
}

// TestSnapshotCacheManySegments is TestSnapshotCacheSameResults on 3,000
// offers of the shared data, indexed in batches (several segments).
func TestSnapshotCacheManySegments(t *testing.T) {
	offers := loadTestOffers(t, 3000)
	ix, err := Open(t.TempDir()+"/index", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for i := 0; i < len(offers); i += 500 {
		if err := ix.Upsert(context.Background(), offers[i:i+500]); err != nil {
			t.Fatal(err)
		}
	}
	compareUncached(t, ix, snapshotQueries([]string{"", "vendeur", "aide soignant", "chef de projet", "boulanger", "cuisinier"}))
}

// TestSnapshotCacheFollowsChanges: a change of the index is a new
// snapshot, which the cache does not answer from the previous one.
func TestSnapshotCacheFollowsChanges(t *testing.T) {
	ctx := context.Background()
	ix := newTestIndex(t, true)
	q := offres.Query{Text: "infirmier", Filters: map[string][]string{offres.FacetCommune: {"Nouméa"}}, Today: today, Limit: 10}
	before := runSearch(t, ix, q)
	if !contains(hitIDs(before), "IDE-1") {
		t.Fatalf("before the change: %v, want IDE-1", hitIDs(before))
	}
	if _, err := ix.Rank(ctx, q, 10); err != nil {
		t.Fatal(err)
	}
	moved := fixtures()[0]
	moved.Location = offres.Location{Commune: "Dumbéa"}
	if err := ix.Upsert(ctx, []offres.Offer{moved}); err != nil {
		t.Fatal(err)
	}
	after := runSearch(t, ix, q)
	if contains(hitIDs(after), "IDE-1") {
		t.Fatalf("after IDE-1 moved to Dumbéa: %v", hitIDs(after))
	}
	q.IDs = []string{"IDE-1", "IDE-2"}
	if got := hitIDs(runSearch(t, ix, q)); contains(got, "IDE-1") {
		t.Fatalf("the ids after the change: %v", got)
	}
	if err := ix.Delete(ctx, []string{"IDE-2"}); err != nil {
		t.Fatal(err)
	}
	if got := hitIDs(runSearch(t, ix, q)); len(got) != 0 {
		t.Fatalf("the ids after IDE-2's deletion: %v", got)
	}
	compareUncached(t, ix, snapshotQueries([]string{"infirmier", ""}))
}
