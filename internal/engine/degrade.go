package engine

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"offres/internal/offres"
	"offres/internal/postgres"
	"offres/internal/semantic"
)

// Degradation. A dependency may go away while the process runs; offres goes
// on serving what it can without it and comes back by itself:
//
//   - PostgreSQL (its mode): the local full-text index still answers
//     keyword searches, and hybrid or semantic ones in keyword mode, and
//     suggestions. What needs the database (writes, an offer's detail,
//     vector search, the recruiters' keys and profiles) fails at once with
//     offres.ErrUnavailable instead of waiting on dead connections. The
//     follower probes the database at growing intervals; once it answers,
//     it catches up with the changes made meanwhile.
//   - A remote embedder: searches run in keyword mode, imports go on, and
//     the offers they bring are embedded once it answers again. While it is
//     down it is not called, but probed at MaxRetryInterval.
//
// Outages are logged when they begin and end, not at every failed call.

// Defaults of the degradation.
const (
	// DefaultMaxRetryInterval is the longest wait before a dependency that
	// is down is tried again.
	DefaultMaxRetryInterval = 10 * time.Second
	// probeTimeout bounds a probe of the database: one that does not answer
	// within it is taken for down.
	probeTimeout = 5 * time.Second
	// queryTimeout bounds each of the follower's queries, and followTimeout
	// a whole round of it: a connection gone silent cannot hold it.
	queryTimeout  = probeTimeout
	followTimeout = 2 * time.Minute
	// refreshTimeout bounds a round of embedding in the background.
	refreshTimeout = 10 * time.Minute
	// queryEmbedTimeout bounds the embedding of a search's query: a slower
	// embedder leaves the search to the keyword index.
	queryEmbedTimeout = 2 * time.Second
)

// The dependencies Degraded names.
const (
	DependencyDatabase = "database"
	DependencyEmbedder = "embedder"
)

// Log keys.
const logKeyDownFor = "down_for"

// outage is the state of a dependency: up, or down since a time, with the
// last failure and its error. Its times are the system clock's, not
// Options.Now (the business date).
type outage struct {
	mu    sync.Mutex
	down  bool
	since time.Time
	last  time.Time
	err   error
}

// fail records a failure; it reports whether the dependency was up until
// then.
func (o *outage) fail(err error) bool {
	now := time.Now()
	o.mu.Lock()
	defer o.mu.Unlock()
	began := !o.down
	if began {
		o.down, o.since = true, now
	}
	o.last, o.err = now, err
	return began
}

// recover records a success; it returns how long the dependency was down,
// and false when it was up.
func (o *outage) recover() (time.Duration, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.down {
		return 0, false
	}
	o.down, o.err = false, nil
	return time.Since(o.since), true
}

// state returns whether the dependency is down and the error of its last
// failure.
func (o *outage) state() (bool, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.down, o.err
}

// resting reports whether the dependency is down and failed less than d
// ago: it is not to be tried again yet.
func (o *outage) resting(d time.Duration) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.down && time.Since(o.last) < d
}

func (e *Engine) maxRetryInterval() time.Duration {
	if e.opts.MaxRetryInterval > 0 {
		return e.opts.MaxRetryInterval
	}
	return DefaultMaxRetryInterval
}

// Degraded names the dependencies that are down (DependencyDatabase,
// DependencyEmbedder) while the engine still serves searches; none when
// all is well. Ready says whether it can serve at all.
func (e *Engine) Degraded() []string {
	var down []string
	if dbDown, _ := e.db.state(); dbDown {
		down = append(down, DependencyDatabase)
	}
	if embDown, _ := e.emb.state(); embDown {
		down = append(down, DependencyEmbedder)
	}
	return down
}

// The database.

// msgDatabaseDown is what a request that needs the database is told while
// it is down.
var msgDatabaseDown = &offres.UserError{Kind: offres.ErrUnavailable,
	Message: "la base de données des offres est momentanément injoignable : la recherche reste disponible, réessayez dans quelques instants"}

// databaseDownError is the error of a request that needs the database while
// it cannot be reached: the API answers 503 with its French message; the
// cause is kept for the logs.
type databaseDownError struct{ cause error }

func (e *databaseDownError) Error() string   { return "database down: " + e.cause.Error() }
func (e *databaseDownError) Unwrap() []error { return []error{msgDatabaseDown, e.cause} }

// dbGate fails at once, in the PostgreSQL mode, while the database is
// known to be down: a request does not wait on it. The follower's probes
// tell when it is back.
func (e *Engine) dbGate() error {
	if e.pg == nil {
		return nil
	}
	if down, err := e.db.state(); down {
		return &databaseDownError{cause: err}
	}
	return nil
}

// dbErr passes on an error of a call to the database; one that says it is
// unreachable marks it down and takes the French message.
func (e *Engine) dbErr(err error) error {
	if e.pg == nil || !errors.Is(err, postgres.ErrUnreachable) {
		return err
	}
	var already *databaseDownError
	if errors.As(err, &already) {
		return err
	}
	e.dbDown(err)
	return &databaseDownError{cause: err}
}

