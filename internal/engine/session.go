package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"offres/indexer"
	"offres/internal/atomicfile"
	"offres/internal/lsa"
	"offres/internal/offres"
	"offres/internal/vectors"
)

// The built-in model trained while an import runs (embedded mode, no model
// yet: a first import). Training after the import left a core idle while the
// import ran, then embedded every offer after the training: the longest part
// of an import, end to end. Instead, the passages of the first batches are
// the training sample: once they reach Options.TrainSample, the model trains in the
// background while the import goes on; once it is saved, the offers written
// meanwhile, then every later batch, are embedded in the background, in
// order, in batches of embedBatch, each stored in one transaction. The
// importer does not wait for them (but for a bounded queue). Refresh ends
// the session: it waits for the embedding to catch up, then records how many
// passages the model stands for (its drift is measured against that).
//
// An import too small to fill the sample trains as before, after the import,
// on every passage. A crash or a stop at any point leaves the catalogue and
// the full-text index as acknowledged; the model, once saved, embeds at the
// next start what it had not (Refresh: offers without vectors), and a model
// not saved is trained again from the catalogue.

// DefaultImportGCPercent is Options.ImportGCPercent's default. An import
// session holds, at once, the full-text analysis of a batch, the embedding
// batches and the model; at the default GOGC of 100 the heap grew to twice
// that, most of the peak memory of a first import: 453–489 MB at 10,000
// offers, 368–381 MB at 50, for 6–13 % more CPU (offres-bench, 2026-12-07,
// issue 18).
const DefaultImportGCPercent = 50

// maxSessionQueue bounds the offers written and waiting to be embedded:
// beyond, the importer waits for the embedding (or the training) to catch up.
const maxSessionQueue = 16_384

// importSession is the training and embedding of the built-in model while
// an import runs. Its fields are guarded by Engine.sessMu.
type importSession struct {
	ctx    context.Context
	cancel context.CancelFunc
	cond   *sync.Cond // on Engine.sessMu: the queue, closed, failed

	texts    []string       // the passages written, until the training starts
	started  bool           // training (then embedding) in the background
	training bool           // started, the model not trained yet: the importer waits
	queue    []offres.Offer // written, not yet embedded, in the order written
	flying   map[string]int // offers of the batches being embedded
	closed   bool           // no more offers: Refresh waits for the end
	failed   bool           // the background work ended on an error
	done     chan struct{}  // closed when the background work ends

	restoreGC func() // gives the process its garbage collector's setting back

	// Set by the background work, read after done.
	err     error
	model   *lsa.Model
	sample  int           // passages trained on
	corpus  int           // passages the sample was drawn from
	trained time.Duration // training time
	start   time.Time
}

