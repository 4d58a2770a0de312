package engine

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"offres/internal/demo"
	"offres/internal/offres"
	"offres/internal/pgtest"
	"offres/search"
)

// logRecorder keeps the messages logged at each level.
type logRecorder struct {
	mu   sync.Mutex
	msgs map[slog.Level][]string
}

func (r *logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (r *logRecorder) WithAttrs([]slog.Attr) slog.Handler       { return r }
func (r *logRecorder) WithGroup(string) slog.Handler            { return r }
func (r *logRecorder) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.msgs == nil {
		r.msgs = map[slog.Level][]string{}
	}
	r.msgs[rec.Level] = append(r.msgs[rec.Level], rec.Message)
	return nil
}

// count returns how many messages of level contain text.
func (r *logRecorder) count(level slog.Level, text string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, m := range r.msgs[level] {
		if strings.Contains(m, text) {
			n++
		}
	}
	return n
}

// openProxied opens an engine on the database at url through a proxy the
// test can cut, with short retry intervals; the demo corpus is imported.
func openProxied(t *testing.T, url string, log *slog.Logger) (*Engine, *pgtest.Proxy) {
	t.Helper()
	proxy, via := pgtest.NewProxy(t, url)
	e, err := Open(context.Background(), Options{Dir: t.TempDir(), Now: fixedNow, DatabaseURL: via, Logger: log,
		PollInterval: 50 * time.Millisecond, MaxRetryInterval: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	if _, _, err := e.Import(context.Background(), "demo.json", bytes.NewReader(demo.Offers)); err != nil {
		t.Fatal(err)
	}
	return e, proxy
}

func hasDown(e *Engine, dep string) bool { return slices.Contains(e.Degraded(), dep) }

// checkDegraded checks what an engine whose database is down still does
// (search from its local index, suggestions, readiness) and what fails at
// once with the French message (whatever needs the database).
func checkDegraded(t *testing.T, e *Engine) {
	t.Helper()
	// Requests have the API's deadline: failing by it would be a hang, not
	// a degradation.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := e.Ready(ctx); err != nil {
		t.Errorf("ready with the database down: %v", err)
	}
	for _, mode := range []string{offres.ModeKeyword, offres.ModeHybrid, offres.ModeSemantic} {
		res, err := e.Search().Search(ctx, search.Request{Text: "infirmier", Mode: mode, IncludeClosed: true})
		if err != nil || res.Mode != offres.ModeKeyword || len(res.Hits) == 0 {
			t.Errorf("%s search with the database down: mode %q, %d hits, %v", mode, res.Mode, len(res.Hits), err)
		}
	}
	if s, err := e.Search().Suggest(ctx, "infi", 5); err != nil || len(s) == 0 {
		t.Errorf("suggestions with the database down: %v %v", s, err)
	}

	needDatabase := map[string]func() error{
		"get": func() error { _, err := e.Get(ctx, "PS-2026-0719/DIE"); return err },
		"import": func() error {
			_, _, err := e.Import(ctx, "one.json", strings.NewReader(`[{"id":"DOWN-1","title":"Plongeur","description":"Travaux sous-marins."}]`))
			return err
		},
		"delete":         func() error { return e.Delete(ctx, "PS-2026-0719/DIE") },
		"create key":     func() error { _, _, err := e.CreateKey(ctx, "K", offres.RoleRecruiter); return err },
		"keys":           func() error { _, err := e.Keys(ctx); return err },
		"authenticate":   func() error { _, err := e.Authenticate(ctx, "ofr_000000000000_"+strings.Repeat("0", 48)); return err },
		"save profile":   func() error { _, err := e.SaveProfile(ctx, "k", offres.Profile{Text: "Infirmière"}); return err },
		"profiles":       func() error { _, err := e.Profiles(ctx, "k"); return err },
		"delete profile": func() error { return e.DeleteProfile(ctx, "k", "p") },
	}
	for name, call := range needDatabase {
		err := call()
		var ue *offres.UserError
		if !errors.Is(err, offres.ErrUnavailable) || !errors.As(err, &ue) || !strings.Contains(ue.Message, "injoignable") {
			t.Errorf("%s with the database down: %v, want ErrUnavailable with the French message", name, err)
		}
	}
}

// TestPostgresDown cuts an engine's connections to its database (a proxy
// refuses them, as a server that is down) while another process, connected
// directly, goes on writing: the first serves searches from its local index
// in keyword mode and says it is degraded, refuses what needs the database
// at once, logs the outage once, and comes back by itself, with the other's
// changes.
func TestPostgresDown(t *testing.T) {
	ctx := context.Background()
	url := newDatabase(t)
	rec := &logRecorder{}
	a, proxy := openProxied(t, url, slog.New(rec))
	b := openPG(t, url, t.TempDir())
	defer b.Close()
	if d := a.Degraded(); len(d) != 0 {
		t.Fatalf("degraded before the cut: %v", d)
	}
	if res, err := a.Search().Search(ctx, search.Request{Text: "infirmier", Mode: offres.ModeHybrid}); err != nil || res.Mode != offres.ModeHybrid {
		t.Fatalf("hybrid search before the cut: mode %q, %v", res.Mode, err)
	}

	proxy.Cut()
	eventually(t, "a says its database is down", func() bool { return hasDown(a, DependencyDatabase) })
	checkDegraded(t, a)

	// Meanwhile b writes.
	added := offres.Offer{ID: "PG-DOWN-1", Title: "Océanographe côtier", Description: "Suivi de la qualité des eaux du lagon.",
		Deadline: offres.Date{Year: 2027, Month: 6, Day: 1}}
	if err := b.importOffers(ctx, []offres.Offer{added}); err != nil {
		t.Fatal(err)
	}
	if err := b.Delete(ctx, "PS-2026-0719/DIE"); err != nil {
		t.Fatal(err)
	}
	// The follower goes on probing, logging the outage once.
	eventually(t, "a few probes", func() bool { return rec.count(slog.LevelDebug, "still unreachable") >= 3 })
	if n := rec.count(slog.LevelWarn, "unreachable"); n != 1 {
		t.Errorf("%d warnings of the outage, want 1", n)
	}

	proxy.Restore()
	eventually(t, "a sees its database again", func() bool { return len(a.Degraded()) == 0 })
	eventually(t, "a catches up with b's changes", func() bool {
		return slices.Contains(keywordIDs(t, a, "océanographe"), "PG-DOWN-1") && !slices.Contains(keywordIDs(t, a, "géomètre"), "PS-2026-0719/DIE")
	})
	if rec.count(slog.LevelInfo, "reachable again") != 1 {
		t.Errorf("the end of the outage is not logged once")
	}
	res, err := a.Search().Search(ctx, search.Request{Text: "infirmier", Mode: offres.ModeHybrid})
	if err != nil || res.Mode != offres.ModeHybrid {
		t.Errorf("hybrid search after the outage: mode %q, %v", res.Mode, err)
	}
	if _, err := a.Get(ctx, "PG-DOWN-1"); err != nil {
		t.Errorf("get after the outage: %v", err)
	}
	if err := a.importOffers(ctx, []offres.Offer{{ID: "PG-DOWN-2", Title: "Plongeur scaphandrier", Description: "Travaux sous-marins."}}); err != nil {
		t.Fatalf("import after the outage: %v", err)
	}
	eventually(t, "b finds a's import after the outage", func() bool { return slices.Contains(keywordIDs(t, b, "scaphandrier"), "PG-DOWN-2") })
}

// TestPostgresSilent makes the database go silent (a proxy holds the
// connections and never answers, as a network that drops every packet):
// the follower's probe times out, and from then on requests that need the
// database fail at once rather than wait until their deadline.
func TestPostgresSilent(t *testing.T) {
	url := newDatabase(t)
	a, proxy := openProxied(t, url, nil)

	proxy.Stall()
	eventually(t, "a says its silent database is down", func() bool { return hasDown(a, DependencyDatabase) })
	checkDegraded(t, a)

	proxy.Restore()
	eventually(t, "a sees its database again", func() bool { return len(a.Degraded()) == 0 })
	ctx := context.Background()
	if err := a.importOffers(ctx, []offres.Offer{{ID: "PG-SILENT-1", Title: "Plongeur scaphandrier", Description: "Travaux sous-marins."}}); err != nil {
		t.Fatalf("import after the outage: %v", err)
	}
	if got := keywordIDs(t, a, "scaphandrier"); !slices.Contains(got, "PG-SILENT-1") {
		t.Errorf("after the outage: %v", got)
	}
}

// TestOpenDatabaseDown: an engine does not start without its database,
// and says so.
func TestOpenDatabaseDown(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	e, err := Open(context.Background(), Options{Dir: t.TempDir(), DatabaseURL: "postgres://offres@" + addr + "/offres?sslmode=disable"})
	if err == nil {
		e.Close()
		t.Fatal("open succeeded without a database")
	}
	if !errors.Is(err, offres.ErrUnavailable) || !strings.Contains(err.Error(), "PostgreSQL") {
		t.Errorf("open without a database: %v", err)
	}
}