// dbDown records that the database did not answer, logging the outage
// when it begins; the failed probes after that only at debug level.
func (e *Engine) dbDown(err error) {
	if e.db.fail(err) {
		e.log.Warn("PostgreSQL unreachable: keyword search from the local index, writes refused until it answers", logKeyErr, err)
		return
	}
	e.log.Debug("PostgreSQL still unreachable", logKeyErr, err)
}

// silent returns err, marked postgres.ErrUnreachable when qctx, the bound
// of a query, ended while ctx did not: the database did not answer in time.
func silent(ctx, qctx context.Context, err error) error {
	if err != nil && qctx.Err() != nil && ctx.Err() == nil {
		return fmt.Errorf("no answer within %s: %w: %w", queryTimeout, postgres.ErrUnreachable, err)
	}
	return err
}

// dbUp records that the database answered, logging the end of an outage.
func (e *Engine) dbUp() {
	if d, ok := e.db.recover(); ok {
		e.log.Info("PostgreSQL reachable again: catching up", logKeyDownFor, d.Round(time.Second))
	}
}

// probeDatabase pings the database within probeTimeout and records the
// outcome.
func (e *Engine) probeDatabase(ctx context.Context) error {
	pctx, cancel := context.WithTimeout(ctx, probeTimeout)
	err := e.pg.Ping(pctx)
	cancel()
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case err != nil:
		e.dbDown(err)
		return err
	}
	e.dbUp()
	return nil
}

// The embedder.

// errEmbedderDown is the error of a call to a remote embedder that is left
// alone after a failure.
var errEmbedderDown = fmt.Errorf("embedder down, not called until its next probe: %w", offres.ErrUnavailable)

// errSlowQuery is the cause of the deadline of a query's embedding.
var errSlowQuery = errors.New("the embedder took too long over a query")

// watchedEmbedder is a remote embedder whose outages the engine records:
// after a failure it is not called for MaxRetryInterval (errEmbedderDown),
// so that searches go on in keyword mode at once and imports without
// waiting; then the next call tries it again.
type watchedEmbedder struct {
	semantic.Embedder
	e *Engine
}

func (w watchedEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if w.e.emb.resting(w.e.maxRetryInterval()) {
		return nil, errEmbedderDown
	}
	vecs, err := w.Embedder.Embed(ctx, texts)
	switch {
	case err == nil:
		if d, ok := w.e.emb.recover(); ok {
			w.e.log.Info("embedder answers again", "model", w.Model(), logKeyDownFor, d.Round(time.Second))
			w.e.needSync.Store(true) // what was imported meanwhile
		}
	case ctx.Err() == nil || errors.Is(context.Cause(ctx), errSlowQuery):
		if w.e.emb.fail(err) {
			w.e.log.Warn("embedder failing: keyword search, offers embedded once it answers", "model", w.Model(), logKeyErr, err)
		}
	}
	return vecs, err
}

// probeEmbedder tries a remote embedder that is down once its wait is over,
// with a one-word text.
func (e *Engine) probeEmbedder(ctx context.Context) {
	emb, ok := e.sem.Embedder().(watchedEmbedder)
	if !ok {
		return
	}
	if down, _ := e.emb.state(); !down || e.emb.resting(e.maxRetryInterval()) {
		return
	}
	emb.Embed(ctx, []string{"offres"}) // records the outcome
}

// searchSemantic is the semantic layer as the search service sees it: a
// query's embedding is bounded by queryEmbedTimeout, past which the search
// goes on in keyword mode.
type searchSemantic struct{ *semantic.Layer }

func (s searchSemantic) EmbedQuery(ctx context.Context, text string) ([]float32, error) {
	qctx, cancel := context.WithTimeoutCause(ctx, queryEmbedTimeout, errSlowQuery)
	defer cancel()
	return s.Layer.EmbedQuery(qctx, text)
}

// maintainLoop retries, every PollInterval until ctx ends, what failed
// (maintain). It runs beside the follower, so that a long re-embedding
// does not hold up following the database.
func (e *Engine) maintainLoop(ctx context.Context) {
	t := time.NewTicker(e.pollInterval())
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		e.guard("maintenance", func() { e.maintain(ctx) })
	}
}

// maintain probes a remote embedder that is down, and embeds the offers
// left without vectors by a failure once the embedder (and the database,
// in its mode) answers. The embedding is bounded by refreshTimeout, against
// a database gone silent; what it did is kept, and the next round goes on.
func (e *Engine) maintain(ctx context.Context) {
	e.probeEmbedder(ctx)
	if !e.needSync.Load() || len(e.Degraded()) > 0 {
		return
	}
	rctx, cancel := context.WithTimeout(ctx, refreshTimeout)
	defer cancel()
	if err := e.Refresh(rctx); err != nil && ctx.Err() == nil {
		e.log.Warn("embedding the offers left without vectors", logKeyErr, e.dbErr(err))
	}
}
