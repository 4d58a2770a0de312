package assistant

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"offres/prompts"
)

// FuzzCheckCitations feeds arbitrary answers, as a chat model may write
// them, to the citation check. An accepted answer cites only the given
// passages, each once, in the order of their first [n]; every citation
// carries its source's offer, title and section and quotes that offer
// (compared folded); an answer without citations is the refusal.
//
//	go test ./assistant -run '^$' -fuzz '^FuzzCheckCitations$' -fuzztime 60s
func FuzzCheckCitations(f *testing.F) {
	sources, texts := citeFixture()
	sources = append(sources, Source{N: 7, OfferID: "A", Title: "Chef de projet digital", Section: "Profil", Text: "Durée de résidence exigée : au moins égale à 5 ans."})
	for _, s := range []string{
		"La date limite est le 7 mars 2025 [1].",
		"L'offre exige « au moins égale à 5 ans » [7] et la surveillance [2] [1] [2].",
		"« DUREE DE RESIDENCE EXIGEE : au moins egale a 5 ans » [1]",
		prompts.Refusal, "La date limite est le 7 mars 2025 [3].", "« Surveillance du lagon » [1]", "[007] [0001] [] [x]",
		"«  » [1] « ab » [2] «««lagon»»» [2]", "Toutes les offres sont ouvertes.",
	} {
		f.Add(s)
	}
	byN := map[int]Source{}
	for _, s := range sources {
		byN[s.N] = s
	}
	cite := regexp.MustCompile(`\[(\d{1,3})\]`)
	f.Fuzz(func(t *testing.T, answer string) {
		cs, err := checkCitations(answer, sources, texts)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an error without a message")
			}
			return
		}
		var order []int
		for _, m := range cite.FindAllStringSubmatch(answer, -1) {
			n, _ := strconv.Atoi(m[1])
			if !slices.Contains(order, n) {
				order = append(order, n)
			}
		}
		if len(cs) != len(order) {
			t.Fatalf("citations %+v for the mentions %v", cs, order)
		}
		for i, c := range cs {
			src, ok := byN[c.N]
			switch {
			case !ok || c.N != order[i]:
				t.Fatalf("citation %d is [%d], want [%d] of %v", i, c.N, order[i], order)
			case c.OfferID != src.OfferID || c.Title != src.Title || c.Section != src.Section:
				t.Fatalf("citation %+v of source %+v", c, src)
			case !containsFolded(texts[c.OfferID], c.Quote):
				t.Fatalf("citation [%d] quotes %q, not in offer %s", c.N, c.Quote, c.OfferID)
			}
		}
		if len(cs) == 0 && !strings.Contains(answer, prompts.Refusal) {
			t.Fatalf("no citation and no refusal accepted: %q", answer)
		}
	})
}
