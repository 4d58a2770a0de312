package fulltext

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"weak"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/scorer"
	index "github.com/blevesearch/bleve_index_api"

	"offres/internal/offres"
)

// What a search learns of one index snapshot and the next searches of the
// same snapshot reuse. A snapshot is immutable, and bleve hands every search
// the same one until the index changes; the first search of a new snapshot
// starts afresh.
//
//   - The offers that pass a filter (the facets asked for, the deadline
//     rule of the day): a filter is the same for most searches (the open
//     offers), and building it was the largest fixed cost of a search (the
//     numeric ranges of the deadline rule enumerate their terms in every
//     segment, three or four times per search). Its offers are collected
//     once, as a bitmap of the snapshot's document numbers.
//   - The document numbers of the offers a ranking returned: a search
//     restricted to ids (the page of a ranking, the exact matches among
//     it) found each of them in the id dictionary of every segment.
//
// Both are exact: a document number belongs to its snapshot, and a search
// of another snapshot does without them.
type snapshotCache struct {
	mu      sync.Mutex
	snap    weak.Pointer[scorch.IndexSnapshot]
	filters map[string]*filterEntry
	keys    []string // the filters by age, for eviction
	// docs maps offer ids to their document numbers in snap.
	docs map[string]uint32
	// off makes every search do without the cache (the tests compare).
	off bool
}

// Bounds of a snapshotCache.
const (
	maxCachedFilters = 32
	maxCachedDocs    = 1 << 16 // ≈ 6 MB of ids
)

type filterEntry struct {
	mu   sync.Mutex
	docs *roaring.Bitmap // nil until collected
}

// current returns the cache's state for snap, reset when snap is a new
// snapshot. The caller holds c.mu.
func (c *snapshotCache) current(snap *scorch.IndexSnapshot) {
	if w := weak.Make(snap); c.snap != w {
		c.snap = w
		c.filters = map[string]*filterEntry{}
		c.keys = nil
		c.docs = map[string]uint32{}
	}
}

func (c *snapshotCache) filter(snap *scorch.IndexSnapshot, key string) *filterEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.current(snap)
	e := c.filters[key]
	if e == nil {
		if len(c.keys) == maxCachedFilters {
			delete(c.filters, c.keys[0])
			c.keys = c.keys[1:]
		}
		e = &filterEntry{}
		c.filters[key] = e
		c.keys = append(c.keys, key)
	}
	return e
}

// remember records the document numbers of hits, found in r.
func (c *snapshotCache) remember(r index.IndexReader, hits search.DocumentMatchCollection) {
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok || len(hits) == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.current(snap)
	if len(c.docs)+len(hits) > maxCachedDocs {
		c.docs = map[string]uint32{}
	}
	for _, h := range hits {
		if n := h.IndexInternalID.Value(); len(h.IndexInternalID) == 8 && n <= math.MaxUint32 {
			c.docs[h.ID] = uint32(n)
		}
	}
}

// lookup returns the document numbers in snap of those of ids it knows,
// the id of each, and the ids it does not know.
func (c *snapshotCache) lookup(snap *scorch.IndexSnapshot, ids []string) (docs *roaring.Bitmap, names map[uint32]string, unknown []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	docs = roaring.New()
	names = make(map[uint32]string, len(ids))
	if c.snap != weak.Make(snap) {
		return docs, names, ids
	}
	for _, id := range ids {
		n, ok := c.docs[id]
		if !ok {
			unknown = append(unknown, id)
			continue
		}
		docs.Add(n)
		names[n] = id
	}
	return docs, names, unknown
}

// learn records the document numbers of offers in snap.
func (c *snapshotCache) learn(snap *scorch.IndexSnapshot, docs map[string]uint32) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.current(snap)
	if len(c.docs)+len(docs) > maxCachedDocs {
		c.docs = map[string]uint32{}
	}
	maps.Copy(c.docs, docs)
}

// cachedFilter is a filter whose offers are collected once per snapshot
// (see snapshotCache). Its searcher matches them with a constant score: it
// is for the Filter of a BooleanQuery, or a part of one, where no score
// counts.
type cachedFilter struct {
	cache *snapshotCache
	key   string // the filter's identity: equal keys, equal filters
	inner query.Query
}

