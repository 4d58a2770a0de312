package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"time"

	"offres/indexer"
	"offres/internal/lsa"
	"offres/internal/offres"
	"offres/internal/semantic"
	"offres/internal/vectors"
)

// Defaults of the built-in model's life cycle.
const (
	// DefaultRetrainDrift is the relative change in the number of stored
	// passages, since the built-in model was trained, that retrains it.
	DefaultRetrainDrift = 0.25
	// DefaultTrainSample bounds the passages the built-in model is
	// trained on: a deterministic sample beyond. Training time and memory
	// grow with the corpus; the vocabulary and its latent structure do
	// not, much.
	DefaultTrainSample = 8_000
	// embedBatch is the number of offers embedded at a time, on
	// retraining and in an import session: each batch is one catalogue
	// transaction (fsynced). Two are in flight; at 512 offers they held
	// 40 MB of passages, vectors and dirty pages, beside the import
	// (issue 18).
	embedBatch = 256
)

func (e *Engine) trainSample() int {
	if e.opts.TrainSample > 0 {
		return e.opts.TrainSample
	}
	return DefaultTrainSample
}

func (e *Engine) modelPath() string { return filepath.Join(e.opts.Dir, "models", "lsa.bin") }

// openSemantic sets up the semantic layer: the remote embedder when one is
// configured, the built-in model saved in the data directory otherwise
// (none until the first offers are imported), and loads the stored vectors.
// Refresh then brings them up to date.
func (e *Engine) openSemantic(ctx context.Context) error {
	var emb semantic.Embedder
	if e.opts.Embedder != nil {
		emb = watchedEmbedder{e.opts.Embedder, e}
	} else if e.pg != nil {
		m, err := e.loadSharedModel(ctx)
		switch {
		case err != nil:
			e.log.Warn("built-in model will not load from PostgreSQL: retrained", logKeyErr, err)
		case m != nil:
			emb = m
		}
	} else {
		m, err := lsa.Load(e.modelPath())
		switch {
		case err == nil:
			emb = m
		case errors.Is(err, os.ErrNotExist):
		default:
			e.log.Warn("built-in model will not load: retrained", logKeyErr, err)
		}
	}
	e.sem.Swap(emb, nil)
	if emb != nil {
		start := time.Now()
		offers, err := e.sem.Load(ctx, e.store)
		if err != nil {
			return err
		}
		e.log.Info("vectors loaded", "model", emb.Model(), logKeyCount, len(offers), "took", time.Since(start).Round(time.Millisecond))
	}
	return nil
}

// Refresh brings the vectors up to the catalogue: it (re)trains the
// built-in model when there is none yet or the corpus has changed enough
// since, then embeds the offers that have no passages of the current model
// (imported while the embedder was down, or by a process stopped before it
// embedded them). Embedding failures are logged: search goes on in keyword
// mode and the next Refresh tries again.
func (e *Engine) Refresh(ctx context.Context) error {
	e.refreshMu.Lock()
	defer e.refreshMu.Unlock()
	if _, err := e.endSession(ctx); err != nil {
		return err
	}
	if e.opts.Embedder == nil {
		retrain, err := e.needsTraining(ctx)
		if err != nil {
			return err
		}
		if retrain {
			return e.train(ctx)
		}
	}
	// Looking for offers without vectors scans the catalogue: only at start
	// and after an embedding failed, not after every import.
	if !e.needSync.Swap(false) {
		return e.ensureVectorIndex(ctx, e.sem.Model())
	}
	ids, err := e.offerIDs(ctx)
	if err != nil {
		e.needSync.Store(true)
		return err
	}
	n, err := e.sem.Sync(ctx, ids, e.store.Get)
	if err != nil {
		e.needSync.Store(true)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		e.log.Warn("embedding failed: those offers are found by keyword only until the next refresh", logKeyCount, n, logKeyErr, err)
		return nil
	}
	if n > 0 {
		e.log.Info("offers embedded", "model", e.sem.Model(), logKeyCount, n)
	}
	return e.ensureVectorIndex(ctx, e.sem.Model())
}

// ensureVectorIndex builds the HNSW index of a model's vectors in the
// PostgreSQL mode, once they have a known dimension.
func (e *Engine) ensureVectorIndex(ctx context.Context, model string) error {
	if e.pg == nil || model == "" {
		return nil
	}
	models, err := e.store.VectorModels(ctx)
	if err != nil {
		return err
	}
	dims, ok := models[model]
	if !ok {
		return nil
	}
	return e.pg.EnsureVectorIndex(ctx, model, dims, e.opts.HNSW)
}

// needsTraining reports whether the built-in model is missing or its
// training corpus differs from the stored passages by more than the drift.
func (e *Engine) needsTraining(ctx context.Context) (bool, error) {
	offers, err := e.store.Count(ctx)
	if err != nil || offers == 0 {
		return false, err
	}
	m, ok := e.sem.Embedder().(*lsa.Model)
	if !ok {
		return true, nil
	}
	passages, err := e.store.PassageCount(ctx, m.Model())
	if err != nil {
		return false, err
	}
	drift := e.opts.RetrainDrift
	if drift <= 0 {
		drift = DefaultRetrainDrift
	}
	trained := max(e.trainedCorpus(m), 1)
	change := float64(passages-trained) / float64(trained)
	return change > drift || change < -drift, nil
}

// Retrain trains the built-in model anew from the catalogue and re-embeds
// every offer with it (the explicit form of what Refresh does when the
// corpus has drifted). With a remote embedder it only embeds what is
// missing.
func (e *Engine) Retrain(ctx context.Context) error {
	if e.opts.Embedder != nil {
		return e.Refresh(ctx)
	}
	e.refreshMu.Lock()
	defer e.refreshMu.Unlock()
	if _, err := e.endSession(ctx); err != nil {
		return err
	}
	return e.train(ctx)
}

