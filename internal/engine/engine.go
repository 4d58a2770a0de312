// Package engine assembles offres over its storage: the offers catalogue
// (boltstore in a data directory, or PostgreSQL), the full-text index
// (fulltext, always local), the semantic layer, the search service and the
// importer. It owns the start-up checks: a full-text index that will not
// open, or that disagrees with the catalogue, is rebuilt from the
// catalogue; in the PostgreSQL mode it follows the database's changes.
package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"offres/indexer"
	"offres/internal/boltstore"
	"offres/internal/fulltext"
	"offres/internal/lsa"
	"offres/internal/offres"
	"offres/internal/postgres"
	"offres/internal/rome"
	"offres/internal/semantic"
	"offres/internal/vectors"
	"offres/search"
)

// Options configure an engine.
type Options struct {
	// Dir is the data directory; created when missing.
	Dir string
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// BatchSize is the number of offers written per batch (indexer default when zero).
	BatchSize int
	Logger    *slog.Logger
	// Embedder is the embedding model: an OpenAI-compatible endpoint. Nil:
	// the built-in model, trained from the catalogue.
	Embedder semantic.Embedder
	// RetrainDrift retrains the built-in model when the passages stored
	// differ by more than this share from those it was trained on
	// (DefaultRetrainDrift when zero).
	RetrainDrift float64
	// UndatedOpenDays is how long an offer without a deadline is open
	// after its publication (offres.DefaultUndatedOpenDays when zero).
	UndatedOpenDays int
	// Rome is the ROME referential: it gives offers their occupations at
	// import and tells the job a search names. Nil: neither.
	Rome *rome.Taxonomy
	// ANN configures the in-memory vector index.
	ANN vectors.Options
	// LSA configures the training of the built-in model.
	LSA lsa.Options
	// TrainSample is the most passages the built-in model is trained on: a
	// regular sample of the catalogue's beyond, or, on a first import, of
	// the passages of its first batches (DefaultTrainSample when zero).
	TrainSample int
	// ImportGCPercent is the garbage collector's target percentage (GOGC)
	// while a first import trains and embeds the built-in model, when lower
	// than the process's (DefaultImportGCPercent when zero; negative: left
	// as it is). It is the process's setting, restored when the import
	// ends (Refresh).
	ImportGCPercent int
	// Hybrid tunes semantic and hybrid search.
	Hybrid search.HybridOptions
	// DatabaseURL selects the PostgreSQL mode: offers, passages, vectors
	// and the built-in model live in that database; Dir keeps the local
	// full-text index.
	DatabaseURL string
	// PollInterval is how often the PostgreSQL mode reads the database's
	// changes, and how often what failed is looked at for a retry
	// (DefaultPollInterval when zero).
	PollInterval time.Duration
	// MaxRetryInterval is the longest wait before a dependency that is
	// down (the database, a remote embedder) is tried again
	// (DefaultMaxRetryInterval when zero).
	MaxRetryInterval time.Duration
	// HNSW configures the PostgreSQL mode's vector indexes (pgvector's
	// defaults when zero).
	HNSW postgres.IndexOptions
	// MaxProfilesPerKey bounds the profiles one API key may store
	// (offres.MaxProfilesPerKey when zero).
	MaxProfilesPerKey int
}

