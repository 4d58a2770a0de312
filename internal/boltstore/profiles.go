package boltstore

import (
	"context"
	"encoding/json"
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
	return s.db.Update(func(tx *bbolt.Tx) error {
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
		return deletePrefix(pb, []byte(id+"\x00"))
	})
}

// Profiles are keyed by their owner's key id, a NUL, then their id: a
// recruiter's profiles are one range, and another key's are out of reach.
func profileKey(owner, id string) []byte { return []byte(owner + "\x00" + id) }

// PutProfile stores a profile under its owner.
func (s *Store) PutProfile(ctx context.Context, p offres.Profile) error {
	if p.Owner == "" || p.ID == "" || strings.ContainsRune(p.Owner+p.ID, 0) {
		return fmt.Errorf("profile without owner or id: %w", offres.ErrInvalid)
	}
	rec := storedProfile{Profile: p, Owner: p.Owner}
	return s.putJSON(ctx, bucketProfiles, string(profileKey(p.Owner, p.ID)), rec)
}

// storedProfile keeps the owner, which the Profile's JSON leaves out.
type storedProfile struct {
	offres.Profile
	Owner string `json:"owner"`
}

// Profile returns a profile of owner (offres.ErrNotFound when owner has
// none of that id).
func (s *Store) Profile(ctx context.Context, owner, id string) (offres.Profile, error) {
	var rec storedProfile
	if err := s.getJSON(ctx, bucketProfiles, string(profileKey(owner, id)), &rec); err != nil {
		return offres.Profile{}, err
	}
	rec.Profile.Owner = rec.Owner
	return rec.Profile, nil
}

// Profiles lists the profiles of owner, by id.
func (s *Store) Profiles(ctx context.Context, owner string) ([]offres.Profile, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []offres.Profile
	err := s.eachProfile(owner, func(k, v []byte) error {
		var rec storedProfile
		if err := json.Unmarshal(v, &rec); err != nil {
			return fmt.Errorf("profile %q: %w", k, ErrCorrupt)
		}
		rec.Profile.Owner = rec.Owner
		out = append(out, rec.Profile)
		return nil
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
	return s.db.Update(func(tx *bbolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketProfiles)
		if err != nil {
			return err
		}
		k := profileKey(owner, id)
		if b.Get(k) == nil {
			return fmt.Errorf("profile %q: %w", id, offres.ErrNotFound)
		}
		return b.Delete(k)
	})
}

func (s *Store) putJSON(ctx context.Context, bucket []byte, key string, v any) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return s.db.Update(func(tx *bbolt.Tx) error {
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
