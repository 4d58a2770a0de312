package vectors

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
)

// clustered draws vectors around random centres: each component is the
// centre's plus Gaussian noise. With a noise of 1.5, two vectors of the
// same centre have a cosine of about 0.3, of different centres about 0:
// like the embeddings of texts on a few hundred topics.
type clustered struct {
	r       *rand.Rand
	centres [][]float32
	noise   float64
}

func newClustered(r *rand.Rand, dims, centres int, noise float64) *clustered {
	c := &clustered{r: r, noise: noise}
	for range centres {
		c.centres = append(c.centres, randVec(r, dims))
	}
	return c
}

func (c *clustered) vec() []float32 {
	centre := c.centres[c.r.IntN(len(c.centres))]
	v := make([]float32, len(centre))
	for i, x := range centre {
		v[i] = x + float32(c.noise*c.r.NormFloat64())
	}
	return v
}

// items returns n items over nOffers offers (passage i belongs to offer
// i % nOffers), as randItems does.
func (c *clustered) items(n, nOffers int) []Item {
	items := make([]Item, n)
	for i := range items {
		items[i] = Item{
			ID:      fmt.Sprintf("o%d#p-%d", i%nOffers, i),
			OfferID: fmt.Sprintf("o%d", i%nOffers),
			Vector:  c.vec(),
		}
	}
	return items
}

// recall returns the share of the exact search's hits that got holds.
func recall(got, exact [][]Hit) float64 {
	found, total := 0, 0
	for i := range exact {
		want := map[string]bool{}
		for _, h := range exact[i] {
			want[h.ID] = true
		}
		total += len(want)
		for _, h := range got[i] {
			if want[h.ID] {
				found++
			}
		}
	}
	return float64(found) / float64(total)
}

func searchAll(tb testing.TB, ix *Index, queries [][]float32, k int, allowed func(string) bool) [][]Hit {
	out := make([][]Hit, len(queries))
	for i, q := range queries {
		hits, err := ix.Search(context.Background(), q, k, -1, allowed)
		if err != nil {
			tb.Fatal(err)
		}
		out[i] = hits
	}
	return out
}

// raceEnabled reports whether the test binary was built with -race, under
// which a dot product is about 60 times slower: the largest cases are
// skipped.
func raceEnabled() bool {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range bi.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
}

// checkIVF checks the approximate index against the rows: every row is in
// exactly one list, at the slot it records, and that list is the one of
// its nearest centroid.
func checkIVF(t *testing.T, ix *Index) {
	t.Helper()
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	v := ix.ann
	if v == nil {
		t.Fatal("no approximate index")
	}
	n := len(ix.ids)
	if len(v.list) != n || len(v.slot) != n {
		t.Fatalf("%d rows, %d lists and %d slots recorded", n, len(v.list), len(v.slot))
	}
	total := 0
	for l, rows := range v.lists {
		total += len(rows)
		for s, r := range rows {
			if v.list[r] != int32(l) || v.slot[r] != int32(s) {
				t.Fatalf("row %d is in list %d slot %d, records list %d slot %d", r, l, s, v.list[r], v.slot[r])
			}
		}
	}
	if total != n {
		t.Fatalf("the lists hold %d rows of %d", total, n)
	}
	for r := range n {
		a := v.q.nearest(ix.vec(r))
		if a.list != v.list[r] {
			t.Fatalf("row %d (%s) is in list %d, its nearest is %d", r, ix.ids[r], v.list[r], a.list)
		}
		if a.cos < v.minCos[a.list] {
			t.Fatalf("row %d has cosine %v to its centroid, below its list's bound %v", r, a.cos, v.minCos[a.list])
		}
	}
}

// trained returns a new index holding the items, its training done.
func trained(t *testing.T, dims int, opts Options, items []Item) *Index {
	t.Helper()
	ix := NewWithOptions("m", dims, opts)
	mustPut(t, ix, items)
	if err := ix.WaitTraining(context.Background()); err != nil {
		t.Fatal(err)
	}
	if ix.ann == nil {
		t.Fatal("the index was not trained")
	}
	return ix
}

