package vectors

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"offres/internal/offres"
)

// Item is one passage's vector, as given to Put.
type Item struct {
	ID      string // the passage id
	OfferID string
	Vector  []float32
}

// Hit is one search result.
type Hit struct {
	ID      string // the passage id
	OfferID string
	Score   float32 // cosine similarity, in [-1, 1]
}

// Index is a nearest-neighbour index over the vectors of one model and
// dimension. Vectors are L2-normalised on the way in, so a score is the
// cosine similarity. Searches are exact up to Options.ANNThreshold
// passages, approximate beyond (see ann.go). It is safe for concurrent use:
// searches share a read lock, writes take the write lock.
type Index struct {
	model string
	dims  int
	opts  Options // resolved: no zero means a default

	// wmu serialises the writers and the training of the approximate
	// index, which reads the rows under it and so holds up writes but not
	// searches. Whatever searches read is changed holding both wmu and mu;
	// it may be read holding either.
	wmu sync.Mutex
	mu  sync.RWMutex
	// Row i is data's row i (quantised, quant.go), ids[i], offers[i].
	// Rows are contiguous: a delete moves the last row into the hole. The
	// training of the approximate index renumbers them, list by list.
	data    slab
	ids     []string
	offers  []string
	row     map[string]int      // passage id → row
	byOffer map[string][]string // offer id → its passage ids

	ann       *ivf      // the approximate index, nil until trained
	job       *trainJob // the training in progress, if any
	trainedAt int       // rows when the last training started, 0 if none

	// trainHook, set by tests before any write, is called at the stages
	// of a training (stageSlab, stageRegroup).
	trainHook func(stage string)
}

// New returns an empty index for vectors of the given model and dimension,
// with the default options. It panics when dims is not positive.
func New(model string, dims int) *Index {
	return NewWithOptions(model, dims, Options{})
}

// NewWithOptions returns an empty index for vectors of the given model and
// dimension. It panics when dims is not positive, or opts.Lists or
// opts.Probes is negative.
func NewWithOptions(model string, dims int, opts Options) *Index {
	if dims <= 0 {
		panic(fmt.Sprintf("vectors.New: dimension %d is not positive", dims))
	}
	return &Index{
		model:   model,
		dims:    dims,
		opts:    opts.resolve(),
		data:    slab{dims: dims},
		row:     make(map[string]int),
		byOffer: make(map[string][]string),
	}
}

// Model returns the name of the embedding model the vectors come from.
func (ix *Index) Model() string { return ix.model }

// Dims returns the vectors' dimension.
func (ix *Index) Dims() int { return ix.dims }

// Len returns the number of passages indexed.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.ids)
}

// Put adds the items, replacing any passage of the same id (even of another
// offer). It is all or nothing: an item without an id or offer id, of the
// wrong dimension, all zeros or not finite, is an error wrapping
// offres.ErrInvalid and nothing is added.
func (ix *Index) Put(items []Item) error {
	norm := make([][]float32, len(items))
	for i, it := range items {
		switch {
		case it.ID == "" || it.OfferID == "":
			return fmt.Errorf("vector %d: missing passage or offer id: %w", i, offres.ErrInvalid)
		case len(it.Vector) != ix.dims:
			return fmt.Errorf("vector of passage %q: dimension %d, index %q has %d: %w",
				it.ID, len(it.Vector), ix.model, ix.dims, offres.ErrInvalid)
		}
		v, ok := Normalize(it.Vector)
		if !ok {
			return fmt.Errorf("vector of passage %q is zero or not finite: %w", it.ID, offres.ErrInvalid)
		}
		// The vector the row will hold, so that its list and its list's
		// bound are those of the row.
		norm[i] = quantised(v)
	}
	ix.wmu.Lock()
	defer ix.wmu.Unlock()
	// The items' lists in the approximate index, computed before taking
	// the lock that holds up searches.
	var lists []assigned
	if ix.ann != nil {
		lists = ix.ann.q.nearestAll(len(norm), func(i int) []float32 { return norm[i] })
	}
	ix.mu.Lock()
	for i, it := range items {
		ix.touch(it.ID)
		if r, ok := ix.row[it.ID]; ok {
			ix.data.set(r, norm[i])
			if old := ix.offers[r]; old != it.OfferID {
				ix.unlinkOffer(old, it.ID)
				ix.offers[r] = it.OfferID
				ix.byOffer[it.OfferID] = append(ix.byOffer[it.OfferID], it.ID)
			}
			if ix.ann != nil {
				ix.ann.unlist(r)
				ix.ann.add(r, lists[i])
			}
			continue
		}
		ix.row[it.ID] = len(ix.ids)
		ix.data.add(norm[i])
		ix.ids = append(ix.ids, it.ID)
		ix.offers = append(ix.offers, it.OfferID)
		ix.byOffer[it.OfferID] = append(ix.byOffer[it.OfferID], it.ID)
		if ix.ann != nil {
			ix.ann.add(len(ix.ids)-1, lists[i])
		}
	}
	ix.mu.Unlock()
	ix.maybeTrain()
	return nil
}

