package postgres

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/pgvector/pgvector-go"

	"offres/internal/boltstore"
	"offres/internal/offres"
	"offres/internal/vectors"
	"offres/search"
)

// semanticStore is what the semantic layer and the engine use of their
// store (semantic.Store, semantic.Scanner, and the engine's model
// bookkeeping), spelled out here because this package does not import
// them: both stores must offer these methods.
type semanticStore interface {
	PutPassages(ctx context.Context, model string, dims int, byOffer map[string][]offres.Passage, vecs map[string][]float32) error
	DeletePassages(ctx context.Context, offerID string) error
	CachedVectors(ctx context.Context, model string, hashes []string) (map[string][]float32, error)
	PassagesOf(ctx context.Context, model string, offerIDs []string) (map[string][]offres.EmbeddedPassage, error)
	EmbeddedOffers(ctx context.Context, model string) (map[string]bool, error)
	ScanPassages(ctx context.Context, model string, fn func(p offres.Passage, vec []float32) error) error
	PassageCount(ctx context.Context, model string) (int, error)
	VectorModels(ctx context.Context) (map[string]int, error)
	DropModel(ctx context.Context, model string) error
}

// filteredSearcher is semantic.Searcher under the name the store gives it.
type filteredSearcher interface {
	SearchPassagesFiltered(ctx context.Context, model string, q []float32, k int, minScore float32, allowed map[string]bool) ([]search.PassageHit, error)
}

var (
	_ semanticStore    = (*boltstore.Store)(nil)
	_ semanticStore    = (*Store)(nil)
	_ filteredSearcher = (*Store)(nil)
)

// embedded returns the passages with their vectors, as PassagesOf lists
// them.
func embedded(ps []offres.Passage, vecs map[string][]float32) []offres.EmbeddedPassage {
	out := make([]offres.EmbeddedPassage, len(ps))
	for i, p := range ps {
		out[i] = offres.EmbeddedPassage{Passage: p, Vector: vecs[p.ID]}
	}
	return out
}

func equalPassages(a, b []offres.EmbeddedPassage) bool {
	return slices.EqualFunc(a, b, func(x, y offres.EmbeddedPassage) bool {
		return x.Passage == y.Passage && slices.Equal(x.Vector, y.Vector)
	})
}

// putSample stores the sample offers and returns the ids of the first two.
func putSample(t *testing.T, s *Store) (a, b string) {
	t.Helper()
	offers := sample()
	if err := s.Put(t.Context(), offers); err != nil {
		t.Fatal(err)
	}
	return offers[0].ID, offers[1].ID
}

