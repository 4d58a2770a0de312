package fulltext

import (
	"context"
	"slices"
	"testing"

	"offres/internal/offres"
)

func TestBaseline(t *testing.T) {
	b, err := NewBaseline()
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx := context.Background()
	err = b.Add(ctx, []offres.Offer{
		{ID: "1", Title: "Ripeur H/F", Description: "Collecte des déchets ménagers."},
		{ID: "2", Title: "Juriste", Description: "Rédaction des contrats. Les déchets ne sont pas notre affaire."},
		{ID: "3", Title: "Agent de collecte", Description: "Tournées avec un ripeur."},
	})
	if err != nil {
		t.Fatal(err)
	}
	// Any word suffices (OR); the title weighs more than the body; the
	// French analyzer folds plurals and accents.
	got, err := b.Search(ctx, "ripeurs dechet", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0] != "1" {
		t.Errorf("ripeurs dechet: %v, want 1 first, then 3 and 2", got)
	}
	if got, _ := b.Search(ctx, "juriste", 10); !slices.Equal(got, []string{"2"}) {
		t.Errorf("juriste: %v", got)
	}
	if got, _ := b.Search(ctx, "coiffeuse", 10); len(got) != 0 {
		t.Errorf("coiffeuse: %v, want nothing", got)
	}
}
