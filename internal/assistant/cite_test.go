package assistant

import (
	"strings"
	"testing"

	"offres/prompts"
)

// citeFixture returns the passages given to the model and the offers'
// texts of the citation tests.
func citeFixture() ([]Source, map[string]string) {
	sources := []Source{
		{N: 1, OfferID: "A", Title: "Chef de projet digital", Section: "Résumé", Text: "Date limite de candidature : 7 mars 2025"},
		{N: 2, OfferID: "B", Title: "Garde-pêche", Section: "Missions", Text: "Surveillance du lagon. Verbalisation."},
	}
	texts := map[string]string{
		"A": "Chef de projet digital\nDate limite de candidature : 7 mars 2025\nDurée de résidence exigée : au moins égale à 5 ans.",
		"B": "Garde-pêche\nSurveillance du lagon. Verbalisation des infractions.",
	}
	return sources, texts
}

func TestCheckCitations(t *testing.T) {
	sources, texts := citeFixture()
	for _, tc := range []struct {
		name, answer string
		ok           bool
		cited        []int
	}{
		{"cited", "La date limite est le 7 mars 2025 [1].", true, []int{1}},
		{"quote in the offer", "L'offre exige « au moins égale à 5 ans » [1] et la surveillance [2].", true, []int{1, 2}},
		{"quote, other case and accents", "« DUREE DE RESIDENCE EXIGEE : au moins egale a 5 ans » [1]", true, []int{1}},
		{"refusal", prompts.Refusal, true, nil},
		{"no such passage", "La date limite est le 7 mars 2025 [3].", false, nil},
		{"invented quote", "L'offre dit « ouverte à tous sans condition » [1].", false, nil},
		{"quote of another offer", "« Surveillance du lagon » [1]", false, nil},
		{"no citation", "Toutes les offres sont ouvertes.", false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cs, err := checkCitations(tc.answer, sources, texts)
			if (err == nil) != tc.ok {
				t.Fatalf("checkCitations(%q) = %v, want ok %v", tc.answer, err, tc.ok)
			}
			if !tc.ok {
				return
			}
			if len(cs) != len(tc.cited) {
				t.Fatalf("citations %+v, want %v", cs, tc.cited)
			}
			for i, c := range cs {
				if c.N != tc.cited[i] || c.Quote == "" || !containsFolded(texts[c.OfferID], c.Quote) {
					t.Errorf("citation %+v", c)
				}
			}
		})
	}
	if cs, _ := checkCitations("« au moins égale à 5 ans » [1]", sources, texts); len(cs) != 1 || !strings.Contains(cs[0].Quote, "5 ans") {
		t.Errorf("the quote is not kept: %+v", cs)
	}
}
