package engine

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"offres/indexer"
	"offres/internal/offres"
	"offres/internal/shareddata"
	"offres/internal/vectors"
	"offres/search"
)

// sharedOffers parses the shared France Travail and Place de l'emploi
// public offers.
func sharedOffers(t *testing.T) []offres.Offer {
	t.Helper()
	var out []offres.Offer
	for _, name := range []string{"france-travail-2024.json", "place-emploi-public-2021.csv"} {
		path := shareddata.Path(t, "offers", name)
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		err = indexer.Parse(path, bufio.NewReader(f), func(r indexer.Record) error {
			if r.Err == nil {
				out = append(out, r.Offer)
			}
			return nil
		})
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// TestScaleIVFUnderChurn imports real offers in batches past the vector
// index's IVF threshold several times (the threshold lowered so that a
// test under -race stays within a few minutes), while other goroutines
// delete offers and search in every mode. Then every acknowledged offer
// that was not deleted is found by a search restricted to its id, in the
// full-text index and in the vector index, no deleted offer is, and the
// IVF's recall@10 against an exact scan of the stored passages is at
// least 0.95 on queries made of real offer titles.
func TestScaleIVFUnderChurn(t *testing.T) {
	base := sharedOffers(t)
	const threshold, firstSize, batches, batchSize = 1000, 600, 14, 100
	ctx := context.Background()
	e, err := Open(ctx, Options{Dir: t.TempDir(), Now: fixedNow, ANN: vectors.Options{ANNThreshold: threshold}})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	offer := func(i int) offres.Offer {
		o := base[i%len(base)]
		o.ID = fmt.Sprintf("scale-%d", i)
		return o
	}
	// A first batch trains the built-in model; the others are embedded as
	// they come.
	var first []offres.Offer
	for i := range firstSize {
		first = append(first, offer(i))
	}
	if err := e.importOffers(ctx, first); err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	acked := map[string]bool{}
	deleted := map[string]bool{}
	for _, o := range first {
		acked[o.ID] = true
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	wg.Go(func() { // the writer
		defer close(done)
		for b := range batches {
			var batch []offres.Offer
			for i := firstSize + b*batchSize; i < firstSize+(b+1)*batchSize; i++ {
				batch = append(batch, offer(i))
			}
			if err := e.importOffers(ctx, batch); err != nil {
				errs <- fmt.Errorf("import batch %d: %w", b, err)
				return
			}
			mu.Lock()
			for _, o := range batch {
				acked[o.ID] = true
			}
			mu.Unlock()
		}
	})
	wg.Go(func() { // the deleter: up to one acknowledged offer in ten
		r := rand.New(rand.NewPCG(11, 11))
		for {
			select {
			case <-done:
				return
			case <-time.After(50 * time.Millisecond):
			}
			mu.Lock()
			if 10*len(deleted) >= len(acked) {
				mu.Unlock()
				continue
			}
			ids := make([]string, 0, len(acked))
			for id := range acked {
				if !deleted[id] {
					ids = append(ids, id)
				}
			}
			mu.Unlock()
			slices.Sort(ids)
			if len(ids) < 10 {
				continue
			}
			id := ids[r.IntN(len(ids))]
			if err := e.Delete(ctx, id); err != nil {
				errs <- fmt.Errorf("delete %s: %w", id, err)
				return
			}
			mu.Lock()
			deleted[id] = true
			mu.Unlock()
		}
	})
	wg.Go(func() { // the searcher
		queries := []string{"infirmier", "conducteur poids lourd", "comptable", "développeur", "agent d'entretien"}
		for i := 0; ; i++ {
			select {
			case <-done:
				return
			default:
			}
			for _, mode := range []string{offres.ModeKeyword, offres.ModeSemantic, offres.ModeHybrid} {
				if _, err := e.Search().Search(ctx, searchRequest(queries[i%len(queries)], mode)); err != nil {
					errs <- fmt.Errorf("search: %w", err)
					return
				}
			}
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	mem := e.sem.Index()
	if mem == nil {
		t.Fatal("no vector index")
	}
	wctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := mem.WaitTraining(wctx); err != nil {
		t.Fatal(err)
	}
	if !mem.Approximate() {
		t.Fatalf("%d passages past a threshold of %d, and no approximate index", mem.Len(), threshold)
	}
	t.Logf("%d offers acknowledged, %d deleted, %d passages", len(acked), len(deleted), mem.Len())
	if mem.Len() < 4*threshold {
		t.Fatalf("%d passages: the import did not cross the threshold several times", mem.Len())
	}

	today := offres.Today(fixedNow)
	for id := range acked {
		res, err := e.text.Search(ctx, offres.Query{IDs: []string{id}, IncludeClosed: true, Today: today, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		vec, verr := e.sem.OfferVector(ctx, id)
		if deleted[id] {
			if res.Total != 0 || verr == nil {
				t.Errorf("deleted offer %s still found (full-text %d, vector %v)", id, res.Total, verr)
			}
			continue
		}
		if res.Total != 1 {
			t.Errorf("acknowledged offer %s: full-text search by id finds %d", id, res.Total)
		}
		if verr != nil {
			t.Errorf("acknowledged offer %s: no vectors: %v", id, verr)
			continue
		}
		hits, err := e.sem.Passages(ctx, vec, 1, -1, map[string]bool{id: true})
		if err != nil || len(hits) != 1 || hits[0].OfferID != id {
			t.Errorf("acknowledged offer %s: vector search restricted to it finds %v (%v)", id, hits, err)
		}
	}

	// Recall@10 of the IVF against an exact scan of the stored passages.
	exact := vectors.NewWithOptions(mem.Model(), mem.Dims(), vectors.Options{ANNThreshold: -1})
	var items []vectors.Item
	err = e.store.ScanPassages(ctx, mem.Model(), func(p offres.Passage, v []float32) error {
		items = append(items, vectors.Item{ID: p.ID, OfferID: p.OfferID, Vector: v})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := exact.Put(items); err != nil {
		t.Fatal(err)
	}
	if exact.Len() != mem.Len() {
		t.Fatalf("the vector index holds %d passages, the catalogue %d", mem.Len(), exact.Len())
	}
	found, total := 0, 0
	for i := 0; i < len(base); i += 7 {
		q, err := e.sem.EmbedQuery(ctx, base[i].Title)
		if err != nil || q == nil {
			continue
		}
		want, err := exact.Search(ctx, q, 10, -1, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, err := mem.Search(ctx, q, 10, -1, nil)
		if err != nil {
			t.Fatal(err)
		}
		ids := map[string]bool{}
		for _, h := range got {
			ids[h.ID] = true
		}
		for _, h := range want {
			total++
			if ids[h.ID] {
				found++
			}
		}
	}
	recall := float64(found) / float64(total)
	t.Logf("IVF recall@10 against the exact scan: %.4f over %d hits", recall, total)
	if total < 500 || recall < 0.95 {
		t.Fatalf("IVF recall@10 = %.4f over %d hits, want ≥ 0.95 over ≥ 500", recall, total)
	}
}

func searchRequest(text, mode string) search.Request {
	return search.Request{Text: text, Mode: mode, IncludeClosed: true}
}
