package engine

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"offres/internal/demo"
	"offres/internal/offres"
	"offres/search"
)

func fixedNow() time.Time { return time.Date(2026, 11, 28, 9, 0, 0, 0, offres.Noumea) }

func openDemo(t *testing.T, dir string) *Engine {
	t.Helper()
	e, err := Open(context.Background(), Options{Dir: dir, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func searchTotal(t *testing.T, e *Engine, q string) int {
	t.Helper()
	res, err := e.Search().Search(context.Background(), search.Request{Text: q, IncludeClosed: true, Mode: offres.ModeKeyword})
	if err != nil {
		t.Fatal(err)
	}
	return res.Total
}

// TestReopenAndRebuild checks that the index survives a restart and is
// rebuilt from the catalogue when it is missing or will not open.
func TestReopenAndRebuild(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	e := openDemo(t, dir)
	sum, _, err := e.Import(ctx, "demo.json", bytes.NewReader(demo.Offers))
	if err != nil {
		t.Fatal(err)
	}
	all := searchTotal(t, e, "")
	if all != sum.Indexed || all < 60 {
		t.Fatalf("indexed %d, search finds %d", sum.Indexed, all)
	}
	want := searchTotal(t, e, "infirmier")
	if want == 0 {
		t.Fatal("no infirmier in the demo corpus")
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name   string
		break_ func(t *testing.T)
	}{
		{"plain reopen", func(t *testing.T) {}},
		{"index removed", func(t *testing.T) {
			if err := os.RemoveAll(filepath.Join(dir, "fulltext")); err != nil {
				t.Fatal(err)
			}
		}},
		{"index corrupt", func(t *testing.T) {
			ft := filepath.Join(dir, "fulltext")
			if err := os.RemoveAll(ft); err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(ft, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(ft, "index_meta.json"), []byte("{garbage"), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.break_(t)
			e := openDemo(t, dir)
			defer e.Close()
			if got := searchTotal(t, e, "infirmier"); got != want {
				t.Fatalf("after reopen: %d hits for infirmier, want %d", got, want)
			}
			sg, err := e.Search().Suggest(ctx, "infi", 5)
			if err != nil || len(sg) == 0 {
				t.Fatalf("suggestions after reopen: %v %v", sg, err)
			}
		})
	}
}

// TestCatchUpAfterCrash writes to the catalogue without the index write that
// normally follows, as a process killed between the two would, and checks
// that the next start brings the index up to date.
func TestCatchUpAfterCrash(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	e := openDemo(t, dir)
	if _, _, err := e.Import(ctx, "demo.json", bytes.NewReader(demo.Offers)); err != nil {
		t.Fatal(err)
	}
	if p, err := e.store.Pending(ctx); err != nil || len(p) != 0 {
		t.Fatalf("pending after a complete import: %v %v", p, err)
	}
	changed, err := e.Get(ctx, "3134-25-0308/SR")
	if err != nil {
		t.Fatal(err)
	}
	changed.Title = "Chef de projet géomatique"
	added := offres.Offer{ID: "CRASH-1", Title: "Océanographe côtier", Description: "Suivi du lagon.", Deadline: offres.Date{Year: 2027, Month: 6, Day: 1}}
	// The catalogue half of an import and of a delete, and no index half.
	if err := e.store.Put(ctx, []offres.Offer{changed, added}); err != nil {
		t.Fatal(err)
	}
	if err := e.store.Delete(ctx, "PS-2026-0640/DSIN"); err != nil {
		t.Fatal(err)
	}
	if searchTotal(t, e, "oceanographe") != 0 {
		t.Fatal("the index was written: the test does not simulate a crash")
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}

	e = openDemo(t, dir)
	defer e.Close()
	for q, want := range map[string]int{"oceanographe": 1, "geomatique": 1, "chef de projet digital": 1} {
		res, err := e.Search().Search(ctx, search.Request{Text: q, IncludeClosed: true, NoFuzzy: true, Mode: offres.ModeKeyword})
		if err != nil {
			t.Fatal(err)
		}
		got := 0
		for _, h := range res.Hits {
			if h.ID == "CRASH-1" || h.ID == "3134-25-0308/SR" && h.Title == changed.Title {
				got++
			}
			if h.ID == "PS-2026-0640/DSIN" {
				t.Errorf("%q: deleted offer still found", q)
			}
			if h.Title == "Chef de projet digital" {
				t.Errorf("%q: the index still has the old title", q)
			}
		}
		if got != want {
			t.Errorf("%q: %d caught-up hits, want %d (%+v)", q, got, want, res.Hits)
		}
	}
	res, err := e.Search().Search(ctx, search.Request{Text: "PS-2026-0640/DSIN", IncludeClosed: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range res.Hits {
		if h.ID == "PS-2026-0640/DSIN" {
			t.Error("deleted offer still in the index")
		}
	}
	if p, err := e.store.Pending(ctx); err != nil || len(p) != 0 {
		t.Fatalf("pending after catching up: %v %v", p, err)
	}
}
