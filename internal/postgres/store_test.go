package postgres

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/pgvector/pgvector-go"

	"offres/indexer"
	"offres/internal/boltstore"
	"offres/internal/offres"
)

// catalog is what the engine uses of its catalogue (boltstore.Store today):
// the postgres store must offer the same methods, so the engine can run on
// either.
type catalog interface {
	Hashes(ctx context.Context, ids []string) (map[string]string, error)
	Put(ctx context.Context, offers []offres.Offer) error
	Get(ctx context.Context, id string) (offres.Offer, error)
	Delete(ctx context.Context, id string) error
	Deleted(ctx context.Context, id string) (bool, error)
	Count(ctx context.Context) (int, error)
	Scan(ctx context.Context, fn func(offres.Offer) error) error
	ScanModified(ctx context.Context, fn func(offres.Offer, time.Time) error) error
	Pending(ctx context.Context) ([]string, error)
	Settle(ctx context.Context, ids []string) error
	Close() error
}

var (
	_ catalog         = (*boltstore.Store)(nil)
	_ catalog         = (*Store)(nil)
	_ indexer.Catalog = (*Store)(nil)
)

func float(f float64) *float64 { return &f }

// sample returns offers whose ids hold "/", spaces and accents, with every
// kind of field filled in, so that the JSON round trip is checked in full.
func sample() []offres.Offer {
	return []offres.Offer{
		{
			ID: "3134-25-0308/SR", Title: "Chef de projet digital", Employer: "Province Sud",
			Direction: "DSIN", Category: "A", CadreEmploi: "Ingénieurs", ContractType: offres.ContractTitulaire,
			Location:    offres.Location{Commune: "Nouméa", Province: "Sud", Lat: float(-22.2758), Lon: float(166.458)},
			PublishedAt: offres.Date{Year: 2026, Month: 1, Day: 5}, Deadline: offres.Date{Year: 2026, Month: 2, Day: 1},
			StartDate: offres.Date{Year: 2026, Month: 5}, ResidenceYears: 10,
			Sections: []offres.Section{
				{Kind: offres.SectionMissions, Heading: "Missions", Text: "Piloter les projets numériques."},
				{Kind: offres.SectionProfil, Text: "Bac+5, « agilité »."},
			},
			Skills:   []offres.Skill{{Label: "Gestion de projet", Required: true}, {Label: "UX"}},
			RomeCode: "M1806", URL: "https://www.province-sud.nc/offres/3134", Source: "ps",
		},
		{ID: "PS 2026/ é", Title: "Infirmier", Description: "Soins", Deadline: offres.Date{Year: 2027, Month: 3, Day: 1}},
		{ID: "Émile-Zola 12", Title: "Agent d'accueil", Description: "Accueil du public à Koné."},
	}
}

func ids(offers []offres.Offer) []string {
	out := make([]string, len(offers))
	for i := range offers {
		out[i] = offers[i].ID
	}
	return out
}

// row reads the bookkeeping columns of one offer.
func row(t *testing.T, s *Store, id string) (hash string, seq int64, created, updated time.Time) {
	t.Helper()
	err := s.pool.QueryRow(t.Context(), `SELECT hash, seq, created_at, updated_at FROM offers WHERE id = $1`, id).
		Scan(&hash, &seq, &created, &updated)
	if err != nil {
		t.Fatalf("offer %q: %v", id, err)
	}
	return hash, seq, created, updated
}

func TestLoadMigrations(t *testing.T) {
	sql := &fstest.MapFile{Data: []byte("SELECT 1;")}
	tests := []struct {
		name    string
		files   fstest.MapFS
		want    []int
		wantErr bool
	}{
		{"sorted by version", fstest.MapFS{"0010_c.sql": sql, "0002_b.sql": sql, "0001_init.sql": sql}, []int{1, 2, 10}, false},
		{"empty", fstest.MapFS{}, nil, false},
		{"duplicate version", fstest.MapFS{"0001_a.sql": sql, "1_b.sql": sql}, nil, true},
		{"no version", fstest.MapFS{"init.sql": sql}, nil, true},
		{"version zero", fstest.MapFS{"0000_init.sql": sql}, nil, true},
		{"not sql", fstest.MapFS{"0001_init.txt": sql}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms, err := loadMigrations(tt.files)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			var got []int
			for _, m := range ms {
				got = append(got, m.version)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("versions = %v, want %v", got, tt.want)
			}
		})
	}
	ms, err := embeddedMigrations()
	if err != nil || len(ms) == 0 || ms[0].version != 1 {
		t.Fatalf("embedded migrations = %v, %v", ms, err)
	}
}

