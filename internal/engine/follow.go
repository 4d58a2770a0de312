package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"offres/internal/atomicfile"
	"offres/internal/lsa"
	"offres/internal/offres"
	"offres/internal/postgres"
	"offres/search"
)

// The PostgreSQL mode. PostgreSQL holds the offers, their passages and
// vectors, and the built-in model; each process keeps a full-text index in
// its data directory as a cache of the offers, which follows the database's
// change cursor: every process sees the offers any other imports or
// deletes, within DefaultPollInterval.

// DefaultPollInterval is how often a process reads the changes of the
// database.
const DefaultPollInterval = time.Second

// changesBatch is the number of changes read and applied at a time.
const changesBatch = 1000

func (e *Engine) cursorPath() string { return filepath.Join(e.opts.Dir, "fulltext.cursor") }

// readCursor returns the seq of the last change applied to the local index,
// and false when the index has no cursor (new, or rebuilt).
func (e *Engine) readCursor() (int64, bool) {
	b, err := os.ReadFile(e.cursorPath())
	if err != nil {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil || n < 0 {
		e.log.Warn("change cursor unreadable: the full-text index is rebuilt", logKeyErr, err)
		return 0, false
	}
	return n, true
}

// writeCursor records the seq of the last change applied, atomically. The
// changes are idempotent, so a crash between applying and recording only
// applies them again.
func (e *Engine) writeCursor(seq int64) error {
	return atomicfile.Write(e.cursorPath(), func(w io.Writer) error {
		_, err := io.WriteString(w, strconv.FormatInt(seq, 10)+"\n")
		return err
	})
}

// openFollower brings the local full-text index up to the database: rebuilt
// from every offer when it has no cursor or was just created, then the
// changes since its cursor.
func (e *Engine) openFollower(ctx context.Context) error {
	cursor, ok := e.readCursor()
	if indexed, err := e.text.Count(ctx); err != nil {
		return err
	} else if !ok || (indexed == 0 && cursor > 0) {
		return e.rebuildFromDatabase(ctx)
	}
	e.cursor = cursor
	if err := e.learnSuggestions(ctx); err != nil {
		return err
	}
	return e.follow(ctx)
}

// rebuildFromDatabase loads every offer of the database into the full-text
// index, then sets the cursor to the change head read before the load:
// changes made during it are applied again by the next follow.
func (e *Engine) rebuildFromDatabase(ctx context.Context) error {
	head, err := e.pg.ChangeHead(ctx)
	if err != nil {
		return err
	}
	e.log.Info("building the full-text index from PostgreSQL", "head", head)
	if err := e.loadText(ctx, e.search); err != nil {
		return err
	}
	e.followMu.Lock()
	e.cursor = head
	err = e.writeCursor(head)
	e.followMu.Unlock()
	if err != nil {
		return err
	}
	return e.follow(ctx)
}

// follow applies the changes of the database since the cursor to the
// full-text index and the suggestions.
func (e *Engine) follow(ctx context.Context) error {
	e.followMu.Lock()
	defer e.followMu.Unlock()
	for {
		qctx, cancel := context.WithTimeout(ctx, queryTimeout)
		changes, err := e.pg.Changes(qctx, e.cursor, changesBatch)
		err = silent(ctx, qctx, err)
		cancel()
		if err != nil || len(changes) == 0 {
			return err
		}
		var up []offres.Offer
		var gone []string
		for _, c := range changes {
			if c.Deleted {
				gone = append(gone, c.ID)
				continue
			}
			qctx, cancel := context.WithTimeout(ctx, queryTimeout)
			o, err := e.pg.Get(qctx, c.ID)
			err = silent(ctx, qctx, err)
			cancel()
			switch {
			case errors.Is(err, offres.ErrNotFound): // deleted since: a later change says so
				gone = append(gone, c.ID)
			case err != nil:
				return err
			default:
				up = append(up, o)
			}
		}
		if err := e.search.Upsert(ctx, up); err != nil {
			return err
		}
		if err := e.search.Delete(ctx, gone); err != nil {
			return err
		}
		e.cursor = changes[len(changes)-1].Seq
		if err := e.writeCursor(e.cursor); err != nil {
			return err
		}
		if len(changes) < changesBatch {
			return nil
		}
	}
}

// loadText indexes every offer of the catalogue into svc, in batches.
func (e *Engine) loadText(ctx context.Context, svc *search.Service) error {
	size := e.opts.BatchSize
	if size <= 0 {
		size = 2000
	}
	batch := make([]offres.Offer, 0, size)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := svc.Upsert(ctx, batch)
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
		return fmt.Errorf("load the full-text index: %w", err)
	}
	return flush()
}

