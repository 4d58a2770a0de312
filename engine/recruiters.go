package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"

	"offres"
	"offres/auth"
)

// CreateKey makes an API key and stores it; the token is shown once.
func (e *Engine) CreateKey(ctx context.Context, name, role string) (offres.APIKey, string, error) {
	k, token, err := auth.NewKey(name, role, e.opts.Now())
	if err != nil {
		return k, "", err
	}
	return k, token, e.store.PutKey(ctx, k)
}

// Keys lists the API keys (their hashes, never their secrets).
func (e *Engine) Keys(ctx context.Context) ([]offres.APIKey, error) { return e.store.Keys(ctx) }

// DeleteKey revokes a key and erases the profiles it stored.
func (e *Engine) DeleteKey(ctx context.Context, id string) error { return e.store.DeleteKey(ctx, id) }

// Authenticate returns the key of a token; offres.ErrUnauthorized when the
// token is malformed, unknown or wrong.
func (e *Engine) Authenticate(ctx context.Context, token string) (offres.APIKey, error) {
	id, secret, ok := auth.Parse(token)
	if !ok {
		return offres.APIKey{}, offres.ErrUnauthorized
	}
	k, err := e.store.Key(ctx, id)
	if errors.Is(err, offres.ErrNotFound) {
		return offres.APIKey{}, offres.ErrUnauthorized
	}
	if err != nil {
		return offres.APIKey{}, err
	}
	if !auth.Verify(k, secret) {
		return offres.APIKey{}, offres.ErrUnauthorized
	}
	return k, nil
}

// SaveProfile stores a new profile of owner, giving it an id.
func (e *Engine) SaveProfile(ctx context.Context, owner string, p offres.Profile) (offres.Profile, error) {
	var id [8]byte
	rand.Read(id[:])
	p.ID, p.Owner, p.CreatedAt = hex.EncodeToString(id[:]), owner, e.opts.Now().UTC()
	return p, e.store.PutProfile(ctx, p)
}

// Profile returns a profile of owner.
func (e *Engine) Profile(ctx context.Context, owner, id string) (offres.Profile, error) {
	return e.store.Profile(ctx, owner, id)
}

// Profiles lists the profiles of owner.
func (e *Engine) Profiles(ctx context.Context, owner string) ([]offres.Profile, error) {
	return e.store.Profiles(ctx, owner)
}

// DeleteProfile erases a profile of owner: it is not kept anywhere else
// (profiles have no vectors; matching reads their text).
func (e *Engine) DeleteProfile(ctx context.Context, owner, id string) error {
	return e.store.DeleteProfile(ctx, owner, id)
}
