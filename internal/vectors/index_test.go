package vectors

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"offres/internal/offres"
)

// randItems returns n random items over nOffers offers (passage i belongs to
// offer i % nOffers).
func randItems(r *rand.Rand, n, dims, nOffers int) []Item {
	items := make([]Item, n)
	for i := range items {
		items[i] = Item{
			ID:      fmt.Sprintf("o%d#p-%d", i%nOffers, i),
			OfferID: fmt.Sprintf("o%d", i%nOffers),
			Vector:  randVec(r, dims),
		}
	}
	return items
}

// bruteForce is the reference search: score every item with the same dot
// product, sort, cut.
func bruteForce(items []Item, q []float32, k int, minScore float32, allowed func(string) bool) []Hit {
	qn, ok := Normalize(q)
	if !ok || k <= 0 {
		return nil
	}
	var all []Hit
	for _, it := range items {
		if allowed != nil && !allowed(it.OfferID) {
			continue
		}
		if s := quantisedScore(qn, it.Vector); s >= minScore {
			all = append(all, Hit{ID: it.ID, OfferID: it.OfferID, Score: s})
		}
	}
	slices.SortFunc(all, func(a, b Hit) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	if len(all) > k {
		all = all[:k]
	}
	return all
}

func mustPut(t *testing.T, ix *Index, items []Item) {
	t.Helper()
	if err := ix.Put(items); err != nil {
		t.Fatal(err)
	}
}

func search(t *testing.T, ix *Index, q []float32, k int, minScore float32, allowed func(string) bool) []Hit {
	t.Helper()
	hits, err := ix.Search(context.Background(), q, k, minScore, allowed)
	if err != nil {
		t.Fatal(err)
	}
	return hits
}

func ids(hits []Hit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.ID
	}
	return out
}

func TestSearchMatchesBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(42, 7))
	even := func(offerID string) bool { return len(offerID)%2 == 0 }
	tests := []struct {
		name     string
		n, dims  int
		k        int
		minScore float32
		allowed  func(string) bool
	}{
		{name: "top 10 of 2000", n: 2000, dims: 64, k: 10, minScore: -1},
		{name: "top 1", n: 500, dims: 33, k: 1, minScore: -1},
		{name: "k larger than the index", n: 50, dims: 16, k: 100, minScore: -1},
		{name: "min score cut", n: 2000, dims: 8, k: 50, minScore: 0.8},
		{name: "min score above everything", n: 200, dims: 64, k: 10, minScore: 0.99},
		{name: "allowed filter", n: 2000, dims: 32, k: 20, minScore: -1, allowed: even},
		{name: "filter and cut", n: 3000, dims: 4, k: 30, minScore: 0.5, allowed: even},
		{name: "k zero", n: 100, dims: 8, k: 0, minScore: -1},
		// Above minShardCodes: scanned in parallel shards, then merged.
		{name: "sharded", n: 20_000, dims: 64, k: 15, minScore: -1},
		{name: "sharded with filter and cut", n: 20_000, dims: 64, k: 40, minScore: 0.2, allowed: even},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items := randItems(r, tt.n, tt.dims, 37)
			ix := New("m", tt.dims)
			mustPut(t, ix, items)
			for range 5 {
				q := randVec(r, tt.dims)
				got := search(t, ix, q, tt.k, tt.minScore, tt.allowed)
				want := bruteForce(items, q, tt.k, tt.minScore, tt.allowed)
				if !slices.Equal(got, want) {
					t.Fatalf("got  %v\nwant %v", got, want)
				}
				for _, h := range got {
					if h.Score < tt.minScore || (tt.allowed != nil && !tt.allowed(h.OfferID)) {
						t.Fatalf("hit %+v breaks the filter", h)
					}
				}
			}
		})
	}
}

