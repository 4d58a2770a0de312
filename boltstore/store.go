// Package boltstore is the embedded offers catalogue: the source of truth in
// the default storage mode, one bbolt file in the data directory. Every write
// is one fsynced transaction, so an acknowledged offer survives a crash.
// It is the only package that imports bbolt.
package boltstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"go.etcd.io/bbolt"

	"offres"
)

var bucketOffers = []byte("offers")

// Store is the offers catalogue.
type Store struct {
	db  *bbolt.DB
	now func() time.Time
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
		_, err := tx.CreateBucketIfNotExists(bucketOffers)
		return err
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open catalogue %s: %w", path, err)
	}
	return &Store{db: db, now: time.Now}, nil
}

// Close closes the file.
func (s *Store) Close() error { return s.db.Close() }

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

// Put stores offers in one transaction.
func (s *Store) Put(ctx context.Context, offers []offres.Offer) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	now := s.now().UTC()
	return s.db.Update(func(tx *bbolt.Tx) error {
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

// Delete removes one offer, or returns an error wrapping offres.ErrNotFound.
func (s *Store) Delete(ctx context.Context, id string) error {
	return s.db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketOffers)
		if b.Get([]byte(id)) == nil {
			return fmt.Errorf("offer %q: %w", id, offres.ErrNotFound)
		}
		return b.Delete([]byte(id))
	})
}

// Count returns the number of offers stored.
func (s *Store) Count(ctx context.Context) (int, error) {
	var n int
	err := s.db.View(func(tx *bbolt.Tx) error {
		n = tx.Bucket(bucketOffers).Stats().KeyN
		return nil
	})
	return n, err
}

// Scan calls fn for every offer in id order, stopping at the first error.
func (s *Store) Scan(ctx context.Context, fn func(offres.Offer) error) error {
	return s.db.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketOffers).ForEach(func(k, v []byte) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			var r record
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("offer %q: %w", k, err)
			}
			return fn(r.Offer)
		})
	})
}
