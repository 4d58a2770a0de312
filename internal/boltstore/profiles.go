package boltstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"go.etcd.io/bbolt"

	"offres/internal/offres"
)

// Recruiters' keys and profiles live beside the offers, in their own
// buckets: profiles are personal data, never read by the search.
var (
	bucketKeys     = []byte("apikeys")
	bucketProfiles = []byte("profiles")
)

// PutKey stores an API key.
func (s *Store) PutKey(ctx context.Context, k offres.APIKey) error {
	return s.putJSON(ctx, bucketKeys, k.ID, k)
}

// Key returns the API key of an id (offres.ErrNotFound when none).
func (s *Store) Key(ctx context.Context, id string) (offres.APIKey, error) {
	var k offres.APIKey
	err := s.getJSON(ctx, bucketKeys, id, &k)
	return k, err
}

// Keys lists the API keys, by id.
func (s *Store) Keys(ctx context.Context) ([]offres.APIKey, error) {
	var out []offres.APIKey
	err := s.eachJSON(ctx, bucketKeys, func(v []byte) error {
		var k offres.APIKey
		if err := json.Unmarshal(v, &k); err != nil {
			return err
		}
		out = append(out, k)
		return nil
	})
	return out, err
}

// DeleteKey removes an API key (offres.ErrNotFound when none) and the
// profiles it stored.
func (s *Store) DeleteKey(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var slots []int64
	err := s.update(func(tx *bbolt.Tx) error {
		kb, err := tx.CreateBucketIfNotExists(bucketKeys)
		if err != nil {
			return err
		}
		if kb.Get([]byte(id)) == nil {
			return fmt.Errorf("key %q: %w", id, offres.ErrNotFound)
		}
		if err := kb.Delete([]byte(id)); err != nil {
			return err
		}
		pb, err := tx.CreateBucketIfNotExists(bucketProfiles)
		if err != nil {
			return err
		}
		prefix := []byte(id + "\x00")
		c := pb.Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if slot, ok := sealedSlot(v); ok {
				slots = append(slots, slot)
			}
		}
		return deletePrefix(pb, prefix)
	})
	if err != nil {
		return err
	}
	return s.keys.erase(slots...)
}

// Profiles are keyed by their owner's key id, a NUL, then their id: a
// recruiter's profiles are one range, and another key's are out of reach.
func profileKey(owner, id string) []byte { return []byte(owner + "\x00" + id) }

// PutProfile stores a profile under its owner.
func (s *Store) PutProfile(ctx context.Context, p offres.Profile) error {
	if p.Owner == "" || p.ID == "" || strings.ContainsRune(p.Owner+p.ID, 0) {
		return fmt.Errorf("profile without owner or id: %w", offres.ErrInvalid)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	plain, err := json.Marshal(storedProfile{Profile: p, Owner: p.Owner})
	if err != nil {
		return err
	}
	k := profileKey(p.Owner, p.ID)
	sealed, slot, err := s.keys.seal(plain, k)
	if err != nil {
		return err
	}
	old, replaced := int64(0), false
	err = s.update(func(tx *bbolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketProfiles)
		if err != nil {
			return err
		}
		old, replaced = sealedSlot(b.Get(k))
		return b.Put(k, sealed)
	})
	if err != nil {
		return errors.Join(err, s.keys.erase(slot))
	}
	if replaced {
		return s.keys.erase(old) // the previous version becomes unreadable
	}
	return nil
}

// openProfile decodes a stored profile record of bucket key k.
func (s *Store) openProfile(k, v []byte) (offres.Profile, error) {
	plain, err := s.keys.open(v, k)
	if err != nil {
		return offres.Profile{}, fmt.Errorf("profile %q: %v: %w", k, err, ErrCorrupt)
	}
	var rec storedProfile
	if err := json.Unmarshal(plain, &rec); err != nil {
		return offres.Profile{}, fmt.Errorf("profile %q: %w", k, ErrCorrupt)
	}
	rec.Profile.Owner = rec.Owner
	return rec.Profile, nil
}

// eraseStaleKeys erases the key slots that no profile uses: those of
// profiles deleted by a process stopped before it erased their keys.
func (s *Store) eraseStaleKeys() error {
	inUse := map[int64]bool{}
	err := s.db.View(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketProfiles)
		if b == nil {
			return nil
		}
		return b.ForEach(func(_, v []byte) error {
			if slot, ok := sealedSlot(v); ok {
				inUse[slot] = true
			}
			return nil
		})
	})
	if err != nil {
		return err
	}
	return s.keys.keep(inUse)
}

