package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"offres/internal/offres"
)

// PutKey stores an API key.
func (s *Store) PutKey(ctx context.Context, k offres.APIKey) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO api_keys (id, name, role, hash, created_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (id) DO UPDATE SET name = $2, role = $3, hash = $4`, k.ID, k.Name, k.Role, k.Hash, k.CreatedAt)
	return wrap(ctx, "put key", err)
}

// Key returns the API key of an id (offres.ErrNotFound when none).
func (s *Store) Key(ctx context.Context, id string) (offres.APIKey, error) {
	var k offres.APIKey
	err := s.pool.QueryRow(ctx, `SELECT id, name, role, hash, created_at FROM api_keys WHERE id = $1`, id).
		Scan(&k.ID, &k.Name, &k.Role, &k.Hash, &k.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return k, fmt.Errorf("key %q: %w", id, offres.ErrNotFound)
	}
	return k, wrap(ctx, "get key", err)
}

// Keys lists the API keys, by id.
func (s *Store) Keys(ctx context.Context) ([]offres.APIKey, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, name, role, hash, created_at FROM api_keys ORDER BY id`)
	if err != nil {
		return nil, wrap(ctx, "list keys", err)
	}
	keys, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (offres.APIKey, error) {
		var k offres.APIKey
		err := r.Scan(&k.ID, &k.Name, &k.Role, &k.Hash, &k.CreatedAt)
		return k, err
	})
	return keys, wrap(ctx, "list keys", err)
}

// DeleteKey removes an API key and its profiles (offres.ErrNotFound when
// none).
func (s *Store) DeleteKey(ctx context.Context, id string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM api_keys WHERE id = $1`, id)
	if err == nil && tag.RowsAffected() == 0 {
		return fmt.Errorf("key %q: %w", id, offres.ErrNotFound)
	}
	return wrap(ctx, "delete key", err)
}

// PutProfile stores a profile under its owner.
func (s *Store) PutProfile(ctx context.Context, p offres.Profile) error {
	if p.Owner == "" || p.ID == "" {
		return fmt.Errorf("profile without owner or id: %w", offres.ErrInvalid)
	}
	doc, err := json.Marshal(p)
	if err != nil {
		return err
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO profiles (owner, id, doc, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (owner, id) DO UPDATE SET doc = $3`, p.Owner, p.ID, doc, p.CreatedAt)
	return wrap(ctx, "put profile", err)
}

// Profile returns a profile of owner (offres.ErrNotFound when none).
func (s *Store) Profile(ctx context.Context, owner, id string) (offres.Profile, error) {
	var doc []byte
	err := s.pool.QueryRow(ctx, `SELECT doc FROM profiles WHERE owner = $1 AND id = $2`, owner, id).Scan(&doc)
	if errors.Is(err, pgx.ErrNoRows) {
		return offres.Profile{}, fmt.Errorf("profile %q: %w", id, offres.ErrNotFound)
	}
	if err != nil {
		return offres.Profile{}, wrap(ctx, "get profile", err)
	}
	var p offres.Profile
	if err := json.Unmarshal(doc, &p); err != nil {
		return p, fmt.Errorf("profile %q: %w", id, err)
	}
	p.Owner = owner
	return p, nil
}

// Profiles lists the profiles of owner, by id.
func (s *Store) Profiles(ctx context.Context, owner string) ([]offres.Profile, error) {
	rows, err := s.pool.Query(ctx, `SELECT doc FROM profiles WHERE owner = $1 ORDER BY id`, owner)
	if err != nil {
		return nil, wrap(ctx, "list profiles", err)
	}
	ps, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (offres.Profile, error) {
		var doc []byte
		var p offres.Profile
		if err := r.Scan(&doc); err != nil {
			return p, err
		}
		err := json.Unmarshal(doc, &p)
		p.Owner = owner
		return p, err
	})
	return ps, wrap(ctx, "list profiles", err)
}

// CountProfiles returns how many profiles owner has stored.
func (s *Store) CountProfiles(ctx context.Context, owner string) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM profiles WHERE owner = $1`, owner).Scan(&n)
	return n, wrap(ctx, "count profiles", err)
}

// DeleteProfile erases a profile of owner (offres.ErrNotFound when none).
func (s *Store) DeleteProfile(ctx context.Context, owner, id string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM profiles WHERE owner = $1 AND id = $2`, owner, id)
	if err == nil && tag.RowsAffected() == 0 {
		return fmt.Errorf("profile %q: %w", id, offres.ErrNotFound)
	}
	return wrap(ctx, "delete profile", err)
}