func TestSearchTies(t *testing.T) {
	ix := New("m", 2)
	// Same direction, different lengths: identical cosine.
	mustPut(t, ix, []Item{
		{ID: "c", OfferID: "x", Vector: []float32{2, 0}},
		{ID: "a", OfferID: "x", Vector: []float32{1, 0}},
		{ID: "d", OfferID: "y", Vector: []float32{0, 1}},
		{ID: "b", OfferID: "y", Vector: []float32{5, 0}},
	})
	q := []float32{3, 0}
	if got := ids(search(t, ix, q, 2, -1, nil)); !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("top 2 = %v, want [a b]", got)
	}
	if got := ids(search(t, ix, q, 10, -1, nil)); !slices.Equal(got, []string{"a", "b", "c", "d"}) {
		t.Fatalf("all = %v, want [a b c d]", got)
	}
	hits := search(t, ix, q, 1, -1, nil)
	if hits[0].Score < 0.9999 || hits[0].Score > 1.0001 {
		t.Fatalf("score = %v, want 1", hits[0].Score)
	}
}

func TestPutReplaceAndDeleteOffer(t *testing.T) {
	ix := New("m", 3)
	mustPut(t, ix, []Item{
		{ID: "a#1", OfferID: "a", Vector: []float32{1, 0, 0}},
		{ID: "a#2", OfferID: "a", Vector: []float32{0, 1, 0}},
		{ID: "b#1", OfferID: "b", Vector: []float32{0, 0, 1}},
		{ID: "c#1", OfferID: "c", Vector: []float32{1, 1, 0}},
	})
	if ix.Len() != 4 {
		t.Fatalf("len = %d, want 4", ix.Len())
	}
	// Replace a#1: it now points along z.
	mustPut(t, ix, []Item{{ID: "a#1", OfferID: "a", Vector: []float32{0, 0, 7}}})
	if ix.Len() != 4 {
		t.Fatalf("len after replace = %d, want 4", ix.Len())
	}
	if got := ids(search(t, ix, []float32{0, 0, 1}, 2, 0.99, nil)); !slices.Equal(got, []string{"a#1", "b#1"}) {
		t.Fatalf("after replace: %v", got)
	}
	// Move b#1 to offer c: deleting b then removes nothing of it.
	mustPut(t, ix, []Item{{ID: "b#1", OfferID: "c", Vector: []float32{0, 0, 1}}})
	if n := ix.DeleteOffer("b"); n != 0 {
		t.Fatalf("delete b = %d, want 0", n)
	}
	if n := ix.DeleteOffer("a"); n != 2 {
		t.Fatalf("delete a = %d, want 2", n)
	}
	if n := ix.DeleteOffer("a"); n != 0 {
		t.Fatalf("delete a again = %d, want 0", n)
	}
	got := search(t, ix, []float32{1, 1, 1}, 10, -1, nil)
	// c#1: cos = 2/(√2·√3) ≈ 0.816; b#1: 1/√3 ≈ 0.577.
	if want := []string{"c#1", "b#1"}; !slices.Equal(ids(got), want) {
		t.Fatalf("after delete: %v, want %v", got, want)
	}
	for _, h := range got {
		if h.OfferID != "c" {
			t.Fatalf("hit %+v: offer should be c", h)
		}
	}
	if n := ix.DeleteOffer("c"); n != 2 || ix.Len() != 0 {
		t.Fatalf("delete c = %d, len %d", n, ix.Len())
	}
	if got := search(t, ix, []float32{1, 1, 1}, 10, -1, nil); len(got) != 0 {
		t.Fatalf("empty index gave %v", got)
	}
}

