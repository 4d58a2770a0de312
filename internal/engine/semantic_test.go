package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"offres/internal/demo"
	"offres/internal/lsa"
	"offres/internal/offres"
	"offres/search"
)

// importDemo opens an engine in dir and imports the demo corpus.
func importDemo(t *testing.T, dir string) *Engine {
	t.Helper()
	e := openDemo(t, dir)
	if _, _, err := e.Import(context.Background(), "demo.json", bytes.NewReader(demo.Offers)); err != nil {
		t.Fatal(err)
	}
	return e
}

func runMode(t *testing.T, e *Engine, text, mode string) offres.Result {
	t.Helper()
	res, err := e.Search().Search(context.Background(), search.Request{Text: text, Mode: mode, IncludeClosed: true, Limit: 10})
	if err != nil {
		t.Fatalf("Search(%q, %s): %v", text, mode, err)
	}
	return res
}

func ids(res offres.Result) []string {
	out := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = h.ID
	}
	return out
}

// TestBuiltinModelTrainedOnImport checks that the first import trains the
// built-in model, saves it, and embeds every offer; a restart loads it.
func TestBuiltinModelTrainedOnImport(t *testing.T) {
	dir := t.TempDir()
	e := importDemo(t, dir)
	model := e.Model()
	if !strings.HasPrefix(model, lsa.ModelPrefix) {
		t.Fatalf("model %q after the first import, want the built-in %s", model, lsa.ModelPrefix)
	}
	if _, err := os.Stat(e.modelPath()); err != nil {
		t.Fatalf("model not saved: %v", err)
	}
	ctx := context.Background()
	embedded, err := e.store.EmbeddedOffers(ctx, model)
	if err != nil {
		t.Fatal(err)
	}
	count, _ := e.store.Count(ctx)
	if len(embedded) != count {
		t.Errorf("%d offers embedded of %d", len(embedded), count)
	}
	before := ids(runMode(t, e, "soigner des malades", offres.ModeSemantic))
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	e = openDemo(t, dir)
	defer e.Close()
	if e.Model() != model {
		t.Errorf("model %q after a restart, was %q", e.Model(), model)
	}
	if after := ids(runMode(t, e, "soigner des malades", offres.ModeSemantic)); !slices.Equal(before, after) {
		t.Errorf("semantic results changed across a restart:\n%q\n%q", before, after)
	}
}

