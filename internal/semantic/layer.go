// Package semantic keeps the passages of the offers embedded and searches
// them: it chunks offers, embeds their passages (through the embedding
// cache, so unchanged text costs no call), stores passages and vectors, and
// answers the search service's semantic queries. The embedder and the
// storage are behind small interfaces: the built-in LSA model or an
// OpenAI-compatible endpoint; bbolt with an in-memory exact or approximate
// index, or PostgreSQL with pgvector.
package semantic

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"offres/indexer"
	"offres/internal/offres"
	"offres/internal/vectors"
	"offres/search"
)

// Embedder turns texts into vectors of one model.
type Embedder interface {
	// Model identifies the model; vectors of different models are never
	// compared.
	Model() string
	// Dimensions is the vectors' length (0 until known, for a remote model
	// before its first answer).
	Dimensions() int
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}

// Store keeps passages and vectors per model, and the embedding cache.
type Store interface {
	// PutPassages replaces the passages of the offers of byOffer by these,
	// with their vectors (keyed by passage id), and caches the vectors by
	// the content hash of vectors.PassageText.
	PutPassages(ctx context.Context, model string, dims int, byOffer map[string][]offres.Passage, vecs map[string][]float32) error
	// DeletePassages removes an offer's passages.
	DeletePassages(ctx context.Context, offerID string) error
	// CachedVectors returns the cached vectors of the content hashes it has.
	CachedVectors(ctx context.Context, model string, hashes []string) (map[string][]float32, error)
	// PassagesOf returns the stored passages of these offers, by offer.
	PassagesOf(ctx context.Context, model string, offerIDs []string) (map[string][]offres.EmbeddedPassage, error)
	// EmbeddedOffers returns the offers that have passages of model.
	EmbeddedOffers(ctx context.Context, model string) (map[string]bool, error)
}

// Searcher is a nearest-neighbour search over the stored passages of a
// model, when the store does its own (pgvector); otherwise the layer keeps
// an in-memory index.
type Searcher interface {
	SearchPassages(ctx context.Context, model string, q []float32, k int, minScore float32, allowed map[string]bool) ([]search.PassageHit, error)
}

// Scanner lists the stored passages of a model, to load the in-memory index.
type Scanner interface {
	ScanPassages(ctx context.Context, model string, fn func(p offres.Passage, vec []float32) error) error
}

// Layer is the semantic side of offres. It satisfies search.Semantic.
type Layer struct {
	store  Store
	remote Searcher // nil: the in-memory index
	chunk  indexer.ChunkOptions
	ann    vectors.Options

	mu  sync.RWMutex
	emb Embedder
	mem *vectors.Index // the passages of emb's model, when remote is nil
}

// Options configure a layer.
type Options struct {
	Chunk indexer.ChunkOptions
	// ANN configures the in-memory index (exact below its threshold).
	ANN vectors.Options
	// Searcher, when not nil, searches the store instead of an in-memory
	// index.
	Searcher Searcher
}

// New returns a layer embedding with emb into store. With no
// opts.Searcher, call Load to fill the in-memory index from the store.
func New(emb Embedder, store Store, opts Options) *Layer {
	return &Layer{store: store, remote: opts.Searcher, chunk: opts.Chunk, ann: opts.ANN, emb: emb}
}

// Model returns the id of the current embedding model, "" when there is
// none yet (the built-in model before its first training).
func (l *Layer) Model() string {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.emb == nil {
		return ""
	}
	return l.emb.Model()
}

// Embedder returns the current embedder, nil when there is none yet.
func (l *Layer) Embedder() Embedder {
	emb, _ := l.current()
	return emb
}

func (l *Layer) current() (Embedder, *vectors.Index) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.emb, l.mem
}