func (q *cachedFilter) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok || q.cache == nil || q.cache.off {
		return q.inner.Searcher(ctx, r, m, opts)
	}
	docs, err := q.docs(ctx, snap, m)
	if err != nil {
		return nil, err
	}
	if docs == nil {
		return q.inner.Searcher(ctx, r, m, opts)
	}
	return newSetSearcher(docs, opts), nil
}

// docs returns the document numbers of the filter's offers in snap,
// collecting them unless the cache has them; nil when the cache cannot
// hold them.
func (q *cachedFilter) docs(ctx context.Context, snap *scorch.IndexSnapshot, m mapping.IndexMapping) (*roaring.Bitmap, error) {
	e := q.cache.filter(snap, q.key)
	e.mu.Lock() // one search collects, those of the same filter wait for it
	defer e.mu.Unlock()
	if e.docs == nil {
		docs, ok, err := collect(ctx, q.inner, snap, m)
		if err != nil || !ok {
			return nil, err
		}
		e.docs = docs
	}
	return e.docs, nil
}

// count returns how many offers pass the filter in r, and false when the
// cache cannot tell.
func (q *cachedFilter) count(ctx context.Context, r index.IndexReader, m mapping.IndexMapping) (uint64, bool, error) {
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok || q.cache == nil || q.cache.off {
		return 0, false, nil
	}
	docs, err := q.docs(ctx, snap, m)
	if err != nil || docs == nil {
		return 0, false, err
	}
	return docs.GetCardinality(), true, nil
}

// offersFilter returns the filter of the offers (not the synonym
// definitions) that pass filter (a filterOf query of key, or nil), its
// offers collected once per snapshot.
func (ix *Index) offersFilter(filter query.Query, key string) *cachedFilter {
	keep := offersQuery()
	if filter != nil {
		keep = query.NewConjunctionQuery([]query.Query{keep, filter})
	}
	return &cachedFilter{cache: &ix.snaps, key: "offers " + key, inner: keep}
}

// collect returns the document numbers of the matches of q in r; ok is
// false when one does not fit in 32 bits.
func collect(ctx context.Context, q query.Query, r index.IndexReader, m mapping.IndexMapping) (docs *roaring.Bitmap, ok bool, err error) {
	s, err := q.Searcher(ctx, r, m, search.SearcherOptions{Score: "none"})
	if err != nil {
		return nil, false, err
	}
	defer s.Close()
	sctx := &search.SearchContext{
		DocumentMatchPool: search.NewDocumentMatchPool(s.DocumentMatchPoolSize(), 0),
		IndexReader:       r,
	}
	docs = roaring.New()
	for i := 0; ; i++ {
		if i%1024 == 0 && ctx.Err() != nil {
			return nil, false, ctx.Err()
		}
		dm, err := s.Next(sctx)
		if err != nil {
			return nil, false, err
		}
		if dm == nil {
			break
		}
		n := dm.IndexInternalID.Value()
		if len(dm.IndexInternalID) != 8 || n > math.MaxUint32 {
			return nil, false, nil
		}
		docs.Add(uint32(n))
		sctx.DocumentMatchPool.Put(dm)
	}
	docs.RunOptimize()
	return docs, true, nil
}

// docsQuery matches the offers of ids: by their document numbers in snap,
// when the search runs on snap, or else as a query.DocIDQuery would.
type docsQuery struct {
	ids   []string
	snap  *scorch.IndexSnapshot
	docs  *roaring.Bitmap
	names map[uint32]string // the id of each of docs
}

