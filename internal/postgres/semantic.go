package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"offres/internal/offres"
	"offres/internal/vectors"
	"offres/search"
)

// What the semantic layer needs of its store, beyond PutPassages,
// DeletePassages, CachedVectors and ScanPassages (passages.go): the same
// methods, with the same meaning, as the embedded store's (boltstore), so
// that the engine runs on either. Only the passages that have a vector
// count: those stored without one are not listed, counted nor searched.

// modelLockKey is the transaction-level advisory lock that SetCurrentModel
// holds while it moves the current mark, so that two processes making
// different models current take turns instead of one failing on the
// one-current index. migrateLockKey is 1, writeLockKey 2.
const modelLockKey int64 = 0x6f66667265730003

// PassagesOf returns the stored passages of model of these offers, with
// their vectors, by offer, in passage id order; offers without passages are
// absent.
func (s *Store) PassagesOf(ctx context.Context, model string, offerIDs []string) (map[string][]offres.EmbeddedPassage, error) {
	out := make(map[string][]offres.EmbeddedPassage, len(offerIDs))
	if len(offerIDs) == 0 {
		return out, ctx.Err()
	}
	rows, err := s.pool.Query(ctx, `SELECT `+passageColumns+` FROM chunks
		WHERE model = $1 AND offer_id = ANY($2) AND embedding IS NOT NULL
		ORDER BY offer_id, id`, model, offerIDs)
	if err != nil {
		return nil, wrap(ctx, "read passages", err)
	}
	defer rows.Close()
	for rows.Next() {
		p, v, err := scanPassage(rows)
		if err != nil {
			return nil, wrap(ctx, "read passages", err)
		}
		out[p.OfferID] = append(out[p.OfferID], offres.EmbeddedPassage{Passage: p, Vector: v})
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(ctx, "read passages", err)
	}
	return out, nil
}

// EmbeddedOffers returns the offers that have passages of model.
func (s *Store) EmbeddedOffers(ctx context.Context, model string) (map[string]bool, error) {
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT offer_id FROM chunks WHERE model = $1 AND embedding IS NOT NULL`, model)
	if err != nil {
		return nil, wrap(ctx, "read embedded offers", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, wrap(ctx, "read embedded offers", err)
	}
	out := make(map[string]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// PassageCount returns the number of passages stored for model.
func (s *Store) PassageCount(ctx context.Context, model string) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM chunks WHERE model = $1 AND embedding IS NOT NULL`, model).Scan(&n)
	if err != nil {
		return 0, wrap(ctx, "count passages", err)
	}
	return n, nil
}

// VectorModels returns the dimension of each model that passages were
// stored for (and not dropped since), as recorded by PutPassages.
func (s *Store) VectorModels(ctx context.Context) (map[string]int, error) {
	rows, err := s.pool.Query(ctx, `SELECT model, dims FROM vector_models`)
	if err != nil {
		return nil, wrap(ctx, "read vector models", err)
	}
	out := map[string]int{}
	var model string
	var dims int
	_, err = pgx.ForEachRow(rows, []any{&model, &dims}, func() error {
		out[model] = dims
		return nil
	})
	if err != nil {
		return nil, wrap(ctx, "read vector models", err)
	}
	return out, nil
}

// DropModel removes the passages of a model, its dimension and the HNSW
// index EnsureVectorIndex made for it: after a retrained built-in model
// replaces it, its vectors are dead weight. The index goes first, dropped
// concurrently so that searches of other models do not wait; should the
// deletion then fail, the model is still recorded and DropModel may be
// called again. A model never stored is not an error.
func (s *Store) DropModel(ctx context.Context, model string) error {
	var dims int
	err := s.pool.QueryRow(ctx, `SELECT dims FROM vector_models WHERE model = $1`, model).Scan(&dims)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
	case err != nil:
		return wrap(ctx, fmt.Sprintf("drop model %q", model), err)
	default:
		// Not in a transaction: DROP INDEX CONCURRENTLY cannot run in one.
		sql := "DROP INDEX CONCURRENTLY IF EXISTS " + pgx.Identifier{vectorIndexName(model, dims)}.Sanitize()
		if _, err := s.pool.Exec(ctx, sql); err != nil {
			return wrap(ctx, fmt.Sprintf("drop vector index of %q", model), err)
		}
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM chunks WHERE model = $1`, model); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM vector_models WHERE model = $1`, model)
		return err
	})
	return wrap(ctx, fmt.Sprintf("drop model %q", model), err)
}

