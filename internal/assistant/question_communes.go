// Commune filters.

package assistant

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"offres/internal/offres"
)

// ambiguousCommunes are commune names that are also French words
// (« une mare »): they count only when capitalised or accented.
var ambiguousCommunes = set("mare")

var communes = func() *matcher[[]string] {
	m := newMatcher[[]string](nil)
	for _, c := range offres.Communes {
		names := append([]string{c.Name}, c.Variants...)
		for _, n := range names {
			if strings.Contains(n, "(") {
				continue // « Mont-Dore (Le) » is a catalogue spelling
			}
			m.add([]string{c.Name}, n)
			for _, art := range []string{"Le ", "La ", "L'"} {
				if rest, ok := strings.CutPrefix(n, art); ok {
					m.add([]string{c.Name}, rest)
				}
			}
		}
	}
	var grand []string
	for _, n := range []string{"Nouméa", "Dumbéa", "Le Mont-Dore", "Païta"} {
		c, _ := offres.LookupCommune(n)
		grand = append(grand, c.Name)
	}
	m.add(grand, "Grand Nouméa", "agglomération de Nouméa", "agglomération nouméenne")
	// A province is its communes: « en Province Sud ».
	for province, names := range map[string][]string{
		offres.ProvinceSud:  {"Province Sud", "Province du Sud"},
		offres.ProvinceNord: {"Province Nord", "Province du Nord"},
		offres.ProvinceIles: {"Province des Îles", "Province des Îles Loyauté", "Province Îles", "Îles Loyauté"},
	} {
		var in []string
		for _, c := range offres.Communes {
			if c.Province == province {
				in = append(in, c.Name)
			}
		}
		m.add(in, names...)
	}
	return m
}()

var communePrepositions = set("a", "au", "aux", "en", "sur", "dans", "de", "du", "d'", "pour", "vers",
	"chez", "pres", "cote", "autour", "commune", "ville", "secteur", "la", "le", "l'", "les")

// nearWords go with a commune only before « de »: « à côté de Nouméa »,
// « près de Païta »; « Coté au Mont-Dore » names a subject and a commune.
var nearWords = set("cote", "pres", "autour")

func (p *parser) communes() {
	for i := 0; i < len(p.toks); i++ {
		ph, ok := communes.at(p.toks, i, func(ph phrase[[]string], i int) bool {
			if ph.keys[0] == "province" {
				// « en Province Sud » is a place; « la Province Sud recrute »
				// an employer, whose offers its name finds.
				return i > 0 && (p.toks[i-1].key == "en" || i > 1 && p.toks[i-1].key == "la" && p.toks[i-2].key == "dans")
			}
			if len(ph.keys) > 1 || !ambiguousCommunes[ph.keys[0]] {
				return true
			}
			t := p.toks[i]
			first, _ := utf8.DecodeRuneInString(t.orig)
			return t.lower != t.key || (unicode.IsUpper(first) && !p.shouting)
		})
		if !ok {
			continue
		}
		p.mark(i, i+len(ph.keys), offres.FacetCommune)
		start := p.backConsume(i, communePrepositions, 3, offres.FacetCommune)
		for j := start; j < i; j++ {
			if nearWords[p.toks[j].key] && (j+1 >= i || !slices.Contains([]string{"de", "du", "d'"}, p.toks[j+1].key)) {
				for ; start <= j; start++ {
					p.toks[start].tag = "" // not « côté de »: left to the subject
				}
			}
		}
		// « à Nouméa ou à Dumbéa »: the connector goes with the communes.
		if start >= 2 && p.toks[start-1].free() && (p.toks[start-1].key == "ou" || p.toks[start-1].key == "et") &&
			p.toks[start-2].tag == offres.FacetCommune {
			p.toks[start-1].tag = offres.FacetCommune
		}
		p.addFilter(offres.FacetCommune, ph.val...)
		i += len(ph.keys) - 1
	}
}
