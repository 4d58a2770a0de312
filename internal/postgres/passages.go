package postgres

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/pgvector/pgvector-go"

	"offres/internal/offres"
	"offres/internal/vectors"
)

// modelRE bounds the model ids that may appear in SQL text: the per-model
// HNSW index is a partial index, and the planner uses it only when the
// query's predicate on the model is the same literal.
var modelRE = regexp.MustCompile(`^[A-Za-z0-9._:/@+-]{1,120}$`)

func checkModel(model string, dims int) error {
	if !modelRE.MatchString(model) {
		return fmt.Errorf("model id %q: want letters, digits and ._:/@+-: %w", model, offres.ErrInvalid)
	}
	if dims < 1 || dims > 16000 {
		return fmt.Errorf("dimensions %d out of 1..16000: %w", dims, offres.ErrInvalid)
	}
	return nil
}

// PutPassages replaces the passages of model of the given offers by these,
// with their vectors, in one transaction; an offer mapped to no passages
// loses those it had. The passages of other models stay. vecs is keyed by
// passage id; a passage without a vector is stored without one (and is then
// neither searched, listed nor counted). The embedding cache (CachedVectors)
// finds each vector under vectors.ContentHash(vectors.PassageText(p)).
//
// Wrapping offres.ErrInvalid: a model id or dims out of bounds, dims not
// the dimension the model was first stored with, a passage of another offer
// than it is listed under, a vector of the wrong dimension, all zeros or not
// finite.
func (s *Store) PutPassages(ctx context.Context, model string, dims int, byOffer map[string][]offres.Passage, vecs map[string][]float32) error {
	if err := checkModel(model, dims); err != nil {
		return err
	}
	b := &pgx.Batch{}
	// One delete for the batch: a delete per offer, planned on the stale
	// statistics of a table filling up, was measured 35 times slower.
	offerIDs := make([]string, 0, len(byOffer))
	for offerID := range byOffer {
		offerIDs = append(offerIDs, offerID)
	}
	b.Queue(`DELETE FROM chunks WHERE offer_id = ANY($1) AND model = $2`, offerIDs, model)
	for offerID, passages := range byOffer {
		for _, p := range passages {
			if p.OfferID != offerID {
				return fmt.Errorf("passage %q belongs to %q, not %q: %w", p.ID, p.OfferID, offerID, offres.ErrInvalid)
			}
			var emb any
			if v, ok := vecs[p.ID]; ok {
				if len(v) != dims {
					return fmt.Errorf("passage %q: %d dimensions, want %d: %w", p.ID, len(v), dims, offres.ErrInvalid)
				}
				if _, ok := vectors.Normalize(v); !ok {
					return fmt.Errorf("passage %q: vector is zero or not finite: %w", p.ID, offres.ErrInvalid)
				}
				emb = pgvector.NewVector(v)
			}
			b.Queue(`INSERT INTO chunks (id, offer_id, kind, heading, text, content_hash, model, embedding)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
				p.ID, p.OfferID, string(p.Kind), p.Heading, p.Text, vectors.ContentHash(vectors.PassageText(p)), model, emb)
		}
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := setModelDims(ctx, tx, model, dims); err != nil {
			return err
		}
		return tx.SendBatch(ctx, b).Close()
	})
	return wrap(ctx, "put passages", err)
}

// setModelDims records the dimension of model's vectors, or checks dims
// against the one recorded. A concurrent first PutPassages of the same
// model makes the insert wait for it, then read its row.
func setModelDims(ctx context.Context, tx pgx.Tx, model string, dims int) error {
	_, err := tx.Exec(ctx, `INSERT INTO vector_models (model, dims) VALUES ($1, $2) ON CONFLICT (model) DO NOTHING`, model, dims)
	if err != nil {
		return err
	}
	var stored int
	if err := tx.QueryRow(ctx, `SELECT dims FROM vector_models WHERE model = $1`, model).Scan(&stored); err != nil {
		return err
	}
	if stored != dims {
		return fmt.Errorf("model %q has dimension %d, not %d: %w", model, stored, dims, offres.ErrInvalid)
	}
	return nil
}

// DeletePassages removes the passages of an offer, of every model.
func (s *Store) DeletePassages(ctx context.Context, offerID string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM chunks WHERE offer_id = $1`, offerID)
	return wrap(ctx, "delete passages", err)
}

// ScanPassages calls fn for every passage stored with a vector of model, in
// id order.
func (s *Store) ScanPassages(ctx context.Context, model string, fn func(p offres.Passage, vec []float32) error) error {
	rows, err := s.pool.Query(ctx, `SELECT `+passageColumns+`
		FROM chunks WHERE model = $1 AND embedding IS NOT NULL ORDER BY id`, model)
	if err != nil {
		return wrap(ctx, "scan passages", err)
	}
	defer rows.Close()
	for rows.Next() {
		p, v, err := scanPassage(rows)
		if err != nil {
			return wrap(ctx, "scan passages", err)
		}
		if err := fn(p, v); err != nil {
			return err
		}
	}
	return wrap(ctx, "scan passages", rows.Err())
}

// passageColumns are the columns scanPassage reads, in its order.
const passageColumns = `id, offer_id, kind, coalesce(heading, ''), text, embedding`

// scanPassage reads a row of passageColumns.
func scanPassage(rows pgx.Rows) (offres.Passage, []float32, error) {
	var p offres.Passage
	var kind string
	var v pgvector.Vector
	if err := rows.Scan(&p.ID, &p.OfferID, &kind, &p.Heading, &p.Text, &v); err != nil {
		return p, nil, err
	}
	p.Kind = offres.SectionKind(kind)
	return p, v.Slice(), nil
}

// CachedVectors returns the vectors already computed by model for these
// content hashes, vectors.ContentHash(vectors.PassageText(p)) as
// PutPassages keys them, so that re-indexing unchanged text costs no
// embedding call; the hashes not found are absent from the result. The
// cache is the stored passages themselves: unlike the embedded store's, it
// forgets the vectors of an offer's passages once they are deleted or
// replaced.
func (s *Store) CachedVectors(ctx context.Context, model string, hashes []string) (map[string][]float32, error) {
	if len(hashes) == 0 {
		return map[string][]float32{}, ctx.Err()
	}
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT ON (content_hash) content_hash, embedding
		FROM chunks WHERE model = $1 AND content_hash = ANY($2) AND embedding IS NOT NULL`, model, hashes)
	if err != nil {
		return nil, wrap(ctx, "cached vectors", err)
	}
	defer rows.Close()
	out := make(map[string][]float32)
	for rows.Next() {
		var h string
		var v pgvector.Vector
		if err := rows.Scan(&h, &v); err != nil {
			return nil, wrap(ctx, "cached vectors", err)
		}
		out[h] = v.Slice()
	}
	return out, wrap(ctx, "cached vectors", rows.Err())
}

// IndexOptions tune the HNSW index (pgvector's defaults: m 16,
// ef_construction 64).
type IndexOptions struct {
	M, EfConstruction int
}

// vectorIndexName names the HNSW index of a model and dimension.
func vectorIndexName(model string, dims int) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "%s/%d", model, dims))
	return "chunks_hnsw_" + hex.EncodeToString(sum[:6])
}

// EnsureVectorIndex creates, when missing, the HNSW index (cosine distance)
// of the vectors of model: a partial index on the embedding cast to
// vector(dims), since the column itself has no fixed dimension.
func (s *Store) EnsureVectorIndex(ctx context.Context, model string, dims int, o IndexOptions) error {
	if err := checkModel(model, dims); err != nil {
		return err
	}
	if o.M <= 0 {
		o.M = 16
	}
	if o.EfConstruction <= 0 {
		o.EfConstruction = 64
	}
	if o.M < 2 || o.M > 100 || o.EfConstruction < 4 || o.EfConstruction > 1000 {
		return fmt.Errorf("hnsw m %d / ef_construction %d out of range: %w", o.M, o.EfConstruction, offres.ErrInvalid)
	}
	sql := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %s ON chunks
		USING hnsw ((embedding::vector(%d)) vector_cosine_ops) WITH (m = %d, ef_construction = %d)
		WHERE model = %s`,
		pgx.Identifier{vectorIndexName(model, dims)}.Sanitize(), dims, o.M, o.EfConstruction, quoteLiteral(model))
	_, err := s.pool.Exec(ctx, sql)
	return wrap(ctx, "create vector index", err)
}

func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// SearchOptions tune a vector search.
type SearchOptions struct {
	// EfSearch is HNSW's candidate list size for this query (pgvector's
	// default is 40); larger finds more at some cost.
	EfSearch int
	// OfferIDs, when not nil, restricts the search to these offers. With an
	// HNSW index, pgvector ≥ 0.8 scans on (iterative scan) until enough
	// passages pass the filter.
	OfferIDs []string
}

// maxSearchK bounds the k of a vector search: hnsw.ef_search, which must be
// at least k for the index to find k passages, goes up to 1000.
const maxSearchK = 1000

// PassageHit is a passage found by vector search, with its cosine similarity.
type PassageHit struct {
	ID, OfferID string
	Score       float32
}

// SearchPassages returns the k passages of model closest to q by cosine
// distance, best first.
func (s *Store) SearchPassages(ctx context.Context, model string, q []float32, k int, o SearchOptions) ([]PassageHit, error) {
	dims := len(q)
	if err := checkModel(model, dims); err != nil {
		return nil, err
	}
	if k < 1 || k > maxSearchK {
		return nil, fmt.Errorf("k %d out of 1..%d: %w", k, maxSearchK, offres.ErrInvalid)
	}
	ef := o.EfSearch
	if ef <= 0 {
		ef = max(40, k)
	}
	if ef > 1000 {
		return nil, fmt.Errorf("ef_search %d over 1000: %w", ef, offres.ErrInvalid)
	}
	cast := fmt.Sprintf("embedding::vector(%d)", dims)
	sql := fmt.Sprintf(`SELECT id, offer_id, 1 - (%[1]s <=> $1::vector(%[2]d)) FROM chunks
		WHERE model = %[3]s AND embedding IS NOT NULL %[4]s
		ORDER BY %[1]s <=> $1::vector(%[2]d) LIMIT $2`,
		cast, dims, quoteLiteral(model), map[bool]string{true: "AND offer_id = ANY($3)", false: ""}[o.OfferIDs != nil])
	args := []any{pgvector.NewVector(q), k}
	if o.OfferIDs != nil {
		args = append(args, o.OfferIDs)
	}
	var hits []PassageHit
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, fmt.Sprintf("SET LOCAL hnsw.ef_search = %d", ef)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "SET LOCAL hnsw.iterative_scan = relaxed_order"); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, sql, args...)
		if err != nil {
			return err
		}
		hits, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (PassageHit, error) {
			var h PassageHit
			var score float64
			err := r.Scan(&h.ID, &h.OfferID, &score)
			h.Score = float32(score)
			return h, err
		})
		return err
	})
	// The iterative scan in relaxed order may return a few hits out of
	// order: the scores put them back.
	slices.SortStableFunc(hits, func(a, b PassageHit) int { return cmp.Compare(b.Score, a.Score) })
	return hits, wrap(ctx, "search passages", err)
}
