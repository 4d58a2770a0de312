package indexer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"

	"offres/internal/offres"
)

// Catalog is the source of truth the importer writes offers to.
type Catalog interface {
	Hashes(ctx context.Context, ids []string) (map[string]string, error)
	Put(ctx context.Context, offers []offres.Offer) error
}

// Index is a derived index kept in step with the catalogue.
type Index interface {
	Upsert(ctx context.Context, offers []offres.Offer) error
}

// Classifier gives an offer its occupations in the ROME referential, from
// the code its source gives and its title (*rome.Taxonomy).
type Classifier interface {
	OfferOccupations(o *offres.Offer) []offres.Occupation
}

// DefaultBatchSize is the number of offers written per batch.
const DefaultBatchSize = 2000

// Importer writes parsed offers to the catalogue, then the index, in batches.
// An offer whose content hash is already stored is left alone, so
// re-importing is idempotent.
type Importer struct {
	Catalog   Catalog
	Index     Index
	BatchSize int
	// Classifier, when set, gives each offer its occupations before it is
	// compared with the stored one: a newer referential changes them, and
	// re-importing then updates the offer.
	Classifier Classifier
	// IgnoreSourceCodes drops the ROME codes the source gives (RomeCode,
	// RomeAppellation) before classifying: evaluations measure with it
	// what the titles alone give, as for a source without codes.
	IgnoreSourceCodes bool
	// Progress, when set, is called with the number of source bytes read.
	Progress func(n int)
	// Reject, when set, is called for each rejected record.
	Reject func(Record)
	// Committed, when set, is called once the catalogue holds a batch
	// durably (its transaction committed), before the batch is written to
	// the index: those offers survive a crash from then on, the index
	// catching up at the next start. It is the import's acknowledgement.
	Committed func(Commit)
	// Stop, when set and closed, ends the import at a batch boundary: no
	// record is read any more, the offers already read are written as a
	// last batch, and the import returns an error wrapping ErrStopped. The
	// writes themselves run to the end under the ctx given to Import, so
	// that a caller stopping on a signal passes a ctx that the signal does
	// not cancel.
	Stop <-chan struct{}
}

// ErrStopped is wrapped by the error of an import ended by Importer.Stop.
var ErrStopped = errors.New("import stopped")

// Commit is a batch the catalogue holds durably.
type Commit struct {
	// Source names the source the batch was read from.
	Source string
	// IDs are the offers of the batch: written, or found unchanged.
	IDs []string
	// Written counts those written (new or changed).
	Written int
}

// Summary counts what an import did.
type Summary struct {
	Indexed   int `json:"indexed"`   // new offers
	Updated   int `json:"updated"`   // offers whose content changed
	Unchanged int `json:"unchanged"` // offers already stored as they are
	Rejected  int `json:"rejected"`  // records that could not be imported
}

// Add accumulates another summary.
func (s *Summary) Add(o Summary) {
	s.Indexed += o.Indexed
	s.Updated += o.Updated
	s.Unchanged += o.Unchanged
	s.Rejected += o.Rejected
}

func (s Summary) String() string {
	return fmt.Sprintf("%d indexed, %d updated, %d unchanged, %d rejected", s.Indexed, s.Updated, s.Unchanged, s.Rejected)
}

