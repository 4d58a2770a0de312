package analytics

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"offres/internal/offres"
)

// Options configure a Store. Zero fields take the defaults.
type Options struct {
	// Path is the snapshot file; empty keeps the counts in memory only.
	Path string
	// RetentionDays is how many days of counts are kept; default 180.
	RetentionDays int
	// MaxQueriesPerDay bounds the distinct queries counted per day; beyond,
	// searches count in the day's totals only. Default 1,000.
	MaxQueriesPerDay int
	// MaxOffersPerDay bounds the distinct offers counted per day; default 1,000.
	MaxOffersPerDay int
	// MaxPerClient bounds what one client (Record's client) adds in a day
	// to one query's searches and to one offer's clicks, so that no client
	// moves the rankings alone; its events past it are dropped. Default 1:
	// the counts are of distinct clients.
	MaxPerClient int
	// SnapshotEvery is the interval of Run's snapshots; default 30 s.
	SnapshotEvery time.Duration
	// Now is the clock (days are those of Nouméa); nil: time.Now.
	Now    func() time.Time
	Logger *slog.Logger
}

func (o *Options) defaults() {
	if o.RetentionDays <= 0 {
		o.RetentionDays = 180
	}
	if o.MaxQueriesPerDay <= 0 {
		o.MaxQueriesPerDay = 1000
	}
	if o.MaxOffersPerDay <= 0 {
		o.MaxOffersPerDay = 1000
	}
	if o.MaxPerClient <= 0 {
		o.MaxPerClient = 1
	}
	if o.SnapshotEvery <= 0 {
		o.SnapshotEvery = 30 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
}

// Store holds the counts. Its methods are safe for concurrent use.
type Store struct {
	opts Options

	mu    sync.Mutex
	days  map[string]*day // by ISO date in Nouméa
	dirty bool
	// The counts of each client today, by a salted hash of the client and
	// the query or offer: in memory only, never in the snapshot, and
	// forgotten when the day changes (or after a restart).
	clientDay  string
	perClient  map[clientKey]int
	clientSalt [16]byte
	saveM      sync.Mutex // one snapshot written at a time
}

// day is the counts of one day: everything the store keeps.
type day struct {
	Searches  int `json:"searches"`
	NoResults int `json:"no_results"`
	Clicks    int `json:"clicks"`
	// Dropped counts the events whose query was dropped (personal-looking
	// or too long): a number, never their text.
	Dropped int                    `json:"dropped"`
	Queries map[string]*queryCount `json:"queries"` // by folded key
	Offers  map[string]int         `json:"offers"`  // clicks by offer id
}

type queryCount struct {
	Text      string `json:"text"` // the first form seen that day
	Searches  int    `json:"searches"`
	NoResults int    `json:"no_results"`
	Clicks    int    `json:"clicks"`
}

// snapshot is the file format.
type snapshot struct {
	Version int             `json:"version"`
	Days    map[string]*day `json:"days"`
}

const snapshotVersion = 1

// Open returns a store holding the counts of the snapshot at opts.Path, if
// any. A snapshot that cannot be read is set aside (renamed *.corrupt) and
// the store starts empty: analytics never keep the service from starting.
func Open(opts Options) (*Store, error) {
	opts.defaults()
	s := &Store{opts: opts, days: map[string]*day{}, perClient: map[clientKey]int{}}
	rand.Read(s.clientSalt[:])
	if opts.Path == "" {
		return s, nil
	}
	b, err := os.ReadFile(opts.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("analytics snapshot: %w", err)
	}
	var snap snapshot
	if err := json.Unmarshal(b, &snap); err != nil || snap.Version != snapshotVersion {
		aside := opts.Path + ".corrupt"
		opts.Logger.Warn("analytics snapshot unreadable: set aside, starting empty", "path", opts.Path, "aside", aside, "err", err)
		if err := os.Rename(opts.Path, aside); err != nil {
			return nil, fmt.Errorf("analytics snapshot: set aside: %w", err)
		}
		return s, nil
	}
	for k, d := range snap.Days {
		if d == nil {
			continue
		}
		if d.Queries == nil {
			d.Queries = map[string]*queryCount{}
		}
		if d.Offers == nil {
			d.Offers = map[string]int{}
		}
		s.days[k] = d
	}
	s.prune()
	return s, nil
}

func (s *Store) today() string { return offres.DateOf(s.opts.Now()).String() }

// maxClientKeys bounds the per-client counts kept for a day; past it, the
// events of keys not yet seen are dropped rather than counted uncapped.
const maxClientKeys = 200_000

// clientKey is a client's count of one query's searches or one offer's
// clicks today.
type clientKey [16]byte

func (s *Store) clientKeyOf(client, kind, key string) clientKey {
	h := sha256.New()
	h.Write(s.clientSalt[:])
	for _, p := range []string{client, kind, key} {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	var k clientKey
	copy(k[:], h.Sum(nil))
	return k
}

// allow reports whether one more event of client on (kind, key) counts
// today, and counts it. Called with mu held.
func (s *Store) allow(today, client, kind, key string) bool {
	if s.clientDay != today {
		s.clientDay = today
		clear(s.perClient)
	}
	k := s.clientKeyOf(client, kind, key)
	n, seen := s.perClient[k]
	if n >= s.opts.MaxPerClient || !seen && len(s.perClient) >= maxClientKeys {
		return false
	}
	s.perClient[k] = n + 1
	return true
}

// Record counts valid events of client (its address: what identifies one
// visitor) and returns how many were counted and how many dropped (their
// query personal-looking or too long, or the client past its
// MaxPerClient for that query or offer today). Events are validated by the
// caller (Event.Validate); invalid ones are dropped here.
func (s *Store) Record(client string, events []Event) (counted, dropped int) {
	today := s.today()
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.days[today]
	if d == nil {
		d = &day{Queries: map[string]*queryCount{}, Offers: map[string]int{}}
		s.days[today] = d
		s.prune()
	}
	for _, e := range events {
		if e.Validate() != nil {
			dropped++
			continue
		}
		text, key, ok := Normalize(e.Query)
		if !ok && (e.Type == TypeSearch || e.Query != "") {
			d.Dropped++
			dropped++
			continue
		}
		capKind, capKey := "search", key
		if e.Type == TypeClick {
			capKind, capKey = "click", e.OfferID
		}
		if !s.allow(today, client, capKind, capKey) {
			dropped++
			continue
		}
		q := d.Queries[key]
		if q == nil && key != "" && len(d.Queries) < s.opts.MaxQueriesPerDay {
			q = &queryCount{Text: text}
			d.Queries[key] = q
		}
		switch e.Type {
		case TypeSearch:
			d.Searches++
			if q != nil {
				q.Searches++
			}
			if e.Results == 0 {
				d.NoResults++
				if q != nil {
					q.NoResults++
				}
			}
		case TypeClick:
			d.Clicks++
			if q != nil {
				q.Clicks++
			}
			if _, ok := d.Offers[e.OfferID]; ok || len(d.Offers) < s.opts.MaxOffersPerDay {
				d.Offers[e.OfferID]++
			}
		}
		counted++
	}
	if counted > 0 || dropped > 0 {
		s.dirty = true
	}
	return counted, dropped
}

// prune forgets the days beyond the retention. Called with mu held.
func (s *Store) prune() {
	oldest := offres.DateOf(s.opts.Now().AddDate(0, 0, -(s.opts.RetentionDays - 1))).String()
	for k := range s.days {
		if k < oldest {
			delete(s.days, k)
			s.dirty = true
		}
	}
}

// Report is what the analysts read: the counts of the last days.
type Report struct {
	From string `json:"from"` // first day, ISO, in Nouméa
	To   string `json:"to"`   // last day (today)
	Days int    `json:"days"`
	// Totals over the period. ClickThrough is clicks ÷ searches.
	Totals struct {
		Searches     int     `json:"searches"`
		NoResults    int     `json:"no_results"`
		Clicks       int     `json:"clicks"`
		ClickThrough float64 `json:"click_through"`
		// DroppedQueries counts the events dropped because their query
		// looked personal or was too long.
		DroppedQueries int `json:"dropped_queries"`
	} `json:"totals"`
	// PopularQueries are the most searched queries, most first.
	PopularQueries []QueryStat `json:"popular_queries"`
	// NoResultQueries are the queries that found nothing, most often first.
	NoResultQueries []QueryStat `json:"no_result_queries"`
	// TopOffers are the offers most clicked from the results.
	TopOffers []OfferStat `json:"top_offers"`
	// Daily are the totals of each day of the period, oldest first.
	Daily []DayStat `json:"daily"`
}

// QueryStat is one query's counts over the period.
type QueryStat struct {
	Query        string  `json:"query"`
	Searches     int     `json:"searches"`
	NoResults    int     `json:"no_results"`
	Clicks       int     `json:"clicks"`
	ClickThrough float64 `json:"click_through"`
}

// OfferStat is one offer's clicks over the period.
type OfferStat struct {
	OfferID string `json:"offer_id"`
	Clicks  int    `json:"clicks"`
}

// DayStat is one day's totals.
type DayStat struct {
	Day       string `json:"day"`
	Searches  int    `json:"searches"`
	NoResults int    `json:"no_results"`
	Clicks    int    `json:"clicks"`
}

// Bounds of a report.
const (
	DefaultReportDays  = 30
	MaxReportDays      = 366
	DefaultReportLimit = 20
	MaxReportLimit     = 200
)

// Report sums the counts of the last days (today included) and lists the
// first limit queries and offers of each ranking. Zero arguments take the
// defaults; out-of-range ones are invalid.
func (s *Store) Report(days, limit int) (Report, error) {
	if days == 0 {
		days = DefaultReportDays
	}
	if limit == 0 {
		limit = DefaultReportLimit
	}
	if days < 1 || days > MaxReportDays {
		return Report{}, offres.Invalidf("days doit être compris entre 1 et %d", MaxReportDays)
	}
	if limit < 1 || limit > MaxReportLimit {
		return Report{}, offres.Invalidf("limit doit être compris entre 1 et %d", MaxReportLimit)
	}
	now := s.opts.Now()
	var r Report
	r.Days = days
	r.To = offres.DateOf(now).String()
	r.From = offres.DateOf(now.AddDate(0, 0, -(days - 1))).String()

	queries := map[string]*QueryStat{}
	best := map[string]int{} // searches of the form shown for each key
	offers := map[string]int{}
	s.mu.Lock()
	for i := days - 1; i >= 0; i-- {
		k := offres.DateOf(now.AddDate(0, 0, -i)).String()
		d := s.days[k]
		ds := DayStat{Day: k}
		if d != nil {
			ds.Searches, ds.NoResults, ds.Clicks = d.Searches, d.NoResults, d.Clicks
			r.Totals.DroppedQueries += d.Dropped
			for key, q := range d.Queries {
				st := queries[key]
				if st == nil {
					st = &QueryStat{}
					queries[key] = st
				}
				if st.Query == "" || q.Searches > best[key] {
					st.Query, best[key] = q.Text, q.Searches
				}
				st.Searches += q.Searches
				st.NoResults += q.NoResults
				st.Clicks += q.Clicks
			}
			for id, n := range d.Offers {
				offers[id] += n
			}
		}
		r.Totals.Searches += ds.Searches
		r.Totals.NoResults += ds.NoResults
		r.Totals.Clicks += ds.Clicks
		r.Daily = append(r.Daily, ds)
	}
	s.mu.Unlock()

	r.Totals.ClickThrough = ratio(r.Totals.Clicks, r.Totals.Searches)
	r.PopularQueries, r.NoResultQueries = []QueryStat{}, []QueryStat{}
	for _, st := range queries {
		st.ClickThrough = ratio(st.Clicks, st.Searches)
		if st.Searches > 0 {
			r.PopularQueries = append(r.PopularQueries, *st)
		}
		if st.NoResults > 0 {
			r.NoResultQueries = append(r.NoResultQueries, *st)
		}
	}
	slices.SortFunc(r.PopularQueries, func(a, b QueryStat) int {
		return cmp.Or(cmp.Compare(b.Searches, a.Searches), cmp.Compare(b.Clicks, a.Clicks), cmp.Compare(a.Query, b.Query))
	})
	slices.SortFunc(r.NoResultQueries, func(a, b QueryStat) int {
		return cmp.Or(cmp.Compare(b.NoResults, a.NoResults), cmp.Compare(a.Query, b.Query))
	})
	r.PopularQueries = r.PopularQueries[:min(limit, len(r.PopularQueries))]
	r.NoResultQueries = r.NoResultQueries[:min(limit, len(r.NoResultQueries))]
	r.TopOffers = []OfferStat{}
	for id, n := range offers {
		r.TopOffers = append(r.TopOffers, OfferStat{OfferID: id, Clicks: n})
	}
	slices.SortFunc(r.TopOffers, func(a, b OfferStat) int {
		return cmp.Or(cmp.Compare(b.Clicks, a.Clicks), cmp.Compare(a.OfferID, b.OfferID))
	})
	r.TopOffers = r.TopOffers[:min(limit, len(r.TopOffers))]
	return r, nil
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(int(float64(a)/float64(b)*1000+0.5)) / 1000
}

// Save writes the snapshot when something changed since the last one: to a
// temporary file in the same directory, synced, then renamed over the old.
func (s *Store) Save() error {
	if s.opts.Path == "" {
		return nil
	}
	s.saveM.Lock()
	defer s.saveM.Unlock()
	s.mu.Lock()
	if !s.dirty {
		s.mu.Unlock()
		return nil
	}
	b, err := json.Marshal(snapshot{Version: snapshotVersion, Days: s.days})
	s.dirty = false
	s.mu.Unlock()
	if err != nil {
		return fmt.Errorf("analytics snapshot: %w", err)
	}
	if err := writeFileAtomic(s.opts.Path, b); err != nil {
		s.mu.Lock()
		s.dirty = true
		s.mu.Unlock()
		return fmt.Errorf("analytics snapshot: %w", err)
	}
	return nil
}

func writeFileAtomic(path string, b []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op once renamed
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// Run writes a snapshot every SnapshotEvery until ctx ends, then a last one.
func (s *Store) Run(ctx context.Context) {
	t := time.NewTicker(s.opts.SnapshotEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			if err := s.Save(); err != nil {
				s.opts.Logger.Error("analytics snapshot", "err", err)
			}
			return
		case <-t.C:
			s.mu.Lock()
			s.prune()
			s.mu.Unlock()
			if err := s.Save(); err != nil {
				s.opts.Logger.Error("analytics snapshot", "err", err)
			}
		}
	}
}
