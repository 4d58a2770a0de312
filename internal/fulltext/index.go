package fulltext

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	bdoc "github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search/highlight"
	htmlformat "github.com/blevesearch/bleve/v2/search/highlight/format/html"
	"github.com/blevesearch/bleve/v2/search/highlight/fragmenter/simple"
	simplehl "github.com/blevesearch/bleve/v2/search/highlight/highlighter/simple"
	bindex "github.com/blevesearch/bleve_index_api"

	"offres/internal/lexicon"
	"offres/internal/offres"
)

// ErrCorrupt is wrapped by the errors of Open when the directory holds no
// usable index: not an index, damaged, or written by an incompatible
// version. The caller may delete the directory and rebuild the index.
var ErrCorrupt = errors.New("full-text index corrupt")

// Options configures an Index. The zero value is ready to use.
type Options struct {
	// Synonyms is the synonym lexicon. Nil means lexicon.Synonyms() and
	// lexicon.Phrases(); an empty non-nil slice disables synonyms.
	Synonyms []lexicon.Group
	// Now gives the current time, used for a Query without Today.
	// Default: time.Now.
	Now func() time.Time
	// Logger receives the rare events worth a line (synonyms refreshed).
	// Default: discard.
	Logger *slog.Logger
	// OpenTimeout bounds the wait for the lock of an index directory held by
	// another process; Open then fails with offres.ErrUnavailable.
	// Default: 5s.
	OpenTimeout time.Duration
}

func (o Options) withDefaults() Options {
	if o.Synonyms == nil {
		o.Synonyms = append(lexicon.Synonyms(), lexicon.Phrases()...)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.OpenTimeout <= 0 {
		o.OpenTimeout = 5 * time.Second
	}
	return o
}

// Index is a full-text index of offers. It is safe for concurrent use.
type Index struct {
	bi          bleve.Index
	opts        Options
	analyzer    analysis.Analyzer
	thes        *thesaurus
	highlighter highlight.Highlighter
	// snaps holds what searches of the current snapshot reuse.
	snaps snapshotCache
}

// Internal metadata keys.
var (
	keySchema       = []byte("offres/schema")
	keyLexicon      = []byte("offres/lexicon")
	keySynonymCount = []byte("offres/synonyms")
)

// Open opens the index at dir, creating it when missing. An index that will
// not open returns an error wrapping ErrCorrupt, so that the caller can
// rebuild it; a directory locked by another process returns
// offres.ErrUnavailable.
func Open(dir string, opts Options) (*Index, error) {
	opts = opts.withDefaults()
	ix, err := newIndex(opts)
	if err != nil {
		return nil, err
	}
	_, err = os.Stat(filepath.Join(dir, "index_meta.json"))
	switch {
	case err == nil:
		ix.bi, err = bleve.OpenUsing(dir, map[string]any{"bolt_timeout": opts.OpenTimeout.String()})
		if err != nil {
			if strings.Contains(err.Error(), "timeout") { // bbolt's ErrTimeout, reported with %v
				return nil, fmt.Errorf("open index %s: in use by another process: %w", dir, offres.ErrUnavailable)
			}
			return nil, fmt.Errorf("open index %s: %w: %w", dir, ErrCorrupt, err)
		}
		schema, err := ix.bi.GetInternal(keySchema)
		if err == nil && string(schema) != schemaVersion {
			err = fmt.Errorf("schema %q, want %q", schema, schemaVersion)
		}
		if err == nil {
			err = ix.verifySegments()
		}
		if err != nil {
			_ = ix.bi.Close()
			return nil, fmt.Errorf("open index %s: %w: %w", dir, ErrCorrupt, err)
		}
	case errors.Is(err, fs.ErrNotExist):
		if err := prepareDir(dir); err != nil {
			return nil, err
		}
		m, err := newMapping()
		if err != nil {
			return nil, err
		}
		if ix.bi, err = bleve.New(dir, m); err != nil {
			return nil, fmt.Errorf("create index %s: %w", dir, err)
		}
		if err := ix.bi.SetInternal(keySchema, []byte(schemaVersion)); err != nil {
			_ = ix.bi.Close()
			return nil, fmt.Errorf("create index %s: %w", dir, err)
		}
	default:
		return nil, fmt.Errorf("open index: %w", err)
	}
	if err := ix.syncSynonyms(); err != nil {
		_ = ix.bi.Close()
		return nil, err
	}
	return ix, nil
}

// prepareDir makes sure bleve can create an index at dir: bleve wants to
// create the directory itself, so an empty one is removed, and anything
// else in the way is not an index.
func prepareDir(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return os.MkdirAll(filepath.Dir(dir), 0o755)
	case err != nil:
		return fmt.Errorf("%s: %w: %w", dir, ErrCorrupt, err)
	case len(entries) > 0:
		return fmt.Errorf("%s: not an index (no index_meta.json): %w", dir, ErrCorrupt)
	}
	return os.Remove(dir)
}

