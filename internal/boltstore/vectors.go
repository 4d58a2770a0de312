package boltstore

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"go.etcd.io/bbolt"

	"offres/internal/offres"
	"offres/internal/vectors"
)

// The passages and their vectors are kept per embedding model, so that
// switching models (or running two side by side during a migration) never
// mixes vectors of different spaces:
//
//	vectormodels            model → dimension (decimal)
//	passages/<model>        offerID "\x00" passageID → passage record
//	embcache/<model>        vectors.ContentHash(vectors.PassageText(p)) → vectors.Encode(vec)
//
// A passage record is a format byte (1), the uvarint length of the
// passage's JSON, the JSON, then the vector as vectors.Encode writes it.
// Keys start with the offer id and a NUL, so an offer's passages are one
// contiguous range: offer ids containing a NUL are refused.
//
// The embedding cache outlives the passages: re-importing an offer whose
// text has not changed, or that was deleted and comes back, costs no
// embedding call.
const (
	prefixPassages = "passages/"
	prefixEmbCache = "embcache/"
	recordFormat   = 1
)

var bucketVectorModels = []byte("vectormodels")

func passagesBucket(model string) []byte { return []byte(prefixPassages + model) }
func embCacheBucket(model string) []byte { return []byte(prefixEmbCache + model) }

// offerPrefix is the start of the keys of an offer's passages.
func offerPrefix(offerID string) []byte { return []byte(offerID + "\x00") }

// MaxModelLen bounds a model name.
const MaxModelLen = 200

func checkModel(model string) error {
	if model == "" || len(model) > MaxModelLen {
		return fmt.Errorf("model name %q: empty or longer than %d bytes: %w", model, MaxModelLen, offres.ErrInvalid)
	}
	return nil
}

// PutPassages stores the passages of offers with their vectors for a model,
// replacing the offer's previous passages of that model, in one fsynced
// transaction; an offer mapped to no passages loses those it had. vecs maps
// each passage id to its vector, which also goes into the model's embedding
// cache under the content hash of the passage's text.
//
// It is all or nothing. Wrapping offres.ErrInvalid: an empty model, dims not
// positive or not the dimension the model was first stored with, an offer
// id empty or containing a NUL, a passage without an id or of another offer,
// a passage without a vector, a vector of the wrong dimension, all zeros or
// not finite.
func (s *Store) PutPassages(ctx context.Context, model string, dims int, byOffer map[string][]offres.Passage, vecs map[string][]float32) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := checkModel(model); err != nil {
		return err
	}
	if dims <= 0 {
		return fmt.Errorf("model %q: dimension %d: %w", model, dims, offres.ErrInvalid)
	}
	type entry struct {
		key, value []byte
		hash       string
		vec        []byte
	}
	offerIDs := slices.Sorted(maps.Keys(byOffer))
	var entries []entry
	for _, offerID := range offerIDs {
		if offerID == "" || strings.ContainsRune(offerID, 0) {
			return fmt.Errorf("offer id %q: empty or containing NUL: %w", offerID, offres.ErrInvalid)
		}
		for _, p := range byOffer[offerID] {
			switch {
			case p.ID == "":
				return fmt.Errorf("offer %q: passage without id: %w", offerID, offres.ErrInvalid)
			case p.OfferID != offerID:
				return fmt.Errorf("passage %q: of offer %q, listed under %q: %w", p.ID, p.OfferID, offerID, offres.ErrInvalid)
			}
			vec, ok := vecs[p.ID]
			if !ok {
				return fmt.Errorf("passage %q: no vector: %w", p.ID, offres.ErrInvalid)
			}
			if len(vec) != dims {
				return fmt.Errorf("passage %q: vector of dimension %d, want %d: %w", p.ID, len(vec), dims, offres.ErrInvalid)
			}
			if _, ok := vectors.Normalize(vec); !ok {
				return fmt.Errorf("passage %q: vector is zero or not finite: %w", p.ID, offres.ErrInvalid)
			}
			js, err := json.Marshal(p)
			if err != nil {
				return fmt.Errorf("passage %q: %w", p.ID, err)
			}
			enc := vectors.Encode(vec)
			v := make([]byte, 0, 1+binary.MaxVarintLen64+len(js)+len(enc))
			v = append(v, recordFormat)
			v = binary.AppendUvarint(v, uint64(len(js)))
			v = append(v, js...)
			v = append(v, enc...)
			entries = append(entries, entry{
				key:   append(offerPrefix(offerID), p.ID...),
				value: v,
				hash:  vectors.ContentHash(vectors.PassageText(p)),
				vec:   enc,
			})
		}
	}
	return s.update(func(tx *bbolt.Tx) error {
		if err := setModelDims(tx, model, dims); err != nil {
			return err
		}
		pb, err := tx.CreateBucketIfNotExists(passagesBucket(model))
		if err != nil {
			return err
		}
		cb, err := tx.CreateBucketIfNotExists(embCacheBucket(model))
		if err != nil {
			return err
		}
		for _, offerID := range offerIDs {
			if err := deletePrefix(pb, offerPrefix(offerID)); err != nil {
				return fmt.Errorf("offer %q: %w", offerID, err)
			}
		}
		for _, e := range entries {
			if err := pb.Put(e.key, e.value); err != nil {
				return fmt.Errorf("put passage: %w", err)
			}
			if err := cb.Put([]byte(e.hash), e.vec); err != nil {
				return fmt.Errorf("put cached vector: %w", err)
			}
		}
		return nil
	})
}

