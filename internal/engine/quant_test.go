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
	// exact returns the float32 cosines of the k passages nearest q.
	exact := func(q []float32, k int) map[string]float64 {
		type hit struct {
			id    string
			score float64
		}
		all := make([]hit, len(rows))
		for i, r := range rows {
			var s float64
			for j, x := range r.vec {
				s += float64(x) * float64(q[j])
			}
			all[i] = hit{r.id, s}
		}
		slices.SortFunc(all, func(a, b hit) int { return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(a.id, b.id)) })
		out := map[string]float64{}
		for _, h := range all[:min(k, len(all))] {
			out[h.id] = h.score
		}
		return out
	}
	for _, k := range []int{10, 300} {
		found, total, queries := 0, 0, 0
		worst := 0.0
		for i := 0; i < len(base); i += 5 {
			q, err := e.sem.EmbedQuery(ctx, base[i].Title)
			if err != nil || q == nil {
				continue
			}
			qn, _ := vectors.Normalize(q)
			queries++
			want := exact(qn, k)
			got, err := mem.Search(ctx, q, k, -1, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range got {
				if s, ok := want[h.ID]; ok {
					found++
					worst = max(worst, math.Abs(float64(h.Score)-s))
				}
			}
			total += len(want)
		}
		recall := float64(found) / float64(total)
		t.Logf("int8 rows: recall@%d %.4f against the float32 scan (%d queries, %d passages); worst score error %.4f",
			k, recall, queries, len(rows), worst)
		if queries < 100 || recall < 0.98 {
			t.Errorf("recall@%d = %.4f over %d queries, want ≥ 0.98 over ≥ 100", k, recall, queries)
		}
		if worst > 0.01 {
			t.Errorf("a score is %.4f off its float32 cosine", worst)
		}
	}
}