// OpenMemory returns an index held in memory only, for tests and demos.
func OpenMemory(opts Options) (*Index, error) {
	opts = opts.withDefaults()
	ix, err := newIndex(opts)
	if err != nil {
		return nil, err
	}
	m, err := newMapping()
	if err != nil {
		return nil, err
	}
	// bleve.NewMemOnly uses the older upsidedown engine, which has neither
	// synonyms nor BM25; scorch without a path stays in memory.
	if ix.bi, err = bleve.NewUsing("", m, scorch.Name, scorch.Name, nil); err != nil {
		return nil, fmt.Errorf("create memory index: %w", err)
	}
	if err := ix.syncSynonyms(); err != nil {
		_ = ix.bi.Close()
		return nil, err
	}
	return ix, nil
}

func newIndex(opts Options) (*Index, error) {
	if err := registerAnalysis(); err != nil {
		return nil, fmt.Errorf("register analyzer: %w", err)
	}
	an, err := newAnalyzer()
	if err != nil {
		return nil, err
	}
	return &Index{
		opts:     opts,
		analyzer: an,
		thes:     newThesaurus(opts.Synonyms, an),
		highlighter: simplehl.NewHighlighter(
			simple.NewFragmenter(fragmentSize),
			htmlformat.NewFragmentFormatter("<mark>", "</mark>"),
			"…",
		),
	}, nil
}

// syncSynonyms indexes the synonym definitions when the index does not hold
// those of the current lexicon: at creation, and after a lexicon change. The
// old definitions are deleted in the same batch.
func (ix *Index) syncSynonyms() error {
	have, err := ix.bi.GetInternal(keyLexicon)
	if err != nil {
		return fmt.Errorf("read lexicon version: %w", err)
	}
	if string(have) == ix.thes.version {
		return nil
	}
	old := 0
	if v, err := ix.bi.GetInternal(keySynonymCount); err == nil && len(v) > 0 {
		old, _ = strconv.Atoi(string(v))
	}
	b := ix.bi.NewBatch()
	for i := range old {
		b.Delete(synonymID(i))
	}
	defs := ix.thes.definitions()
	for i, def := range defs {
		if err := b.IndexSynonym(synonymID(i), synonymCollection, def); err != nil {
			return fmt.Errorf("synonyms %q: %w", def.Synonyms, err)
		}
	}
	b.SetInternal(keyLexicon, []byte(ix.thes.version))
	b.SetInternal(keySynonymCount, []byte(strconv.Itoa(len(defs))))
	if err := ix.bi.Batch(b); err != nil {
		return fmt.Errorf("index synonyms: %w", err)
	}
	ix.opts.Logger.Info("fulltext: synonyms indexed", "definitions", len(defs), "replaced", old, "lexicon", ix.thes.version)
	return nil
}

func synonymID(i int) string { return synonymIDPrefix + strconv.Itoa(i) }

