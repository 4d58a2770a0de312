package fulltext

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"offres/internal/offres"
)

// devCV is longer than a search may be: a document query reads all of it.
var devCV = strings.Repeat("Développeuse web à la Province Sud depuis 2019. ", 5) +
	"Conception et réalisation de téléservices pour la collectivité, en Go et PostgreSQL. " +
	"Maintenance applicative, revues de code, intégration continue, accompagnement des directions métiers."

// TestDocumentRank: a document query ranks the offers alike a whole CV
// (its words beyond a search's bound count), restricted to the offers of
// given ROME families when asked; a search's text stays bounded.
func TestDocumentRank(t *testing.T) {
	backends(t, func(t *testing.T, ix *Index) {
		ctx := context.Background()
		if len([]rune(devCV)) <= offres.MaxQueryLen {
			t.Fatalf("the CV has %d runes: not longer than a search", len([]rune(devCV)))
		}
		if _, err := ix.Rank(ctx, offres.Query{Text: devCV, IncludeClosed: true, Today: today}, 5); !errors.Is(err, offres.ErrInvalid) {
			t.Errorf("a search of %d runes: %v, want ErrInvalid", len([]rune(devCV)), err)
		}
		r, err := ix.Rank(ctx, offres.Query{Text: devCV, Document: true, IncludeClosed: true, Today: today}, 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.IDs) == 0 || r.IDs[0] != "DEV-1" {
			t.Errorf("document ranking %q, want DEV-1 first", r.IDs)
		}

		extra := []offres.Offer{
			{ID: "DEV-2", Title: "Chargé d'applications", Employer: "Ville de Nouméa", PublishedAt: date(2026, 11, 2),
				Description: "Maintenance des applications métiers, Go et PostgreSQL.",
				Occupations: []offres.Occupation{{Code: "M1855", Family: "M1805", Label: "Développeur / Développeuse full-stack"}}},
			{ID: "IDE-3", Title: "Infirmier scolaire", Employer: "Vice-rectorat", PublishedAt: date(2026, 11, 2),
				Description: "Téléservices de santé scolaire, maintenance des dossiers.",
				Occupations: []offres.Occupation{{Code: "J1506", Label: "Infirmier / Infirmière"}}},
		}
		if err := ix.Upsert(ctx, extra); err != nil {
			t.Fatal(err)
		}
		r, err = ix.Rank(ctx, offres.Query{Text: devCV, Document: true, IncludeClosed: true, Today: today, OccupationFamilies: []string{"M1805"}}, 5)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(r.IDs, []string{"DEV-2"}) {
			t.Errorf("restricted to M1805: %q, want [DEV-2]", r.IDs)
		}
		r, err = ix.Rank(ctx, offres.Query{Text: devCV, Document: true, IncludeClosed: true, Today: today, Occupations: []string{"J1506", "M1805"}}, 5)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(r.IDs, []string{"IDE-3"}) { // DEV-2 is M1855, of the family M1805
			t.Errorf("restricted to the codes J1506 and M1805: %q, want [IDE-3]", r.IDs)
		}

		known, err := ix.Classified(ctx, []string{"DEV-1", "DEV-2", "IDE-3", "NOPE"})
		if err != nil {
			t.Fatal(err)
		}
		if len(known) != 2 || !known["DEV-2"] || !known["IDE-3"] {
			t.Errorf("classified %v, want DEV-2 and IDE-3 (DEV-1 has no occupation)", known)
		}

		long := strings.Repeat("a ", offres.MaxProfileText/2+1)
		if _, err := ix.Rank(ctx, offres.Query{Text: long, Document: true, Today: today}, 5); !errors.Is(err, offres.ErrInvalid) {
			t.Errorf("a document of %d runes: %v, want ErrInvalid", len(long), err)
		}
	})
}