// storedProfile keeps the owner, which the Profile's JSON leaves out.
type storedProfile struct {
	offres.Profile
	Owner string `json:"owner"`
}

// Profile returns a profile of owner (offres.ErrNotFound when owner has
// none of that id).
func (s *Store) Profile(ctx context.Context, owner, id string) (offres.Profile, error) {
	if err := ctx.Err(); err != nil {
		return offres.Profile{}, err
	}
	var p offres.Profile
	err := s.db.View(func(tx *bbolt.Tx) error {
		k := profileKey(owner, id)
		var v []byte
		if b := tx.Bucket(bucketProfiles); b != nil {
			v = b.Get(k)
		}
		if v == nil {
			return fmt.Errorf("profiles %q: %w", id, offres.ErrNotFound)
		}
		var err error
		p, err = s.openProfile(k, v)
		return err
	})
	return p, err
}

// Profiles lists the profiles of owner, by id.
func (s *Store) Profiles(ctx context.Context, owner string) ([]offres.Profile, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []offres.Profile
	err := s.eachProfile(owner, func(k, v []byte) error {
		p, err := s.openProfile(k, v)
		out = append(out, p)
		return err
	})
	slices.SortFunc(out, func(a, b offres.Profile) int { return strings.Compare(a.ID, b.ID) })
	return out, err
}

// CountProfiles returns how many profiles owner has stored.
func (s *Store) CountProfiles(ctx context.Context, owner string) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	n := 0
	err := s.eachProfile(owner, func(_, _ []byte) error { n++; return nil })
	return n, err
}

// eachProfile calls fn with the key and the record of each profile of
// owner, in one read transaction.
func (s *Store) eachProfile(owner string, fn func(k, v []byte) error) error {
	return s.db.View(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketProfiles)
		if b == nil {
			return nil
		}
		prefix := []byte(owner + "\x00")
		c := b.Cursor()
		for k, v := c.Seek(prefix); k != nil && strings.HasPrefix(string(k), string(prefix)); k, v = c.Next() {
			if err := fn(k, v); err != nil {
				return err
			}
		}
		return nil
	})
}

// DeleteProfile erases a profile of owner (offres.ErrNotFound when none).
func (s *Store) DeleteProfile(ctx context.Context, owner, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var slot int64
	var sealed bool
	err := s.update(func(tx *bbolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketProfiles)
		if err != nil {
			return err
		}
		k := profileKey(owner, id)
		v := b.Get(k)
		if v == nil {
			return fmt.Errorf("profile %q: %w", id, offres.ErrNotFound)
		}
		slot, sealed = sealedSlot(v)
		return b.Delete(k)
	})
	if err != nil || !sealed {
		return err
	}
	// The record is gone from the tree but may linger in a free page of
	// the file: erasing its key makes it unreadable.
	return s.keys.erase(slot)
}

func (s *Store) putJSON(ctx context.Context, bucket []byte, key string, v any) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return s.update(func(tx *bbolt.Tx) error {
		bk, err := tx.CreateBucketIfNotExists(bucket)
		if err != nil {
			return err
		}
		return bk.Put([]byte(key), b)
	})
}

func (s *Store) getJSON(ctx context.Context, bucket []byte, key string, v any) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.View(func(tx *bbolt.Tx) error {
		bk := tx.Bucket(bucket)
		if bk == nil {
			return fmt.Errorf("%s %q: %w", bucket, key, offres.ErrNotFound)
		}
		raw := bk.Get([]byte(key))
		if raw == nil {
			return fmt.Errorf("%s %q: %w", bucket, key, offres.ErrNotFound)
		}
		if err := json.Unmarshal(raw, v); err != nil {
			return fmt.Errorf("%s %q: %w", bucket, key, ErrCorrupt)
		}
		return nil
	})
}

func (s *Store) eachJSON(ctx context.Context, bucket []byte, fn func(v []byte) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.View(func(tx *bbolt.Tx) error {
		bk := tx.Bucket(bucket)
		if bk == nil {
			return nil
		}
		return bk.ForEach(func(_, v []byte) error { return fn(v) })
	})
}
