package fulltext

import (
	"slices"
	"testing"

	"offres/internal/offres"
)

func analyze(t *testing.T, text string) []string {
	t.Helper()
	an, err := newAnalyzer()
	if err != nil {
		t.Fatal(err)
	}
	var terms []string
	for _, tok := range an.Analyze([]byte(text)) {
		terms = append(terms, string(tok.Term))
	}
	return terms
}

// TestAnalyzerProperties checks each property of the French chain on pairs
// of texts that must analyze alike (or not).
func TestAnalyzerProperties(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		same bool
	}{
		{"elision l'", "l'infirmier", "infirmier", true},
		{"elision d’ typographic", "d’État", "état", true},
		{"elision qu'", "qu'infirmier", "infirmier", true},
		{"elision jusqu'", "jusqu'Yaté", "yate", true},
		{"elision lorsqu’", "lorsqu’infirmier", "infirmier", true},
		{"elision puisqu'", "puisqu'infirmier", "infirmier", true},
		{"elision j' n' s' c'", "j'aide n'aide s'aide c'aide", "aide aide aide aide", true},
		{"lower case", "INFIRMIER", "infirmier", true},
		{"accents é", "événement", "evenement", true},
		{"accents è", "Évènement", "evenement", true},
		{"accents ï", "Païta", "paita", true},
		{"accents é commune", "Nouméa", "NOUMEA", true},
		{"ligature œ", "maîtrise d'œuvre", "maitrise d'oeuvre", true},
		{"plural s", "infirmiers", "infirmier", true},
		{"plural aux", "réseaux", "reseau", true},
		{"plural aux adjective", "territoriaux", "territorial", true},
		{"feminine ère", "infirmière", "infirmier", true},
		{"feminine ère unaccented", "infirmiere", "infirmier", true},
		{"feminine ères plural", "infirmières", "infirmier", true},
		{"feminine euse", "développeuse", "développeur", true},
		{"feminine trice", "éducatrice", "éducateur", true},
		{"feminine eure", "professeure", "professeur", true},
		{"feminine enne", "technicienne", "technicien", true},
		{"override médecine", "médecine", "médecin", false},
		{"override équipement", "équipement", "équipe", false},
		{"override formateur", "formateur", "formation", false},
		{"different words", "infirmier", "information", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := analyze(t, tt.a), analyze(t, tt.b)
			if len(a) == 0 {
				t.Fatalf("%q analyzes to nothing", tt.a)
			}
			if got := slices.Equal(a, b); got != tt.same {
				t.Errorf("%q → %q, %q → %q: same = %v, want %v", tt.a, a, tt.b, b, got, tt.same)
			}
		})
	}
}

func TestAnalyzerStopWords(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"le la les de des du et", nil},
		{"été", nil}, // folded stop word: "été" is in the list as "été", and folds to "ete"
		{"(H/F)", nil},
		{"Chef de projet", []string{"chef", "projet"}},
		{"agent des écoles", []string{"agent", "ecol"}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			if got := analyze(t, tt.text); !slices.Equal(got, tt.want) {
				t.Errorf("analyze(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
	// Every stop word of the list, folded, is removed whatever its accents.
	for _, w := range []string{"ete", "etaient", "à", "a", "où", "ou"} {
		if got := analyze(t, w); len(got) != 0 {
			t.Errorf("analyze(%q) = %q, want a stop word", w, got)
		}
	}
}

// TestAnalyzerOffsets checks that folding keeps the byte offsets of the
// original text, which highlighting relies on.
func TestAnalyzerOffsets(t *testing.T) {
	an, err := newAnalyzer()
	if err != nil {
		t.Fatal(err)
	}
	text := "Un événement à l’Île-des-Pins"
	toks := an.Analyze([]byte(text))
	var got []string
	for _, tok := range toks {
		got = append(got, text[tok.Start:tok.End])
	}
	want := []string{"événement", "l’Île", "Pins"}
	if !slices.Equal(got, want) {
		t.Errorf("token spans = %q, want %q", got, want)
	}
}

// TestSearchAnalysis checks the same properties end to end.
func TestSearchAnalysis(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"accents folded", "evenements", "EVT-1"},
		{"commune without accent", "paita", "ATSEM-1"},
		{"plural", "infirmiers", "IDE-1"},
		{"plural aux", "reseau", "RESEAU-1"},
		{"elision", "l’infirmier", "IDE-1"},
		{"elision d'", "d'etat", "IDE-1"},
		{"feminine", "développeuse", "DEV-1"},
		{"upper case", "COMPTABLE", "COMPTA-1"},
		{"employer searchable", "clinique", "IDE-2"},
		{"cadre d'emploi searchable", "attaché", "3134-25-0308/SR"},
		{"contract label searchable", "CDI", "AS-1"},
		{"skills searchable", "postgresql", "DEV-1"},
	}
	backends(t, func(t *testing.T, ix *Index) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				ids := hitIDs(runSearch(t, ix, offres.Query{Text: tt.text, IncludeClosed: true}))
				if len(ids) == 0 || ids[0] != tt.want {
					t.Errorf("Search(%q) = %q, want %q first", tt.text, ids, tt.want)
				}
			})
		}
	})
}

func TestAnalyzerSeparators(t *testing.T) {
	for text, want := range map[string][]string{
		"title:comptable":     {"titl", "comptabl"},
		"infirmier·ère":       {"infirmi", "ere"},
		"Lieu : Nouméa":       {"lieu", "noumea"},
		"3134-25-0308/SR":     {"3134", "25", "0308", "sr"},
		"aide-soignant(e)":    {"aide", "soignant"},
		"Technicien(ne) VRD.": {"technicien", "vrd"},
	} {
		if got := analyze(t, text); !slices.Equal(got, want) {
			t.Errorf("analyze(%q) = %q, want %q", text, got, want)
		}
	}
}