// TestHybridSearch checks the modes on the demo corpus: semantic search
// finds offers by meaning, hybrid keeps exact matches first, reports the
// best passage and counts facets on the fused set.
func TestHybridSearch(t *testing.T) {
	e := importDemo(t, t.TempDir())
	defer e.Close()

	// A paraphrase: no demo offer says "soigner", health offers are near.
	sem := runMode(t, e, "soigner des malades à l'hôpital", offres.ModeSemantic)
	if sem.Mode != offres.ModeSemantic || len(sem.Hits) == 0 {
		t.Fatalf("semantic search: mode %q, %d hits", sem.Mode, len(sem.Hits))
	}
	health := map[string]bool{"CHT-Médecine-2026-03": true, "PS-2026-0655/DPASS": true, "CHS-AB 2026/14": true,
		"PS-2026-0701/DPASS": true, "PS-2025-0433/DPASS": true, "CHS-AB 2026/31": true, "CHT-Rééducation-2026-08": true, "PS-2026-0690/DPASS": true}
	top := ids(sem)[:min(3, len(sem.Hits))]
	for _, id := range top {
		if !health[id] {
			t.Errorf("semantic top 3 for « soigner des malades à l'hôpital » = %q: %s is not a health offer", top, id)
		}
	}
	for _, h := range sem.Hits {
		if h.Passage == nil || h.Passage.Text == "" || !strings.HasPrefix(h.Passage.ID, h.ID+"#") {
			t.Fatalf("hit %s has no passage of its own: %+v", h.ID, h.Passage)
		}
	}

	// The exact title comes first in hybrid mode, whatever its neighbours.
	hyb := runMode(t, e, "Géomètre topographe", offres.ModeHybrid)
	if hyb.Mode != offres.ModeHybrid || len(hyb.Hits) == 0 || hyb.Hits[0].ID != "PS-2026-0719/DIE" {
		t.Errorf("hybrid « Géomètre topographe » = %q (mode %s), want PS-2026-0719/DIE first", ids(hyb), hyb.Mode)
	}
	// A reference too.
	if ref := runMode(t, e, "PS-2026-0640/DSIN", offres.ModeHybrid); len(ref.Hits) == 0 || ref.Hits[0].ID != "PS-2026-0640/DSIN" {
		t.Errorf("hybrid search of a reference = %q", ids(ref))
	}

	// Hybrid finds what keyword finds, and more by meaning.
	kw := runMode(t, e, "infirmier", offres.ModeKeyword)
	hy := runMode(t, e, "infirmier", offres.ModeHybrid)
	if kw.Mode != offres.ModeKeyword || hy.Mode != offres.ModeHybrid {
		t.Fatalf("modes %q and %q", kw.Mode, hy.Mode)
	}
	if hy.Total < kw.Total {
		t.Errorf("hybrid total %d is below keyword total %d", hy.Total, kw.Total)
	}
	for _, id := range ids(kw)[:min(2, len(kw.Hits))] {
		if !slices.Contains(ids(hy)[:min(5, len(hy.Hits))], id) {
			t.Errorf("keyword hit %s is not in the hybrid top 5 %q", id, ids(hy))
		}
	}

	// Facets and totals count the fused set after the filters.
	ctx := context.Background()
	filtered, err := e.Search().Search(ctx, search.Request{Text: "infirmier", IncludeClosed: true,
		Filters: map[string][]string{offres.FacetCommune: {"Bourail"}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range filtered.Hits {
		if h.Commune != "Bourail" {
			t.Errorf("filtered hybrid search returned %s in %s", h.ID, h.Commune)
		}
	}
	var facetTotal int
	for _, v := range hy.Facets[offres.FacetCommune] {
		facetTotal += v.Count
	}
	if facetTotal != hy.Total {
		t.Errorf("commune facet counts sum to %d, total is %d", facetTotal, hy.Total)
	}

	// No text, or a mode that does not exist.
	if all := runMode(t, e, "", offres.ModeHybrid); all.Mode != offres.ModeKeyword || all.Total < 60 {
		t.Errorf("empty query: mode %q, total %d", all.Mode, all.Total)
	}
	_, err = e.Search().Search(ctx, search.Request{Text: "x", Mode: "neural"})
	var ue *offres.UserError
	if !errors.As(err, &ue) || !errors.Is(err, offres.ErrInvalid) {
		t.Errorf("unknown mode: %v, want a French ErrInvalid", err)
	}
}

func TestSimilar(t *testing.T) {
	e := importDemo(t, t.TempDir())
	defer e.Close()
	ctx := context.Background()
	res, err := e.Search().Similar(ctx, "PS-2026-0622/DDDT", 5, true) // agent de surveillance maritime
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) == 0 {
		t.Fatal("no similar offer")
	}
	sea := map[string]bool{"PS-2026-0511/DDDT": true, "PS-2026-0722/DDDT": true, "PS-2025-0488/DDDT": true,
		"PS-2026-0671/DEPS": true, "APDA-2026/04": true, "PS-2026-0620/DDDT": true, "PS-2026-0707/DDDT": true}
	for _, h := range res.Hits {
		if h.ID == "PS-2026-0622/DDDT" {
			t.Errorf("the offer is among its own similar offers")
		}
	}
	if !sea[res.Hits[0].ID] {
		t.Errorf("most similar to the maritime surveillance offer: %s (%q)", res.Hits[0].ID, ids(res))
	}
	// Closed offers are left out unless asked for.
	open, err := e.Search().Similar(ctx, "PS-2026-0622/DDDT", 20, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range open.Hits {
		if h.DeadlineStatus == offres.StatusClosed {
			t.Errorf("closed offer %s among the similar open offers", h.ID)
		}
	}
	if _, err := e.Search().Similar(ctx, "nope", 5, false); !errors.Is(err, offres.ErrNotFound) {
		t.Errorf("similar of an unknown offer: %v", err)
	}
}

// TestRetrainOnDrift checks that a corpus that grows by more than the
// drift retrains the built-in model and drops the old vectors.
func TestRetrainOnDrift(t *testing.T) {
	ctx := context.Background()
	e := openDemo(t, t.TempDir())
	defer e.Close()
	offers, err := demo.Load()
	if err != nil {
		t.Fatal(err)
	}
	first := offers[:30]
	if err := e.importOffers(ctx, first); err != nil {
		t.Fatal(err)
	}
	m1 := e.Model()
	if m1 == "" {
		t.Fatal("no model after the first import")
	}
	if err := e.importOffers(ctx, offers[30:32]); err != nil { // small change: same model
		t.Fatal(err)
	}
	if e.Model() != m1 {
		t.Errorf("model retrained after a 2-offer change")
	}
	if err := e.importOffers(ctx, offers); err != nil { // more than doubled
		t.Fatal(err)
	}
	m2 := e.Model()
	if m2 == m1 {
		t.Fatalf("model not retrained after the corpus more than doubled")
	}
	models, err := e.store.VectorModels(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := models[m1]; ok || len(models) != 1 {
		t.Errorf("vector models after retraining: %v, want only %s", models, m2)
	}
	embedded, _ := e.store.EmbeddedOffers(ctx, m2)
	if len(embedded) != len(offers) {
		t.Errorf("%d offers embedded with the new model, want %d", len(embedded), len(offers))
	}
}

// importOffers imports offers as JSON through Import.
func (e *Engine) importOffers(ctx context.Context, offers []offres.Offer) error {
	var buf bytes.Buffer
	for _, o := range offers {
		b, err := json.Marshal(o)
		if err != nil {
			return err
		}
		buf.Write(b)
		buf.WriteByte('\n')
	}
	_, _, err := e.Import(ctx, "offers.ndjson", &buf)
	return err
}