func exactIndex(t *testing.T, dims int, items []Item) *Index {
	t.Helper()
	ix := NewWithOptions("m", dims, Options{ANNThreshold: -1})
	mustPut(t, ix, items)
	return ix
}

// TestANNRecall checks the recall@10 of the approximate search against
// the exact one on clustered data, with the default probes, and reports it
// for uniform random vectors, where it is poor.
func TestANNRecall(t *testing.T) {
	tests := []struct {
		name    string
		n, dims int
		centres int     // 0: uniform random vectors
		noise   float64 // around the centres
		opts    Options
		min     float64 // least recall@10; 0: only logged
		slow    bool    // skipped under -race
	}{
		{name: "60k x 256, 300 centres, defaults", n: 60_000, dims: 256, centres: 300, noise: 1.5, min: 0.95, slow: true},
		{name: "4k x 32, 50 centres, 32 lists", n: 4000, dims: 32, centres: 50, noise: 1, opts: Options{ANNThreshold: 1000, Lists: 32}, min: 0.95},
		{name: "4k x 32, uniform, 32 lists", n: 4000, dims: 32, opts: Options{ANNThreshold: 1000, Lists: 32}, slow: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.slow && raceEnabled() {
				t.Skip("too slow under -race")
			}
			r := rand.New(rand.NewPCG(21, 21))
			items, vec := randItems(r, tt.n, tt.dims, tt.n/10), func() []float32 { return randVec(r, tt.dims) }
			if tt.centres > 0 {
				c := newClustered(r, tt.dims, tt.centres, tt.noise)
				items, vec = c.items(tt.n, tt.n/10), c.vec
			}
			ix := trained(t, tt.dims, tt.opts, items)
			exact := exactIndex(t, tt.dims, items)
			queries := make([][]float32, 100)
			for i := range queries {
				queries[i] = vec()
			}
			got, want := searchAll(t, ix, queries, 10, nil), searchAll(t, exact, queries, 10, nil)
			for i := range got {
				if len(got[i]) != 10 || !slices.IsSortedFunc(got[i], func(a, b Hit) int { return cmp.Compare(b.Score, a.Score) }) {
					t.Fatalf("query %d: %v", i, got[i])
				}
			}
			rec := recall(got, want)
			t.Logf("recall@10 %.3f with %d probes of %d lists", rec, DefaultProbes(ix.ann.q.lists()), ix.ann.q.lists())
			if rec < tt.min {
				t.Errorf("recall@10 = %.3f, want at least %.2f", rec, tt.min)
			}
		})
	}
}