// DeleteOffer removes every passage of the offer and returns how many there
// were.
func (ix *Index) DeleteOffer(offerID string) int {
	ix.wmu.Lock()
	defer ix.wmu.Unlock()
	ix.mu.Lock()
	ids := ix.byOffer[offerID]
	for _, id := range ids {
		ix.deleteRow(ix.row[id])
	}
	delete(ix.byOffer, offerID)
	ix.mu.Unlock()
	if len(ids) > 0 {
		ix.maybeTrain()
	}
	return len(ids)
}

// vec returns a copy of row r's vector. The caller holds mu or wmu.
func (ix *Index) vec(r int) []float32 {
	return ix.data.vec(make([]float32, 0, ix.dims), r)
}

// deleteRow moves the last row into row r and drops the last row; it leaves
// byOffer to the caller. The caller holds wmu and the write lock.
func (ix *Index) deleteRow(r int) {
	last := len(ix.ids) - 1
	delete(ix.row, ix.ids[r])
	if ix.ann != nil {
		ix.ann.deleteRow(r, last)
	}
	if r != last {
		ix.touch(ix.ids[last])
		ix.data.copyRow(r, &ix.data, last)
		ix.ids[r], ix.offers[r] = ix.ids[last], ix.offers[last]
		ix.row[ix.ids[r]] = r
	}
	ix.ids[last], ix.offers[last] = "", "" // let the strings go
	ix.ids, ix.offers = ix.ids[:last], ix.offers[:last]
	ix.data.truncate(last)
	// Give memory back once most of the slab is unused.
	if c := cap(ix.ids); c > 1024 && len(ix.ids) < c/4 {
		ix.data = ix.data.clone()
		ix.ids = slices.Clip(slices.Clone(ix.ids))
		ix.offers = slices.Clip(slices.Clone(ix.offers))
	}
}

// unlinkOffer removes passage id from the offer's list. The caller holds
// wmu and the write lock.
func (ix *Index) unlinkOffer(offerID, id string) {
	ids := ix.byOffer[offerID]
	if i := slices.Index(ids, id); i >= 0 {
		ids = slices.Delete(ids, i, i+1)
	}
	if len(ids) == 0 {
		delete(ix.byOffer, offerID)
		return
	}
	ix.byOffer[offerID] = ids
}

// cancelEvery is how many rows a search scores between two looks at its
// context: about 0.1 ms of work at 256 dimensions.
const cancelEvery = 1024