// catalog is the source of truth: offers, their pending marks, passages
// and vectors. *boltstore.Store in the embedded mode, *postgres.Store in
// the PostgreSQL mode.
type catalog interface {
	Hashes(ctx context.Context, ids []string) (map[string]string, error)
	Put(ctx context.Context, offers []offres.Offer) error
	Get(ctx context.Context, id string) (offres.Offer, error)
	Delete(ctx context.Context, id string) error
	// Deleted reports whether an id was deleted and not stored again (its
	// tombstone).
	Deleted(ctx context.Context, id string) (bool, error)
	Count(ctx context.Context) (int, error)
	Scan(ctx context.Context, fn func(offres.Offer) error) error
	ScanModified(ctx context.Context, fn func(offres.Offer, time.Time) error) error
	Pending(ctx context.Context) ([]string, error)
	Settle(ctx context.Context, ids []string) error
	semantic.Store
	semantic.Scanner
	PassageCount(ctx context.Context, model string) (int, error)
	VectorModels(ctx context.Context) (map[string]int, error)
	DropModel(ctx context.Context, model string) error
	// Recruiters' keys and profiles.
	PutKey(ctx context.Context, k offres.APIKey) error
	Key(ctx context.Context, id string) (offres.APIKey, error)
	Keys(ctx context.Context) ([]offres.APIKey, error)
	DeleteKey(ctx context.Context, id string) error
	PutProfile(ctx context.Context, p offres.Profile) error
	Profile(ctx context.Context, owner, id string) (offres.Profile, error)
	Profiles(ctx context.Context, owner string) ([]offres.Profile, error)
	CountProfiles(ctx context.Context, owner string) (int, error)
	DeleteProfile(ctx context.Context, owner, id string) error
	Close() error
}

// Engine is offres on its storage.
type Engine struct {
	store  catalog
	pg     *postgres.Store // the PostgreSQL mode; nil in the embedded mode
	text   *fulltext.Index
	search *search.Service
	sem    *semantic.Layer
	opts   Options
	log    *slog.Logger

	refreshMu sync.Mutex // one Refresh or training at a time
	// The import session (session.go): the built-in model trained and the
	// offers embedded while an import runs.
	sessMu  sync.Mutex
	session *importSession
	ending  *importSession // closed, its embedding catching up (endSession)
	embedMu sync.RWMutex   // a session's batches (read) against a deletion (write)
	// sessionBatch is the offers a session embeds at a time (embedBatch
	// when zero; the tests lower it).
	sessionBatch int
	profileMu    sync.Mutex // one SaveProfile at a time: the count and the write of the cap per key
	// needSync: some offers may lack vectors (at start, after an
	// embedding failure); Refresh looks for them.
	needSync atomic.Bool

	// The PostgreSQL mode's follower.
	followMu sync.Mutex // one follow at a time; guards cursor
	cursor   int64

	// The outages of the database and of a remote embedder (degrade.go).
	db, emb outage

	// The background work: following the database, retrying what failed,
	// training the built-in model during an import (session.go).
	bgCtx          context.Context
	stopBackground context.CancelFunc
	background     sync.WaitGroup
	panics         atomic.Uint64 // recovered in the background (recover.go)
}

// Log keys.
const (
	logKeyDir   = "dir"
	logKeyCount = "offers"
	logKeyErr   = "err"
)