// SearchPassagesFiltered returns the passages of model most similar to q by
// cosine similarity (Score, 1 − cosine distance), best first: at most k
// (and at most 1000), none scoring under minScore, and, when allowed is not
// nil, only passages of the offers it maps to true. It searches with the
// model's HNSW index when EnsureVectorIndex made one (SearchPassages), so
// the hits are approximate. A zero query finds nothing; a query that is not
// finite is an error wrapping offres.ErrInvalid.
//
// It is semantic.Searcher's SearchPassages, under another name since
// SearchPassages is the lower-level search.
func (s *Store) SearchPassagesFiltered(ctx context.Context, model string, q []float32, k int, minScore float32, allowed map[string]bool) ([]search.PassageHit, error) {
	if k <= 0 {
		return nil, ctx.Err()
	}
	if _, ok := vectors.Normalize(q); !ok {
		for _, x := range q {
			if x != 0 {
				return nil, fmt.Errorf("query vector is not finite: %w", offres.ErrInvalid)
			}
		}
		return nil, ctx.Err() // nothing is similar to nothing
	}
	var o SearchOptions
	if allowed != nil {
		o.OfferIDs = make([]string, 0, len(allowed))
		for id, ok := range allowed {
			if ok {
				o.OfferIDs = append(o.OfferIDs, id)
			}
		}
		if len(o.OfferIDs) == 0 {
			return nil, ctx.Err()
		}
	}
	hits, err := s.SearchPassages(ctx, model, q, min(k, maxSearchK), o)
	if err != nil {
		return nil, err
	}
	out := make([]search.PassageHit, 0, len(hits))
	for _, h := range hits {
		if h.Score >= minScore {
			out = append(out, search.PassageHit{PassageID: h.ID, OfferID: h.OfferID, Score: h.Score})
		}
	}
	return out, nil
}

// PutModel stores the data of the built-in embedding model name (lsa's
// binary format), not current yet; a model already stored under that name
// is kept as it is (a model's name identifies its content).
func (s *Store) PutModel(ctx context.Context, name string, data []byte) error {
	if !modelRE.MatchString(name) {
		return fmt.Errorf("model id %q: want letters, digits and ._:/@+-: %w", name, offres.ErrInvalid)
	}
	if len(data) == 0 {
		return fmt.Errorf("model %q: no data: %w", name, offres.ErrInvalid)
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO embedding_models (name, data) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, name, data)
	return wrap(ctx, fmt.Sprintf("put model %q", name), err)
}

// SetCurrentModel makes the stored model name the current one, in place of
// the previous, in one transaction: a reader sees one or the other, never
// none. An unknown name is an error wrapping offres.ErrNotFound, and leaves
// the current model as it was.
func (s *Store) SetCurrentModel(ctx context.Context, name string) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, modelLockKey); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE embedding_models SET current = false WHERE current AND name <> $1`, name); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE embedding_models SET current = true WHERE name = $1`, name)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return offres.ErrNotFound
		}
		return nil
	})
	if errors.Is(err, offres.ErrNotFound) {
		return fmt.Errorf("model %q: %w", name, offres.ErrNotFound)
	}
	return wrap(ctx, fmt.Sprintf("set current model %q", name), err)
}

// CurrentModel returns the name and data of the current built-in model, or
// an error wrapping offres.ErrNotFound when there is none.
func (s *Store) CurrentModel(ctx context.Context) (name string, data []byte, err error) {
	err = s.pool.QueryRow(ctx, `SELECT name, data FROM embedding_models WHERE current`).Scan(&name, &data)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil, fmt.Errorf("current model: %w", offres.ErrNotFound)
	}
	if err != nil {
		return "", nil, wrap(ctx, "read current model", err)
	}
	return name, data, nil
}

// CurrentModelName returns the name of the current built-in model, "" when
// there is none. It reads one small row through an index, not the data: the
// processes sharing the database poll it, and call CurrentModel when it
// changes.
func (s *Store) CurrentModelName(ctx context.Context) (string, error) {
	var name string
	err := s.pool.QueryRow(ctx, `SELECT name FROM embedding_models WHERE current`).Scan(&name)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", wrap(ctx, "read current model name", err)
	}
	return name, nil
}

// DeleteModel removes a stored built-in model that is not the current one;
// deleting the current one is an error wrapping offres.ErrInvalid, and a
// name not stored is not an error. Its vectors are DropModel's.
func (s *Store) DeleteModel(ctx context.Context, name string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM embedding_models WHERE name = $1 AND NOT current`, name)
	if err != nil {
		return wrap(ctx, fmt.Sprintf("delete model %q", name), err)
	}
	if tag.RowsAffected() > 0 {
		return nil
	}
	var current bool
	err = s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM embedding_models WHERE name = $1 AND current)`, name).Scan(&current)
	if err != nil {
		return wrap(ctx, fmt.Sprintf("delete model %q", name), err)
	}
	if current {
		return fmt.Errorf("model %q is the current one: %w", name, offres.ErrInvalid)
	}
	return nil
}
