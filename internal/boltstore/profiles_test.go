package boltstore

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"offres/internal/offres"
)

// dirHolds reports whether any file of dir holds marker.
func dirHolds(t *testing.T, dir string, marker []byte) []string {
	t.Helper()
	var found []string
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, marker) {
			found = append(found, e.Name())
		}
	}
	return found
}

// TestDeletedProfileUnreadable is finding 8 of issue 13: a deleted CV
// lingered in the free pages of the data file after its 204. A profile,
// deleted alone or with its key, can no longer be read from any file of
// the data directory; the others still read after a restart.
func TestDeletedProfileUnreadable(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "offers.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	cv := func(marker string) offres.Profile {
		return offres.Profile{Text: "Infirmière à Nouméa, " + marker + ", téléphone 27 12 34.", Name: "Léa " + marker, Skills: []string{"soins " + marker}}
	}
	put := func(owner, id, marker string) {
		p := cv(marker)
		p.Owner, p.ID = owner, id
		if err := s.PutProfile(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	put("k1", "p1", "MARQUEUR-SUPPRIME-1")
	put("k1", "p2", "MARQUEUR-GARDE-2")
	put("k2", "p3", "MARQUEUR-CLE-3")
	put("k1", "p4", "MARQUEUR-REMPLACE-4")
	put("k1", "p4", "MARQUEUR-NOUVEAU-4") // the same id again: the first version goes
	if err := s.DeleteProfile(ctx, "k1", "p1"); err != nil {
		t.Fatal(err)
	}
	if err := s.PutKey(ctx, offres.APIKey{ID: "k2", Role: offres.RoleRecruiter}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteKey(ctx, "k2"); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, marker := range []string{"MARQUEUR-SUPPRIME-1", "MARQUEUR-CLE-3", "MARQUEUR-REMPLACE-4"} {
		if files := dirHolds(t, dir, []byte(marker)); len(files) > 0 {
			t.Errorf("deleted %s still in %v", marker, files)
		}
	}
	if s, err = Open(path); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ps, err := s.Profiles(ctx, "k1")
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 2 || ps[0].ID != "p2" || ps[0].Text != cv("MARQUEUR-GARDE-2").Text || ps[1].Name != "Léa MARQUEUR-NOUVEAU-4" {
		t.Errorf("profiles after a restart: %+v", ps)
	}
	if p, err := s.Profile(ctx, "k1", "p2"); err != nil || p.Skills[0] != "soins MARQUEUR-GARDE-2" || p.Owner != "k1" {
		t.Errorf("profile p2: %+v, %v", p, err)
	}
}