// Upsert indexes the offers, replacing those with the same ids, in one
// batch: all or none are written. The caller sizes the batches.
func (ix *Index) Upsert(ctx context.Context, offers []offres.Offer) error {
	if len(offers) == 0 {
		return nil
	}
	b := ix.bi.NewBatch()
	for i := range offers {
		o := &offers[i]
		if err := o.Validate(); err != nil {
			return fmt.Errorf("upsert: %w", err)
		}
		if strings.HasPrefix(o.ID, "\x00") {
			return fmt.Errorf("upsert: offer id %q starts with NUL: %w", o.ID, offres.ErrInvalid)
		}
		doc := bdoc.NewDocument(o.ID)
		if err := ix.bi.Mapping().MapDocument(doc, document(o)); err != nil {
			return fmt.Errorf("upsert %q: %w", o.ID, err)
		}
		unchunkDocValues(doc)
		if err := b.IndexAdvanced(doc); err != nil {
			return fmt.Errorf("upsert %q: %w", o.ID, err)
		}
		if i%64 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := ix.bi.Batch(b); err != nil {
		return fmt.Errorf("upsert %d offers: %w", len(offers), err)
	}
	return nil
}

// Delete removes the offers with the given ids, in one batch. Unknown ids
// are ignored.
func (ix *Index) Delete(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	b := ix.bi.NewBatch()
	for _, id := range ids {
		if id == "" || strings.HasPrefix(id, "\x00") {
			return fmt.Errorf("delete: invalid id %q: %w", id, offres.ErrInvalid)
		}
		b.Delete(id)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := ix.bi.Batch(b); err != nil {
		return fmt.Errorf("delete %d offers: %w", len(ids), err)
	}
	return nil
}

// Count returns the number of offers in the index.
func (ix *Index) Count(ctx context.Context) (uint64, error) {
	req := bleve.NewSearchRequestOptions(offersQuery(), 0, 0, false)
	res, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		return 0, fmt.Errorf("count: %w", err)
	}
	return res.Total, nil
}

// Close releases the index. It must not be used afterwards.
func (ix *Index) Close() error {
	if err := ix.bi.Close(); err != nil {
		return fmt.Errorf("close index: %w", err)
	}
	return nil
}

// unchunkedField stores its doc values one document per chunk, uncompressed.
// zap otherwise packs the doc values of 1,024 documents into one
// snappy-compressed chunk, and reading the sort and facet values of a few
// scattered hits decompressed a whole chunk per hit: about 40 % of the time
// of a narrow search (measured with cmd/offres-bench's -cpuprofile).
type unchunkedField struct{ bdoc.Field }

func (f unchunkedField) Options() bindex.FieldIndexingOptions {
	return f.Field.Options() | bindex.SkipDVChunking | bindex.SkipDVCompression
}

// unchunkDocValues wraps the doc-values field of doc.
func unchunkDocValues(doc *bdoc.Document) {
	for i, f := range doc.Fields {
		if f.Name() == fieldDocValues {
			doc.Fields[i] = unchunkedField{f}
		}
	}
}

// verifySegments checks the CRC-32 that ends every zap segment file of the
// index's current snapshot (of everything before it, big-endian): bleve
// opens a segment whose contents were damaged, then fails, or panics, when
// a search reads the damaged part. Files of no snapshot (a segment being
// written when the process was killed) are not read: scorch ignores them.
// It reads every segment file once, at open.
func (ix *Index) verifySegments() error {
	adv, err := ix.bi.Advanced()
	if err != nil {
		return fmt.Errorf("segments: %w", err)
	}
	r, err := adv.Reader()
	if err != nil {
		return fmt.Errorf("segments: %w", err)
	}
	defer r.Close()
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil
	}
	for _, ss := range snap.Segments() {
		seg, ok := ss.Segment().(interface{ Path() string })
		if !ok || seg.Path() == "" {
			continue // in memory
		}
		b, err := os.ReadFile(seg.Path())
		if err != nil {
			return fmt.Errorf("segment %s: %w", filepath.Base(seg.Path()), err)
		}
		if len(b) < 4 || crc32.ChecksumIEEE(b[:len(b)-4]) != binary.BigEndian.Uint32(b[len(b)-4:]) {
			return fmt.Errorf("segment %s: checksum mismatch", filepath.Base(seg.Path()))
		}
	}
	return nil
}
