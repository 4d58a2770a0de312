package engine

import (
	"cmp"
	"context"
	"math"
	"slices"
	"testing"

	"offres/internal/offres"
	"offres/internal/vectors"
)

// TestQuantisedRecall measures what the int8 rows of the vector index
// (vectors/quant.go) cost on real passages: the shared offers embedded by
// the built-in model, queried with their titles, against a float32 scan of
// the vectors the catalogue stores. Recall@10 and recall@300 (the passages
// a hybrid search fetches) must be at least 0.98, and no returned score
// more than 0.01 off its float32 cosine.
func TestQuantisedRecall(t *testing.T) {
	base := sharedOffers(t)
	ctx := context.Background()
	e, err := Open(ctx, Options{Dir: t.TempDir(), Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if err := e.importOffers(ctx, base); err != nil {
		t.Fatal(err)
	}
	if err := e.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	mem := e.sem.Index()
	if mem == nil || mem.Approximate() {
		t.Fatal("want an exact in-memory vector index")
	}
	type row struct {
		id  string
		vec []float32
	}
	var rows []row
	err = e.store.ScanPassages(ctx, mem.Model(), func(p offres.Passage, v []float32) error {
		n, ok := vectors.Normalize(v)
		if ok {
			rows = append(rows, row{p.ID, n})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != mem.Len() {
		t.Fatalf("the index holds %d passages, the catalogue %d", mem.Len(), len(rows))
	}
	// exact returns the passages nearest q by their float32 cosines, the
	// k nearest first (k = 300, the passages a hybrid search fetches).
	type hit struct {
		id    string
		score float64
	}
	exact := func(q []float32) []hit {
		all := make([]hit, len(rows))
		for i, r := range rows {
			var s float64
			for j, x := range r.vec {
				s += float64(x) * float64(q[j])
			}
			all[i] = hit{r.id, s}
		}
		slices.SortFunc(all, func(a, b hit) int { return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(a.id, b.id)) })
		return all[:min(300, len(all))]
	}
	ks := []int{10, 300}
	found, total := make([]int, len(ks)), make([]int, len(ks))
	queries, worst := 0, 0.0
	for i := 0; i < len(base); i += 7 {
		q, err := e.sem.EmbedQuery(ctx, base[i].Title)
		if err != nil || q == nil {
			continue
		}
		qn, _ := vectors.Normalize(q)
		queries++
		nearest := exact(qn)
		for j, k := range ks {
			want := map[string]float64{}
			for _, h := range nearest[:min(k, len(nearest))] {
				want[h.id] = h.score
			}
			got, err := mem.Search(ctx, q, k, -1, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range got {
				if s, ok := want[h.ID]; ok {
					found[j]++
					worst = max(worst, math.Abs(float64(h.Score)-s))
				}
			}
			total[j] += len(want)
		}
	}
	for j, k := range ks {
		recall := float64(found[j]) / float64(total[j])
		t.Logf("int8 rows: recall@%d %.4f against the float32 scan (%d queries, %d passages)", k, recall, queries, len(rows))
		if queries < 100 || recall < 0.98 {
			t.Errorf("recall@%d = %.4f over %d queries, want ≥ 0.98 over ≥ 100", k, recall, queries)
		}
	}
	t.Logf("worst score error %.4f", worst)
	if worst > 0.01 {
		t.Errorf("a score is %.4f off its float32 cosine", worst)
	}
}
