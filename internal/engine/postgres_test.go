package engine

import (
	"bytes"
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"offres/internal/demo"
	"offres/internal/lsa"
	"offres/internal/offres"
	"offres/internal/pgtest"
	"offres/search"
)

// newDatabase creates a database of its own for the test (pgtest.Database):
// skipped without OFFRES_TEST_DATABASE_URL, failed instead when
// OFFRES_REQUIRE_DATABASE=1.
func newDatabase(t *testing.T) string { return pgtest.Database(t) }

func openPG(t *testing.T, url, dir string) *Engine {
	t.Helper()
	e, err := Open(context.Background(), Options{Dir: dir, Now: fixedNow, DatabaseURL: url, PollInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// eventually retries check until it passes or a few seconds have gone.
func eventually(t *testing.T, what string, check func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !check() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 10 s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func keywordIDs(t *testing.T, e *Engine, q string) []string {
	t.Helper()
	res, err := e.Search().Search(context.Background(), search.Request{Text: q, IncludeClosed: true, Mode: offres.ModeKeyword, Limit: offres.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	return ids(res)
}

// TestPostgresTwoProcesses runs two engines on one database, each with its
// own data directory, as two `offres serve` would: an offer imported or
// deleted through one is found or gone in the other; semantic search runs on
// pgvector with the built-in model both share.
func TestPostgresTwoProcesses(t *testing.T) {
	ctx := context.Background()
	url := newDatabase(t)
	a := openPG(t, url, t.TempDir())
	defer a.Close()
	b := openPG(t, url, t.TempDir())
	defer b.Close()
	if a.Storage() != "postgresql" || a.Ready(ctx) != nil {
		t.Fatalf("storage %q, ready %v", a.Storage(), a.Ready(ctx))
	}

	if _, _, err := a.Import(ctx, "demo.json", bytes.NewReader(demo.Offers)); err != nil {
		t.Fatal(err)
	}
	if got := keywordIDs(t, a, "géomètre"); !slices.Contains(got, "PS-2026-0719/DIE") {
		t.Fatalf("the importing process does not find its offer: %q", got)
	}
	eventually(t, "b sees a's import", func() bool { return slices.Contains(keywordIDs(t, b, "géomètre"), "PS-2026-0719/DIE") })

	// The built-in model, trained by a, is shared through the database.
	model := a.Model()
	if !strings.HasPrefix(model, lsa.ModelPrefix) {
		t.Fatalf("model %q", model)
	}
	eventually(t, "b loads a's model", func() bool { return b.Model() == model })
	for _, e := range []*Engine{a, b} {
		res, err := e.Search().Search(ctx, search.Request{Text: "soigner des malades à l'hôpital", Mode: offres.ModeSemantic, IncludeClosed: true})
		if err != nil || res.Mode != offres.ModeSemantic || len(res.Hits) == 0 || res.Hits[0].Passage == nil {
			t.Fatalf("semantic search on PostgreSQL: %+v %v", res, err)
		}
	}

	// An offer added through b, and one deleted through b, reach a.
	added := offres.Offer{ID: "PG-1", Title: "Océanographe côtier", Description: "Suivi de la qualité des eaux du lagon.",
		Deadline: offres.Date{Year: 2027, Month: 6, Day: 1}}
	if err := b.importOffers(ctx, []offres.Offer{added}); err != nil {
		t.Fatal(err)
	}
	if err := b.Delete(ctx, "PS-2026-0719/DIE"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "a sees b's changes", func() bool {
		return slices.Contains(keywordIDs(t, a, "océanographe"), "PG-1") && !slices.Contains(keywordIDs(t, a, "géomètre"), "PS-2026-0719/DIE")
	})
	// b embedded its offer: a finds it by meaning through pgvector.
	res, err := a.Search().Similar(ctx, "PG-1", 3, true)
	if err != nil || len(res.Hits) == 0 {
		t.Errorf("similar to b's offer, from a: %+v %v", res, err)
	}
}

// TestPostgresCacheRebuilt checks that a process whose local index is lost
// rebuilds it from the database, and one that was stopped catches up with
// the changes made meanwhile.
func TestPostgresCacheRebuilt(t *testing.T) {
	ctx := context.Background()
	url := newDatabase(t)
	dirA := t.TempDir()
	a := openPG(t, url, dirA)
	if _, _, err := a.Import(ctx, "demo.json", bytes.NewReader(demo.Offers)); err != nil {
		t.Fatal(err)
	}
	want := len(keywordIDs(t, a, "technicien"))
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}

	// Changes while a is stopped.
	b := openPG(t, url, t.TempDir())
	if err := b.importOffers(ctx, []offres.Offer{{ID: "PG-2", Title: "Technicien de laboratoire", Description: "Analyses.",
		Deadline: offres.Date{Year: 2027, Month: 6, Day: 1}}}); err != nil {
		t.Fatal(err)
	}
	b.Close()

	a = openPG(t, url, dirA)
	if got := len(keywordIDs(t, a, "technicien")); got != want+1 {
		t.Errorf("after a restart: %d technicien offers, want %d", got, want+1)
	}
	a.Close()

	// The local index lost: rebuilt from the database.
	if err := os.RemoveAll(dirA); err != nil {
		t.Fatal(err)
	}
	a = openPG(t, url, dirA)
	defer a.Close()
	if got := len(keywordIDs(t, a, "technicien")); got != want+1 {
		t.Errorf("after losing the local index: %d technicien offers, want %d", got, want+1)
	}
}

// TestRecruitersStores runs the keys and profiles through both stores.
func TestRecruitersStores(t *testing.T) {
	ctx := context.Background()
	stores := map[string]func() *Engine{"embedded": func() *Engine { return openDemo(t, t.TempDir()) }}
	if os.Getenv("OFFRES_TEST_DATABASE_URL") != "" || os.Getenv("OFFRES_REQUIRE_DATABASE") == "1" {
		url := newDatabase(t)
		stores["postgresql"] = func() *Engine { return openPG(t, url, t.TempDir()) }
	}
	for name, open := range stores {
		t.Run(name, func(t *testing.T) {
			e := open()
			defer e.Close()
			a, token, err := e.CreateKey(ctx, "A", offres.RoleRecruiter)
			if err != nil {
				t.Fatal(err)
			}
			b, _, _ := e.CreateKey(ctx, "B", offres.RoleRecruiter)
			if k, err := e.Authenticate(ctx, token); err != nil || k.ID != a.ID {
				t.Fatalf("authenticate: %v %v", k, err)
			}
			if _, err := e.Authenticate(ctx, token[:len(token)-1]+"x"); !errors.Is(err, offres.ErrUnauthorized) {
				t.Errorf("a wrong token: %v", err)
			}
			p, err := e.SaveProfile(ctx, a.ID, offres.Profile{Text: "Infirmière", Skills: []string{"soins"}})
			if err != nil {
				t.Fatal(err)
			}
			if got, err := e.Profile(ctx, a.ID, p.ID); err != nil || got.Text != "Infirmière" || got.Owner != a.ID {
				t.Errorf("read: %+v %v", got, err)
			}
			if _, err := e.Profile(ctx, b.ID, p.ID); !errors.Is(err, offres.ErrNotFound) {
				t.Errorf("another owner reads: %v", err)
			}
			if ps, _ := e.Profiles(ctx, b.ID); len(ps) != 0 {
				t.Errorf("another owner lists %d", len(ps))
			}
			if err := e.DeleteKey(ctx, a.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := e.Profile(ctx, a.ID, p.ID); !errors.Is(err, offres.ErrNotFound) {
				t.Errorf("profile outlived its key: %v", err)
			}
			if _, err := e.Authenticate(ctx, token); !errors.Is(err, offres.ErrUnauthorized) {
				t.Errorf("a deleted key authenticates: %v", err)
			}
		})
	}
}