// TestANNNeverFewerHits checks that a filter or a minimum score never
// costs hits: with few probes, a search that finds fewer than k hits in
// them probes more lists, so it returns as many hits as the exact search,
// and the same hits when there are fewer than k.
func TestANNNeverFewerHits(t *testing.T) {
	const dims = 32
	r := rand.New(rand.NewPCG(22, 22))
	c := newClustered(r, dims, 40, 0.6)
	items := c.items(3000, 300) // offer oN holds 10 passages
	ix := trained(t, dims, Options{ANNThreshold: 1000, Lists: 30, Probes: 1}, items)
	exact := exactIndex(t, dims, items)
	offers := func(ids ...string) func(string) bool {
		return func(o string) bool { return slices.Contains(ids, o) }
	}
	tests := []struct {
		name     string
		k        int
		minScore float32
		allowed  func(string) bool
	}{
		{name: "two offers, k above their passages", k: 30, minScore: -1, allowed: offers("o1", "o2")},
		{name: "five offers, k below their passages", k: 10, minScore: -1, allowed: offers("o1", "o2", "o3", "o4", "o5")},
		{name: "one offer in three", k: 50, minScore: -1, allowed: func(o string) bool { return len(o)%3 == 0 }},
		{name: "high min score", k: 100, minScore: 0.8},
		{name: "min score above everything", k: 10, minScore: 0.999},
		{name: "min score and filter", k: 20, minScore: 0.5, allowed: offers("o7", "o8", "o9", "o10")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 20 {
				q := c.vec()
				got := search(t, ix, q, tt.k, tt.minScore, tt.allowed)
				want := search(t, exact, q, tt.k, tt.minScore, tt.allowed)
				if len(want) < tt.k && !slices.Equal(got, want) {
					t.Fatalf("got  %v\nwant %v", got, want)
				}
				if len(got) != len(want) {
					t.Fatalf("%d hits, exact search %d", len(got), len(want))
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

// TestMaxScore checks the bound that lets a search with a minimum score
// skip lists: no row of a list scores above it, including the row that
// reaches it, between the centroid and the query on the sphere.
func TestMaxScore(t *testing.T) {
	const dims = 16
	r := rand.New(rand.NewPCG(23, 23))
	c := newClustered(r, dims, 10, 0.5)
	for range 200 {
		centroid, q := normalized(c.vec()), normalized(c.vec())
		rows := make([][]float32, 20)
		for i := range rows {
			rows[i] = normalized(c.vec())
		}
		// The row at angle θ from the centroid towards the query.
		toQuery := make([]float32, dims)
		cq := dot(centroid, q)
		for i := range toQuery {
			toQuery[i] = q[i] - cq*centroid[i]
		}
		toQuery = normalized(toQuery)
		theta := r.Float64() * math.Acos(float64(cq))
		edge := make([]float32, dims)
		for i := range edge {
			edge[i] = float32(math.Cos(theta))*centroid[i] + float32(math.Sin(theta))*toQuery[i]
		}
		rows = append(rows, edge)
		minCos := float32(1)
		for _, x := range rows {
			minCos = min(minCos, dot(centroid, x))
		}
		bound := maxScore(cq, minCos)
		for _, x := range rows {
			if s := dot(q, x); s > bound {
				t.Fatalf("a row scores %v, above the bound %v", s, bound)
			}
		}
		// A list of that row alone: the bound is nearly its score.
		if s, bound := dot(q, edge), maxScore(cq, dot(centroid, edge)); s > bound || bound > s+0.05 {
			t.Fatalf("the row between scores %v, the bound is %v", s, bound)
		}
	}
}

// TestANNWrites changes a trained index, deleting offers, replacing and
// moving passages and adding new ones, then checks the lists against the
// rows, and the search against the exact search over the survivors: equal
// when every list is probed.
func TestANNWrites(t *testing.T) {
	const dims, lists = 32, 24
	r := rand.New(rand.NewPCG(24, 24))
	c := newClustered(r, dims, 40, 0.6)
	items := c.items(4000, 400)
	all := trained(t, dims, Options{ANNThreshold: 1000, Lists: lists, Probes: lists}, items)
	few := trained(t, dims, Options{ANNThreshold: 1000, Lists: lists, Probes: 3}, items)
	q0 := all.ann.q

	live := map[string]Item{}
	for _, it := range items {
		live[it.ID] = it
	}
	write := func(f func(ix *Index)) {
		f(all)
		f(few)
	}
	for _, o := range r.Perm(400)[:100] {
		offer := fmt.Sprintf("o%d", o)
		write(func(ix *Index) { ix.DeleteOffer(offer) })
		for id, it := range live {
			if it.OfferID == offer {
				delete(live, id)
			}
		}
	}
	var changed []Item
	for _, it := range live {
		if len(changed) == 300 {
			break
		}
		it.Vector = c.vec()
		if len(changed)%3 == 0 {
			it.OfferID = "moved"
		}
		changed = append(changed, it)
	}
	for i := range 500 {
		changed = append(changed, Item{ID: fmt.Sprintf("new#%d", i), OfferID: fmt.Sprintf("new%d", i%50), Vector: c.vec()})
	}
	for i := 0; i < len(changed); i += 37 {
		batch := changed[i:min(i+37, len(changed))]
		write(func(ix *Index) { mustPut(t, ix, batch) })
	}
	for _, it := range changed {
		live[it.ID] = it
	}
	write(func(ix *Index) { ix.DeleteOffer("new7") })
	for id, it := range live {
		if it.OfferID == "new7" {
			delete(live, id)
		}
	}

	if all.Len() != len(live) || all.ann.q != q0 || all.job != nil {
		t.Fatalf("len %d, want %d; trained again: %v", all.Len(), len(live), all.ann.q != q0 || all.job != nil)
	}
	checkIVF(t, all)
	checkIVF(t, few)
	left := slices.Collect(maps.Values(live))
	queries := make([][]float32, 30)
	for i := range queries {
		queries[i] = c.vec()
	}
	var got, want [][]Hit
	for _, q := range queries {
		exact := bruteForce(left, q, 10, -1, nil)
		if hits := search(t, all, q, 10, -1, nil); !slices.Equal(hits, exact) {
			t.Fatalf("all lists probed:\ngot  %v\nwant %v", hits, exact)
		}
		got = append(got, search(t, few, q, 10, -1, nil))
		want = append(want, exact)
	}
	if rec := recall(got, want); rec < 0.9 {
		t.Errorf("recall@10 with 3 probes of %d lists = %.3f, want at least 0.9", lists, rec)
	}
}

// TestANNWritesDuringTraining deletes, puts back and moves passages while
// a training runs, so that they land in all its stages; then the lists
// must agree with the rows, and the search with the exact search.
func TestANNWritesDuringTraining(t *testing.T) {
	const dims, lists, n = 32, 24, 4000
	r := rand.New(rand.NewPCG(28, 28))
	c := newClustered(r, dims, 40, 0.6)
	items := c.items(n, 400)
	ix := NewWithOptions("m", dims, Options{ANNThreshold: n - 1, Lists: lists, Probes: lists})
	mustPut(t, ix, items[:n-1])
	mustPut(t, ix, items[n-1:]) // past the threshold: the training starts
	live := map[string]Item{}
	for _, it := range items {
		live[it.ID] = it
	}
	training := func() bool {
		ix.mu.RLock()
		defer ix.mu.RUnlock()
		return ix.job != nil
	}
	writes := 0
	for o := 0; training(); o = (o + 1) % 400 {
		offer := fmt.Sprintf("o%d", o)
		ix.DeleteOffer(offer)
		var again []Item
		for id, it := range live {
			if it.OfferID == offer {
				it.Vector = c.vec()
				again = append(again, it)
				live[id] = it
			}
		}
		// One passage moves to the next offer.
		again[0].OfferID = fmt.Sprintf("o%d", (o+1)%400)
		live[again[0].ID] = again[0]
		mustPut(t, ix, again)
		writes++
	}
	t.Logf("%d offers written during the training", writes)
	if ix.ann == nil || ix.Len() != len(live) {
		t.Fatalf("trained %v, %d passages, want %d", ix.ann != nil, ix.Len(), len(live))
	}
	checkIVF(t, ix)
	left := slices.Collect(maps.Values(live))
	for range 20 {
		q := c.vec()
		if got, want := search(t, ix, q, 10, -1, nil), bruteForce(left, q, 10, -1, nil); !slices.Equal(got, want) {
			t.Fatalf("got  %v\nwant %v", got, want)
		}
	}
}

// TestKMeansEmptyLists trains more centroids than there are distinct rows:
// lists left empty restart at the rows furthest from their centroids, so
// that every distinct row ends up with a centroid of its own.
func TestKMeansEmptyLists(t *testing.T) {
	const dims = 8
	r := rand.New(rand.NewPCG(29, 29))
	distinct := make([][]float32, 5)
	for i := range distinct {
		distinct[i] = normalized(randVec(r, dims))
	}
	var sample []float32
	for i := range 100 {
		sample = append(sample, distinct[i%5]...)
	}
	var stop atomic.Bool
	q := trainQuantiser(sample, dims, 10, &stop)
	for i, v := range distinct {
		if a := q.nearest(v); a.cos < 0.9999 {
			t.Errorf("row %d: nearest centroid at cosine %v, want 1", i, a.cos)
		}
	}
	stop.Store(true)
	if trainQuantiser(sample, dims, 10, &stop) != nil {
		t.Error("a stopped training returned centroids")
	}
}

func TestANNSearchCancelled(t *testing.T) {
	const dims = 16
	r := rand.New(rand.NewPCG(30, 30))
	ix := trained(t, dims, Options{ANNThreshold: 1000, Lists: 16, Probes: 1}, randItems(r, 5000, dims, 500))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// A filter that accepts nothing widens the search to every list; the
	// scan stops at its next look at the context.
	var calls atomic.Int64
	_, err := ix.Search(ctx, randVec(r, dims), 10, -1, func(string) bool {
		if calls.Add(1) == 10 {
			cancel()
		}
		return false
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if n := calls.Load(); n >= 5000 {
		t.Fatalf("the scan went on over all %d rows", n)
	}
}

// TestANNTrainingPolicy follows an index up and down past the threshold:
// trained on crossing it, trained again on doubling and halving, exact
// searches under the threshold, dropped at half the threshold.
func TestANNTrainingPolicy(t *testing.T) {
	const dims, threshold = 8, 200
	r := rand.New(rand.NewPCG(25, 25))
	items := randItems(r, 1000, dims, 1000) // one passage per offer
	ix := NewWithOptions("m", dims, Options{ANNThreshold: threshold})
	ctx := context.Background()
	n := 0
	resize := func(to int) {
		t.Helper()
		if to > n {
			mustPut(t, ix, items[n:to])
		}
		for ; n > to; n-- {
			ix.DeleteOffer(items[n-1].OfferID)
		}
		n = to
		if err := ix.WaitTraining(ctx); err != nil {
			t.Fatal(err)
		}
	}
	quantiser := func() *quantiser {
		if ix.ann == nil {
			return nil
		}
		return ix.ann.q
	}
	steps := []struct {
		name    string
		rows    int
		trained bool // trained (again) by this step
		ann     bool // an approximate index exists
		lists   int
	}{
		{name: "at the threshold", rows: threshold},
		{name: "past the threshold", rows: threshold + 1, trained: true, ann: true, lists: 14},
		{name: "not yet doubled", rows: 401, ann: true, lists: 14},
		{name: "doubled", rows: 402, trained: true, ann: true, lists: 20},
		{name: "halved", rows: 201, trained: true, ann: true, lists: 14},
		{name: "under the threshold", rows: 150, ann: true, lists: 14},
		{name: "back over", rows: 300, ann: true, lists: 14},
		{name: "half the threshold", rows: threshold / 2},
		{name: "over again", rows: 250, trained: true, ann: true, lists: 16},
	}
	for _, st := range steps {
		before := quantiser()
		resize(st.rows)
		after := quantiser()
		if retrained := after != nil && after != before; (after != nil) != st.ann || retrained != st.trained {
			t.Fatalf("%s: approximate index %v (want %v), trained %v (want %v)",
				st.name, after != nil, st.ann, retrained, st.trained)
		}
		if after != nil {
			if after.lists() != st.lists {
				t.Fatalf("%s: %d lists, want %d", st.name, after.lists(), st.lists)
			}
			checkIVF(t, ix)
		}
		q := randVec(r, dims)
		if got, want := search(t, ix, q, 5, -1, nil), bruteForce(items[:n], q, 5, -1, nil); n <= threshold && !slices.Equal(got, want) {
			t.Fatalf("%s: under the threshold, the search should be exact:\ngot  %v\nwant %v", st.name, got, want)
		}
	}
}

// TestANNDeterministic checks that the trained index depends on the
// passages, not on the order they came in nor on the number of threads.
func TestANNDeterministic(t *testing.T) {
	const dims = 32
	r := rand.New(rand.NewPCG(26, 26))
	c := newClustered(r, dims, 40, 0.8)
	items := c.items(3000, 300)
	opts := Options{ANNThreshold: 1000, Lists: 20, Probes: 2}
	a := trained(t, dims, opts, items)
	shuffled := slices.Clone(items)
	r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	b := trained(t, dims, opts, shuffled)
	if !slices.Equal(a.ann.q.centroids, b.ann.q.centroids) {
		t.Fatal("the centroids differ")
	}
	for range 20 {
		q := c.vec()
		first := search(t, a, q, 10, -1, nil)
		if again, other := search(t, a, q, 10, -1, nil), search(t, b, q, 10, -1, nil); !slices.Equal(first, again) || !slices.Equal(first, other) {
			t.Fatalf("%v\n%v\n%v", first, again, other)
		}
	}
}

// TestANNConcurrentUse searches while a writer deletes, replaces and adds
// passages, growing and shrinking the index past retraining points while
// trainings run; then the index must agree with the exact search.
func TestANNConcurrentUse(t *testing.T) {
	const dims, lists = 16, 8
	r := rand.New(rand.NewPCG(27, 27))
	c := newClustered(r, dims, 20, 0.6)
	items := c.items(1600, 160)
	ix := NewWithOptions("m", dims, Options{ANNThreshold: 300, Lists: lists, Probes: lists})
	mustPut(t, ix, items[:400])
	queries := make([][]float32, 8)
	for i := range queries {
		queries[i] = c.vec()
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Go(func() {
			var allowed func(string) bool
			if w == 1 {
				allowed = func(o string) bool { return len(o)%2 == 0 }
			}
			for i := 0; ctx.Err() == nil; i++ {
				if _, err := ix.Search(ctx, queries[i%len(queries)], 5, -1, allowed); err != nil && ctx.Err() == nil {
					t.Error(err)
					return
				}
			}
		})
	}
	// Grow to 1600 by offers of 10 passages, shrink to 400, grow to 900,
	// replacing some vectors on the way.
	live := map[string]Item{}
	for _, it := range items[:400] {
		live[it.ID] = it
	}
	offer := func(o int) []Item {
		var out []Item
		for i := o; i < len(items); i += 160 {
			out = append(out, items[i])
		}
		return out
	}
	for o := 40; o < 160; o++ {
		mustPut(t, ix, offer(o))
		for _, it := range offer(o) {
			live[it.ID] = it
		}
	}
	for o := range 120 {
		ix.DeleteOffer(fmt.Sprintf("o%d", o))
		if o%10 == 0 {
			again := offer(o + 120)
			for i := range again {
				again[i].Vector = c.vec()
			}
			mustPut(t, ix, again)
			for _, it := range again {
				live[it.ID] = it
			}
		}
	}
	for o := range 50 {
		mustPut(t, ix, offer(o))
		for _, it := range offer(o) {
			live[it.ID] = it
		}
	}
	cancel()
	wg.Wait()
	if err := ix.WaitTraining(context.Background()); err != nil {
		t.Fatal(err)
	}
	// live holds what was put last under each id; keep those still there.
	ix.mu.RLock()
	var left []Item
	for id, it := range live {
		if r, ok := ix.row[id]; ok && slices.Equal(ix.vec(r), quantised(normalized(it.Vector))) {
			left = append(left, it)
		}
	}
	ix.mu.RUnlock()
	if len(left) != ix.Len() {
		t.Fatalf("%d passages as expected of %d", len(left), ix.Len())
	}
	checkIVF(t, ix)
	for _, q := range queries {
		if got, want := search(t, ix, q, 10, -1, nil), bruteForce(left, q, 10, -1, nil); !slices.Equal(got, want) {
			t.Fatalf("got  %v\nwant %v", got, want)
		}
	}
}

func normalized(v []float32) []float32 {
	n, _ := Normalize(v)
	return n
}

func TestWaitTrainingCancelled(t *testing.T) {
	ix := New("m", 4)
	j := &trainJob{done: make(chan struct{})}
	ix.job = j
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := ix.WaitTraining(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	ix.mu.Lock()
	ix.job = nil
	ix.mu.Unlock()
	close(j.done)
	if err := ix.WaitTraining(context.Background()); err != nil {
		t.Fatal(err)
	}
}