// queueForSession hands the offers of a batch written to the catalogue (the
// full-text index next) to the import session, starting one when the
// built-in model has none yet; false when they are to be embedded inline (a
// remote embedder, the PostgreSQL mode, a model already in use, a session
// that failed or ended).
func (e *Engine) queueForSession(ctx context.Context, offers []offres.Offer) (bool, error) {
	if e.pg != nil || e.opts.Embedder != nil || e.bgCtx == nil {
		return false, nil
	}
	e.sessMu.Lock()
	defer e.sessMu.Unlock()
	if e.session == nil && e.ending != nil {
		// A session is ending (another import's Refresh): its model, once
		// current, embeds these inline; a session of their own would train
		// another.
		done := e.ending.done
		e.sessMu.Unlock()
		select {
		case <-done:
		case <-ctx.Done():
		}
		e.sessMu.Lock()
		if err := ctx.Err(); err != nil {
			return false, err
		}
	}
	s := e.session
	if s == nil {
		if e.sem.Embedder() != nil {
			return false, nil
		}
		sctx, cancel := context.WithCancel(e.bgCtx)
		s = &importSession{ctx: sctx, cancel: cancel, cond: sync.NewCond(&e.sessMu), done: make(chan struct{}), start: time.Now(),
			restoreGC: lowerGC(e.opts.ImportGCPercent)}
		context.AfterFunc(sctx, func() {
			e.sessMu.Lock()
			s.cond.Broadcast()
			e.sessMu.Unlock()
		})
		e.session = s
	}
	if err := s.waitRoom(ctx); err != nil {
		return false, err
	}
	if s.closed && s.started { // ended while this waited: its model embeds these inline
		e.sessMu.Unlock()
		<-s.done
		e.sessMu.Lock()
		return false, nil
	}
	if s.failed || s.closed || s.ctx.Err() != nil {
		return false, nil
	}
	s.queue = append(s.queue, offers...)
	if !s.started {
		for i := range offers {
			for _, p := range indexer.Chunk(&offers[i], indexer.ChunkOptions{}) {
				s.texts = append(s.texts, vectors.PassageText(p))
			}
		}
		if len(s.texts) >= e.trainSample() {
			s.started, s.training = true, true
			texts := s.texts
			s.texts = nil
			e.background.Go(func() { e.runSession(s, texts) })
		}
	}
	s.cond.Broadcast()
	// While the model trains, the import waits: the training's matrices
	// and the full-text analysis of the next batches, together, were the
	// peak memory of an import (issue 18), and on two cores the training,
	// which uses every core, gains little from running beside the import.
	if err := s.waitRoom(ctx); err != nil {
		return false, err
	}
	return true, nil
}

// waitRoom waits, with the session's lock held, until the queue has room
// and the model is not training, or the session failed, closed or was
// cancelled.
func (s *importSession) waitRoom(ctx context.Context) error {
	for (len(s.queue) >= maxSessionQueue || s.training) && !s.failed && !s.closed && s.ctx.Err() == nil {
		if err := ctx.Err(); err != nil {
			return err
		}
		s.cond.Wait()
	}
	return nil
}

// runSession trains the model on texts (the passages of the first batches),
// saves it and makes it current, then embeds the queued offers until the
// session is closed and its queue empty.
func (e *Engine) runSession(s *importSession, texts []string) {
	defer close(s.done)
	err := e.sessionWork(s, texts)
	e.sessMu.Lock()
	s.err = err
	if err != nil {
		s.failed = true
		s.cond.Broadcast()
	}
	e.sessMu.Unlock()
}

