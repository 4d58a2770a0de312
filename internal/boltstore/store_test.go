package boltstore

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"offres/internal/offres"
)

func TestStoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "offers.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	a := offres.Offer{ID: "3134-25-0308/SR", Title: "Chef de projet digital", Description: "DSIN"}
	b := offres.Offer{ID: "PS 2026/ é", Title: "Infirmier", Description: "Soins", Deadline: offres.Date{Year: 2027, Month: 3, Day: 1}}
	if err := s.Put(ctx, []offres.Offer{a, b}); err != nil {
		t.Fatal(err)
	}
	hashes, err := s.Hashes(ctx, []string{a.ID, b.ID, "absent"})
	if err != nil {
		t.Fatal(err)
	}
	if len(hashes) != 2 || hashes[a.ID] != a.ContentHash() || hashes[b.ID] != b.ContentHash() {
		t.Fatalf("hashes = %v", hashes)
	}
	// Reopen: the writes were durable.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s, err = Open(path); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.Get(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != b.Title || got.Deadline != b.Deadline {
		t.Fatalf("got %+v", got)
	}
	if n, _ := s.Count(ctx); n != 2 {
		t.Fatalf("count = %d, want 2", n)
	}
	var seen []string
	if err := s.Scan(ctx, func(o offres.Offer) error { seen = append(seen, o.ID); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 2 {
		t.Fatalf("scan saw %v", seen)
	}
	if err := s.Delete(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, a.ID); !errors.Is(err, offres.ErrNotFound) {
		t.Fatalf("get deleted: %v, want ErrNotFound", err)
	}
	if err := s.Delete(ctx, a.ID); !errors.Is(err, offres.ErrNotFound) {
		t.Fatalf("delete twice: %v, want ErrNotFound", err)
	}
}
