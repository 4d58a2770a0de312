package engine

import (
	"context"
	"errors"
	"testing"

	"offres/internal/offres"
)

// TestProfilesPerKeyCap is finding 2 of issue 13: a key could store
// profiles without end. Past the cap, SaveProfile refuses (403) until a
// profile is deleted; another key has its own count.
func TestProfilesPerKeyCap(t *testing.T) {
	ctx := context.Background()
	e, err := Open(ctx, Options{Dir: t.TempDir(), Now: fixedNow, MaxProfilesPerKey: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	var saved []offres.Profile
	for range 3 {
		p, err := e.SaveProfile(ctx, "k1", offres.Profile{Text: "Développeuse Go"})
		if err != nil {
			t.Fatal(err)
		}
		saved = append(saved, p)
	}
	_, err = e.SaveProfile(ctx, "k1", offres.Profile{Text: "une de trop"})
	var ue *offres.UserError
	if !errors.Is(err, offres.ErrForbidden) || !errors.As(err, &ue) {
		t.Fatalf("4th profile: %v, want a 403 UserError", err)
	}
	if _, err := e.SaveProfile(ctx, "k2", offres.Profile{Text: "autre clé"}); err != nil {
		t.Errorf("another key: %v", err)
	}
	if err := e.DeleteProfile(ctx, "k1", saved[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.SaveProfile(ctx, "k1", offres.Profile{Text: "après suppression"}); err != nil {
		t.Errorf("after a deletion: %v", err)
	}
}
