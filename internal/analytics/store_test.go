package analytics

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"offres/internal/offres"
)

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newClock() *clock {
	return &clock{t: time.Date(2026, 11, 28, 9, 0, 0, 0, offres.Noumea)}
}

func search(q string, n int) Event { return Event{Type: TypeSearch, Query: q, Results: n} }
func click(q, id string, pos int) Event {
	return Event{Type: TypeClick, Query: q, OfferID: id, Position: pos}
}

func TestReport(t *testing.T) {
	c := newClock()
	s, err := Open(Options{Now: c.now, MaxPerClient: 100}) // one client here stands for many
	if err != nil {
		t.Fatal(err)
	}
	counted, dropped := s.Record("client", []Event{
		search("Infirmier", 10), search("infirmier", 10), search("INFIRMIER  ", 10),
		click("infirmier", "CHT-1", 1), click("infirmier", "PS-2", 3),
		search("Nouméa", 20), search("noumea", 20), click("noumea", "CHT-1", 2),
		search("boulanger", 0), search("boulanger", 0), search("astronaute", 0),
		search("jean@exemple.nc", 0), search("27 12 34", 0),
	})
	if counted != 11 || dropped != 2 {
		t.Fatalf("Record: counted %d, dropped %d; want 11, 2", counted, dropped)
	}
	c.add(24 * time.Hour) // the next day
	s.Record("client", []Event{search("infirmier", 8), search("boulanger", 0)})

	r, err := s.Report(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if r.Days != 30 || r.To != "2026-11-29" || r.From != "2026-10-31" || len(r.Daily) != 30 {
		t.Errorf("period: %s → %s, %d days, %d daily", r.From, r.To, r.Days, len(r.Daily))
	}
	if r.Totals.Searches != 10 || r.Totals.NoResults != 4 || r.Totals.Clicks != 3 || r.Totals.DroppedQueries != 2 {
		t.Errorf("totals: %+v", r.Totals)
	}
	if r.Totals.ClickThrough != 0.3 {
		t.Errorf("click-through %v, want 0.3 (3/10)", r.Totals.ClickThrough)
	}
	want := []QueryStat{
		{Query: "infirmier", Searches: 4, Clicks: 2, ClickThrough: 0.5},
		{Query: "boulanger", Searches: 3, NoResults: 3},
		{Query: "nouméa", Searches: 2, Clicks: 1, ClickThrough: 0.5},
		{Query: "astronaute", Searches: 1, NoResults: 1},
	}
	if fmt.Sprint(r.PopularQueries) != fmt.Sprint(want) {
		t.Errorf("popular:\n got %v\nwant %v", r.PopularQueries, want)
	}
	if len(r.NoResultQueries) != 2 || r.NoResultQueries[0].Query != "boulanger" || r.NoResultQueries[0].NoResults != 3 {
		t.Errorf("no-result queries: %v", r.NoResultQueries)
	}
	if fmt.Sprint(r.TopOffers) != "[{CHT-1 2} {PS-2 1}]" {
		t.Errorf("top offers: %v", r.TopOffers)
	}
	last := r.Daily[len(r.Daily)-1]
	if last.Day != "2026-11-29" || last.Searches != 2 || last.NoResults != 1 {
		t.Errorf("today: %+v", last)
	}

	// A one-day report sees today only; limits cut the lists.
	r, _ = s.Report(1, 1)
	if r.Totals.Searches != 2 || len(r.PopularQueries) != 1 || len(r.Daily) != 1 {
		t.Errorf("one day: %+v", r)
	}
	for _, bad := range [][2]int{{-1, 10}, {MaxReportDays + 1, 10}, {7, -1}, {7, MaxReportLimit + 1}} {
		if _, err := s.Report(bad[0], bad[1]); err == nil {
			t.Errorf("Report(%d, %d) accepted", bad[0], bad[1])
		}
	}
}

// The snapshot holds counts, normalised queries, offer ids and days:
// nothing a dropped query said, nothing about who searched.
func TestNoPersonalData(t *testing.T) {
	c := newClock()
	path := filepath.Join(t.TempDir(), "analytics.json")
	s, err := Open(Options{Path: path, Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	secrets := []string{"marie.dupont@exemple.nc", "06 12 34 56 78", "+687 27 12 34", "1 85 05 78 006 084 36", "née le 03/04/1990"}
	for _, q := range secrets {
		if n, d := s.Record("client", []Event{search(q, 0), click(q, "PS-1", 1)}); n != 0 || d != 2 {
			t.Errorf("%q: counted %d, dropped %d", q, n, d)
		}
	}
	s.Record("client", []Event{search("Développeur", 2)})
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range secrets {
		for _, part := range []string{q, strings.Fields(q)[0], "dupont", "12 34"} {
			if strings.Contains(string(b), part) && part != "1" {
				t.Errorf("snapshot holds %q (from %q): %s", part, q, b)
			}
		}
	}
	if !strings.Contains(string(b), `"développeur"`) {
		t.Errorf("snapshot lacks the kept query: %s", b)
	}
	if strings.Contains(string(b), "T09:") || strings.Contains(string(b), "ip") {
		t.Errorf("snapshot holds a time of day or an address: %s", b)
	}
}

func TestSnapshotRoundTrip(t *testing.T) {
	c := newClock()
	path := filepath.Join(t.TempDir(), "sub", "analytics.json")
	s, err := Open(Options{Path: path, Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	s.Record("client", []Event{search("infirmier", 3), click("infirmier", "PS-1", 1), search("boulanger", 0)})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Run(ctx); close(done) }()
	cancel()
	<-done // Run writes a last snapshot when it stops

	s2, err := Open(Options{Path: path, Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	r, _ := s2.Report(7, 10)
	if r.Totals.Searches != 2 || r.Totals.Clicks != 1 || len(r.NoResultQueries) != 1 {
		t.Errorf("reloaded: %+v", r)
	}
	// Nothing changed: no write.
	before, _ := os.Stat(path)
	if err := s2.Save(); err != nil {
		t.Fatal(err)
	}
	after, _ := os.Stat(path)
	if !before.ModTime().Equal(after.ModTime()) {
		t.Error("an unchanged store rewrote its snapshot")
	}
	if m, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "*.tmp-*")); len(m) > 0 {
		t.Errorf("temporary files left: %v", m)
	}
}

func TestCorruptSnapshot(t *testing.T) {
	path := filepath.Join(t.TempDir(), "analytics.json")
	os.WriteFile(path, []byte("{not json"), 0o644)
	s, err := Open(Options{Path: path, Now: newClock().now})
	if err != nil {
		t.Fatalf("a corrupt snapshot kept the store from opening: %v", err)
	}
	if r, _ := s.Report(1, 1); r.Totals.Searches != 0 {
		t.Errorf("corrupt snapshot counted: %+v", r.Totals)
	}
	if _, err := os.Stat(path + ".corrupt"); err != nil {
		t.Errorf("corrupt snapshot not set aside: %v", err)
	}
}

func TestBounds(t *testing.T) {
	c := newClock()
	s, _ := Open(Options{Now: c.now, MaxQueriesPerDay: 3, MaxOffersPerDay: 2, RetentionDays: 2})
	for i := range 10 {
		s.Record("client", []Event{search(fmt.Sprintf("métier %c", 'a'+i), 1), click("", fmt.Sprintf("O-%d", i), 1)})
	}
	r, _ := s.Report(1, 100)
	if r.Totals.Searches != 10 || r.Totals.Clicks != 10 {
		t.Errorf("totals must count everything: %+v", r.Totals)
	}
	if len(r.PopularQueries) != 3 || len(r.TopOffers) != 2 {
		t.Errorf("bounds not kept: %d queries, %d offers", len(r.PopularQueries), len(r.TopOffers))
	}
	// Days beyond the retention are forgotten.
	c.add(3 * 24 * time.Hour)
	s.Record("client", []Event{search("infirmier", 1)})
	s.mu.Lock()
	n := len(s.days)
	s.mu.Unlock()
	if n != 1 {
		t.Errorf("%d days kept, want 1 (retention 2 days, the first 3 days ago)", n)
	}
}

func TestConcurrentRecord(t *testing.T) {
	s, _ := Open(Options{Path: filepath.Join(t.TempDir(), "a.json"), Now: newClock().now})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				s.Record(fmt.Sprint(g, i), []Event{search(fmt.Sprintf("q%d", (g+i)%7), i%3)})
				if i%50 == 0 {
					s.Save()
					s.Report(7, 5)
				}
			}
		})
	}
	wg.Wait()
	if r, _ := s.Report(1, 10); r.Totals.Searches != 1600 {
		t.Errorf("searches %d, want 1600", r.Totals.Searches)
	}
}