func (e *Engine) sessionWork(s *importSession, texts []string) error {
	start := time.Now()
	opts := e.opts.LSA
	opts.Corpus = len(texts)
	sample := sampleTexts(texts, e.trainSample())
	s.sample, s.corpus = len(sample), len(texts)
	texts = nil
	m, err := lsa.Train(s.ctx, sample, opts)
	s.cond.L.Lock()
	s.training = false
	s.cond.Broadcast()
	s.cond.L.Unlock()
	if err != nil {
		return fmt.Errorf("train the built-in model: %w", err)
	}
	sample = nil
	s.trained = time.Since(start)
	if err := e.publish(s.ctx, m); err != nil {
		return err
	}
	s.model = m
	e.sem.Swap(m, nil)
	size := e.sessionBatch
	if size <= 0 {
		size = embedBatch
	}
	// The first batch creates the in-memory index; then embedWorkers
	// batches at a time: one is written (a catalogue transaction, fsynced)
	// while the next is embedded. Two batches in flight never share an
	// offer, so that the later version of one is always written last.
	batch, ok := s.next(size)
	if !ok {
		return s.ctx.Err()
	}
	err = e.embedQueued(s.ctx, batch)
	s.landed(batch)
	if err != nil {
		return err
	}
	errs := make([]error, embedWorkers)
	var wg sync.WaitGroup
	for w := range embedWorkers {
		wg.Go(func() {
			for {
				batch, ok := s.next(size)
				if !ok {
					return
				}
				err := e.embedQueued(s.ctx, batch)
				s.landed(batch)
				if err != nil {
					errs[w] = err
					s.cancel()
					return
				}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return s.ctx.Err()
}

// next takes up to n offers from the queue, waiting for them, and for the
// batches in flight that share an offer with them to land; false when the
// session is closed and its queue empty, or cancelled.
func (s *importSession) next(n int) ([]offres.Offer, bool) {
	s.cond.L.Lock()
	defer s.cond.L.Unlock()
	for s.ctx.Err() == nil && (len(s.queue) == 0 && !s.closed || s.overlaps(min(n, len(s.queue)))) {
		s.cond.Wait()
	}
	if s.ctx.Err() != nil || len(s.queue) == 0 {
		return nil, false
	}
	n = min(n, len(s.queue))
	batch := s.queue[:n:n]
	s.queue = s.queue[n:]
	if len(s.queue) == 0 {
		s.queue = nil // let the backing array go
	}
	if s.flying == nil {
		s.flying = map[string]int{}
	}
	for i := range batch {
		s.flying[batch[i].ID]++
	}
	s.cond.Broadcast() // room in the queue
	return batch, true
}

// overlaps reports whether one of the first n offers of the queue is in a
// batch in flight.
func (s *importSession) overlaps(n int) bool {
	if len(s.flying) == 0 {
		return false
	}
	for i := range n {
		if s.flying[s.queue[i].ID] > 0 {
			return true
		}
	}
	return false
}

// landed marks a batch taken by next as written (or failed).
func (s *importSession) landed(batch []offres.Offer) {
	s.cond.L.Lock()
	defer s.cond.L.Unlock()
	for i := range batch {
		id := batch[i].ID
		if s.flying[id]--; s.flying[id] <= 0 {
			delete(s.flying, id)
		}
	}
	s.cond.Broadcast()
}

// embedQueued embeds offers of the session with the current model, in one
// transaction, leaving out those deleted since they were written (a later
// version of one is later in the queue). Deletions wait for it (embedMu),
// so that no passage outlives its offer.
func (e *Engine) embedQueued(ctx context.Context, batch []offres.Offer) error {
	e.embedMu.RLock()
	defer e.embedMu.RUnlock()
	ids := make([]string, len(batch))
	for i := range batch {
		ids[i] = batch[i].ID
	}
	stored, err := e.store.Hashes(ctx, ids)
	if err != nil {
		return err
	}
	kept := batch[:0]
	for _, o := range batch {
		if _, ok := stored[o.ID]; ok {
			kept = append(kept, o)
		}
	}
	return e.sem.Upsert(ctx, kept)
}

// endSession closes the import session, if any, and waits for its
// embedding to catch up. It returns whether the session trained the model
// in use and embedded every offer written; false, with the model left to
// Refresh (training anew, or embedding what is missing), otherwise.
func (e *Engine) endSession(ctx context.Context) (bool, error) {
	e.sessMu.Lock()
	s := e.session
	e.session = nil
	queued := 0
	if s != nil {
		s.closed = true
		queued = len(s.queue)
		if s.started {
			e.ending = s
		}
		s.cond.Broadcast()
	}
	e.sessMu.Unlock()
	if s == nil {
		return false, nil
	}
	defer s.restoreGC()
	start := time.Now()
	if !s.started { // too few passages: Refresh trains on all of them
		s.cancel()
		return false, nil
	}
	defer func() {
		e.sessMu.Lock()
		e.ending = nil
		e.sessMu.Unlock()
	}()
	select {
	case <-s.done:
	case <-ctx.Done():
		s.cancel()
		<-s.done
		e.needSync.Store(true)
		return false, ctx.Err()
	}
	s.cancel()
	// The import's heap (bleve's analysis of its batches, the embedding
	// batches, the parser's offers) is garbage now, but the collector keeps
	// its pages for the next allocations, and gives them back to the system
	// only slowly: a server that had just imported stayed 100 MB above its
	// serving size for minutes (issue 18). One collection gives them back.
	debug.FreeOSMemory()
	if s.err != nil {
		e.needSync.Store(true)
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		e.log.Warn("training or embedding during the import failed: Refresh goes on", logKeyErr, s.err)
		return false, nil
	}
	m := s.model
	passages, err := e.store.PassageCount(ctx, m.Model())
	if err != nil {
		e.needSync.Store(true)
		return false, err
	}
	if err := e.writeCorpus(corpusRecord{Model: m.Model(), Corpus: passages}); err != nil {
		e.log.Warn("the passages the built-in model stands for are not recorded: it may be trained again at the next start", logKeyErr, err)
	}
	if err := e.dropOtherModels(ctx, m.Model()); err != nil {
		return false, err
	}
	e.log.Info("built-in model trained during the import", "model", m.Model(), "dims", m.Dimensions(), "features", m.Features(),
		"texts", s.sample, "sampled_from", s.corpus, "passages", passages, "train", s.trained.Round(time.Millisecond),
		"total", time.Since(s.start).Round(time.Millisecond), "queued_at_end", queued, "waited", time.Since(start).Round(time.Millisecond))
	return true, nil
}

// lowerGC sets the garbage collector's target percentage to percent
// (DefaultImportGCPercent when zero) when it is lower than the process's,
// and returns what sets it back, once; percent < 0 changes nothing.
func lowerGC(percent int) func() {
	if percent == 0 {
		percent = DefaultImportGCPercent
	}
	if percent < 0 {
		return func() {}
	}
	prev := debug.SetGCPercent(percent)
	if prev >= 0 && prev <= percent { // already lower, or off (< 0): as it was
		debug.SetGCPercent(prev)
		return func() {}
	}
	return sync.OnceFunc(func() { debug.SetGCPercent(prev) })
}

// sampleTexts returns at most n of texts: every k-th, k fractional, so that
// the sample spans them in order.
func sampleTexts(texts []string, n int) []string {
	if len(texts) <= n {
		return texts
	}
	sample := make([]string, n)
	for i := range sample {
		sample[i] = texts[i*len(texts)/n]
	}
	return sample
}

// corpusRecord is the number of passages a model trained during an import
// stands for: those of the whole import, which its sample (the first
// batches') did not know of when it was trained. The model's own
// Model.Corpus is part of its serialised form, hence of its id.
type corpusRecord struct {
	Model  string `json:"model"`
	Corpus int    `json:"corpus"`
}

func (e *Engine) corpusPath() string { return filepath.Join(e.opts.Dir, "models", "lsa-corpus.json") }

func (e *Engine) writeCorpus(r corpusRecord) error {
	return atomicfile.Write(e.corpusPath(), func(w io.Writer) error {
		return json.NewEncoder(w).Encode(r)
	})
}

// trainedCorpus returns the number of passages m stands for: the record of
// the import that trained it, or Model.Corpus.
func (e *Engine) trainedCorpus(m *lsa.Model) int {
	if e.pg == nil {
		b, err := os.ReadFile(e.corpusPath())
		var r corpusRecord
		if err == nil && json.Unmarshal(b, &r) == nil && r.Model == m.Model() && r.Corpus > 0 {
			return r.Corpus
		}
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			e.log.Warn("the passages the built-in model stands for will not read", logKeyErr, err)
		}
	}
	return m.Corpus()
}

// dropOtherModels drops the stored vectors of the built-in models other
// than keep.
func (e *Engine) dropOtherModels(ctx context.Context, keep string) error {
	models, err := e.store.VectorModels(ctx)
	if err != nil {
		return err
	}
	for old := range models {
		if old != keep && strings.HasPrefix(old, lsa.ModelPrefix) {
			if err := e.store.DropModel(ctx, old); err != nil {
				return err
			}
			if e.pg != nil {
				if err := e.pg.DeleteModel(ctx, old); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
