package boltstore

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"testing"

	"offres/internal/offres"
	"offres/internal/vectors"
)

func openTemp(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "offers.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

// passages returns n passages of the offer, and a distinct vector for each.
func passages(offerID string, n, dims int, seed float32) ([]offres.Passage, map[string][]float32) {
	ps := make([]offres.Passage, n)
	vecs := map[string][]float32{}
	for i := range ps {
		ps[i] = offres.Passage{
			ID:      fmt.Sprintf("%s#missions-%d", offerID, i+1),
			OfferID: offerID,
			Kind:    offres.SectionMissions,
			Heading: "Missions",
			Text:    fmt.Sprintf("Texte %d de %s (%v)", i+1, offerID, seed),
		}
		v := make([]float32, dims)
		for j := range v {
			v[j] = seed + float32(i*dims+j)
		}
		vecs[ps[i].ID] = v
	}
	return ps, vecs
}

// scan returns the passages of model and their vectors, keyed by passage id.
func scan(t *testing.T, s *Store, model string) (map[string]offres.Passage, map[string][]float32) {
	t.Helper()
	ps, vs := map[string]offres.Passage{}, map[string][]float32{}
	err := s.ScanPassages(context.Background(), model, func(p offres.Passage, v []float32) error {
		ps[p.ID], vs[p.ID] = p, v
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ps, vs
}

func put(t *testing.T, s *Store, model string, dims int, byOffer map[string][]offres.Passage, vecs map[string][]float32) {
	t.Helper()
	if err := s.PutPassages(context.Background(), model, dims, byOffer, vecs); err != nil {
		t.Fatal(err)
	}
}

func merge(ms ...map[string][]float32) map[string][]float32 {
	out := map[string][]float32{}
	for _, m := range ms {
		maps.Copy(out, m)
	}
	return out
}

func TestPassagesRoundTrip(t *testing.T) {
	ctx := context.Background()
	s, path := openTemp(t)
	const model, dims = "lsa-v1", 4
	// Offer ids as the sources give them: slashes, spaces, accents.
	a, b := "3134-25-0308/SR", "PS 2026/ é"
	pa, va := passages(a, 3, dims, 1)
	pb, vb := passages(b, 2, dims, 100)
	put(t, s, model, dims, map[string][]offres.Passage{a: pa, b: pb}, merge(va, vb))

	ps, vs := scan(t, s, model)
	if len(ps) != 5 {
		t.Fatalf("scanned %d passages, want 5", len(ps))
	}
	for _, p := range append(pa, pb...) {
		if ps[p.ID] != p {
			t.Fatalf("passage %q = %+v, want %+v", p.ID, ps[p.ID], p)
		}
		if !slices.Equal(vs[p.ID], merge(va, vb)[p.ID]) {
			t.Fatalf("vector of %q = %v", p.ID, vs[p.ID])
		}
	}
	if n, _ := s.PassageCount(ctx, model); n != 5 {
		t.Fatalf("count = %d, want 5", n)
	}

	// Replace a's passages with one: the other two go.
	pa2, va2 := passages(a, 1, dims, 50)
	put(t, s, model, dims, map[string][]offres.Passage{a: pa2}, va2)
	ps, vs = scan(t, s, model)
	if len(ps) != 3 || !slices.Equal(vs[pa2[0].ID], va2[pa2[0].ID]) {
		t.Fatalf("after replace: %d passages, %v", len(ps), vs[pa2[0].ID])
	}
	if _, ok := ps[pa[1].ID]; ok {
		t.Fatalf("replaced passage %q still scanned", pa[1].ID)
	}
	// No passages: the offer has none left.
	put(t, s, model, dims, map[string][]offres.Passage{a: nil}, nil)
	if ps, _ = scan(t, s, model); len(ps) != 2 {
		t.Fatalf("after emptying a: %d passages, want 2", len(ps))
	}

	// Reopen: everything written is there.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	ps, vs = scan(t, s2, model)
	if len(ps) != 2 || ps[pb[1].ID] != pb[1] || !slices.Equal(vs[pb[1].ID], vb[pb[1].ID]) {
		t.Fatalf("after reopen: %v", ps)
	}
	models, err := s2.VectorModels(ctx)
	if err != nil || !maps.Equal(models, map[string]int{model: dims}) {
		t.Fatalf("models = %v, %v", models, err)
	}
	cached, err := s2.CachedVectors(ctx, model, []string{vectors.ContentHash(vectors.PassageText(pa[0]))})
	if err != nil || len(cached) != 1 {
		t.Fatalf("cache after reopen: %v, %v", cached, err)
	}
}

func TestDeletePassages(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	// "a" is a prefix of "ab": deleting a must leave ab alone.
	pa, va := passages("a", 3, 2, 1)
	pab, vab := passages("ab", 2, 2, 10)
	byOffer := map[string][]offres.Passage{"a": pa, "ab": pab}
	put(t, s, "m1", 2, byOffer, merge(va, vab))
	pa3, va3 := passages("a", 2, 3, 5)
	put(t, s, "m2", 3, map[string][]offres.Passage{"a": pa3}, va3)

	if err := s.DeletePassages(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	ps, _ := scan(t, s, "m1")
	if got := slices.Sorted(maps.Keys(ps)); !slices.Equal(got, []string{"ab#missions-1", "ab#missions-2"}) {
		t.Fatalf("m1 after delete: %v", got)
	}
	if ps, _ := scan(t, s, "m2"); len(ps) != 0 {
		t.Fatalf("m2 after delete: %v", ps)
	}
	// Deleting again, or an offer never stored, is fine.
	for _, id := range []string{"a", "absent", ""} {
		if err := s.DeletePassages(ctx, id); err != nil {
			t.Fatalf("delete %q: %v", id, err)
		}
	}
	// The cache keeps the vectors: a deleted offer that comes back costs
	// no embedding call.
	cached, err := s.CachedVectors(ctx, "m1", []string{vectors.ContentHash(vectors.PassageText(pa[2]))})
	if err != nil || !slices.Equal(cached[vectors.ContentHash(vectors.PassageText(pa[2]))], va[pa[2].ID]) {
		t.Fatalf("cache after delete: %v, %v", cached, err)
	}
}

func TestModelsAreIsolated(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	p1, v1 := passages("x", 2, 4, 1)
	put(t, s, "mistral-embed", 4, map[string][]offres.Passage{"x": p1}, v1)
	p2, v2 := passages("x", 1, 8, 7)
	put(t, s, "lsa-v1", 8, map[string][]offres.Passage{"x": p2}, v2)

	if ps, vs := scan(t, s, "mistral-embed"); len(ps) != 2 || len(vs[p1[0].ID]) != 4 {
		t.Fatalf("mistral-embed: %v", ps)
	}
	if ps, vs := scan(t, s, "lsa-v1"); len(ps) != 1 || len(vs[p2[0].ID]) != 8 {
		t.Fatalf("lsa-v1: %v", ps)
	}
	if ps, _ := scan(t, s, "never-stored"); len(ps) != 0 {
		t.Fatalf("unknown model: %v", ps)
	}
	// The same text in another model is another cache entry.
	h := vectors.ContentHash(vectors.PassageText(p1[0]))
	if got, _ := s.CachedVectors(ctx, "lsa-v1", []string{h}); len(got) != 0 {
		t.Fatalf("lsa-v1 cache has mistral-embed's vector: %v", got)
	}
	models, _ := s.VectorModels(ctx)
	if !maps.Equal(models, map[string]int{"mistral-embed": 4, "lsa-v1": 8}) {
		t.Fatalf("models = %v", models)
	}
}

func TestCachedVectors(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	ps, vs := passages("o", 2, 3, 1)
	put(t, s, "m", 3, map[string][]offres.Passage{"o": ps}, vs)

	// The indexer's view: the text it is about to embed, hashed.
	hit := vectors.ContentHash(vectors.PassageText(offres.Passage{Heading: ps[1].Heading, Text: ps[1].Text}))
	miss := vectors.ContentHash("un texte jamais vu")
	got, err := s.CachedVectors(ctx, "m", []string{hit, miss})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !slices.Equal(got[hit], vs[ps[1].ID]) {
		t.Fatalf("cached = %v", got)
	}
	if got, err := s.CachedVectors(ctx, "other", []string{hit}); err != nil || len(got) != 0 {
		t.Fatalf("other model: %v, %v", got, err)
	}
}

func TestPutPassagesInvalid(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	ok, okVecs := passages("o", 1, 2, 1)
	put(t, s, "m", 2, map[string][]offres.Passage{"o": ok}, okVecs)

	p := offres.Passage{ID: "q#1", OfferID: "q", Text: "t"}
	tests := []struct {
		name    string
		model   string
		dims    int
		byOffer map[string][]offres.Passage
		vecs    map[string][]float32
	}{
		{"empty model", "", 2, map[string][]offres.Passage{"q": {p}}, map[string][]float32{"q#1": {1, 0}}},
		{"dims zero", "m", 0, map[string][]offres.Passage{"q": {p}}, map[string][]float32{"q#1": {}}},
		{"other dims than stored", "m", 3, map[string][]offres.Passage{"q": {p}}, map[string][]float32{"q#1": {1, 0, 0}}},
		{"vector of wrong dimension", "m", 2, map[string][]offres.Passage{"q": {p}}, map[string][]float32{"q#1": {1, 0, 0}}},
		{"missing vector", "m", 2, map[string][]offres.Passage{"q": {p}}, nil},
		{"zero vector", "m", 2, map[string][]offres.Passage{"q": {p}}, map[string][]float32{"q#1": {0, 0}}},
		{"passage of another offer", "m", 2, map[string][]offres.Passage{"r": {p}}, map[string][]float32{"q#1": {1, 0}}},
		{"passage without id", "m", 2, map[string][]offres.Passage{"q": {{OfferID: "q"}}}, nil},
		{"offer id with NUL", "m", 2, map[string][]offres.Passage{"q\x00": nil}, nil},
		{"one bad offer spoils the batch", "m", 2,
			map[string][]offres.Passage{"o": nil, "q": {p}}, map[string][]float32{"q#1": {1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.PutPassages(ctx, tt.model, tt.dims, tt.byOffer, tt.vecs)
			if !errors.Is(err, offres.ErrInvalid) {
				t.Fatalf("got %v, want ErrInvalid", err)
			}
			if ps, _ := scan(t, s, "m"); len(ps) != 1 {
				t.Fatalf("a refused put changed the store: %v", ps)
			}
		})
	}
}

// TestScanFeedsIndex is the start-up path: the engine rebuilds the
// in-memory index from the catalogue.
func TestScanFeedsIndex(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	const dims = 3
	byOffer := map[string][]offres.Passage{}
	vecs := map[string][]float32{}
	for i, dir := range [][]float32{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}} {
		id := fmt.Sprintf("o%d", i)
		p := offres.Passage{ID: id + "#summary-1", OfferID: id, Kind: offres.SummaryKind, Text: id}
		byOffer[id] = []offres.Passage{p}
		vecs[p.ID] = dir
	}
	put(t, s, "m", dims, byOffer, vecs)
	if err := s.DeletePassages(ctx, "o0"); err != nil {
		t.Fatal(err)
	}

	models, err := s.VectorModels(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ix := vectors.New("m", models["m"])
	err = s.ScanPassages(ctx, "m", func(p offres.Passage, v []float32) error {
		return ix.Put([]vectors.Item{{ID: p.ID, OfferID: p.OfferID, Vector: v}})
	})
	if err != nil {
		t.Fatal(err)
	}
	hits, err := ix.Search(ctx, []float32{0.1, 1, 0}, 10, 0.5, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 1 || hits[0].OfferID != "o1" {
		t.Fatalf("hits = %+v, want only o1 (o0 deleted, o2 orthogonal)", hits)
	}
}

func TestScanPassagesStops(t *testing.T) {
	s, _ := openTemp(t)
	ps, vs := passages("o", 5, 2, 1)
	put(t, s, "m", 2, map[string][]offres.Passage{"o": ps}, vs)
	stop := errors.New("stop")
	n := 0
	err := s.ScanPassages(context.Background(), "m", func(offres.Passage, []float32) error {
		if n++; n == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 2 {
		t.Fatalf("err %v after %d calls", err, n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.ScanPassages(ctx, "m", func(offres.Passage, []float32) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled scan: %v", err)
	}
	if err := s.PutPassages(ctx, "m", 2, nil, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled put: %v", err)
	}
}
