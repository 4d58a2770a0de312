package indexer

import (
	"strings"
	"testing"
	"unicode/utf8"

	"offres/internal/demo"
	"offres/internal/offres"
)

func TestSplitText(t *testing.T) {
	sentence := "Assurer le suivi des projets numériques de la collectivité. "
	for _, tc := range []struct {
		name          string
		text          string
		max, overlap  int
		pieces        int
		firstEndsWith string
	}{
		{"empty", "  \n ", 100, 20, 0, ""},
		{"short", "Un texte court.", 100, 20, 1, "Un texte court."},
		{"sentences", strings.Repeat(sentence, 10), 200, 40, 5, "collectivité."},
		{"paragraph first", strings.Repeat("mot ", 30) + "\n\n" + strings.Repeat("autre ", 30), 200, 40, 2, "mot"},
		{"one long word", strings.Repeat("x", 250), 100, 20, 3, "x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := splitText(tc.text, tc.max, tc.overlap)
			if len(got) != tc.pieces {
				t.Fatalf("%d pieces, want %d: %q", len(got), tc.pieces, got)
			}
			for i, p := range got {
				if n := utf8.RuneCountInString(p); n > tc.max || n == 0 {
					t.Errorf("piece %d has %d runes (max %d)", i, n, tc.max)
				}
				if p != strings.TrimSpace(p) {
					t.Errorf("piece %d not trimmed: %q", i, p)
				}
			}
			if tc.pieces > 0 && !strings.HasSuffix(got[0], tc.firstEndsWith) {
				t.Errorf("first piece %q does not end with %q", got[0], tc.firstEndsWith)
			}
		})
	}
}

// TestSplitTextCoversAndOverlaps: every word of the text is in a piece, and
// each piece after the first starts with words that end the previous one.
func TestSplitTextCoversAndOverlaps(t *testing.T) {
	var b strings.Builder
	for i := range 400 {
		b.WriteString([]string{"pilotage ", "des ", "projets ", "agiles. ", "usagers\n", "données "}[i%6])
	}
	text := b.String()
	pieces := splitText(text, 300, 60)
	if len(pieces) < 5 {
		t.Fatalf("%d pieces", len(pieces))
	}
	joined := strings.Join(pieces, " ")
	if strings.Count(joined, "agiles.") < strings.Count(text, "agiles.") {
		t.Error("some words are in no piece")
	}
	for i := 1; i < len(pieces); i++ {
		first := strings.Fields(pieces[i])[0]
		tail := pieces[i-1][max(0, len(pieces[i-1])-120):]
		if !strings.Contains(tail, first) {
			t.Errorf("piece %d starts with %q, not in the end of piece %d", i, first, i-1)
		}
	}
}

func TestChunkDemoCorpus(t *testing.T) {
	offers, err := demo.Load()
	if err != nil {
		t.Fatal(err)
	}
	opts := ChunkOptions{MaxRunes: 400, OverlapRunes: 60}
	for i := range offers {
		o := &offers[i]
		ps := Chunk(o, opts)
		if len(ps) < 1+len(o.Sections) {
			t.Errorf("%s: %d passages for %d sections", o.ID, len(ps), len(o.Sections))
		}
		if ps[0].Kind != offres.SummaryKind || !strings.HasPrefix(ps[0].Text, o.Title) || ps[0].ID != o.ID+"#summary-1" {
			t.Errorf("%s: first passage %+v is not the summary", o.ID, ps[0])
		}
		ids := map[string]bool{}
		for _, p := range ps {
			if ids[p.ID] {
				t.Errorf("%s: duplicate passage id %s", o.ID, p.ID)
			}
			ids[p.ID] = true
			if p.OfferID != o.ID || utf8.RuneCountInString(p.Text) > opts.MaxRunes {
				t.Errorf("%s: passage %s: offer %q, %d runes", o.ID, p.ID, p.OfferID, utf8.RuneCountInString(p.Text))
			}
		}
		again := Chunk(o, opts)
		for j := range ps {
			if ps[j] != again[j] {
				t.Fatalf("%s: chunking is not deterministic", o.ID)
			}
		}
	}
}

func TestChunkSummaryFacts(t *testing.T) {
	o := offres.Offer{
		ID: "3134-25-0308/SR", Title: "Chef de projet digital", Employer: "Province Sud",
		Location: offres.Location{Commune: "Nouméa"}, Category: "A", ContractType: offres.ContractTitulaire,
		Deadline: offres.Date{Year: 2025, Month: 3, Day: 7}, StartDate: offres.Date{Year: 2025, Month: 5},
		ResidenceYears: 5, Description: "La DSIN recrute.",
		Sections: []offres.Section{{Kind: offres.SectionProfil, Heading: "Profil", Text: "Gestion de projet agile."}},
	}
	ps := Chunk(&o, ChunkOptions{})
	if len(ps) != 2 {
		t.Fatalf("%d passages", len(ps))
	}
	for _, want := range []string{"Référence : 3134-25-0308/SR", "Lieu de travail : Nouméa", "Catégorie : A",
		"Contrat : Titulaire", "Date limite de candidature : 7 mars 2025", "Poste à pourvoir : mai 2025",
		"Durée de résidence exigée : 5 ans", "La DSIN recrute."} {
		if !strings.Contains(ps[0].Text, want) {
			t.Errorf("summary lacks %q:\n%s", want, ps[0].Text)
		}
	}
	if ps[1].ID != "3134-25-0308/SR#profil-1" || ps[1].Heading != "Profil" {
		t.Errorf("section passage %+v", ps[1])
	}
}

// FuzzSplitText: pieces are never empty nor longer than the bound, and the
// split always ends.
func FuzzSplitText(f *testing.F) {
	f.Add("Missions :\n\n- piloter les projets ;\n- animer l'équipe.", 20, 5)
	f.Add(strings.Repeat("é", 50), 7, 3)
	f.Fuzz(func(t *testing.T, text string, max, overlap int) {
		max = 5 + int(uint(max)%500)
		overlap = int(uint(overlap) % uint(max/3+1))
		for _, p := range splitText(text, max, overlap) {
			if n := utf8.RuneCountInString(p); n == 0 || n > max {
				t.Fatalf("piece of %d runes (max %d): %q", n, max, p)
			}
		}
	})
}
