package postgres

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"offres/internal/offres"
	"offres/internal/vectors"
)

// unit returns a normalised 3-dimensional vector.
func unit(x, y, z float32) []float32 {
	n := float32(math.Sqrt(float64(x*x + y*y + z*z)))
	return []float32{x / n, y / n, z / n}
}

func passages(offerID string, n int) []offres.Passage {
	var out []offres.Passage
	for i := 1; i <= n; i++ {
		out = append(out, offres.Passage{
			ID: fmt.Sprintf("%s#missions-%d", offerID, i), OfferID: offerID,
			Kind: offres.SectionMissions, Heading: "Missions", Text: fmt.Sprintf("texte %s %d", offerID, i),
		})
	}
	return out
}

func TestPassagesAndVectorSearch(t *testing.T) {
	s, _ := openStore(t)
	ctx := context.Background()
	if err := s.Put(ctx, sample()); err != nil {
		t.Fatal(err)
	}
	offers := sample()
	a, b := offers[0].ID, offers[1].ID
	const model = "test-model-v1"
	byOffer := map[string][]offres.Passage{a: passages(a, 2), b: passages(b, 1)}
	vecs := map[string][]float32{
		a + "#missions-1": unit(1, 0, 0),
		a + "#missions-2": unit(0.9, 0.1, 0),
		b + "#missions-1": unit(0, 1, 0),
	}
	if err := s.PutPassages(ctx, model, 3, byOffer, vecs); err != nil {
		t.Fatal(err)
	}
	if err := s.EnsureVectorIndex(ctx, model, 3, IndexOptions{M: 8, EfConstruction: 32}); err != nil {
		t.Fatal(err)
	}
	if err := s.EnsureVectorIndex(ctx, model, 3, IndexOptions{}); err != nil {
		t.Fatalf("second EnsureVectorIndex: %v", err)
	}

	hits, err := s.SearchPassages(ctx, model, unit(1, 0.05, 0), 3, SearchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 3 || hits[0].ID != a+"#missions-1" || hits[0].OfferID != a || hits[2].OfferID != b {
		t.Fatalf("hits %+v", hits)
	}
	if hits[0].Score < 0.99 || hits[0].Score < hits[1].Score {
		t.Fatalf("scores %+v", hits)
	}
	// A filter on offers keeps only theirs.
	hits, err = s.SearchPassages(ctx, model, unit(1, 0, 0), 3, SearchOptions{OfferIDs: []string{b}})
	if err != nil || len(hits) != 1 || hits[0].OfferID != b {
		t.Fatalf("filtered: %+v %v", hits, err)
	}
	// Another model sees nothing.
	if hits, err := s.SearchPassages(ctx, "other-model", unit(1, 0, 0), 3, SearchOptions{}); err != nil || len(hits) != 0 {
		t.Fatalf("other model: %+v %v", hits, err)
	}

	// The index serves the query (sequential scans off, so the plan shows
	// whether it can).
	err = func() error {
		conn, err := s.pool.Acquire(ctx)
		if err != nil {
			return err
		}
		defer conn.Release()
		if _, err := conn.Exec(ctx, "SET enable_seqscan = off"); err != nil {
			return err
		}
		var plan strings.Builder
		rows, err := conn.Query(ctx, fmt.Sprintf(`EXPLAIN SELECT id FROM chunks WHERE model = %s
			ORDER BY embedding::vector(3) <=> '[1,0,0]'::vector(3) LIMIT 3`, quoteLiteral(model)))
		if err != nil {
			return err
		}
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				return err
			}
			plan.WriteString(line + "\n")
		}
		if !strings.Contains(plan.String(), vectorIndexName(model, 3)) {
			return fmt.Errorf("plan does not use the HNSW index:\n%s", plan.String())
		}
		return rows.Err()
	}()
	if err != nil {
		t.Fatal(err)
	}

	// The cache finds vectors by content hash.
	h := vectors.ContentHash(vectors.PassageText(byOffer[a][0]))
	cached, err := s.CachedVectors(ctx, model, []string{h, vectors.ContentHash("absent")})
	if err != nil || len(cached) != 1 || len(cached[h]) != 3 {
		t.Fatalf("cache: %v %v", cached, err)
	}

	// Replacing an offer's passages drops the old ones; scans see the rest.
	if err := s.PutPassages(ctx, model, 3, map[string][]offres.Passage{a: passages(a, 1)},
		map[string][]float32{a + "#missions-1": unit(0, 0, 1)}); err != nil {
		t.Fatal(err)
	}
	var seen []string
	err = s.ScanPassages(ctx, model, func(p offres.Passage, v []float32) error {
		seen = append(seen, p.ID)
		if len(v) != 3 || p.Kind != offres.SectionMissions {
			return fmt.Errorf("passage %+v vec %v", p, v)
		}
		return nil
	})
	if err != nil || len(seen) != 2 {
		t.Fatalf("scan: %v %v", seen, err)
	}
	if err := s.DeletePassages(ctx, b); err != nil {
		t.Fatal(err)
	}
	if hits, _ := s.SearchPassages(ctx, model, unit(0, 1, 0), 3, SearchOptions{}); len(hits) != 1 || hits[0].OfferID != a {
		t.Fatalf("after delete: %+v", hits)
	}
}

func TestPassagesBadInput(t *testing.T) {
	s, _ := openStore(t)
	ctx := context.Background()
	for name, err := range map[string]error{
		"model with a quote": s.EnsureVectorIndex(ctx, "x'; DROP TABLE offers; --", 3, IndexOptions{}),
		"zero dims":          s.EnsureVectorIndex(ctx, "m", 0, IndexOptions{}),
		"bad m":              s.EnsureVectorIndex(ctx, "m", 3, IndexOptions{M: 1000}),
		"wrong dimension": s.PutPassages(ctx, "m", 3, map[string][]offres.Passage{"o": passages("o", 1)},
			map[string][]float32{"o#missions-1": {1, 0}}),
		"k zero": func() error { _, err := s.SearchPassages(ctx, "m", unit(1, 0, 0), 0, SearchOptions{}); return err }(),
	} {
		if !errors.Is(err, offres.ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
	if n, err := s.Count(ctx); err != nil || n != 0 {
		t.Fatalf("count %d %v", n, err)
	}
}
