package indexer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"offres"
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

// DefaultBatchSize is the number of offers written per batch.
const DefaultBatchSize = 2000

// Importer writes parsed offers to the catalogue, then the index, in batches.
// An offer whose content hash is already stored is left alone, so
// re-importing is idempotent.
type Importer struct {
	Catalog   Catalog
	Index     Index
	BatchSize int
	// Progress, when set, is called with the number of source bytes read.
	Progress func(n int)
	// Reject, when set, is called for each rejected record.
	Reject func(Record)
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
		s, err := im.importFile(ctx, f)
		total.Add(s)
		if err != nil {
			if ctx.Err() != nil || !errors.Is(err, offres.ErrInvalid) {
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
	b := batcher{im: im, size: im.BatchSize}
	if b.size <= 0 {
		b.size = DefaultBatchSize
	}
	err := Parse(name, r, func(rec Record) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if rec.Err != nil {
			b.sum.Rejected++
			im.reject(rec)
			return nil
		}
		return b.add(ctx, rec.Offer)
	})
	if err != nil {
		return b.sum, fmt.Errorf("%s: %w", name, err)
	}
	return b.sum, b.flush(ctx)
}

func (im *Importer) reject(r Record) {
	if im.Reject != nil {
		im.Reject(r)
	}
}

// batcher groups offers, dropping within a batch all but the last version of
// each id, and writes only what changed.
type batcher struct {
	im    *Importer
	size  int
	order []string
	byID  map[string]offres.Offer
	sum   Summary
}

func (b *batcher) add(ctx context.Context, o offres.Offer) error {
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
	b.order, b.byID = b.order[:0], nil
	if len(changed) == 0 {
		return nil
	}
	if err := b.im.Catalog.Put(ctx, changed); err != nil {
		return fmt.Errorf("write catalogue: %w", err)
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
