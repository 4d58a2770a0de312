package indexer

import (
	"errors"
	"strings"
	"testing"

	"offres/internal/offres"
)

// fuzzNames pick the parser FuzzParse feeds.
var fuzzNames = []string{"f.json", "f.ndjson", "f.jsonld", "f.html", "f.csv", "f.md", "f"}

// FuzzParse feeds arbitrary sources to every parser: they must never panic
// nor fail but for an unknown format; valid offers pass Validate and
// rejections wrap ErrInvalid.
func FuzzParse(f *testing.F) {
	f.Add(uint8(0), `[{"id":"1","title":"a","description":"d","deadline":"7 mars 2025"}, {"id": 2}]`)
	f.Add(uint8(0), `{"resultats":[{"id":"1","intitule":"a","description":"Profil :\nx","lieuTravail":{"libelle":"988 - NOUMEA"}}]}`)
	f.Add(uint8(1), "{\"id\":\"1\",\"title\":\"a\",\"description\":\"d\"}\n{\"id\":\n")
	f.Add(uint8(2), `{"@graph":[{"@type":"JobPosting","identifier":{"value":1},"title":"t","description":"<p>d</p>","baseSalary":{"value":{"minValue":1}}}]}`)
	f.Add(uint8(3), `<script type="application/ld+json">[{"@type":"JobPosting","url":"u","title":"t","description":"d"}]</script>`)
	f.Add(uint8(3), `<h1>Titre</h1><p>Référence : R</p><h2>Missions</h2><ul><li>a</li></ul>`)
	f.Add(uint8(4), "Par_ref_offre|Libelle_metier_OGR|Description\n1|TITRE H/F|Missions :\\nx\n2|x\n")
	f.Add(uint8(4), "url,numeroOffre,titreOffre,communeEmploi,experience,datePublication\nu,'1','Comptable',\"'Mont-Dore (Le)'\",'2 ans',2020/06/12\nu,'2'\n")
	f.Add(uint8(5), "**Intitulé : T**\n- **Référence :** R\n## Profil\nx")
	f.Fuzz(func(t *testing.T, kind uint8, src string) {
		name := fuzzNames[int(kind)%len(fuzzNames)]
		err := Parse(name, strings.NewReader(src), func(r Record) error {
			if r.Err != nil {
				if !errors.Is(r.Err, offres.ErrInvalid) {
					t.Errorf("%s: rejection %v does not wrap ErrInvalid", r.Pos, r.Err)
				}
				return nil
			}
			if err := r.Offer.Validate(); err != nil {
				t.Errorf("%s: valid offer fails Validate: %v", r.Pos, err)
			}
			if !validText(&r.Offer) {
				t.Errorf("%s: valid offer with text that is not UTF-8", r.Pos)
			}
			return nil
		})
		if err != nil && !errors.Is(err, offres.ErrInvalid) {
			t.Errorf("Parse(%s): %v", name, err)
		}
	})
}