// setModelDims records the model's dimension, or checks it against the one
// recorded.
func setModelDims(tx *bbolt.Tx, model string, dims int) error {
	b, err := tx.CreateBucketIfNotExists(bucketVectorModels)
	if err != nil {
		return err
	}
	if v := b.Get([]byte(model)); v != nil {
		stored, err := strconv.Atoi(string(v))
		if err != nil {
			return fmt.Errorf("model %q: stored dimension %q: %w", model, v, err)
		}
		if stored != dims {
			return fmt.Errorf("model %q has dimension %d, not %d: %w", model, stored, dims, offres.ErrInvalid)
		}
		return nil
	}
	return b.Put([]byte(model), []byte(strconv.Itoa(dims)))
}

// deletePrefix deletes the keys of b that start with prefix.
func deletePrefix(b *bbolt.Bucket, prefix []byte) error {
	// Collect first: deleting under a cursor can make it skip keys.
	var keys [][]byte
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		keys = append(keys, bytes.Clone(k))
	}
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// DeletePassages removes the passages of the offer, of every model, in one
// fsynced transaction. The embedding cache keeps their vectors. An offer
// without passages is not an error.
func (s *Store) DeletePassages(ctx context.Context, offerID string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if offerID == "" || strings.ContainsRune(offerID, 0) {
		return nil // no passage can be stored under such an id
	}
	return s.update(func(tx *bbolt.Tx) error {
		var names [][]byte
		err := tx.ForEach(func(name []byte, _ *bbolt.Bucket) error {
			if bytes.HasPrefix(name, []byte(prefixPassages)) {
				names = append(names, bytes.Clone(name))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, name := range names {
			if err := deletePrefix(tx.Bucket(name), offerPrefix(offerID)); err != nil {
				return fmt.Errorf("offer %q: %w", offerID, err)
			}
		}
		return nil
	})
}

// ScanPassages calls fn for every stored passage of model with its vector,
// in offer id order, stopping at the first error. fn runs inside a read
// transaction: it must not write to the store. The vector is fn's to keep.
// A model never stored has no passages.
func (s *Store) ScanPassages(ctx context.Context, model string, fn func(p offres.Passage, vec []float32) error) error {
	return s.scan(func(tx *bbolt.Tx, pg *pager) error {
		b := tx.Bucket(passagesBucket(model))
		if b == nil {
			return nil
		}
		dims, err := modelDims(tx, model)
		if err != nil {
			return err
		}
		return b.ForEach(func(k, v []byte) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			pg.read()
			p, vec, err := decodePassage(v)
			if err != nil {
				return fmt.Errorf("passage %q of model %q: %w", k, model, err)
			}
			if len(vec) != dims {
				return fmt.Errorf("passage %q of model %q: vector of dimension %d, want %d: %w", k, model, len(vec), dims, ErrCorrupt)
			}
			return fn(p, vec)
		})
	})
}

// ErrCorrupt is returned when a stored record cannot be read back.
var ErrCorrupt = errors.New("corrupt record")

func decodePassage(v []byte) (offres.Passage, []float32, error) {
	var p offres.Passage
	if len(v) == 0 || v[0] != recordFormat {
		return p, nil, fmt.Errorf("unknown record format: %w", ErrCorrupt)
	}
	n, w := binary.Uvarint(v[1:])
	if w <= 0 || n > uint64(len(v)-1-w) {
		return p, nil, fmt.Errorf("bad passage length: %w", ErrCorrupt)
	}
	js := v[1+w : 1+w+int(n)]
	if err := json.Unmarshal(js, &p); err != nil {
		return p, nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	vec, err := vectors.Decode(v[1+w+int(n):])
	if err != nil {
		return p, nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return p, vec, nil
}

func modelDims(tx *bbolt.Tx, model string) (int, error) {
	b := tx.Bucket(bucketVectorModels)
	if b == nil {
		return 0, fmt.Errorf("model %q: %w", model, offres.ErrNotFound)
	}
	v := b.Get([]byte(model))
	if v == nil {
		return 0, fmt.Errorf("model %q: %w", model, offres.ErrNotFound)
	}
	dims, err := strconv.Atoi(string(v))
	if err != nil || dims <= 0 {
		return 0, fmt.Errorf("model %q: stored dimension %q: %w", model, v, ErrCorrupt)
	}
	return dims, nil
}

// VectorModels returns the dimension of each model that passages were
// stored for: what the engine needs to build its vectors.Index at start-up.
func (s *Store) VectorModels(ctx context.Context) (map[string]int, error) {
	out := map[string]int{}
	err := s.db.View(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketVectorModels)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, _ []byte) error {
			dims, err := modelDims(tx, string(k))
			if err != nil {
				return err
			}
			out[string(k)] = dims
			return nil
		})
	})
	return out, err
}

