package fulltext

import (
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"

	"offres/internal/demo"
	"offres/internal/offres"
)

// TestLightStemMatchesBleve checks lightStem against bleve's light French
// stemmer on every folded word of the demo corpus and on words chosen to
// reach each rule.
func TestLightStemMatchesBleve(t *testing.T) {
	words := strings.Fields(`infirmier infirmiers reseaux territoriaux chevaux travaux bijoux prix
		etablissement agissant rapidement activement certification verificateur indicatrice
		educateur educatrice administratrice operateur technicienne acheteuse chanteur chanteuse
		nageuse sportive folle molle professionnelle professionnel informatique politesse
		jardinage realisation actualisation organisateur information edition ville ecole
		allee programmeur developpeuse assistante sociale ressources humaines aaaa abba
		accompagnement accompagner chefferie serie anniversaire 3134 25 0308 sr x xx ix`)
	offers, err := demo.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range offers {
		words = append(words, strings.FieldsFunc(offres.Fold(o.Title+" "+o.FullText()), func(r rune) bool {
			return !('a' <= r && r <= 'z' || '0' <= r && r <= '9')
		})...)
	}
	bleveStem := fr.NewFrenchLightStemmerFilter()
	for _, w := range words {
		want := bleveStem.Filter(analysis.TokenStream{{Term: []byte(w)}})[0].Term
		if got := lightStem([]byte(w)); string(got) != string(want) {
			t.Errorf("lightStem(%q) = %q, bleve: %q", w, got, want)
		}
	}
}

func BenchmarkAnalyze(b *testing.B) {
	an, err := newAnalyzer()
	if err != nil {
		b.Fatal(err)
	}
	offers, err := demo.Load()
	if err != nil {
		b.Fatal(err)
	}
	var size int
	for b.Loop() {
		for _, o := range offers {
			text := o.FullText()
			size += len(text)
			an.Analyze([]byte(text))
		}
	}
	b.SetBytes(int64(size / b.N))
}