// Load fills the in-memory index with the passages stored for the current
// model, from scan (the store). It returns the offers that have passages.
func (l *Layer) Load(ctx context.Context, scan Scanner) (map[string]bool, error) {
	emb, _ := l.current()
	if emb == nil {
		return map[string]bool{}, nil
	}
	model := emb.Model()
	var mem *vectors.Index
	offers := map[string]bool{}
	var batch []vectors.Item
	err := scan.ScanPassages(ctx, model, func(p offres.Passage, vec []float32) error {
		offers[p.OfferID] = true
		if l.remote != nil {
			return nil
		}
		if mem == nil {
			mem = vectors.NewWithOptions(model, len(vec), l.ann)
		}
		batch = append(batch, vectors.Item{ID: p.ID, OfferID: p.OfferID, Vector: vec})
		if len(batch) == 4096 {
			err := mem.Put(batch)
			batch = batch[:0]
			return err
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load vectors of %s: %w", model, err)
	}
	if mem != nil {
		if err := mem.Put(batch); err != nil {
			return nil, fmt.Errorf("load vectors of %s: %w", model, err)
		}
	}
	l.mu.Lock()
	if l.emb == emb {
		l.mem = mem
	}
	l.mu.Unlock()
	return offers, nil
}

// Swap makes emb the embedder, with the in-memory index of its passages
// (nil when the store searches), once they are all embedded and stored
// (see Embed).
func (l *Layer) Swap(emb Embedder, mem *vectors.Index) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.emb, l.mem = emb, mem
}

// Upsert embeds the passages of the offers with the current model and
// stores them, replacing those the offers had.
func (l *Layer) Upsert(ctx context.Context, offers []offres.Offer) error {
	emb, mem := l.current()
	if emb == nil {
		return nil
	}
	mem, err := l.Embed(ctx, emb, mem, offers)
	if err != nil {
		return err
	}
	if mem != nil {
		l.mu.Lock()
		if l.emb == emb && l.mem == nil {
			l.mem = mem
		}
		l.mu.Unlock()
	}
	return nil
}

// Embed chunks the offers, embeds their passages with emb (the cached
// vectors of unchanged text are reused) and stores them for emb's model; it
// keeps mem current, creating it when nil and the layer has no remote
// searcher, and returns it. Passages with no semantic signal (a zero
// vector) are left out.
func (l *Layer) Embed(ctx context.Context, emb Embedder, mem *vectors.Index, offers []offres.Offer) (*vectors.Index, error) {
	if len(offers) == 0 {
		return mem, nil
	}
	model := emb.Model()
	byOffer := make(map[string][]offres.Passage, len(offers))
	hashOf := map[string]string{} // passage id → content hash
	textOf := map[string]string{} // content hash → text
	for i := range offers {
		ps := indexer.Chunk(&offers[i], l.chunk)
		byOffer[offers[i].ID] = ps
		for _, p := range ps {
			t := vectors.PassageText(p)
			h := vectors.ContentHash(t)
			hashOf[p.ID] = h
			textOf[h] = t
		}
	}
	hashes := slices.Sorted(maps.Keys(textOf))
	cached, err := l.store.CachedVectors(ctx, model, hashes)
	if err != nil {
		return mem, fmt.Errorf("embedding cache: %w", err)
	}
	var missing []string
	for _, h := range hashes {
		if _, ok := cached[h]; !ok {
			missing = append(missing, h)
		}
	}
	if len(missing) > 0 {
		texts := make([]string, len(missing))
		for i, h := range missing {
			texts[i] = textOf[h]
		}
		vecs, err := emb.Embed(ctx, texts)
		if err != nil {
			return mem, fmt.Errorf("embed %d passages: %w", len(texts), err)
		}
		for i, h := range missing {
			cached[h] = vecs[i]
		}
	}
	dims := emb.Dimensions()
	if dims == 0 { // a remote model that answered from the cache only
		for _, v := range cached {
			dims = len(v)
			break
		}
	}
	vecs := make(map[string][]float32, len(hashOf))
	var items []vectors.Item
	for offerID, ps := range byOffer {
		kept := ps[:0]
		for _, p := range ps {
			v := cached[hashOf[p.ID]]
			if _, ok := vectors.Normalize(v); !ok || len(v) != dims {
				continue // no semantic signal
			}
			kept = append(kept, p)
			vecs[p.ID] = v
			items = append(items, vectors.Item{ID: p.ID, OfferID: offerID, Vector: v})
		}
		byOffer[offerID] = kept
	}
	if err := l.store.PutPassages(ctx, model, dims, byOffer, vecs); err != nil {
		return mem, fmt.Errorf("store passages: %w", err)
	}
	if l.remote != nil {
		return nil, nil
	}
	if mem == nil {
		mem = vectors.NewWithOptions(model, dims, l.ann)
	}
	for offerID := range byOffer {
		mem.DeleteOffer(offerID)
	}
	if err := mem.Put(items); err != nil {
		return mem, err
	}
	return mem, nil
}

// Delete removes the passages of the offers.
func (l *Layer) Delete(ctx context.Context, ids []string) error {
	_, mem := l.current()
	for _, id := range ids {
		if err := l.store.DeletePassages(ctx, id); err != nil {
			return err
		}
		if mem != nil {
			mem.DeleteOffer(id)
		}
	}
	return nil
}

// EmbedQuery returns the query's vector, nil when it has no semantic
// signal.
func (l *Layer) EmbedQuery(ctx context.Context, text string) ([]float32, error) {
	emb, _ := l.current()
	if emb == nil || strings.TrimSpace(text) == "" {
		return nil, nil
	}
	vecs, err := emb.Embed(ctx, []string{text})
	if err != nil {
		return nil, err
	}
	if len(vecs) != 1 {
		return nil, fmt.Errorf("embedder returned %d vectors for 1 text", len(vecs))
	}
	if _, ok := vectors.Normalize(vecs[0]); !ok {
		return nil, nil
	}
	return vecs[0], nil
}

// Passages returns the k passages most similar to q.
func (l *Layer) Passages(ctx context.Context, q []float32, k int, minScore float32, allowed map[string]bool) ([]search.PassageHit, error) {
	emb, mem := l.current()
	if emb == nil {
		return nil, nil
	}
	if l.remote != nil {
		return l.remote.SearchPassages(ctx, emb.Model(), q, k, minScore, allowed)
	}
	if mem == nil {
		return nil, nil // nothing embedded yet
	}
	var hits []vectors.Hit
	var err error
	if allowed != nil {
		// Only the allowed offers' passages are scored, when they are few.
		hits, err = mem.SearchOffers(ctx, q, k, minScore, allowed)
	} else {
		hits, err = mem.Search(ctx, q, k, minScore, nil)
	}
	if err != nil {
		return nil, err
	}
	out := make([]search.PassageHit, len(hits))
	for i, h := range hits {
		out[i] = search.PassageHit{PassageID: h.ID, OfferID: h.OfferID, Score: h.Score}
	}
	return out, nil
}

// Best returns each offer's passage most similar to q.
func (l *Layer) Best(ctx context.Context, q []float32, offerIDs []string) (map[string]offres.PassageMatch, error) {
	qn, ok := vectors.Normalize(q)
	if !ok {
		return nil, nil
	}
	model := l.Model()
	if model == "" {
		return nil, nil
	}
	stored, err := l.store.PassagesOf(ctx, model, offerIDs)
	if err != nil {
		return nil, err
	}
	out := make(map[string]offres.PassageMatch, len(stored))
	for offerID, ps := range stored {
		best, bestScore := -1, float32(-2)
		for i, p := range ps {
			if len(p.Vector) != len(qn) {
				continue
			}
			if s := dot(qn, p.Vector); s > bestScore {
				best, bestScore = i, s
			}
		}
		if best >= 0 {
			p := ps[best]
			out[offerID] = offres.PassageMatch{ID: p.ID, Kind: p.Kind, Heading: p.Heading, Text: p.Text, Score: float64(bestScore)}
		}
	}
	return out, nil
}

// OfferVector returns the normalised mean of the offer's passage vectors.
func (l *Layer) OfferVector(ctx context.Context, offerID string) ([]float32, error) {
	model := l.Model()
	if model == "" {
		return nil, fmt.Errorf("no embedding model yet: %w", offres.ErrNotFound)
	}
	stored, err := l.store.PassagesOf(ctx, model, []string{offerID})
	if err != nil {
		return nil, err
	}
	ps := stored[offerID]
	if len(ps) == 0 {
		return nil, fmt.Errorf("offer %q has no passages: %w", offerID, offres.ErrNotFound)
	}
	sum := make([]float32, len(ps[0].Vector))
	for _, p := range ps {
		if len(p.Vector) != len(sum) {
			return nil, errors.New("passages of different dimensions")
		}
		v, ok := vectors.Normalize(p.Vector)
		if !ok {
			continue
		}
		for i, x := range v {
			sum[i] += x
		}
	}
	v, ok := vectors.Normalize(sum)
	if !ok {
		return nil, fmt.Errorf("offer %q has no usable vector: %w", offerID, offres.ErrNotFound)
	}
	return v, nil
}

func dot(a, b []float32) float32 {
	var s float32
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// syncBatch is the number of offers Sync embeds at a time.
const syncBatch = 256

// Sync embeds the offers among ids that have no passages of the current
// model: those imported while the embedder was down, or by a process that
// stopped before embedding them. get reads an offer (offres.ErrNotFound
// when it has gone since). It returns how many offers it embedded.
func (l *Layer) Sync(ctx context.Context, ids []string, get func(ctx context.Context, id string) (offres.Offer, error)) (int, error) {
	emb := l.Embedder()
	if emb == nil {
		return 0, nil
	}
	have, err := l.store.EmbeddedOffers(ctx, emb.Model())
	if err != nil {
		return 0, err
	}
	var batch []offres.Offer
	n := 0
	for i, id := range ids {
		if !have[id] {
			o, err := get(ctx, id)
			switch {
			case err == nil:
				batch = append(batch, o)
			case !errors.Is(err, offres.ErrNotFound):
				return n, err
			}
		}
		if len(batch) == syncBatch || (i == len(ids)-1 && len(batch) > 0) {
			if err := l.Upsert(ctx, batch); err != nil {
				return n, err
			}
			n += len(batch)
			batch = batch[:0]
		}
	}
	return n, nil
}

// ANNOptions returns the options the layer gives its in-memory vector
// indexes.
func (l *Layer) ANNOptions() vectors.Options { return l.ann }

// Index returns the in-memory vector index of the current model: nil
// before anything is embedded, or when the store searches (PostgreSQL).
func (l *Layer) Index() *vectors.Index {
	_, mem := l.current()
	return mem
}