// PassageCount returns the number of passages stored for model, so that a
// caller can check an in-memory index against the catalogue.
func (s *Store) PassageCount(ctx context.Context, model string) (int, error) {
	var n int
	err := s.scan(func(tx *bbolt.Tx, p *pager) error {
		if b := tx.Bucket(passagesBucket(model)); b != nil {
			n = p.count(b)
		}
		return nil
	})
	return n, err
}

// CachedVectors returns the stored vectors of (model, content hash) pairs,
// for the embedding cache: re-indexing unchanged text costs no embedding
// call. The hashes are vectors.ContentHash(vectors.PassageText(p)); those
// not cached are absent from the result.
func (s *Store) CachedVectors(ctx context.Context, model string, hashes []string) (map[string][]float32, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make(map[string][]float32, len(hashes))
	// The hashes are spread over the whole cache: a batch's lookups read
	// most of its pages.
	err := s.scan(func(tx *bbolt.Tx, p *pager) error {
		b := tx.Bucket(embCacheBucket(model))
		if b == nil {
			return nil
		}
		for _, h := range hashes {
			p.read()
			v := b.Get([]byte(h))
			if v == nil {
				continue
			}
			vec, err := vectors.Decode(v)
			if err != nil {
				return fmt.Errorf("cached vector %q of model %q: %w", h, model, ErrCorrupt)
			}
			out[h] = vec
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// PassagesOf returns the stored passages of model of these offers, with
// their vectors, by offer; offers without passages are absent.
func (s *Store) PassagesOf(ctx context.Context, model string, offerIDs []string) (map[string][]offres.EmbeddedPassage, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make(map[string][]offres.EmbeddedPassage, len(offerIDs))
	err := s.db.View(func(tx *bbolt.Tx) error {
		b := tx.Bucket(passagesBucket(model))
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for _, offerID := range offerIDs {
			if offerID == "" || strings.ContainsRune(offerID, 0) {
				continue
			}
			prefix := offerPrefix(offerID)
			for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
				p, vec, err := decodePassage(v)
				if err != nil {
					return fmt.Errorf("passage %q of model %q: %w", k, model, err)
				}
				out[offerID] = append(out[offerID], offres.EmbeddedPassage{Passage: p, Vector: vec})
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DropModel removes the passages and the embedding cache of a model: after
// a retrained built-in model replaces it, its vectors are dead weight.
func (s *Store) DropModel(ctx context.Context, model string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.update(func(tx *bbolt.Tx) error {
		for _, name := range [][]byte{passagesBucket(model), embCacheBucket(model)} {
			if tx.Bucket(name) != nil {
				if err := tx.DeleteBucket(name); err != nil {
					return err
				}
			}
		}
		if b := tx.Bucket(bucketVectorModels); b != nil {
			return b.Delete([]byte(model))
		}
		return nil
	})
}

// EmbeddedOffers returns the offers that have passages of model.
func (s *Store) EmbeddedOffers(ctx context.Context, model string) (map[string]bool, error) {
	out := map[string]bool{}
	err := s.scan(func(tx *bbolt.Tx, p *pager) error {
		b := tx.Bucket(passagesBucket(model))
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, _ []byte) error {
			p.read()
			if i := bytes.IndexByte(k, 0); i > 0 {
				out[string(k[:i])] = true
			}
			return nil
		})
	})
	return out, err
}