// Open opens the data directory, rebuilding the full-text index from the
// catalogue when it is missing, will not open, or is out of step.
func Open(ctx context.Context, opts Options) (*Engine, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxProfilesPerKey <= 0 {
		opts.MaxProfilesPerKey = offres.MaxProfilesPerKey
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	e := &Engine{opts: opts, log: opts.Logger}
	e.needSync.Store(true)
	ann := opts.ANN
	ann.OnPanic = func(v any, stack []byte) {
		e.recovered("vector index training", v, stack)
		if opts.ANN.OnPanic != nil {
			opts.ANN.OnPanic(v, stack)
		}
	}
	semOpts := semantic.Options{ANN: ann}
	if opts.DatabaseURL != "" {
		pg, err := postgres.Open(ctx, opts.DatabaseURL, postgres.Options{Logger: opts.Logger})
		if err != nil {
			// Without the database there is no catalogue to check the
			// local index against, nor model, nor vectors: the process
			// does not start (its supervisor restarts it).
			return nil, fmt.Errorf("PostgreSQL: %w", err)
		}
		e.store, e.pg = pg, pg
		semOpts.Searcher = pgSearcher{e}
	} else {
		store, err := boltstore.Open(filepath.Join(opts.Dir, "offers.db"))
		if err != nil {
			return nil, err
		}
		e.store = store
	}
	e.sem = semantic.New(nil, e.store, semOpts)
	if err := e.openText(ctx); err != nil {
		e.store.Close()
		return nil, err
	}
	err := e.openSemantic(ctx)
	if err == nil {
		err = e.catchUp(ctx)
	}
	if err == nil {
		err = e.Refresh(ctx)
	}
	if err != nil {
		e.Close()
		return nil, err
	}
	bctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	e.bgCtx, e.stopBackground = bctx, cancel
	if e.pg != nil {
		e.background.Go(func() { e.followLoop(bctx) })
	}
	e.background.Go(func() { e.maintainLoop(bctx) })
	return e, nil
}

// Storage names the storage mode: "embedded" or "postgresql".
func (e *Engine) Storage() string {
	if e.pg != nil {
		return "postgresql"
	}
	return "embedded"
}

func (e *Engine) newService(text *fulltext.Index) *search.Service {
	opts := search.Options{Now: e.opts.Now, Semantic: searchSemantic{e.sem}, Hybrid: e.opts.Hybrid, Logger: e.log, UndatedOpenDays: e.opts.UndatedOpenDays}
	if e.opts.Rome != nil {
		opts.Occupations = e.opts.Rome
	}
	return search.New(text, opts)
}

func (e *Engine) textDir() string { return filepath.Join(e.opts.Dir, "fulltext") }

func (e *Engine) openText(ctx context.Context) error {
	text, err := fulltext.Open(e.textDir(), fulltext.Options{})
	if errors.Is(err, fulltext.ErrCorrupt) {
		aside := fmt.Sprintf("%s.corrupt-%d", e.textDir(), e.opts.Now().Unix())
		e.log.Warn("full-text index will not open: set aside and rebuilt", logKeyDir, aside, logKeyErr, err)
		if err := os.Rename(e.textDir(), aside); err != nil {
			return fmt.Errorf("set aside full-text index: %w", err)
		}
		text, err = fulltext.Open(e.textDir(), fulltext.Options{})
	}
	if err != nil {
		return err
	}
	e.text = text
	e.search = e.newService(text)
	if e.pg != nil {
		return e.openFollower(ctx)
	}
	stored, err := e.store.Count(ctx)
	if err != nil {
		return err
	}
	indexed, err := text.Count(ctx)
	if err != nil {
		return err
	}
	if uint64(stored) != indexed {
		e.log.Info("rebuilding the full-text index from the catalogue", logKeyCount, stored)
		return e.reindex(ctx)
	}
	return e.learnSuggestions(ctx)
}

// catchUp brings the index up to the catalogue for the offers written or
// deleted by a process that stopped before its index write (a crash, a
// kill -9): the catalogue marks them pending in the same transaction.
func (e *Engine) catchUp(ctx context.Context) error {
	ids, err := e.store.Pending(ctx)
	if err != nil || len(ids) == 0 {
		return err
	}
	var present []offres.Offer
	var gone []string
	for _, id := range ids {
		o, err := e.store.Get(ctx, id)
		switch {
		case err == nil:
			present = append(present, o)
		case errors.Is(err, offres.ErrNotFound):
			gone = append(gone, id)
		default:
			return err
		}
	}
	e.log.Info("catching up the indexes", logKeyCount, len(ids))
	if e.pg == nil { // in the PostgreSQL mode, the follower keeps the full-text index
		if err := e.search.Upsert(ctx, present); err != nil {
			return fmt.Errorf("catch up: %w", err)
		}
		if err := e.search.Delete(ctx, gone); err != nil {
			return fmt.Errorf("catch up: %w", err)
		}
	}
	if err := e.sem.Delete(ctx, gone); err != nil {
		return fmt.Errorf("catch up: %w", err)
	}
	if err := e.sem.Upsert(ctx, present); err != nil {
		e.needSync.Store(true)
		e.log.Warn("embedding failed while catching up: Refresh retries", logKeyErr, err)
	}
	return e.store.Settle(ctx, ids)
}

// indexWriter is the importer's index: the search service, then settling the
// offers in the catalogue once they are indexed.
type indexWriter struct{ e *Engine }

func (w indexWriter) Upsert(ctx context.Context, offers []offres.Offer) error {
	// On a first import, the built-in model is trained and the offers
	// embedded in the background while the import goes on (session.go):
	// handed over before the full-text write, so that the training starts
	// that much sooner.
	queued, err := w.e.queueForSession(ctx, offers)
	if err != nil {
		return err
	}
	if w.e.pg != nil {
		// The follower indexes the offers' changes, these and any other
		// process's: applied now, so that they are found on return.
		if err := w.e.follow(ctx); err != nil {
			return err
		}
	} else if err := w.e.search.Upsert(ctx, offers); err != nil {
		return err
	}
	if !queued {
		if err := w.e.sem.Upsert(ctx, offers); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			// Keyword search has them; Refresh embeds them later.
			w.e.needSync.Store(true)
			w.e.log.Warn("embedding failed: offers found by keyword only until the next refresh", logKeyCount, len(offers), logKeyErr, err)
		}
	}
	ids := make([]string, len(offers))
	for i := range offers {
		ids[i] = offers[i].ID
	}
	return w.e.store.Settle(ctx, ids)
}