// docIDs returns the query of the offers of ids, by their document numbers
// in r: those c does not know yet are looked up in r's id dictionaries once,
// and remembered for the next searches of r (a page of the same ranking,
// its highlights).
func (c *snapshotCache) docIDs(r index.IndexReader, ids []string) query.Query {
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok || c.off {
		return query.NewDocIDQuery(ids)
	}
	docs, names, unknown := c.lookup(snap, ids)
	if len(unknown) > 0 {
		found := make(map[string]uint32, len(unknown))
		for _, id := range unknown {
			iid, err := snap.InternalID(id)
			if err != nil {
				return query.NewDocIDQuery(ids)
			}
			if iid == nil {
				continue // not in the snapshot (or deleted): no match
			}
			n := iid.Value()
			if len(iid) != 8 || n > math.MaxUint32 {
				return query.NewDocIDQuery(ids)
			}
			found[id] = uint32(n)
			docs.Add(uint32(n))
			names[uint32(n)] = id
		}
		c.learn(snap, found)
	}
	return &docsQuery{ids: ids, snap: snap, docs: docs, names: names}
}

func (q *docsQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	if snap, ok := r.(*scorch.IndexSnapshot); !ok || snap != q.snap {
		return query.NewDocIDQuery(q.ids).Searcher(ctx, r, m, opts)
	}
	s := newSetSearcher(q.docs, opts)
	s.names = q.names
	return s, nil
}

// setSearcher matches the documents of a bitmap, each with the score of
// a query.DocIDQuery (a constant).
type setSearcher struct {
	docs   *roaring.Bitmap
	it     roaring.IntPeekable
	scorer *scorer.ConstantScorer
	id     index.IndexInternalID
	// names, when set, gives the id of each document, which the
	// collector of the search would otherwise read from the index (the
	// stored fields of each hit).
	names map[uint32]string
}

var _ search.Searcher = (*setSearcher)(nil)

func newSetSearcher(docs *roaring.Bitmap, opts search.SearcherOptions) *setSearcher {
	return &setSearcher{
		docs:   docs,
		it:     docs.Iterator(),
		scorer: scorer.NewConstantScorer(1.0, 1.0, opts),
		id:     make(index.IndexInternalID, 8),
	}
}

func (s *setSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	if !s.it.HasNext() {
		return nil, nil
	}
	n := s.it.Next()
	s.id.SetValue(uint64(n))
	dm := s.scorer.Score(ctx, s.id)
	if s.names != nil {
		dm.ID = s.names[n]
	}
	return dm, nil
}

func (s *setSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	n := id.Value()
	if n > math.MaxUint32 {
		return nil, nil
	}
	s.it.AdvanceIfNeeded(uint32(n))
	return s.Next(ctx)
}

func (s *setSearcher) Close() error               { return nil }
func (s *setSearcher) Weight() float64            { return s.scorer.Weight() }
func (s *setSearcher) SetQueryNorm(n float64)     { s.scorer.SetQueryNorm(n) }
func (s *setSearcher) Count() uint64              { return s.docs.GetCardinality() }
func (s *setSearcher) Min() int                   { return 0 }
func (s *setSearcher) Size() int                  { return 64 + int(s.docs.GetSizeInBytes()) }
func (s *setSearcher) DocumentMatchPoolSize() int { return 1 }

// filterOf returns filterQuery(q), its offers collected once per snapshot,
// and its key: equal keys for equal filters. The query is for the Filter of
// a BooleanQuery (see cachedFilter); it is nil when nothing is filtered.
func (ix *Index) filterOf(q *offres.Query) (query.Query, string, error) {
	f, err := filterQuery(q)
	if err != nil || f == nil {
		return nil, "", err
	}
	key := filterIdentity(q)
	return &cachedFilter{cache: &ix.snaps, key: key, inner: f}, key, nil
}

// filterIdentity is what filterQuery's result depends on.
func filterIdentity(q *offres.Query) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %d %t", q.Today, q.UndatedOpenDays, q.IncludeClosed)
	names := slices.Sorted(maps.Keys(q.Filters))
	for _, name := range names {
		b.WriteString(" " + strconv.Quote(name))
		for _, v := range q.Filters[name] {
			b.WriteString("=" + strconv.Quote(v))
		}
	}
	return b.String()
}

// sameSnapshot reports whether r is still the index's current snapshot:
// a search run since r was taken ran on r.
func (ix *Index) sameSnapshot(r index.IndexReader) bool {
	now, err := ix.reader()
	if err != nil {
		return false
	}
	defer now.Close()
	return now == r
}