func TestOpenMigratesOnce(t *testing.T) {
	t.Parallel()
	s, dbURL := openStore(t)
	ctx := t.Context()
	ms, _ := embeddedMigrations()
	var n int
	var first time.Time
	if err := s.pool.QueryRow(ctx, `SELECT count(*), max(applied_at) FROM schema_migrations`).Scan(&n, &first); err != nil {
		t.Fatal(err)
	}
	if n != len(ms) {
		t.Fatalf("schema_migrations has %d rows, want %d", n, len(ms))
	}
	if err := s.Put(ctx, sample()[:1]); err != nil {
		t.Fatal(err)
	}

	// A second Open finds the schema current and changes nothing.
	s2, err := Open(ctx, dbURL, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	var again time.Time
	if err := s2.pool.QueryRow(ctx, `SELECT count(*), max(applied_at) FROM schema_migrations`).Scan(&n, &again); err != nil {
		t.Fatal(err)
	}
	if n != len(ms) || !again.Equal(first) {
		t.Fatalf("after a second Open: %d rows applied at %v, want %d applied at %v", n, again, len(ms), first)
	}
	if c, err := s2.Count(ctx); err != nil || c != 1 {
		t.Fatalf("count = %d, %v; want 1", c, err)
	}
}

func TestOpenConcurrent(t *testing.T) {
	t.Parallel()
	dbURL := newDatabase(t)
	const n = 4
	stores := make([]*Store, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { stores[i], errs[i] = Open(t.Context(), dbURL, Options{MaxConns: 2}) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		defer stores[i].Close()
	}
	ms, _ := embeddedMigrations()
	var rows int
	if err := stores[0].pool.QueryRow(t.Context(), `SELECT count(*) FROM schema_migrations`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != len(ms) {
		t.Fatalf("schema_migrations has %d rows, want %d", rows, len(ms))
	}
	// Every store works on the shared schema.
	for i, s := range stores {
		o := offres.Offer{ID: fmt.Sprintf("o%d", i), Title: "Poste", Description: "Texte"}
		if err := s.Put(t.Context(), []offres.Offer{o}); err != nil {
			t.Fatalf("store %d: %v", i, err)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	s, _ := openStore(t)
	ctx := t.Context()
	offers := sample()
	if err := s.Put(ctx, offers); err != nil {
		t.Fatal(err)
	}
	for _, want := range offers {
		got, err := s.Get(ctx, want.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("get %q:\n got %+v\nwant %+v", want.ID, got, want)
		}
		if got.ContentHash() != want.ContentHash() {
			t.Fatalf("get %q: content hash changed through the database", want.ID)
		}
	}
	if n, err := s.Count(ctx); err != nil || n != len(offers) {
		t.Fatalf("count = %d, %v; want %d", n, err, len(offers))
	}
	if _, err := s.Get(ctx, "absent/é"); !errors.Is(err, offres.ErrNotFound) {
		t.Fatalf("get absent: %v, want ErrNotFound", err)
	}

	hashes, err := s.Hashes(ctx, append(ids(offers), "absent", "3134-25-0308/sr"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for i := range offers {
		want[offers[i].ID] = offers[i].ContentHash()
	}
	if !reflect.DeepEqual(hashes, want) {
		t.Fatalf("hashes = %v, want %v", hashes, want)
	}
	if hashes, err := s.Hashes(ctx, nil); err != nil || len(hashes) != 0 {
		t.Fatalf("hashes of nothing = %v, %v", hashes, err)
	}
}

func TestPutUpdates(t *testing.T) {
	t.Parallel()
	s, _ := openStore(t)
	ctx := t.Context()
	o := sample()[0]
	if err := s.Put(ctx, []offres.Offer{o}); err != nil {
		t.Fatal(err)
	}
	hash1, seq1, created1, updated1 := row(t, s, o.ID)
	if hash1 != o.ContentHash() {
		t.Fatalf("hash = %s, want %s", hash1, o.ContentHash())
	}

	o.Title = "Cheffe de projet digital"
	if err := s.Put(ctx, []offres.Offer{o}); err != nil {
		t.Fatal(err)
	}
	hash2, seq2, created2, updated2 := row(t, s, o.ID)
	switch {
	case hash2 != o.ContentHash() || hash2 == hash1:
		t.Fatalf("hash after update = %s, want %s", hash2, o.ContentHash())
	case seq2 <= seq1:
		t.Fatalf("seq after update = %d, want more than %d", seq2, seq1)
	case !updated2.After(updated1):
		t.Fatalf("updated_at after update = %v, want after %v", updated2, updated1)
	case !created2.Equal(created1):
		t.Fatalf("created_at changed: %v then %v", created1, created2)
	}
	if got, _ := s.Get(ctx, o.ID); got.Title != o.Title {
		t.Fatalf("title = %q, want %q", got.Title, o.Title)
	}

	// Two versions of one id in a batch: the last wins, as in boltstore.
	a, b := o, o
	a.Title, b.Title = "Version A", "Version B"
	if err := s.Put(ctx, []offres.Offer{a, b}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Get(ctx, o.ID); got.Title != "Version B" {
		t.Fatalf("title = %q, want the last of the batch", got.Title)
	}
	if n, _ := s.Count(ctx); n != 1 {
		t.Fatalf("count = %d, want 1", n)
	}
	if err := s.Put(ctx, nil); err != nil {
		t.Fatalf("put nothing: %v", err)
	}
}

func TestDelete(t *testing.T) {
	t.Parallel()
	s, _ := openStore(t)
	ctx := t.Context()
	offers := sample()
	if err := s.Put(ctx, offers); err != nil {
		t.Fatal(err)
	}
	if err := s.Settle(ctx, ids(offers)); err != nil {
		t.Fatal(err)
	}
	id := offers[1].ID
	if err := s.Delete(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, id); !errors.Is(err, offres.ErrNotFound) {
		t.Fatalf("get deleted: %v, want ErrNotFound", err)
	}
	if err := s.Delete(ctx, id); !errors.Is(err, offres.ErrNotFound) {
		t.Fatalf("delete again: %v, want ErrNotFound", err)
	}
	if err := s.Delete(ctx, "never stored"); !errors.Is(err, offres.ErrNotFound) {
		t.Fatalf("delete absent: %v, want ErrNotFound", err)
	}
	if n, _ := s.Count(ctx); n != len(offers)-1 {
		t.Fatalf("count = %d, want %d", n, len(offers)-1)
	}
	if p, _ := s.Pending(ctx); !slices.Equal(p, []string{id}) {
		t.Fatalf("pending = %q, want the deleted id", p)
	}
	changes, err := s.Changes(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	last := changes[len(changes)-1]
	if len(changes) != len(offers) || last.ID != id || !last.Deleted {
		t.Fatalf("changes = %+v, want the deletion of %q last", changes, id)
	}

	// Storing it again lifts the tombstone.
	if err := s.Put(ctx, offers[1:2]); err != nil {
		t.Fatal(err)
	}
	changes, err = s.Changes(ctx, last.Seq, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 1 || changes[0].ID != id || changes[0].Deleted || changes[0].Seq <= last.Seq {
		t.Fatalf("changes after %d = %+v, want %q stored again", last.Seq, changes, id)
	}
	var tombstones int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM offer_tombstones`).Scan(&tombstones); err != nil || tombstones != 0 {
		t.Fatalf("tombstones = %d, %v; want 0", tombstones, err)
	}
}

func TestChanges(t *testing.T) {
	t.Parallel()
	s, _ := openStore(t)
	ctx := t.Context()
	if c, err := s.Changes(ctx, 0, 10); err != nil || len(c) != 0 {
		t.Fatalf("changes of an empty catalogue = %v, %v", c, err)
	}
	if _, err := s.Changes(ctx, 0, 0); !errors.Is(err, offres.ErrInvalid) {
		t.Fatalf("limit 0: %v, want ErrInvalid", err)
	}
	mk := func(id string) offres.Offer { return offres.Offer{ID: id, Title: "Poste " + id, Description: "Texte"} }
	// a, b, c stored; a updated; b deleted; d stored.
	steps := []func() error{
		func() error { return s.Put(ctx, []offres.Offer{mk("a"), mk("b"), mk("c")}) },
		func() error { o := mk("a"); o.Title = "Autre"; return s.Put(ctx, []offres.Offer{o}) },
		func() error { return s.Delete(ctx, "b") },
		func() error { return s.Put(ctx, []offres.Offer{mk("d")}) },
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	all, err := s.Changes(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i, c := range all {
		if i > 0 && c.Seq <= all[i-1].Seq {
			t.Fatalf("changes not in seq order: %+v", all)
		}
		got = append(got, fmt.Sprintf("%s:%v", c.ID, c.Deleted))
	}
	want := []string{"c:false", "a:false", "b:true", "d:false"}
	if !slices.Equal(got, want) {
		t.Fatalf("changes = %v, want %v", got, want)
	}

	// Following the cursor page by page gives the same list.
	var paged []Change
	for after := int64(0); ; {
		page, err := s.Changes(ctx, after, 3)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		if len(page) > 3 {
			t.Fatalf("page of %d changes, limit 3", len(page))
		}
		paged = append(paged, page...)
		after = page[len(page)-1].Seq
	}
	if !reflect.DeepEqual(paged, all) {
		t.Fatalf("paged = %+v, want %+v", paged, all)
	}
	if rest, err := s.Changes(ctx, all[1].Seq, 100); err != nil || !reflect.DeepEqual(rest, all[2:]) {
		t.Fatalf("changes after %d = %+v, %v; want %+v", all[1].Seq, rest, err, all[2:])
	}
}

// TestConcurrentWrites writes overlapping batches from several goroutines:
// no deadlock between them, and the change cursor lists every id once, in
// strictly increasing seq order.
func TestConcurrentWrites(t *testing.T) {
	t.Parallel()
	s, _ := openStore(t)
	ctx := t.Context()
	const writers, perBatch, batches = 6, 40, 5
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), 1))
			for range batches {
				batch := make([]offres.Offer, perBatch)
				for i, k := range r.Perm(perBatch) {
					batch[i] = offres.Offer{ID: fmt.Sprintf("id-%02d", k), Title: fmt.Sprintf("Poste %d", w), Description: "Texte"}
				}
				if err := s.Put(ctx, batch); err != nil {
					errs <- err
					return
				}
			}
			if err := s.Delete(ctx, fmt.Sprintf("id-%02d", w)); err != nil && !errors.Is(err, offres.ErrNotFound) {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	changes, err := s.Changes(ctx, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for i, c := range changes {
		if seen[c.ID] || (i > 0 && c.Seq <= changes[i-1].Seq) {
			t.Fatalf("change %d (%+v) repeats an id or breaks seq order", i, c)
		}
		seen[c.ID] = true
	}
	if len(seen) != perBatch {
		t.Fatalf("%d ids in the changes, want %d", len(seen), perBatch)
	}
}

func TestPendingSettle(t *testing.T) {
	t.Parallel()
	s, _ := openStore(t)
	ctx := t.Context()
	if p, err := s.Pending(ctx); err != nil || len(p) != 0 {
		t.Fatalf("pending of an empty catalogue = %q, %v", p, err)
	}
	offers := sample()
	if err := s.Put(ctx, offers); err != nil {
		t.Fatal(err)
	}
	want := slices.Sorted(slices.Values(ids(offers)))
	if p, err := s.Pending(ctx); err != nil || !slices.Equal(p, want) {
		t.Fatalf("pending = %q, %v; want %q", p, err, want)
	}
	// Settling unknown ids, or none, is not an error.
	if err := s.Settle(ctx, []string{offers[0].ID, "unknown"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Settle(ctx, nil); err != nil {
		t.Fatal(err)
	}
	want = slices.DeleteFunc(want, func(id string) bool { return id == offers[0].ID })
	if p, _ := s.Pending(ctx); !slices.Equal(p, want) {
		t.Fatalf("pending = %q, want %q", p, want)
	}
	// A write marks a settled id again.
	if err := s.Put(ctx, offers[:1]); err != nil {
		t.Fatal(err)
	}
	if p, _ := s.Pending(ctx); len(p) != len(offers) {
		t.Fatalf("pending = %q, want all %d ids", p, len(offers))
	}
	if err := s.Settle(ctx, ids(offers)); err != nil {
		t.Fatal(err)
	}
	if p, _ := s.Pending(ctx); len(p) != 0 {
		t.Fatalf("pending after settling all = %q", p)
	}
}

func TestScan(t *testing.T) {
	t.Parallel()
	s, _ := openStore(t)
	ctx := t.Context()
	var offers []offres.Offer
	// Byte order, as boltstore: upper case before lower case, accents last.
	for _, id := range []string{"é", "b", "A 2", "a/1", "Z", "a", "É"} {
		offers = append(offers, offres.Offer{ID: id, Title: "Poste", Description: "Texte"})
	}
	if err := s.Put(ctx, offers); err != nil {
		t.Fatal(err)
	}
	var got []string
	err := s.Scan(ctx, func(o offres.Offer) error {
		got = append(got, o.ID)
		// The callback may use the store while the scan runs.
		_, err := s.Get(ctx, o.ID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	want := slices.Sorted(slices.Values(ids(offers)))
	if !slices.Equal(got, want) {
		t.Fatalf("scan order = %q, want %q", got, want)
	}

	stop := errors.New("stop")
	n := 0
	err = s.Scan(ctx, func(offres.Offer) error {
		n++
		if n == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 2 {
		t.Fatalf("scan stopped with %v after %d offers, want stop after 2", err, n)
	}
	// The connection went back to the pool in a usable state.
	if c, err := s.Count(ctx); err != nil || c != len(offers) {
		t.Fatalf("count = %d, %v", c, err)
	}
}

func TestChunksCascade(t *testing.T) {
	t.Parallel()
	s, _ := openStore(t)
	ctx := t.Context()
	offers := sample()
	if err := s.Put(ctx, offers); err != nil {
		t.Fatal(err)
	}
	id := offers[0].ID
	_, err := s.pool.Exec(ctx, `INSERT INTO chunks (id, offer_id, kind, heading, text, content_hash, model, embedding)
		VALUES ($1, $2, 'missions', 'Missions', 'Piloter les projets.', 'h1', 'test-3d', $3),
		       ($4, $5, 'summary', NULL, 'Infirmier', 'h2', 'test-3d', $6)`,
		id+"#missions-1", id, pgvector.NewVector([]float32{1, 2, 3}),
		offers[1].ID+"#summary-1", offers[1].ID, pgvector.NewVector([]float32{0, 0.5, -1}))
	if err != nil {
		t.Fatal(err)
	}
	// The pool's connections know the vector type both ways.
	var v pgvector.Vector
	if err := s.pool.QueryRow(ctx, `SELECT embedding FROM chunks WHERE offer_id = $1`, id).Scan(&v); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(v.Slice(), []float32{1, 2, 3}) {
		t.Fatalf("embedding = %v", v.Slice())
	}
	var nearest string
	err = s.pool.QueryRow(ctx, `SELECT offer_id FROM chunks ORDER BY embedding <-> $1 LIMIT 1`,
		pgvector.NewVector([]float32{0, 1, -1})).Scan(&nearest)
	if err != nil || nearest != offers[1].ID {
		t.Fatalf("nearest chunk of = %q, %v; want %q", nearest, err, offers[1].ID)
	}

	if err := s.Delete(ctx, id); err != nil {
		t.Fatal(err)
	}
	var left []string
	rows, err := s.pool.Query(ctx, `SELECT offer_id FROM chunks`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var o string
		rows.Scan(&o)
		left = append(left, o)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(left, []string{offers[1].ID}) {
		t.Fatalf("chunks left = %q, want only those of %q", left, offers[1].ID)
	}
	// A chunk cannot point at an offer that is not there.
	_, err = s.pool.Exec(ctx, `INSERT INTO chunks (id, offer_id, kind, text, content_hash, model) VALUES ('x', $1, 'summary', 't', 'h', 'test-3d')`, id)
	if err == nil {
		t.Fatal("chunk of a deleted offer accepted")
	}
}

func TestPing(t *testing.T) {
	t.Parallel()
	s, _ := openStore(t)
	if err := s.Ping(t.Context()); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := s.Ping(t.Context()); !errors.Is(err, ErrUnreachable) || !errors.Is(err, offres.ErrUnavailable) {
		t.Fatalf("ping after close: %v, want ErrUnreachable, an ErrUnavailable", err)
	}
}

// The tests below need no database: they run everywhere.

func TestOpenUnreachable(t *testing.T) {
	t.Parallel()
	// A port nobody listens on: refused at once.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().String()
	l.Close()

	// A server that accepts and never answers: only the connect timeout
	// ends the wait.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()

	const timeout = 300 * time.Millisecond
	tests := []struct {
		name string
		url  string
	}{
		{"refused", "postgres://offres@" + closed + "/offres?sslmode=disable"},
		{"silent", "postgres://offres@" + silent.Addr().String() + "/offres?sslmode=disable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			s, err := Open(t.Context(), tt.url, Options{ConnectTimeout: timeout})
			if err == nil {
				s.Close()
				t.Fatal("open succeeded")
			}
			if !errors.Is(err, ErrUnreachable) || !errors.Is(err, offres.ErrUnavailable) {
				t.Fatalf("open: %v, want ErrUnreachable, an ErrUnavailable", err)
			}
			if d := time.Since(start); d > 5*timeout {
				t.Fatalf("open took %v, connect timeout %v", d, timeout)
			}
		})
	}
}

func TestOpenInvalidURL(t *testing.T) {
	t.Parallel()
	_, err := Open(t.Context(), "postgres://u:secret@host:notaport/db", Options{})
	if !errors.Is(err, offres.ErrInvalid) {
		t.Fatalf("open: %v, want ErrInvalid", err)
	}
	if err != nil && strings.Contains(err.Error(), "secret") {
		t.Fatalf("error shows the password: %v", err)
	}
}

// TestTombstones checks, in both storage modes, that a deleted offer is
// told from one never stored (its page answers 410, not 404), that storing
// it again lifts its tombstone, and that a scan gives each offer the time
// it was last stored (the sitemap's lastmod).
func TestTombstones(t *testing.T) {
	stores := map[string]func(t *testing.T) catalog{
		"embedded": func(t *testing.T) catalog {
			s, err := boltstore.Open(filepath.Join(t.TempDir(), "offers.db"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		},
		"postgres": func(t *testing.T) catalog { s, _ := openStore(t); return s },
	}
	for name, open := range stores {
		t.Run(name, func(t *testing.T) {
			s, ctx := open(t), t.Context()
			before := time.Now().Add(-time.Second)
			offers := sample()
			if err := s.Put(ctx, offers); err != nil {
				t.Fatal(err)
			}
			id := offers[0].ID
			for _, probe := range []string{id, "never stored"} {
				if deleted, err := s.Deleted(ctx, probe); err != nil || deleted {
					t.Fatalf("Deleted(%q) before any deletion = %v, %v", probe, deleted, err)
				}
			}
			if err := s.Delete(ctx, id); err != nil {
				t.Fatal(err)
			}
			if deleted, err := s.Deleted(ctx, id); err != nil || !deleted {
				t.Fatalf("Deleted(%q) after its deletion = %v, %v; want true", id, deleted, err)
			}
			if deleted, err := s.Deleted(ctx, "never stored"); err != nil || deleted {
				t.Fatalf("Deleted of an id never stored = %v, %v", deleted, err)
			}
			if err := s.Put(ctx, offers[:1]); err != nil {
				t.Fatal(err)
			}
			if deleted, err := s.Deleted(ctx, id); err != nil || deleted {
				t.Fatalf("Deleted(%q) once stored again = %v, %v; want false", id, deleted, err)
			}
			seen := map[string]time.Time{}
			err := s.ScanModified(ctx, func(o offres.Offer, modified time.Time) error {
				seen[o.ID] = modified
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range offers {
				if m, ok := seen[o.ID]; !ok || m.Before(before) || m.After(time.Now().Add(time.Second)) {
					t.Errorf("ScanModified: %q modified %v (seen %v), want the time of its Put", o.ID, m, ok)
				}
			}
		})
	}
}