// learnSuggestions feeds the suggester the offers already indexed.
func (e *Engine) learnSuggestions(ctx context.Context) error {
	return e.store.Scan(ctx, func(o offres.Offer) error {
		e.search.Learn([]offres.Offer{o})
		return nil
	})
}

// followLoop follows the database until ctx ends: every PollInterval
// (followOnce), and, while the database does not answer, at intervals that
// double up to MaxRetryInterval.
func (e *Engine) followLoop(ctx context.Context) {
	interval := e.pollInterval()
	wait := interval
	t := time.NewTimer(wait)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		ok := false
		e.guard("following the database", func() { ok = e.followOnce(ctx) })
		if ok {
			wait = interval
		} else {
			wait = max(interval, min(2*wait, e.maxRetryInterval()))
		}
		t.Reset(wait)
	}
}

func (e *Engine) pollInterval() time.Duration {
	if e.opts.PollInterval > 0 {
		return e.opts.PollInterval
	}
	return DefaultPollInterval
}

// followOnce probes the database, then applies its changes and loads the
// built-in model another process made current. It reports whether all
// went well. An unreachable database is logged when the outage begins and
// ends (dbDown, dbUp), not at every probe.
func (e *Engine) followOnce(ctx context.Context) bool {
	if err := e.probeDatabase(ctx); err != nil {
		return false
	}
	fctx, cancel := context.WithTimeout(ctx, followTimeout)
	defer cancel()
	err := e.follow(fctx)
	if err == nil {
		err = e.followModel(fctx)
	}
	if err == nil || ctx.Err() != nil {
		return err == nil
	}
	if err = e.dbErr(err); !errors.Is(err, postgres.ErrUnreachable) {
		e.log.Warn("following PostgreSQL", logKeyErr, err)
	}
	return false
}

// followModel loads the built-in model that is current in the database when
// it is not the one in use.
func (e *Engine) followModel(ctx context.Context) error {
	if e.pg == nil || e.opts.Embedder != nil {
		return nil
	}
	name, err := e.pg.CurrentModelName(ctx)
	if err != nil || name == "" || name == e.sem.Model() {
		return err
	}
	m, err := e.loadSharedModel(ctx)
	if err != nil || m == nil {
		return err
	}
	e.sem.Swap(m, nil)
	e.log.Info("built-in model loaded from PostgreSQL", "model", m.Model())
	return nil
}

// loadSharedModel reads the current built-in model from the database, nil
// when there is none.
func (e *Engine) loadSharedModel(ctx context.Context) (*lsa.Model, error) {
	_, data, err := e.pg.CurrentModel(ctx)
	if errors.Is(err, offres.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return lsa.Read(bytes.NewReader(data))
}

// pgSearcher searches the passages with pgvector.
type pgSearcher struct{ e *Engine }

func (s pgSearcher) SearchPassages(ctx context.Context, model string, q []float32, k int, minScore float32, allowed map[string]bool) ([]search.PassageHit, error) {
	if err := s.e.dbGate(); err != nil {
		return nil, err
	}
	hits, err := s.e.pg.SearchPassagesFiltered(ctx, model, q, k, minScore, allowed)
	return hits, s.e.dbErr(err)
}
