// Package auth makes and checks the API keys of recruiters: a key is shown
// once, as « ofr_<id>_<secret> »; only the SHA-256 of the secret is stored,
// and a presented secret is compared with it in constant time.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"offres/internal/offres"
)

const prefix = "ofr_"

// NewKey makes a key: the record to store and the token to give, once.
func NewKey(name, role string, now time.Time) (offres.APIKey, string, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 100 {
		return offres.APIKey{}, "", fmt.Errorf("key name: 1 to 100 characters: %w", offres.ErrInvalid)
	}
	if !slices.Contains(offres.Roles, role) {
		return offres.APIKey{}, "", fmt.Errorf("role %q: want one of %v: %w", role, offres.Roles, offres.ErrInvalid)
	}
	var id [6]byte
	var secret [24]byte
	rand.Read(id[:])
	rand.Read(secret[:])
	k := offres.APIKey{ID: hex.EncodeToString(id[:]), Name: name, Role: role, CreatedAt: now.UTC()}
	s := hex.EncodeToString(secret[:])
	k.Hash = hash(s)
	return k, prefix + k.ID + "_" + s, nil
}

func hash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// Parse splits a token into its key id and secret.
func Parse(token string) (id, secret string, ok bool) {
	rest, ok := strings.CutPrefix(token, prefix)
	if !ok {
		return "", "", false
	}
	id, secret, ok = strings.Cut(rest, "_")
	if !ok || len(id) != 12 || len(secret) != 48 {
		return "", "", false
	}
	return id, secret, true
}

// Verify reports whether secret is the key's, in constant time.
func Verify(k offres.APIKey, secret string) bool {
	want, err := hex.DecodeString(k.Hash)
	if err != nil || len(want) != sha256.Size {
		return false
	}
	sum := sha256.Sum256([]byte(secret))
	return subtle.ConstantTimeCompare(sum[:], want) == 1
}
