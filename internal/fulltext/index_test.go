package fulltext

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"offres/internal/lexicon"
	"offres/internal/offres"
)

func TestReopenFromDisk(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Upsert(context.Background(), fixtures()); err != nil {
		t.Fatal(err)
	}
	before := hitIDs(runSearch(t, ix, offres.Query{Text: "IDE programmeur", IncludeClosed: true}))
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}

	ix, err = Open(dir, Options{})
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer ix.Close()
	if n, err := ix.Count(context.Background()); err != nil || n != uint64(len(fixtures())) {
		t.Errorf("Count = %d, %v; want %d", n, err, len(fixtures()))
	}
	after := hitIDs(runSearch(t, ix, offres.Query{Text: "IDE programmeur", IncludeClosed: true}))
	if len(after) == 0 || !slices.Equal(before, after) {
		t.Errorf("after reopening: %q, before: %q", after, before)
	}
}

func TestOpenCreatesInEmptyDir(t *testing.T) {
	dir := t.TempDir() // exists, empty
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if n, err := ix.Count(context.Background()); err != nil || n != 0 {
		t.Errorf("Count = %d, %v; want 0", n, err)
	}
}

func TestOpenCorrupt(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string)
	}{
		{"garbage files", func(t *testing.T, dir string) {
			mkdir(t, dir)
			write(t, filepath.Join(dir, "notes.txt"), "not an index")
		}},
		{"garbage meta", func(t *testing.T, dir string) {
			mkdir(t, dir)
			write(t, filepath.Join(dir, "index_meta.json"), "{garbage")
		}},
		{"meta without store", func(t *testing.T, dir string) {
			mkdir(t, dir)
			write(t, filepath.Join(dir, "index_meta.json"), `{"storage":"scorch","index_type":"scorch"}`)
		}},
		{"damaged store", func(t *testing.T, dir string) {
			ix, err := Open(dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if err := ix.Upsert(context.Background(), fixtures()); err != nil {
				t.Fatal(err)
			}
			ix.Close()
			write(t, filepath.Join(dir, "store", "root.bolt"), "garbage garbage garbage")
		}},
		{"damaged segment contents", func(t *testing.T, dir string) {
			ix, err := Open(dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if err := ix.Upsert(context.Background(), fixtures()); err != nil {
				t.Fatal(err)
			}
			ix.Close()
			// Bytes flipped in the middle of every segment: bleve opens such
			// an index, and fails or panics later, in a search.
			segments, _ := filepath.Glob(filepath.Join(dir, "store", "*.zap"))
			if len(segments) == 0 {
				t.Fatal("no segment written")
			}
			for _, seg := range segments {
				b, err := os.ReadFile(seg)
				if err != nil {
					t.Fatal(err)
				}
				for i := len(b) / 3; i < len(b)/3+8; i++ {
					b[i] ^= 0x5a
				}
				if err := os.WriteFile(seg, b, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}},
		{"other schema", func(t *testing.T, dir string) {
			ix, err := Open(dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if err := ix.bi.SetInternal(keySchema, []byte("offres-fulltext-0")); err != nil {
				t.Fatal(err)
			}
			ix.Close()
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "index")
			tt.setup(t, dir)
			ix, err := Open(dir, Options{OpenTimeout: 100 * time.Millisecond})
			if err == nil {
				ix.Close()
				t.Fatal("Open succeeded")
			}
			if !errors.Is(err, ErrCorrupt) {
				t.Errorf("Open = %v, want ErrCorrupt", err)
			}
			// The caller's remedy: remove and rebuild.
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
			ix, err = Open(dir, Options{})
			if err != nil {
				t.Fatalf("rebuild: %v", err)
			}
			ix.Close()
		})
	}
}

func TestOpenInUse(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	_, err = Open(dir, Options{OpenTimeout: 100 * time.Millisecond})
	if !errors.Is(err, offres.ErrUnavailable) || errors.Is(err, ErrCorrupt) {
		t.Errorf("second Open = %v, want ErrUnavailable (not ErrCorrupt: the index is fine)", err)
	}
}

func TestLexiconChangeRefreshesSynonyms(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	v1 := []lexicon.Group{{Terms: []string{"comptable", "teneur de livres", "argentier"}}}
	v2 := []lexicon.Group{{Terms: []string{"comptable", "financier"}}}

	ix, err := Open(dir, Options{Synonyms: v1})
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Upsert(context.Background(), fixtures()); err != nil {
		t.Fatal(err)
	}
	assertFinds(t, ix, "argentier", "COMPTA-1")
	ix.Close()

	ix, err = Open(dir, Options{Synonyms: v2})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	assertFinds(t, ix, "financier", "COMPTA-1")
	if ids := hitIDs(runSearch(t, ix, offres.Query{Text: "argentier"})); len(ids) != 0 {
		t.Errorf("old synonym still found: %q", ids)
	}
	if n, err := ix.Count(context.Background()); err != nil || n != uint64(len(fixtures())) {
		t.Errorf("Count = %d, %v; synonym definitions must not count", n, err)
	}
}

func assertFinds(t *testing.T, ix *Index, text, id string) {
	t.Helper()
	if ids := hitIDs(runSearch(t, ix, offres.Query{Text: text})); !contains(ids, id) {
		t.Errorf("Search(%q) = %q, want %q", text, ids, id)
	}
}

func TestUpsertReplacesAndDelete(t *testing.T) {
	backends(t, func(t *testing.T, ix *Index) {
		ctx := context.Background()
		n, err := ix.Count(context.Background())
		if err != nil || n != uint64(len(fixtures())) {
			t.Fatalf("Count = %d, %v", n, err)
		}
		o := fixtures()[8] // COMPTA-1
		o.Title = "Contrôleur de gestion"
		if err := ix.Upsert(ctx, []offres.Offer{o}); err != nil {
			t.Fatal(err)
		}
		if n, _ := ix.Count(context.Background()); n != uint64(len(fixtures())) {
			t.Errorf("Count after replace = %d", n)
		}
		assertFinds(t, ix, "contrôleur", "COMPTA-1")
		if err := ix.Delete(ctx, []string{"COMPTA-1", "unknown"}); err != nil {
			t.Fatal(err)
		}
		if n, _ := ix.Count(context.Background()); n != uint64(len(fixtures())-1) {
			t.Errorf("Count after delete = %d", n)
		}
		if ids := hitIDs(runSearch(t, ix, offres.Query{Text: "contrôleur"})); len(ids) != 0 {
			t.Errorf("deleted offer found: %q", ids)
		}
		// Synonyms survive the deletion of offers.
		assertFinds(t, ix, "programmeur", "DEV-1")
	})
}

func TestUpsertInvalid(t *testing.T) {
	ix, err := OpenMemory(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	bad := []offres.Offer{
		{ID: "", Title: "x", Description: "y"},
		{ID: "\x00synonym/0", Title: "x", Description: "y"},
		{ID: "A", Title: "", Description: "y"},
	}
	for _, o := range bad {
		batch := append(fixtures(), o)
		if err := ix.Upsert(context.Background(), batch); !errors.Is(err, offres.ErrInvalid) {
			t.Errorf("Upsert(%q) = %v, want ErrInvalid", o.ID, err)
		}
	}
	if n, _ := ix.Count(context.Background()); n != 0 {
		t.Errorf("Count = %d: a batch with an invalid offer must write nothing", n)
	}
	if err := ix.Delete(context.Background(), []string{"\x00synonym/0"}); !errors.Is(err, offres.ErrInvalid) {
		t.Errorf("Delete(synonym id) = %v, want ErrInvalid", err)
	}
}

func mkdir(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestConcurrentUse searches while offers are written and deleted; run
// with -race.
func TestConcurrentUse(t *testing.T) {
	ix := newTestIndex(t, true)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 30 {
				q := offres.Query{Text: []string{"infirmier", "IDE", "technicien réseaux", "", "infirmeir"}[(g+i)%5],
					Fuzzy: true, Today: today, Filters: map[string][]string{"commune": {"Nouméa"}}}
				if _, err := ix.Search(ctx, q); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 10 {
			o := fixtures()[i%len(fixtures())]
			o.ID = fmt.Sprintf("NEW-%d", i)
			if err := ix.Upsert(ctx, []offres.Offer{o}); err != nil {
				errs <- err
				return
			}
			if i%2 == 0 {
				if err := ix.Delete(ctx, []string{o.ID}); err != nil {
					errs <- err
					return
				}
			}
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n, err := ix.Count(context.Background()); err != nil || n != uint64(len(fixtures())+5) {
		t.Errorf("Count = %d, %v; want %d", n, err, len(fixtures())+5)
	}
}