// TestPerClientCaps is finding 9 of issue 13: three POSTs of one client
// made a fabricated query the top search and gave an offer 75 clicks. A
// client now adds at most MaxPerClient a day to a query's searches and to
// an offer's clicks; other clients count as before, and so does the next
// day.
func TestPerClientCaps(t *testing.T) {
	c := newClock()
	s, err := Open(Options{Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	var batch []Event
	for range 25 {
		batch = append(batch, search("requête fabriquée", 3), click("requête fabriquée", "PS-1", 1))
	}
	for range 3 {
		if counted, dropped := s.Record("203.0.113.9", batch); counted > 2 || dropped < 48 {
			t.Errorf("one client: counted %d, dropped %d", counted, dropped)
		}
	}
	s.Record("203.0.113.10", []Event{search("requête fabriquée", 3), click("requête fabriquée", "PS-1", 1)})
	r, err := s.Report(1, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.PopularQueries) == 0 || r.PopularQueries[0].Searches != 2 {
		t.Errorf("popular %+v, want 2 searches (two clients)", r.PopularQueries)
	}
	if len(r.TopOffers) == 0 || r.TopOffers[0].Clicks != 2 {
		t.Errorf("offers %+v, want 2 clicks (two clients)", r.TopOffers)
	}
	c.add(24 * time.Hour)
	if counted, _ := s.Record("203.0.113.9", batch[:2]); counted != 2 {
		t.Errorf("the next day: counted %d, want 2", counted)
	}
}