func TestSemanticRoundTrip(t *testing.T) {
	t.Parallel()
	s, _ := openStore(t)
	ctx := t.Context()
	a, b := putSample(t, s)

	// Two models hold passages of the same ids side by side, as while a
	// retrained model embeds every offer and the old one still serves.
	const m3, m2 = "test-3d", "test-2d"
	psA, psB := passages(a, 2), passages(b, 1)
	vecs3 := map[string][]float32{psA[0].ID: unit(1, 0, 0), psA[1].ID: unit(0.9, 0.1, 0), psB[0].ID: unit(0, 1, 0)}
	vecs2 := map[string][]float32{psA[0].ID: {1, 0}, psA[1].ID: {0, 1}}
	if err := s.PutPassages(ctx, m3, 3, map[string][]offres.Passage{a: psA, b: psB}, vecs3); err != nil {
		t.Fatal(err)
	}
	if err := s.PutPassages(ctx, m2, 2, map[string][]offres.Passage{a: psA}, vecs2); err != nil {
		t.Fatal(err)
	}

	got, err := s.PassagesOf(ctx, m3, []string{b, a, "unknown"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || !equalPassages(got[a], embedded(psA, vecs3)) || !equalPassages(got[b], embedded(psB, vecs3)) {
		t.Fatalf("PassagesOf(%s) = %+v", m3, got)
	}
	if got, err := s.PassagesOf(ctx, m2, []string{a, b}); err != nil || len(got) != 1 || !equalPassages(got[a], embedded(psA, vecs2)) {
		t.Fatalf("PassagesOf(%s) = %+v, %v", m2, got, err)
	}
	if got, err := s.PassagesOf(ctx, m3, nil); err != nil || len(got) != 0 {
		t.Fatalf("PassagesOf of no offer = %+v, %v", got, err)
	}

	wantOffers := map[string]map[string]bool{m3: {a: true, b: true}, m2: {a: true}, "unknown": {}}
	wantCount := map[string]int{m3: 3, m2: 2, "unknown": 0}
	check := func(step string) {
		t.Helper()
		for model, want := range wantOffers {
			if got, err := s.EmbeddedOffers(ctx, model); err != nil || !maps.Equal(got, want) {
				t.Fatalf("%s: EmbeddedOffers(%s) = %v, %v; want %v", step, model, got, err, want)
			}
			if n, err := s.PassageCount(ctx, model); err != nil || n != wantCount[model] {
				t.Fatalf("%s: PassageCount(%s) = %d, %v; want %d", step, model, n, err, wantCount[model])
			}
		}
		if got, err := s.VectorModels(ctx); err != nil || !maps.Equal(got, map[string]int{m3: 3, m2: 2}) {
			t.Fatalf("%s: VectorModels = %v, %v", step, got, err)
		}
	}
	check("stored")

	// Replacing an offer's passages of one model leaves the other's; an
	// offer mapped to no passages loses its own; a passage stored without
	// a vector is neither listed nor counted.
	one := passages(a, 1)
	if err := s.PutPassages(ctx, m2, 2, map[string][]offres.Passage{a: one}, map[string][]float32{}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutPassages(ctx, m3, 3, map[string][]offres.Passage{b: nil}, nil); err != nil {
		t.Fatal(err)
	}
	wantOffers[m2], wantCount[m2] = map[string]bool{}, 0
	wantOffers[m3], wantCount[m3] = map[string]bool{a: true}, 2
	check("replaced")
	if got, err := s.PassagesOf(ctx, m3, []string{a}); err != nil || !equalPassages(got[a], embedded(psA, vecs3)) {
		t.Fatalf("PassagesOf(%s) after the other model's write = %+v, %v", m3, got, err)
	}

	// A model keeps the dimension it was first stored with.
	err = s.PutPassages(ctx, m3, 2, map[string][]offres.Passage{b: psB}, map[string][]float32{psB[0].ID: {1, 1}})
	if !errors.Is(err, offres.ErrInvalid) {
		t.Fatalf("PutPassages of 2 dimensions into a 3-dimension model: %v, want ErrInvalid", err)
	}
	// A zero vector has no direction to compare: refused, as boltstore does.
	err = s.PutPassages(ctx, m3, 3, map[string][]offres.Passage{b: psB}, map[string][]float32{psB[0].ID: {0, 0, 0}})
	if !errors.Is(err, offres.ErrInvalid) {
		t.Fatalf("PutPassages of a zero vector: %v, want ErrInvalid", err)
	}
	check("after refused writes")

	// DeletePassages removes an offer's passages of every model.
	if err := s.PutPassages(ctx, m2, 2, map[string][]offres.Passage{a: psA}, vecs2); err != nil {
		t.Fatal(err)
	}
	if err := s.DeletePassages(ctx, a); err != nil {
		t.Fatal(err)
	}
	wantOffers[m2], wantCount[m2] = map[string]bool{}, 0
	wantOffers[m3], wantCount[m3] = map[string]bool{}, 0
	check("deleted")
}

// TestCachedVectorsParity checks that the embedding cache is keyed as the
// semantic layer looks it up: by the content hash of the text embedded
// (heading and text), not of the text alone.
func TestCachedVectorsParity(t *testing.T) {
	t.Parallel()
	s, _ := openStore(t)
	ctx := t.Context()
	a, b := putSample(t, s)
	pa := offres.Passage{ID: a + "#missions-1", OfferID: a, Kind: offres.SectionMissions, Heading: "Missions", Text: "Piloter les projets numériques."}
	pb := offres.Passage{ID: b + "#summary-1", OfferID: b, Kind: offres.SummaryKind, Text: "Infirmier à Koné."}
	if vectors.PassageText(pa) == pa.Text {
		t.Fatal("the test needs a passage whose embedded text is not its text")
	}
	const model = "cache-3d"
	vecs := map[string][]float32{pa.ID: unit(1, 2, 3), pb.ID: unit(3, 2, 1)}
	if err := s.PutPassages(ctx, model, 3, map[string][]offres.Passage{a: {pa}, b: {pb}}, vecs); err != nil {
		t.Fatal(err)
	}
	ha, hb := vectors.ContentHash(vectors.PassageText(pa)), vectors.ContentHash(vectors.PassageText(pb))
	got, err := s.CachedVectors(ctx, model, []string{ha, hb, vectors.ContentHash(pa.Text), vectors.ContentHash("absent")})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || !slices.Equal(got[ha], vecs[pa.ID]) || !slices.Equal(got[hb], vecs[pb.ID]) {
		t.Fatalf("CachedVectors = %v", got)
	}
	if got, err := s.CachedVectors(ctx, "other-model", []string{ha}); err != nil || len(got) != 0 {
		t.Fatalf("CachedVectors of another model = %v, %v", got, err)
	}
	if got, err := s.CachedVectors(ctx, model, nil); err != nil || len(got) != 0 {
		t.Fatalf("CachedVectors of no hash = %v, %v", got, err)
	}
	// The plan of the lookup uses the hash index, not a scan of the model.
	if plan := explain(t, s, `SELECT content_hash FROM chunks WHERE model = 'cache-3d' AND content_hash = ANY('{x}') AND embedding IS NOT NULL`); !bytes.Contains(plan, []byte("chunks_by_hash")) {
		t.Errorf("the cache lookup does not use chunks_by_hash:\n%s", plan)
	}
}

// explain returns the plan of sql with sequential scans off, so that it
// shows whether an index can serve it.
func explain(t *testing.T, s *Store, sql string) []byte {
	t.Helper()
	ctx := t.Context()
	var plan []byte
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SET LOCAL enable_seqscan = off"); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, "EXPLAIN "+sql)
		if err != nil {
			return err
		}
		lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
		for _, l := range lines {
			plan = fmt.Appendf(plan, "%s\n", l)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return plan
}

func indexExists(t *testing.T, s *Store, name string) bool {
	t.Helper()
	var ok bool
	if err := s.pool.QueryRow(t.Context(), `SELECT to_regclass($1) IS NOT NULL`, name).Scan(&ok); err != nil {
		t.Fatal(err)
	}
	return ok
}

func TestDropModel(t *testing.T) {
	t.Parallel()
	s, _ := openStore(t)
	ctx := t.Context()
	a, b := putSample(t, s)
	const old, cur = "lsa-old", "lsa-new"
	byOffer := map[string][]offres.Passage{a: passages(a, 2), b: passages(b, 1)}
	vecs := map[string][]float32{a + "#missions-1": unit(1, 0, 0), a + "#missions-2": unit(0, 1, 0), b + "#missions-1": unit(0, 0, 1)}
	for _, m := range []string{old, cur} {
		if err := s.PutPassages(ctx, m, 3, byOffer, vecs); err != nil {
			t.Fatal(err)
		}
		if err := s.EnsureVectorIndex(ctx, m, 3, IndexOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if !indexExists(t, s, vectorIndexName(old, 3)) {
		t.Fatal("EnsureVectorIndex made no index")
	}

	if err := s.DropModel(ctx, old); err != nil {
		t.Fatal(err)
	}
	if indexExists(t, s, vectorIndexName(old, 3)) {
		t.Error("the dropped model's HNSW index is still there")
	}
	if !indexExists(t, s, vectorIndexName(cur, 3)) {
		t.Error("the other model's HNSW index went too")
	}
	if n, err := s.PassageCount(ctx, old); err != nil || n != 0 {
		t.Errorf("PassageCount of the dropped model = %d, %v", n, err)
	}
	var rows int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM chunks WHERE model = $1`, old).Scan(&rows); err != nil || rows != 0 {
		t.Errorf("%d chunks of the dropped model left, %v", rows, err)
	}
	if got, err := s.EmbeddedOffers(ctx, old); err != nil || len(got) != 0 {
		t.Errorf("EmbeddedOffers of the dropped model = %v, %v", got, err)
	}
	if got, err := s.VectorModels(ctx); err != nil || !maps.Equal(got, map[string]int{cur: 3}) {
		t.Errorf("VectorModels = %v, %v; want only %s", got, err, cur)
	}
	if n, err := s.PassageCount(ctx, cur); err != nil || n != 3 {
		t.Errorf("PassageCount of the model kept = %d, %v", n, err)
	}
	hits, err := s.SearchPassagesFiltered(ctx, cur, unit(1, 0, 0), 3, 0, nil)
	if err != nil || len(hits) != 3 {
		t.Errorf("search of the model kept = %+v, %v", hits, err)
	}

	// Dropping again, or a model never stored, does nothing; a dropped
	// model may come back with another dimension.
	for _, m := range []string{old, "never-stored"} {
		if err := s.DropModel(ctx, m); err != nil {
			t.Errorf("DropModel(%s): %v", m, err)
		}
	}
	if err := s.PutPassages(ctx, old, 2, map[string][]offres.Passage{b: passages(b, 1)}, map[string][]float32{b + "#missions-1": {1, 1}}); err != nil {
		t.Fatalf("PutPassages of a dropped model with another dimension: %v", err)
	}
}

func TestSearchPassagesFiltered(t *testing.T) {
	t.Parallel()
	s, _ := openStore(t)
	ctx := t.Context()
	a, b := putSample(t, s)
	const model = "search-3d"
	byOffer := map[string][]offres.Passage{a: passages(a, 2), b: passages(b, 1)}
	vecs := map[string][]float32{
		a + "#missions-1": unit(1, 0, 0),
		a + "#missions-2": unit(0.9, 0.1, 0),
		b + "#missions-1": unit(0, 1, 0),
	}
	if err := s.PutPassages(ctx, model, 3, byOffer, vecs); err != nil {
		t.Fatal(err)
	}
	q := unit(1, 0.05, 0)
	cosine := func(id string) float32 {
		var d float64
		for i, x := range q {
			d += float64(x) * float64(vecs[id][i])
		}
		return float32(d)
	}
	ids := func(hits []search.PassageHit) []string {
		var out []string
		for _, h := range hits {
			out = append(out, h.PassageID)
		}
		return out
	}
	all := []string{a + "#missions-1", a + "#missions-2", b + "#missions-1"}

	// The same answers by exact scan and through the HNSW index.
	for _, indexed := range []bool{false, true} {
		if indexed {
			if err := s.EnsureVectorIndex(ctx, model, 3, IndexOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		tests := []struct {
			name     string
			k        int
			minScore float32
			allowed  map[string]bool
			want     []string
		}{
			{"all", 10, -1, nil, all},
			{"k", 2, -1, nil, all[:2]},
			{"k over the bound", 5000, -1, nil, all},
			{"min score", 10, 0.5, nil, all[:2]},
			{"min score over all", 10, 1.01, nil, nil},
			{"allowed", 10, -1, map[string]bool{b: true}, all[2:]},
			{"allowed false", 10, -1, map[string]bool{a: false, b: true}, all[2:]},
			{"allowed and min score", 10, 0.5, map[string]bool{b: true}, nil},
			{"allowed unknown", 10, -1, map[string]bool{"unknown": true}, nil},
			{"allowed empty", 10, -1, map[string]bool{}, nil},
			{"k zero", 0, -1, nil, nil},
		}
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/indexed=%v", tt.name, indexed), func(t *testing.T) {
				hits, err := s.SearchPassagesFiltered(ctx, model, q, tt.k, tt.minScore, tt.allowed)
				if err != nil {
					t.Fatal(err)
				}
				if got := ids(hits); !slices.Equal(got, tt.want) {
					t.Fatalf("hits = %q, want %q", got, tt.want)
				}
				for _, h := range hits {
					if !strings.HasPrefix(h.PassageID, h.OfferID+"#") {
						t.Errorf("hit %+v: passage of another offer", h)
					}
					if want := cosine(h.PassageID); math.Abs(float64(h.Score-want)) > 1e-5 {
						t.Errorf("hit %s: score %v, want the cosine similarity %v", h.PassageID, h.Score, want)
					}
				}
			})
		}
	}

	if hits, err := s.SearchPassagesFiltered(ctx, model, []float32{0, 0, 0}, 3, -1, nil); err != nil || len(hits) != 0 {
		t.Errorf("zero query = %+v, %v; want nothing", hits, err)
	}
	if _, err := s.SearchPassagesFiltered(ctx, model, []float32{float32(math.NaN()), 0, 1}, 3, -1, nil); !errors.Is(err, offres.ErrInvalid) {
		t.Errorf("NaN query: %v, want ErrInvalid", err)
	}
	if hits, err := s.SearchPassagesFiltered(ctx, "unknown-model", q, 3, -1, nil); err != nil || len(hits) != 0 {
		t.Errorf("unknown model = %+v, %v; want nothing", hits, err)
	}
}

func TestEmbeddingModels(t *testing.T) {
	t.Parallel()
	s, dbURL := openStore(t)
	ctx := t.Context()
	// Another process on the same database.
	other, err := Open(ctx, dbURL, Options{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()

	wantCurrent := func(step, name string, data []byte) {
		t.Helper()
		for i, st := range []*Store{s, other} {
			got, err := st.CurrentModelName(ctx)
			if err != nil || got != name {
				t.Fatalf("%s: store %d: CurrentModelName = %q, %v; want %q", step, i, got, err, name)
			}
			gotName, gotData, err := st.CurrentModel(ctx)
			if name == "" {
				if !errors.Is(err, offres.ErrNotFound) {
					t.Fatalf("%s: store %d: CurrentModel = %q, %v; want ErrNotFound", step, i, gotName, err)
				}
				continue
			}
			if err != nil || gotName != name || !bytes.Equal(gotData, data) {
				t.Fatalf("%s: store %d: CurrentModel = %q (%d bytes), %v; want %q (%d bytes)", step, i, gotName, len(gotData), err, name, len(data))
			}
		}
	}
	wantCurrent("empty", "", nil)

	// A model of a few MiB, as the built-in one is.
	m1 := make([]byte, 3<<20)
	rand.Read(m1)
	m2 := []byte("offr-lsa model two")
	if err := s.PutModel(ctx, "offres-lsa-v1-00000001", m1); err != nil {
		t.Fatal(err)
	}
	wantCurrent("stored, not current", "", nil)
	if err := s.SetCurrentModel(ctx, "offres-lsa-v1-00000001"); err != nil {
		t.Fatal(err)
	}
	wantCurrent("first current", "offres-lsa-v1-00000001", m1)

	// Storing a name again keeps what is there.
	if err := other.PutModel(ctx, "offres-lsa-v1-00000001", []byte("else")); err != nil {
		t.Fatal(err)
	}
	wantCurrent("stored again", "offres-lsa-v1-00000001", m1)

	if err := other.PutModel(ctx, "offres-lsa-v1-00000002", m2); err != nil {
		t.Fatal(err)
	}
	if err := other.SetCurrentModel(ctx, "offres-lsa-v1-00000002"); err != nil {
		t.Fatal(err)
	}
	wantCurrent("flipped", "offres-lsa-v1-00000002", m2)
	if err := s.SetCurrentModel(ctx, "offres-lsa-v1-00000002"); err != nil {
		t.Fatalf("making the current model current again: %v", err)
	}

	// An unknown model cannot become current, and the current one stays.
	if err := s.SetCurrentModel(ctx, "offres-lsa-v1-ffffffff"); !errors.Is(err, offres.ErrNotFound) {
		t.Fatalf("SetCurrentModel of an unknown model: %v, want ErrNotFound", err)
	}
	wantCurrent("after a failed flip", "offres-lsa-v1-00000002", m2)

	// The current model cannot be deleted; the others can, once or twice.
	if err := s.DeleteModel(ctx, "offres-lsa-v1-00000002"); !errors.Is(err, offres.ErrInvalid) {
		t.Fatalf("DeleteModel of the current model: %v, want ErrInvalid", err)
	}
	for range 2 {
		if err := s.DeleteModel(ctx, "offres-lsa-v1-00000001"); err != nil {
			t.Fatalf("DeleteModel of an old model: %v", err)
		}
	}
	if err := s.SetCurrentModel(ctx, "offres-lsa-v1-00000001"); !errors.Is(err, offres.ErrNotFound) {
		t.Fatalf("SetCurrentModel of a deleted model: %v, want ErrNotFound", err)
	}
	wantCurrent("after deleting the old one", "offres-lsa-v1-00000002", m2)

	// Processes flipping at once take turns: never an error, one current.
	names := []string{"offres-lsa-v1-0000000a", "offres-lsa-v1-0000000b", "offres-lsa-v1-0000000c"}
	for _, n := range names {
		if err := s.PutModel(ctx, n, []byte(n)); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2*len(names)*10)
	for i, st := range []*Store{s, other} {
		for j := range names {
			wg.Go(func() {
				for k := range 10 {
					if err := st.SetCurrentModel(ctx, names[(i+j+k)%len(names)]); err != nil {
						errs <- err
					}
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent SetCurrentModel: %v", err)
	}
	var current int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM embedding_models WHERE current`).Scan(&current); err != nil || current != 1 {
		t.Fatalf("%d current models, %v; want 1", current, err)
	}
	name, err := s.CurrentModelName(ctx)
	if err != nil || !slices.Contains(names, name) {
		t.Fatalf("current model %q, %v; want one of %q", name, err, names)
	}

	// The database itself refuses a second current row.
	_, err = s.pool.Exec(ctx, `UPDATE embedding_models SET current = true WHERE name <> $1`, name)
	if err == nil {
		t.Fatal("two current models accepted")
	}

	for name, err := range map[string]error{
		"bad name": s.PutModel(ctx, "x'; DROP TABLE offers; --", []byte("x")),
		"no data":  s.PutModel(ctx, "offres-lsa-v1-00000003", nil),
	} {
		if !errors.Is(err, offres.ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
}

// TestMigrateSemantic applies 0002 to a database that 0001 made and that
// holds chunks: the dimensions of the models stored are recorded, and a
// chunk of no model (unusable) goes.
func TestMigrateSemantic(t *testing.T) {
	t.Parallel()
	dbURL := newDatabase(t)
	ctx := t.Context()
	ms, err := embeddedMigrations()
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	if err := migrate(ctx, conn, ms[:1], slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	_, err = conn.Exec(ctx, `
		INSERT INTO offers (id, doc, hash) VALUES ('o', '{"id":"o","title":"Poste"}', 'h');
		INSERT INTO chunks (id, offer_id, kind, heading, text, content_hash, model, embedding) VALUES
			('o#missions-1', 'o', 'missions', 'Missions', 'Texte.', 'h1', 'legacy-3d', '[1,0,0]'),
			('o#missions-2', 'o', 'missions', NULL, 'Autre.', 'h2', 'legacy-3d', NULL),
			('o#summary-1', 'o', 'summary', NULL, 'Poste', 'h3', NULL, NULL)`)
	conn.Close(ctx)
	if err != nil {
		t.Fatal(err)
	}

	s, err := Open(ctx, dbURL, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got, err := s.VectorModels(ctx); err != nil || !maps.Equal(got, map[string]int{"legacy-3d": 3}) {
		t.Fatalf("VectorModels = %v, %v", got, err)
	}
	var rows int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM chunks`).Scan(&rows); err != nil || rows != 2 {
		t.Fatalf("%d chunks after the migration, %v; want the 2 of a model", rows, err)
	}
	got, err := s.PassagesOf(ctx, "legacy-3d", []string{"o"})
	want := []offres.EmbeddedPassage{{
		Passage: offres.Passage{ID: "o#missions-1", OfferID: "o", Kind: offres.SectionMissions, Heading: "Missions", Text: "Texte."},
		Vector:  []float32{1, 0, 0},
	}}
	if err != nil || !equalPassages(got["o"], want) {
		t.Fatalf("PassagesOf = %+v, %v", got, err)
	}
	// The same passage id now exists once per model.
	if err := s.PutPassages(ctx, "new-2d", 2, map[string][]offres.Passage{"o": {want[0].Passage}}, map[string][]float32{"o#missions-1": {0, 1}}); err != nil {
		t.Fatal(err)
	}
	var v pgvector.Vector
	if err := s.pool.QueryRow(ctx, `SELECT embedding FROM chunks WHERE model = 'legacy-3d' AND id = 'o#missions-1'`).Scan(&v); err != nil || !slices.Equal(v.Slice(), []float32{1, 0, 0}) {
		t.Fatalf("legacy chunk = %v, %v", v.Slice(), err)
	}
}
