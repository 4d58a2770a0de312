package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	"offres/indexer"
	"offres/internal/demo"
	"offres/internal/lsa"
	"offres/internal/offres"
)

// openSmallSample opens an engine whose built-in model trains on at most
// 120 passages, importing in batches of 8 offers: the demo corpus then
// trains it during the import, on the passages of its first batches.
func openSmallSample(t *testing.T, dir string) *Engine {
	t.Helper()
	e, err := Open(context.Background(), Options{Dir: dir, Now: fixedNow, TrainSample: 120, BatchSize: 8})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func demoOffers(t *testing.T) []offres.Offer {
	t.Helper()
	offers, err := demo.Load()
	if err != nil {
		t.Fatal(err)
	}
	return offers
}

// passageCount is the number of passages the offers have with a model that
// keeps them all.
func passageCount(offers []offres.Offer) int {
	n := 0
	for i := range offers {
		n += len(indexer.Chunk(&offers[i], indexer.ChunkOptions{}))
	}
	return n
}

// TestModelTrainedDuringImport checks a first import larger than the
// training sample: the model is trained on the first batches' passages
// while the import goes on, every offer is embedded when Import returns, the
// model stands for the whole import (no retraining at the next refresh or
// start), and a deletion removes the passages.
func TestModelTrainedDuringImport(t *testing.T) {
	ctx, dir, offers := context.Background(), t.TempDir(), demoOffers(t)
	e := openSmallSample(t, dir)
	if err := e.importOffers(ctx, offers); err != nil {
		t.Fatal(err)
	}
	model := e.Model()
	m, ok := e.sem.Embedder().(*lsa.Model)
	if !ok {
		t.Fatalf("model %q after the first import, want the built-in one", model)
	}
	if m.Docs() != 120 || m.Corpus() >= passageCount(offers) {
		t.Errorf("model trained on %d passages standing for %d, want 120 of the first batches' (fewer than the import's %d)",
			m.Docs(), m.Corpus(), passageCount(offers))
	}
	embedded, err := e.store.EmbeddedOffers(ctx, model)
	if err != nil {
		t.Fatal(err)
	}
	if len(embedded) != len(offers) {
		t.Errorf("%d offers embedded of %d", len(embedded), len(offers))
	}
	passages, _ := e.store.PassageCount(ctx, model)
	if got := e.trainedCorpus(m); got != passages {
		t.Errorf("model stands for %d passages, want the %d stored", got, passages)
	}
	if e.sem.Index().Len() != passages {
		t.Errorf("in-memory index holds %d passages, want %d", e.sem.Index().Len(), passages)
	}
	before := ids(runMode(t, e, "soigner des malades", "semantic"))
	if len(before) == 0 {
		t.Error("no semantic hit for « soigner des malades »")
	}
	if err := e.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if e.Model() != model {
		t.Errorf("model retrained by a refresh after the import: %s, was %s", e.Model(), model)
	}
	if err := e.Delete(ctx, offers[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	e = openSmallSample(t, dir)
	defer e.Close()
	if e.Model() != model {
		t.Errorf("model %q after a restart, was %q", e.Model(), model)
	}
	embedded, _ = e.store.EmbeddedOffers(ctx, model)
	if embedded[offers[0].ID] || len(embedded) != len(offers)-1 {
		t.Errorf("after deleting %s: %d offers embedded (it among them: %v), want %d", offers[0].ID, len(embedded), embedded[offers[0].ID], len(offers)-1)
	}
	if after := ids(runMode(t, e, "soigner des malades", "semantic")); len(after) == 0 {
		t.Error("no semantic hit after a restart")
	}
}

// TestModelTrainedDuringImportSameAsSmallImport checks that an import too
// small to fill the sample trains after the import, on every passage, as
// before the import sessions: the same model as an explicit retraining.
func TestModelTrainedDuringImportSameAsSmallImport(t *testing.T) {
	ctx := context.Background()
	e := importDemo(t, t.TempDir())
	defer e.Close()
	model := e.Model()
	if err := e.Retrain(ctx); err != nil {
		t.Fatal(err)
	}
	if e.Model() != model {
		t.Errorf("an import under the sample: model %s, retrained from the catalogue %s", model, e.Model())
	}
}

// TestImportStoppedDuringSession checks an import that ends without its
// refresh (a signal, a crash) while the model trains or embeds in the
// background: the next start embeds every offer.
func TestImportStoppedDuringSession(t *testing.T) {
	ctx, dir, offers := context.Background(), t.TempDir(), demoOffers(t)
	e := openSmallSample(t, dir)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, o := range offers {
		if err := enc.Encode(o); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.Importer().Import(ctx, "offers.ndjson", &buf); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil { // no Refresh: the session is cancelled
		t.Fatal(err)
	}
	e = openSmallSample(t, dir)
	defer e.Close()
	model := e.Model()
	embedded, err := e.store.EmbeddedOffers(ctx, model)
	if err != nil {
		t.Fatal(err)
	}
	if len(embedded) != len(offers) {
		t.Errorf("model %s after the restart: %d offers embedded of %d", model, len(embedded), len(offers))
	}
}

// TestSessionKeepsTheLastVersion checks an import session that embeds
// several batches at once, of an import where an offer comes again, changed,
// at the start of the import batch after the one it ended: its two versions
// are in consecutive batches of the session, and the passages stored must
// be those of the last.
func TestSessionKeepsTheLastVersion(t *testing.T) {
	ctx, dir, offers := context.Background(), t.TempDir(), demoOffers(t)
	e := openSmallSample(t, dir) // import batches of 8
	defer e.Close()
	e.sessionBatch = 2
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	last := map[string]string{}
	written := 0
	emit := func(o offres.Offer, version int) {
		o.Description = fmt.Sprintf("%s Version %d de l'offre.", o.Description, version)
		last[o.ID] = fmt.Sprintf("Version %d", version)
		if err := enc.Encode(o); err != nil {
			t.Fatal(err)
		}
		written++
	}
	for _, o := range offers {
		emit(o, 0)
		if written%8 == 0 { // the last of an import batch: again at the start of the next
			emit(o, 1)
		}
	}
	if _, _, err := e.Import(ctx, "offers.ndjson", &buf); err != nil {
		t.Fatal(err)
	}
	stored, err := e.store.PassagesOf(ctx, e.Model(), slices.Collect(maps.Keys(last)))
	if err != nil {
		t.Fatal(err)
	}
	for id, version := range last {
		found := false
		for _, p := range stored[id] {
			if !strings.Contains(p.Text, "Version") {
				continue
			}
			if strings.Contains(p.Text, version) {
				found = true
			} else {
				t.Errorf("%s: a passage of an earlier version stored: %q, want %q", id, p.Text, version)
			}
		}
		if !found {
			t.Errorf("%s: no passage of its last version (%s)", id, version)
		}
	}
}

// TestConcurrentImportsOneModel checks two imports at once on an empty
// catalogue, the first to end ending the session while the other goes on:
// one model, and every offer embedded once both have returned.
func TestConcurrentImportsOneModel(t *testing.T) {
	ctx, offers := context.Background(), demoOffers(t)
	e := openSmallSample(t, t.TempDir())
	defer e.Close()
	half := len(offers) / 3
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, part := range [][]offres.Offer{offers[:half], offers[half:]} {
		wg.Go(func() { errs[i] = e.importOffers(ctx, part) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	models, err := e.store.VectorModels(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(models) != 1 {
		t.Errorf("vector models %v, want one", models)
	}
	embedded, _ := e.store.EmbeddedOffers(ctx, e.Model())
	if len(embedded) != len(offers) {
		t.Errorf("%d offers embedded of %d", len(embedded), len(offers))
	}
}