// Reindex rebuilds the full-text index and suggestions from the
// catalogue, then retrains the built-in model and re-embeds every offer.
func (e *Engine) Reindex(ctx context.Context) error {
	e.followMu.Lock()
	locked := true
	defer func() {
		if locked {
			e.followMu.Unlock()
		}
	}()
	if err := e.text.Close(); err != nil {
		return err
	}
	if err := os.RemoveAll(e.textDir()); err != nil {
		return err
	}
	text, err := fulltext.Open(e.textDir(), fulltext.Options{})
	if err != nil {
		return err
	}
	e.text = text
	e.search = e.newService(text)
	if e.pg != nil {
		os.Remove(e.cursorPath())
		e.followMu.Unlock()
		locked = false
		if err := e.rebuildFromDatabase(ctx); err != nil {
			return err
		}
	} else if err := e.reindex(ctx); err != nil {
		return err
	}
	return e.Retrain(ctx)
}

func (e *Engine) reindex(ctx context.Context) error {
	size := e.opts.BatchSize
	if size <= 0 {
		size = indexer.DefaultBatchSize
	}
	batch := make([]offres.Offer, 0, size)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := e.search.Upsert(ctx, batch)
		batch = batch[:0]
		return err
	}
	err := e.store.Scan(ctx, func(o offres.Offer) error {
		batch = append(batch, o)
		if len(batch) == size {
			return flush()
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	if err := flush(); err != nil {
		return err
	}
	pending, err := e.store.Pending(ctx)
	if err != nil {
		return err
	}
	return e.store.Settle(ctx, pending)
}

// Rome returns the ROME referential the engine was opened with (nil when
// none), for the matching of profiles to use the same.
func (e *Engine) Rome() *rome.Taxonomy { return e.opts.Rome }

// Search is the search service.
func (e *Engine) Search() *search.Service { return e.search }

// UndatedOpenDays is how long an offer without a deadline is open after its
// publication in this engine's search (0: offres.DefaultUndatedOpenDays).
func (e *Engine) UndatedOpenDays() int { return e.opts.UndatedOpenDays }

// Importer returns an importer writing to this engine.
func (e *Engine) Importer() *indexer.Importer {
	im := &indexer.Importer{Catalog: e.store, Index: indexWriter{e}, BatchSize: e.opts.BatchSize}
	if e.opts.Rome != nil {
		im.Classifier = e.opts.Rome
	}
	return im
}

// Import imports one source, returning the summary and the rejected
// records, then refreshes the vectors (see Refresh). While the database is
// down it fails at once (see Degraded).
func (e *Engine) Import(ctx context.Context, name string, r io.Reader) (indexer.Summary, []indexer.Record, error) {
	if err := e.dbGate(); err != nil {
		return indexer.Summary{}, nil, err
	}
	var rejected []indexer.Record
	im := e.Importer()
	im.Reject = func(rec indexer.Record) { rejected = append(rejected, rec) }
	sum, err := im.Import(ctx, name, r)
	if err == nil {
		err = e.Refresh(ctx)
	}
	return sum, rejected, e.dbErr(err)
}

// Get returns one offer. In the PostgreSQL mode it needs the database: the
// local index does not hold whole offers (see Degraded).
func (e *Engine) Get(ctx context.Context, id string) (offres.Offer, error) {
	if err := e.dbGate(); err != nil {
		return offres.Offer{}, err
	}
	o, err := e.store.Get(ctx, id)
	return o, e.dbErr(err)
}

// Delete removes one offer from the catalogue, then from the indexes.
func (e *Engine) Delete(ctx context.Context, id string) error {
	if err := e.dbGate(); err != nil {
		return err
	}
	return e.dbErr(e.delete(ctx, id))
}

func (e *Engine) delete(ctx context.Context, id string) error {
	if err := e.store.Delete(ctx, id); err != nil {
		return err
	}
	if err := e.search.Delete(ctx, []string{id}); err != nil {
		return err
	}
	e.embedMu.Lock() // not while an import session embeds it
	err := e.sem.Delete(ctx, []string{id})
	e.embedMu.Unlock()
	if err != nil {
		return err
	}
	if e.pg != nil {
		if err := e.follow(ctx); err != nil {
			return err
		}
	}
	return e.store.Settle(ctx, []string{id})
}

// Deleted reports whether an offer was deleted from the catalogue (and not
// imported again since), as opposed to never stored: its page answers 410
// Gone rather than 404.
func (e *Engine) Deleted(ctx context.Context, id string) (bool, error) {
	if err := e.dbGate(); err != nil {
		return false, err
	}
	deleted, err := e.store.Deleted(ctx, id)
	return deleted, e.dbErr(err)
}

// Today is the current date in Nouméa.
func (e *Engine) Today() offres.Date { return offres.Today(e.opts.Now) }

// Ready reports whether the engine can serve searches: the full-text index
// answers, and in the embedded mode the catalogue. In the PostgreSQL mode a
// database that is down does not make it unready, only degraded (see
// Degraded): the local index still answers.
func (e *Engine) Ready(ctx context.Context) error {
	if e.pg == nil {
		if _, err := e.store.Count(ctx); err != nil {
			return fmt.Errorf("catalogue: %w", errors.Join(offres.ErrUnavailable, err))
		}
	}
	if _, err := e.text.Count(ctx); err != nil {
		return fmt.Errorf("full-text index: %w", errors.Join(offres.ErrUnavailable, err))
	}
	return nil
}

// Close stops the background work (following the database, retries), then
// closes the index and the catalogue.
func (e *Engine) Close() error {
	if e.stopBackground != nil {
		e.stopBackground()
		e.background.Wait()
	}
	e.sessMu.Lock()
	if e.session != nil {
		e.session.restoreGC()
	}
	e.sessMu.Unlock()
	return errors.Join(e.text.Close(), e.store.Close())
}

// Model returns the id of the embedding model in use, "" before the
// built-in model's first training.
func (e *Engine) Model() string { return e.sem.Model() }

// Scan calls fn for every offer of the catalogue.
func (e *Engine) Scan(ctx context.Context, fn func(offres.Offer) error) error {
	if err := e.dbGate(); err != nil {
		return err
	}
	return e.dbErr(e.store.Scan(ctx, fn))
}

// ScanModified calls fn for every offer of the catalogue with the time it
// was last stored with a new content.
func (e *Engine) ScanModified(ctx context.Context, fn func(offres.Offer, time.Time) error) error {
	if err := e.dbGate(); err != nil {
		return err
	}
	return e.dbErr(e.store.ScanModified(ctx, fn))
}