// Files expands paths (files or folders, walked recursively, hidden entries
// skipped) into the sorted list of files to import.
func Files(paths []string) ([]string, error) {
	var files []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		if !info.IsDir() {
			files = append(files, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if path != p && len(d.Name()) > 0 && d.Name()[0] == '.' {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if !d.IsDir() {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
	}
	sort.Strings(files)
	return files, nil
}

// ImportFiles imports each file. A file that cannot be read or whose format
// is unknown counts as one rejected record and the import goes on.
func (im *Importer) ImportFiles(ctx context.Context, files []string) (Summary, error) {
	var total Summary
	for _, f := range files {
		if im.stopped() {
			return total, fmt.Errorf("before %s: %w", f, ErrStopped)
		}
		s, err := im.importFile(ctx, f)
		total.Add(s)
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, ErrStopped) || !errors.Is(err, offres.ErrInvalid) {
				return total, err
			}
			total.Rejected++
			im.reject(Record{Pos: f, Err: err})
		}
	}
	return total, nil
}

func (im *Importer) importFile(ctx context.Context, path string) (Summary, error) {
	f, err := os.Open(path)
	if err != nil {
		return Summary{}, err
	}
	defer f.Close()
	return im.Import(ctx, path, f)
}

// Import parses one source and writes its offers.
func (im *Importer) Import(ctx context.Context, name string, r io.Reader) (Summary, error) {
	if im.Progress != nil {
		r = &countingReader{r: r, add: im.Progress}
	}
	b := batcher{im: im, size: im.BatchSize, source: name}
	if b.size <= 0 {
		b.size = DefaultBatchSize
	}
	err := Parse(name, r, func(rec Record) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if im.stopped() {
			return ErrStopped
		}
		if rec.Err != nil {
			b.sum.Rejected++
			im.reject(rec)
			return nil
		}
		return b.add(ctx, rec.Offer)
	})
	if errors.Is(err, ErrStopped) {
		// The offers read so far are written: the import ends on a batch
		// boundary.
		if err := b.flush(ctx); err != nil {
			return b.sum, fmt.Errorf("%s: %w", name, err)
		}
		return b.sum, fmt.Errorf("%s: %w", name, err)
	}
	if err != nil {
		return b.sum, fmt.Errorf("%s: %w", name, err)
	}
	return b.sum, b.flush(ctx)
}

// stopped reports whether Stop is closed.
func (im *Importer) stopped() bool {
	select {
	case <-im.Stop:
		return true
	default:
		return false
	}
}

func (im *Importer) reject(r Record) {
	if im.Reject != nil {
		im.Reject(r)
	}
}

// batcher groups offers, dropping within a batch all but the last version of
// each id, and writes only what changed.
type batcher struct {
	im     *Importer
	size   int
	source string
	order  []string
	byID   map[string]offres.Offer
	sum    Summary
}

func (b *batcher) add(ctx context.Context, o offres.Offer) error {
	if b.im.IgnoreSourceCodes {
		o.RomeCode, o.RomeAppellation = "", ""
	}
	if b.im.Classifier != nil {
		o.Occupations = b.im.Classifier.OfferOccupations(&o)
	}
	if b.byID == nil {
		b.byID = make(map[string]offres.Offer, b.size)
	}
	if _, dup := b.byID[o.ID]; dup {
		// The earlier version in this batch is superseded: it counts as unchanged
		// or updated when the batch is written, not twice.
		b.byID[o.ID] = o
		b.sum.Unchanged++
		return nil
	}
	b.byID[o.ID] = o
	b.order = append(b.order, o.ID)
	if len(b.order) >= b.size {
		return b.flush(ctx)
	}
	return nil
}

func (b *batcher) flush(ctx context.Context) error {
	if len(b.order) == 0 {
		return nil
	}
	stored, err := b.im.Catalog.Hashes(ctx, b.order)
	if err != nil {
		return fmt.Errorf("read catalogue: %w", err)
	}
	changed := make([]offres.Offer, 0, len(b.order))
	for _, id := range b.order {
		o := b.byID[id]
		old, ok := stored[id]
		switch {
		case !ok:
			b.sum.Indexed++
		case old == o.ContentHash():
			b.sum.Unchanged++
			continue
		default:
			b.sum.Updated++
		}
		changed = append(changed, o)
	}
	ids := slices.Clone(b.order)
	b.order, b.byID = b.order[:0], nil
	if len(changed) > 0 {
		if err := b.im.Catalog.Put(ctx, changed); err != nil {
			return fmt.Errorf("write catalogue: %w", err)
		}
	}
	if b.im.Committed != nil {
		b.im.Committed(Commit{Source: b.source, IDs: ids, Written: len(changed)})
	}
	if len(changed) == 0 {
		return nil
	}
	if err := b.im.Index.Upsert(ctx, changed); err != nil {
		return fmt.Errorf("write index: %w", err)
	}
	return nil
}

type countingReader struct {
	r   io.Reader
	add func(int)
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 {
		c.add(n)
	}
	return n, err
}
