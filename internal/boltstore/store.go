// Package boltstore is the embedded offers catalogue: the source of truth in
// the default storage mode, one bbolt file in the data directory. Every write
// is one fsynced transaction, so an acknowledged offer survives a crash.
// It is the only package that imports bbolt.
package boltstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"go.etcd.io/bbolt"

	"offres/internal/offres"
)

var (
	bucketOffers = []byte("offers")
	// bucketPending holds the ids written to the catalogue whose derived
	// indexes may not have caught up yet: marked in the transaction that
	// writes or deletes the offer, settled once the indexes have it.
	bucketPending = []byte("pending")
	// bucketDeleted holds the ids deleted from the catalogue (tombstones),
	// with the time of their deletion, so that a deleted offer can be told
	// from one that never existed (its page answers 410, not 404). Storing
	// the offer again removes its tombstone.
	bucketDeleted = []byte("deleted")
)

// Store is the offers catalogue. It also remembers which offers the derived
// indexes may lack (see Pending), so a crash between the catalogue write and
// the index write is repaired at the next start.
type Store struct {
	db   *bbolt.DB
	now  func() time.Time
	keys *keySlots // the keys of the profiles (seal.go)
}

// record is what is stored under each id.
type record struct {
	Hash      string       `json:"hash"`
	UpdatedAt time.Time    `json:"updated_at"`
	Offer     offres.Offer `json:"offer"`
}

// Open opens (creating when missing) the catalogue file at path.
func Open(path string) (*Store, error) {
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: 5 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("open catalogue %s: %w", path, err)
	}
	err = db.Update(func(tx *bbolt.Tx) error {
		for _, b := range [][]byte{bucketOffers, bucketPending, bucketDeleted} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open catalogue %s: %w", path, err)
	}
	s := &Store{db: db, now: time.Now}
	if s.keys, err = openKeySlots(path + ".profile-keys"); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.eraseStaleKeys(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the files.
func (s *Store) Close() error {
	return errors.Join(s.db.Close(), s.keys.close())
}

// Hashes returns the content hash of each id already stored.
func (s *Store) Hashes(ctx context.Context, ids []string) (map[string]string, error) {
	out := make(map[string]string, len(ids))
	err := s.db.View(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketOffers)
		for _, id := range ids {
			v := b.Get([]byte(id))
			if v == nil {
				continue
			}
			var r struct {
				Hash string `json:"hash"`
			}
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("offer %q: %w", id, err)
			}
			out[id] = r.Hash
		}
		return nil
	})
	return out, err
}

// Put stores offers in one transaction and marks them pending.
func (s *Store) Put(ctx context.Context, offers []offres.Offer) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	now := s.now().UTC()
	return s.update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketOffers)
		for i := range offers {
			o := &offers[i]
			v, err := json.Marshal(record{Hash: o.ContentHash(), UpdatedAt: now, Offer: *o})
			if err != nil {
				return err
			}
			if err := b.Put([]byte(o.ID), v); err != nil {
				return fmt.Errorf("put offer %q: %w", o.ID, err)
			}
			if err := tx.Bucket(bucketPending).Put([]byte(o.ID), nil); err != nil {
				return err
			}
			if err := tx.Bucket(bucketDeleted).Delete([]byte(o.ID)); err != nil {
				return err
			}
		}
		return nil
	})
}

// Get returns one offer, or an error wrapping offres.ErrNotFound.
func (s *Store) Get(ctx context.Context, id string) (offres.Offer, error) {
	var r record
	err := s.db.View(func(tx *bbolt.Tx) error {
		v := tx.Bucket(bucketOffers).Get([]byte(id))
		if v == nil {
			return fmt.Errorf("offer %q: %w", id, offres.ErrNotFound)
		}
		return json.Unmarshal(v, &r)
	})
	return r.Offer, err
}

// Delete removes one offer, leaves its tombstone and marks it pending, or
// returns an error wrapping offres.ErrNotFound.
func (s *Store) Delete(ctx context.Context, id string) error {
	now, err := s.now().UTC().MarshalText()
	if err != nil {
		return err
	}
	return s.update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketOffers)
		if b.Get([]byte(id)) == nil {
			return fmt.Errorf("offer %q: %w", id, offres.ErrNotFound)
		}
		if err := b.Delete([]byte(id)); err != nil {
			return err
		}
		if err := tx.Bucket(bucketDeleted).Put([]byte(id), now); err != nil {
			return err
		}
		return tx.Bucket(bucketPending).Put([]byte(id), nil)
	})
}

// Deleted reports whether id was deleted from the catalogue (and not
// stored again since).
func (s *Store) Deleted(ctx context.Context, id string) (bool, error) {
	var deleted bool
	err := s.db.View(func(tx *bbolt.Tx) error {
		deleted = tx.Bucket(bucketDeleted).Get([]byte(id)) != nil
		return nil
	})
	return deleted, err
}

// Pending returns the ids written or deleted since they were last settled.
func (s *Store) Pending(ctx context.Context) ([]string, error) {
	var ids []string
	err := s.db.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketPending).ForEach(func(k, _ []byte) error {
			ids = append(ids, string(k))
			return nil
		})
	})
	return ids, err
}

// Settle records that the derived indexes have caught up with these ids.
func (s *Store) Settle(ctx context.Context, ids []string) error {
	return s.update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketPending)
		for _, id := range ids {
			if err := b.Delete([]byte(id)); err != nil {
				return err
			}
		}
		return nil
	})
}

// Count returns the number of offers stored.
func (s *Store) Count(ctx context.Context) (int, error) {
	var n int
	err := s.scan(func(tx *bbolt.Tx, p *pager) error {
		n = p.count(tx.Bucket(bucketOffers))
		return nil
	})
	return n, err
}

// Scan calls fn for every offer in id order, stopping at the first error.
func (s *Store) Scan(ctx context.Context, fn func(offres.Offer) error) error {
	return s.ScanModified(ctx, func(o offres.Offer, _ time.Time) error { return fn(o) })
}

// ScanModified is Scan with the time each offer was last stored with a
// new content (an unchanged re-import does not store it).
func (s *Store) ScanModified(ctx context.Context, fn func(offres.Offer, time.Time) error) error {
	return s.scan(func(tx *bbolt.Tx, p *pager) error {
		return tx.Bucket(bucketOffers).ForEach(func(k, v []byte) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			p.read()
			var r record
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("offer %q: %w", k, err)
			}
			return fn(r.Offer, r.UpdatedAt)
		})
	})
}