// TestDeleteKeepsRowsConsistent deletes offers at random and checks the
// index against the brute force over what is left: swap-delete must move
// each vector with its ids.
func TestDeleteKeepsRowsConsistent(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const dims, nOffers = 24, 300
	items := randItems(r, 3000, dims, nOffers)
	ix := New("m", dims)
	mustPut(t, ix, items)
	gone := map[string]bool{}
	for _, o := range r.Perm(nOffers)[:250] {
		id := fmt.Sprintf("o%d", o)
		if n := ix.DeleteOffer(id); n != 10 {
			t.Fatalf("delete %s = %d, want 10", id, n)
		}
		gone[id] = true
	}
	left := slices.DeleteFunc(slices.Clone(items), func(it Item) bool { return gone[it.OfferID] })
	if ix.Len() != len(left) {
		t.Fatalf("len = %d, want %d", ix.Len(), len(left))
	}
	for range 10 {
		q := randVec(r, dims)
		if got, want := search(t, ix, q, 25, -1, nil), bruteForce(left, q, 25, -1, nil); !slices.Equal(got, want) {
			t.Fatalf("got  %v\nwant %v", got, want)
		}
	}
}

func TestInvalidInput(t *testing.T) {
	ix := New("m", 3)
	tests := []struct {
		name  string
		items []Item
	}{
		{"dimension mismatch", []Item{{ID: "a#1", OfferID: "a", Vector: []float32{1, 0}}}},
		{"zero vector", []Item{{ID: "a#1", OfferID: "a", Vector: []float32{0, 0, 0}}}},
		{"missing id", []Item{{OfferID: "a", Vector: []float32{1, 0, 0}}}},
		{"missing offer", []Item{{ID: "a#1", Vector: []float32{1, 0, 0}}}},
		{"bad item after a good one", []Item{
			{ID: "a#1", OfferID: "a", Vector: []float32{1, 0, 0}},
			{ID: "a#2", OfferID: "a", Vector: []float32{1, 0, 0, 0}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := ix.Put(tt.items); !errors.Is(err, offres.ErrInvalid) {
				t.Fatalf("put: %v, want ErrInvalid", err)
			}
			if ix.Len() != 0 {
				t.Fatalf("a rejected put left %d vectors", ix.Len())
			}
		})
	}
	if _, err := ix.Search(context.Background(), []float32{1, 0}, 5, -1, nil); !errors.Is(err, offres.ErrInvalid) {
		t.Fatalf("search with a short query: %v, want ErrInvalid", err)
	}
	nan := float32(0)
	nan /= nan
	if _, err := ix.Search(context.Background(), []float32{1, nan, 0}, 5, -1, nil); !errors.Is(err, offres.ErrInvalid) {
		t.Fatalf("search with NaN: %v, want ErrInvalid", err)
	}
}

func TestZeroQuery(t *testing.T) {
	ix := New("m", 4)
	mustPut(t, ix, randItems(rand.New(rand.NewPCG(1, 1)), 100, 4, 5))
	if got := search(t, ix, make([]float32, 4), 10, -1, nil); len(got) != 0 {
		t.Fatalf("zero query gave %v", got)
	}
}

func TestSearchCancelled(t *testing.T) {
	const dims = 64
	ix := New("m", dims)
	mustPut(t, ix, randItems(rand.New(rand.NewPCG(5, 5)), 20_000, dims, 2000))
	q := randVec(rand.New(rand.NewPCG(6, 6)), dims)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ix.Search(ctx, q, 10, -1, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled before: %v, want context.Canceled", err)
	}
	// Cancelled mid-scan, from the filter: the scan stops at its next look.
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	// The filter is called from several goroutines on a large index.
	var calls atomic.Int64
	_, err := ix.Search(ctx, q, 10, -1, func(string) bool {
		if calls.Add(1) == 100 {
			cancel()
		}
		return true
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled during: %v, want context.Canceled", err)
	}
	if n := calls.Load(); n > int64(2*cancelEvery*runtime.GOMAXPROCS(0)) {
		t.Fatalf("the scan went on for %d rows after cancellation", n)
	}
}

func TestConcurrentUse(t *testing.T) {
	const dims = 16
	r := rand.New(rand.NewPCG(9, 9))
	ix := New("m", dims)
	items := randItems(r, 2000, dims, 100)
	mustPut(t, ix, items)
	q := randVec(r, dims)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 50 {
				if w%2 == 0 {
					if _, err := ix.Search(context.Background(), q, 5, -1, nil); err != nil {
						t.Error(err)
						return
					}
					continue
				}
				o := (w*50 + i) % 100
				ix.DeleteOffer(fmt.Sprintf("o%d", o))
				var again []Item
				for j := o; j < len(items); j += 100 {
					again = append(again, items[j])
				}
				if err := ix.Put(again); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if ix.Len() != 2000 {
		t.Fatalf("len = %d, want 2000", ix.Len())
	}
}

func TestCodec(t *testing.T) {
	v := []float32{0, -1.5, 3.25e-8, 1e30}
	got, err := Decode(Encode(v))
	if err != nil || !slices.Equal(got, v) {
		t.Fatalf("round trip: %v %v", got, err)
	}
	if len(Encode(v)) != 16 {
		t.Fatalf("encoded length %d, want 16", len(Encode(v)))
	}
	if _, err := Decode([]byte{1, 2, 3}); !errors.Is(err, offres.ErrInvalid) {
		t.Fatalf("decode 3 bytes: %v, want ErrInvalid", err)
	}
	if h := ContentHash("Développeur"); len(h) != 32 || h != ContentHash("Développeur") || h == ContentHash("Developpeur") {
		t.Fatalf("content hash %q", h)
	}
}

func TestPassageText(t *testing.T) {
	tests := []struct {
		name string
		p    offres.Passage
		want string
	}{
		{"no heading", offres.Passage{Text: "Missions"}, "Missions"},
		{"heading prepended", offres.Passage{Heading: "Profil recherché", Text: "Bac+5"}, "Profil recherché\nBac+5"},
		{"heading already there", offres.Passage{Heading: "Chef de projet", Text: "Chef de projet\nDSIN"}, "Chef de projet\nDSIN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PassageText(tt.p); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// quantisedScore is the score of the index's model: v normalised and
// quantised (quant.go), dotted with the normalised query qn in the same
// order of operations as a search.
func quantisedScore(qn, v []float32) float32 {
	vn, ok := Normalize(v)
	if !ok {
		return 0
	}
	c := make([]int8, len(vn))
	scale := quantise(c, vn)
	return dot8(qn, c) * scale
}

// TestSearchOffers checks SearchOffers against the reference search with
// the same offers as a filter: a few offers (their rows scored directly,
// exact even on an approximate index probing one list), most offers (a
// filtered search), none, and offers the index does not hold.
func TestSearchOffers(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	items := randItems(r, 4000, 32, 200)
	exact := New("m", 32)
	mustPut(t, exact, items)
	approx := trained(t, 32, Options{ANNThreshold: 1000, Probes: 1}, items)
	set := func(n int, extra ...string) map[string]bool {
		m := map[string]bool{}
		for o := range n {
			m[fmt.Sprintf("o%d", o*7%200)] = true
		}
		for _, id := range extra {
			m[id] = true
		}
		m["o199"] = false // a false entry lets nothing through
		return m
	}
	for _, tt := range []struct {
		name   string
		offers map[string]bool
		ix     *Index
		exact  bool
	}{
		{"few offers", set(5, "unknown"), exact, true},
		{"few offers, approximate index", set(5), approx, true},
		{"most offers", set(150), exact, true},
		{"most offers, approximate index", set(150), approx, false},
		{"no offer", map[string]bool{}, exact, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			allowed := func(id string) bool { return tt.offers[id] }
			for range 5 {
				q := randVec(r, 32)
				got, err := tt.ix.SearchOffers(context.Background(), q, 20, 0.1, tt.offers)
				if err != nil {
					t.Fatal(err)
				}
				for _, h := range got {
					if !tt.offers[h.OfferID] || h.Score < 0.1 {
						t.Fatalf("hit %+v breaks the filter", h)
					}
				}
				if want := bruteForce(items, q, 20, 0.1, allowed); tt.exact && !slices.Equal(got, want) {
					t.Fatalf("got  %v\nwant %v", got, want)
				}
			}
		})
	}
}