// train trains the built-in model on the passages of the catalogue (a
// deterministic sample of at most Options.TrainSample passages), embeds every
// offer with it, saves it, then makes it current and drops the vectors of
// the models it replaces. A crash anywhere leaves the previous model and
// its vectors in use.
func (e *Engine) train(ctx context.Context) error {
	start := time.Now()
	ids, err := e.offerIDs(ctx)
	if err != nil || len(ids) == 0 {
		return err
	}
	var texts []string
	for _, id := range ids {
		o, err := e.store.Get(ctx, id)
		if errors.Is(err, offres.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		for _, p := range indexer.Chunk(&o, indexer.ChunkOptions{}) {
			texts = append(texts, vectors.PassageText(p))
		}
	}
	opts := e.opts.LSA
	opts.Corpus = len(texts)
	texts = sampleTexts(texts, e.trainSample())
	m, err := lsa.Train(ctx, texts, opts)
	if err != nil {
		return fmt.Errorf("train the built-in model: %w", err)
	}
	trained, sampled := time.Since(start), len(texts)
	texts = nil
	// Training leaves hundreds of megabytes of matrices behind: give them
	// back before embedding every passage, rather than let the heap grow
	// on them (measured: the peak RSS of a 10,000-offer import).
	debug.FreeOSMemory()
	mem, err := e.embedAll(ctx, m, ids)
	if err != nil {
		return err
	}
	if err := e.publish(ctx, m); err != nil {
		return err
	}
	e.sem.Swap(m, mem)
	if err := e.dropOtherModels(ctx, m.Model()); err != nil {
		return err
	}
	e.log.Info("built-in model trained", "model", m.Model(), "dims", m.Dimensions(), "features", m.Features(),
		"texts", sampled, "passages", opts.Corpus, logKeyCount, len(ids), "train", trained.Round(time.Millisecond), "total", time.Since(start).Round(time.Millisecond))
	return nil
}

// embedWorkers is the number of batches embedded at once: while one batch
// is written (a catalogue transaction, fsynced), the next is embedded.
const embedWorkers = 2

// embedAll embeds the offers of ids with m, in batches of embedBatch, each
// stored in one transaction, and returns the in-memory index of their
// passages (nil in the PostgreSQL mode). The first batch creates the
// index; the others run embedWorkers at a time.
func (e *Engine) embedAll(ctx context.Context, m *lsa.Model, ids []string) (*vectors.Index, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	batches := make(chan []offres.Offer, embedWorkers)
	var (
		mem   *vectors.Index
		first = true
		wg    sync.WaitGroup
		ready = make(chan struct{}) // mem exists
	)
	for range embedWorkers {
		wg.Go(func() {
			for batch := range batches {
				if ctx.Err() != nil {
					continue
				}
				<-ready
				if _, err := e.sem.Embed(ctx, m, mem, batch); err != nil {
					cancel(err)
				}
			}
		})
	}
	send := func(batch []offres.Offer) {
		if first { // creates mem, before any other batch
			first = false
			var err error
			if mem, err = e.sem.Embed(ctx, m, nil, batch); err != nil {
				cancel(err)
			}
			close(ready)
			return
		}
		select {
		case batches <- batch:
		case <-ctx.Done():
		}
	}
	batch := make([]offres.Offer, 0, embedBatch)
	for _, id := range ids {
		if ctx.Err() != nil {
			break
		}
		o, err := e.store.Get(ctx, id)
		if errors.Is(err, offres.ErrNotFound) {
			continue
		}
		if err != nil {
			cancel(err)
			break
		}
		batch = append(batch, o)
		if len(batch) == embedBatch {
			send(batch)
			batch = make([]offres.Offer, 0, embedBatch)
		}
	}
	if len(batch) > 0 && ctx.Err() == nil {
		send(batch)
	}
	if first {
		close(ready)
	}
	close(batches)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return nil, err
	}
	return mem, nil
}

// publish makes a newly trained model the one in use: saved in the data
// directory, or, in the PostgreSQL mode, stored in the database with its
// HNSW index built, then made current for every process.
func (e *Engine) publish(ctx context.Context, m *lsa.Model) error {
	if e.pg == nil {
		if err := os.MkdirAll(filepath.Dir(e.modelPath()), 0o755); err != nil {
			return err
		}
		return m.Save(e.modelPath())
	}
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		return err
	}
	if err := e.pg.PutModel(ctx, m.Model(), buf.Bytes()); err != nil {
		return err
	}
	if err := e.ensureVectorIndex(ctx, m.Model()); err != nil {
		return err
	}
	return e.pg.SetCurrentModel(ctx, m.Model())
}

// offerIDs lists the ids of the catalogue's offers.
func (e *Engine) offerIDs(ctx context.Context) ([]string, error) {
	var ids []string
	err := e.store.Scan(ctx, func(o offres.Offer) error {
		ids = append(ids, o.ID)
		return nil
	})
	return ids, err
}

// WaitVectorIndex waits until the in-memory vector index has no training
// in progress, or ctx is done; it reports the number of passages it holds
// and whether its searches are approximate (IVF). Searches do not need to
// wait: until a training completes they scan every passage.
func (e *Engine) WaitVectorIndex(ctx context.Context) (passages int, approximate bool, err error) {
	mem := e.sem.Index()
	if mem == nil {
		return 0, false, nil
	}
	if err := mem.WaitTraining(ctx); err != nil {
		return 0, false, err
	}
	return mem.Len(), mem.Approximate(), nil
}