// Search returns the k passages most similar to q with a score of at least
// minScore, best first, ties broken by passage id. allowed, when not nil,
// restricts the search to the offers it accepts; it is called with the
// index's read lock held, so it must not call back into the index, and, on
// a large index, from several goroutines at once, so it must be safe for
// concurrent use (a lookup in a map that no one writes is). A query
// of the wrong dimension or not finite is an error wrapping
// offres.ErrInvalid; an all-zero query, or k ≤ 0, gives no hits. A cancelled
// context stops the scan and returns ctx.Err().
//
// Beyond Options.ANNThreshold passages the search is approximate: it scores
// only the passages near q, so it may miss some of the k most similar
// (about 2% of them on clustered data, TestANNRecall), but every score is
// exact, and it returns fewer than k hits only when the exact search would
// return the same ones.
func (ix *Index) Search(ctx context.Context, q []float32, k int, minScore float32, allowed func(offerID string) bool) ([]Hit, error) {
	qn, err := ix.query(ctx, q, k)
	if qn == nil || err != nil {
		return nil, err
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.search(ctx, qn, k, minScore, allowed)
}

// query checks a search's query and returns it normalised, or nil when the
// search has no hits (k ≤ 0, an all-zero query).
func (ix *Index) query(ctx context.Context, q []float32, k int) ([]float32, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(q) != ix.dims {
		return nil, fmt.Errorf("query of dimension %d, index %q has %d: %w", len(q), ix.model, ix.dims, offres.ErrInvalid)
	}
	if k <= 0 {
		return nil, nil
	}
	qn, ok := Normalize(q)
	if !ok {
		for _, x := range q {
			if x != 0 {
				return nil, fmt.Errorf("query vector is not finite: %w", offres.ErrInvalid)
			}
		}
		return nil, nil // nothing is similar to nothing
	}
	return qn, nil
}

// SearchOffers is Search restricted to the passages of the offers, as
// Search with a filter accepting them, for a filter known beforehand as a
// set of offers. When their passages are few (at most a quarter of the
// index, and, on an approximate index, twice the rows a search looks at),
// it scores those rows only, found through the offers, instead of looking
// at every row (or every row of the nearest lists) to filter it: the
// search is then exact, whatever the index's size.
func (ix *Index) SearchOffers(ctx context.Context, q []float32, k int, minScore float32, offers map[string]bool) ([]Hit, error) {
	qn, err := ix.query(ctx, q, k)
	if qn == nil || err != nil {
		return nil, err
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	n, rows := len(ix.ids), 0
	for id, ok := range offers {
		if ok {
			rows += len(ix.byOffer[id])
		}
	}
	limit := n / 4
	if ix.ann != nil && n > ix.opts.ANNThreshold {
		lists := ix.ann.q.lists()
		probes := ix.opts.Probes
		if probes == 0 {
			probes = DefaultProbes(lists)
		}
		// An approximate search looks at the rows of its lists (a map
		// lookup each, for the filter) and scores those that pass: scoring
		// twice as many rows directly costs about the same, and is exact.
		limit = min(limit, 2*n*probes/lists)
	}
	if rows > limit {
		return ix.search(ctx, qn, k, minScore, func(id string) bool { return offers[id] })
	}
	subset := make([]int32, 0, rows)
	for id, ok := range offers {
		if !ok {
			continue
		}
		for _, p := range ix.byOffer[id] {
			subset = append(subset, int32(ix.row[p]))
		}
	}
	// In row order: the slab is read forwards.
	slices.Sort(subset)
	top := topK{k: k, ids: ix.ids}
	for i, r := range subset {
		if i%cancelEvery == 0 && i > 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if s := ix.data.score(qn, int(r)); s >= minScore {
			top.offer(s, int(r))
		}
	}
	return top.hits(ix.offers), nil
}

// search is Search once the query is checked and normalised. The caller
// holds the read lock.
func (ix *Index) search(ctx context.Context, qn []float32, k int, minScore float32, allowed func(offerID string) bool) ([]Hit, error) {
	n := len(ix.ids)
	if ix.ann != nil && n > ix.opts.ANNThreshold {
		return ix.searchANN(ctx, qn, k, minScore, allowed)
	}
	// A large index is scanned in contiguous shards in parallel. The scan
	// is bound by memory bandwidth as much as by arithmetic, so the gain is
	// below the number of cores, but real.
	shards := max(1, min(runtime.GOMAXPROCS(0), n*ix.dims/minShardCodes))
	top := topK{k: k, ids: ix.ids}
	err := gather(ctx, &top, shards, func(s int, t *topK) error {
		return ix.scan(ctx, t, qn, s*n/shards, (s+1)*n/shards, minScore, allowed)
	})
	if err != nil {
		return nil, err
	}
	return top.hits(ix.offers), nil
}

// minShardFloats is the least work worth a goroutine of its own in the
// training: about 0.1 ms of float32 dot products.
const minShardFloats = 1 << 18

// minShardCodes is the least work worth a goroutine of its own in a
// search, in components scored: about 0.1 ms of int8 rows (BenchmarkDot8:
// 26 ns a row of 256 with AVX2).
const minShardCodes = 1 << 20

// scan scores rows [lo, hi) into top. The caller holds the read lock.
func (ix *Index) scan(ctx context.Context, top *topK, qn []float32, lo, hi int, minScore float32, allowed func(string) bool) error {
	for r := lo; r < hi; r++ {
		if (r-lo)%cancelEvery == 0 && r > lo {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if allowed != nil && !allowed(ix.offers[r]) {
			continue
		}
		s := ix.data.score(qn, r)
		if s < minScore {
			continue
		}
		top.offer(s, r)
	}
	return nil
}

// scored is a candidate row and its score.
type scored struct {
	score float32
	row   int
}

// topK keeps the k best rows seen, as a heap whose root is the worst kept.
type topK struct {
	k    int
	ids  []string
	heap []scored
}

// worse reports whether a ranks below b: a lower score, or the same score
// and a greater id.
func (t *topK) worse(a, b scored) bool {
	if a.score != b.score {
		return a.score < b.score
	}
	return t.ids[a.row] > t.ids[b.row]
}

func (t *topK) offer(s float32, r int) {
	c := scored{s, r}
	if len(t.heap) < t.k {
		t.heap = append(t.heap, c)
		t.up(len(t.heap) - 1)
		return
	}
	if s < t.heap[0].score || !t.worse(t.heap[0], c) {
		return
	}
	t.heap[0] = c
	t.down(0)
}

func (t *topK) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !t.worse(t.heap[i], t.heap[p]) {
			return
		}
		t.heap[i], t.heap[p] = t.heap[p], t.heap[i]
		i = p
	}
}

func (t *topK) down(i int) {
	n := len(t.heap)
	for {
		m, l, r := i, 2*i+1, 2*i+2
		if l < n && t.worse(t.heap[l], t.heap[m]) {
			m = l
		}
		if r < n && t.worse(t.heap[r], t.heap[m]) {
			m = r
		}
		if m == i {
			return
		}
		t.heap[i], t.heap[m] = t.heap[m], t.heap[i]
		i = m
	}
}

// hits returns the kept rows, best first.
func (t *topK) hits(offers []string) []Hit {
	slices.SortFunc(t.heap, func(a, b scored) int {
		switch {
		case t.worse(b, a):
			return -1
		case t.worse(a, b):
			return 1
		}
		return strings.Compare(t.ids[a.row], t.ids[b.row])
	})
	out := make([]Hit, len(t.heap))
	for i, c := range t.heap {
		out[i] = Hit{ID: t.ids[c.row], OfferID: offers[c.row], Score: c.score}
	}
	return out
}
