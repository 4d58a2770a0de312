package search

import (
	"testing"

	"offres/internal/offres"
)

func TestSuggester(t *testing.T) {
	s := NewSuggester()
	s.Add([]offres.Offer{
		{ID: "1", Title: "Infirmier diplômé d'État", Skills: []offres.Skill{{Label: "Soins infirmiers"}}},
		{ID: "2", Title: "Infirmier diplômé d'État"},
		{ID: "3", Title: "Chef de projet digital", Skills: []offres.Skill{{Label: "Méthodes agiles"}}},
		{ID: "4", Title: "Développeur / Développeuse web"},
		{ID: "5", Title: "Éducateur spécialisé"},
	})
	for _, tc := range []struct {
		name, prefix string
		first        string // expected first suggestion
		want         []string
		none         bool
	}{
		{name: "title prefix", prefix: "infi", first: "Infirmier diplômé d'État"},
		{name: "case and accents", prefix: "EDUC", first: "Éducateur spécialisé"},
		{name: "accented prefix", prefix: "dévelo", first: "Développeur / Développeuse web"},
		{name: "word inside a title", prefix: "projet", first: "Chef de projet digital"},
		{name: "several words", prefix: "chef de p", first: "Chef de projet digital"},
		{name: "terms from skills", prefix: "agil", want: []string{"agiles"}},
		{name: "term after titles", prefix: "infirm", want: []string{"Infirmier diplômé d'État", "infirmier", "infirmiers"}},
		{name: "no match", prefix: "zzz", none: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := s.Suggest(tc.prefix, 8)
			if tc.none {
				if len(got) != 0 {
					t.Fatalf("got %v, want none", got)
				}
				return
			}
			if len(got) == 0 {
				t.Fatal("no suggestion")
			}
			if tc.first != "" && got[0].Text != tc.first {
				t.Fatalf("first = %q, want %q (all: %v)", got[0].Text, tc.first, got)
			}
			texts := map[string]bool{}
			for _, g := range got {
				texts[g.Text] = true
			}
			for _, w := range tc.want {
				if !texts[w] {
					t.Errorf("missing %q in %v", w, got)
				}
			}
		})
	}
	if got := s.Suggest("infirmier dip", 8); got[0].Count != 2 {
		t.Errorf("count of a title carried by two offers = %d, want 2", got[0].Count)
	}
	// Replacing and removing offers updates the counts.
	s.Add([]offres.Offer{{ID: "2", Title: "Sage-femme"}})
	if got := s.Suggest("infirmier dip", 8); got[0].Count != 1 {
		t.Errorf("after replacing offer 2: count %d, want 1", got[0].Count)
	}
	s.Remove([]string{"1"})
	if got := s.Suggest("infirmier dip", 8); len(got) != 0 {
		t.Errorf("after removing: %v", got)
	}
	if got := s.Suggest("sage", 8); len(got) == 0 || got[0].Text != "Sage-femme" {
		t.Errorf("sage: %v", got)
	}
}

// TestSuggestJobs: the job titles of the referential are offered, after the
// offers' titles, while offers of their job are indexed, with their count.
func TestSuggestJobs(t *testing.T) {
	s := NewSuggester()
	s.SetJobs([]offres.Occupation{
		{Code: "K2303", Label: "Eboueur / Eboueuse"},
		{Code: "K2303", Label: "Ripeur / Ripeuse"},
		{Code: "D1202", Label: "Coiffeur / Coiffeuse"},
	})
	ripeur := []offres.Occupation{{Code: "K2303", Label: "Ripeur / Ripeuse"}}
	s.Add([]offres.Offer{
		{ID: "1", Title: "Agent de collecte des déchets", Occupations: ripeur},
		{ID: "2", Title: "Chauffeur ripeur", Occupations: ripeur},
	})
	got := s.Suggest("ebou", 8)
	if len(got) != 1 || got[0] != (offres.Suggestion{Text: "Eboueur / Eboueuse", Kind: "metier", Count: 2}) {
		t.Errorf("Suggest(ebou) = %v, want the job title of the offers' job, 2 offers", got)
	}
	got = s.Suggest("rip", 8)
	if len(got) < 2 || got[0].Kind != "title" || got[1].Kind != "metier" {
		t.Errorf("Suggest(rip) = %v, want the offer's title first, then the job title", got)
	}
	if got := s.Suggest("coiff", 8); len(got) != 0 {
		t.Errorf("Suggest(coiff) = %v: no offer of that job, nothing to suggest", got)
	}
	s.Remove([]string{"1", "2"})
	if got := s.Suggest("ebou", 8); len(got) != 0 {
		t.Errorf("after the offers went: %v", got)
	}
}
