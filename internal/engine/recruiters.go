package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"

	"offres/internal/auth"
	"offres/internal/offres"
)

// The keys and profiles live in the catalogue: in the PostgreSQL mode, each
// call fails at once while the database is down (see Degraded).

// CreateKey makes an API key and stores it; the token is shown once.
func (e *Engine) CreateKey(ctx context.Context, name, role string) (offres.APIKey, string, error) {
	k, token, err := auth.NewKey(name, role, e.opts.Now())
	if err != nil {
		return k, "", err
	}
	if err := e.dbGate(); err != nil {
		return k, "", err
	}
	return k, token, e.dbErr(e.store.PutKey(ctx, k))
}

// Keys lists the API keys (their hashes, never their secrets).
func (e *Engine) Keys(ctx context.Context) ([]offres.APIKey, error) {
	if err := e.dbGate(); err != nil {
		return nil, err
	}
	keys, err := e.store.Keys(ctx)
	return keys, e.dbErr(err)
}

// DeleteKey revokes a key and erases the profiles it stored.
func (e *Engine) DeleteKey(ctx context.Context, id string) error {
	if err := e.dbGate(); err != nil {
		return err
	}
	return e.dbErr(e.store.DeleteKey(ctx, id))
}

// Authenticate returns the key of a token; offres.ErrUnauthorized when the
// token is malformed, unknown or wrong.
func (e *Engine) Authenticate(ctx context.Context, token string) (offres.APIKey, error) {
	id, secret, ok := auth.Parse(token)
	if !ok {
		return offres.APIKey{}, offres.ErrUnauthorized
	}
	if err := e.dbGate(); err != nil {
		return offres.APIKey{}, err
	}
	k, err := e.store.Key(ctx, id)
	if errors.Is(err, offres.ErrNotFound) {
		return offres.APIKey{}, offres.ErrUnauthorized
	}
	if err != nil {
		return offres.APIKey{}, e.dbErr(err)
	}
	if !auth.Verify(k, secret) {
		return offres.APIKey{}, offres.ErrUnauthorized
	}
	return k, nil
}

// SaveProfile stores a new profile of owner, giving it an id; a key holds
// at most Options.MaxProfilesPerKey profiles (offres.ErrForbidden beyond).
// The count and the write are one step for this process; several
// processes on one PostgreSQL database may each pass the cap by a few.
func (e *Engine) SaveProfile(ctx context.Context, owner string, p offres.Profile) (offres.Profile, error) {
	var id [8]byte
	rand.Read(id[:])
	p.ID, p.Owner, p.CreatedAt = hex.EncodeToString(id[:]), owner, e.opts.Now().UTC()
	if err := e.dbGate(); err != nil {
		return p, err
	}
	e.profileMu.Lock()
	defer e.profileMu.Unlock()
	n, err := e.store.CountProfiles(ctx, owner)
	if err != nil {
		return p, e.dbErr(err)
	}
	if n >= e.opts.MaxProfilesPerKey {
		return p, &offres.UserError{Kind: offres.ErrForbidden, Message: fmt.Sprintf(
			"cette clé a atteint sa limite de %d profils enregistrés : supprimez-en avant d'en ajouter", e.opts.MaxProfilesPerKey)}
	}
	return p, e.dbErr(e.store.PutProfile(ctx, p))
}

// Profile returns a profile of owner.
func (e *Engine) Profile(ctx context.Context, owner, id string) (offres.Profile, error) {
	if err := e.dbGate(); err != nil {
		return offres.Profile{}, err
	}
	p, err := e.store.Profile(ctx, owner, id)
	return p, e.dbErr(err)
}

// Profiles lists the profiles of owner.
func (e *Engine) Profiles(ctx context.Context, owner string) ([]offres.Profile, error) {
	if err := e.dbGate(); err != nil {
		return nil, err
	}
	ps, err := e.store.Profiles(ctx, owner)
	return ps, e.dbErr(err)
}

// DeleteProfile erases a profile of owner: it is not kept anywhere else
// (profiles have no vectors; matching reads their text).
func (e *Engine) DeleteProfile(ctx context.Context, owner, id string) error {
	if err := e.dbGate(); err != nil {
		return err
	}
	return e.dbErr(e.store.DeleteProfile(ctx, owner, id))
}
