package rome

import "sync"

// maxJobWordShare is the largest share of the referential's job titles
// (appellations) a word may be in and still name a trade: « agent »,
// « technicien », « responsable », « chef », « conducteur », « ingénieur »
// are each in 3.6 to 6.6 % of them and name none alone; « mécanicien »
// (1.2 %), « informatique » (1.3 %), « comptable » (0.4 %) do.
const maxJobWordShare = 0.015

var jobWordCounts sync.Map // *Taxonomy → map[string]int: appellations by stem

// appellationsByStem counts, once per taxonomy, the appellations whose
// long label has each stem.
func (t *Taxonomy) appellationsByStem() map[string]int {
	if c, ok := jobWordCounts.Load(t); ok {
		return c.(map[string]int)
	}
	counts := map[string]int{}
	for _, a := range t.appellations {
		seen := map[string]bool{}
		for _, st := range contentStems(a.Long) {
			if !seen[st] {
				seen[st] = true
				counts[st]++
			}
		}
	}
	actual, _ := jobWordCounts.LoadOrStore(t, counts)
	return actual.(map[string]int)
}

// JobWords returns the words of text that name a trade in the referential's
// job titles: used by them, and by few (maxJobWordShare), in the text's
// order, as written. For « mécanicien poids lourds » they are the three
// words; for « agent de nettoyage de nuit », « nettoyage » and « nuit »; « Linux », in no
// job title, is none.
func (t *Taxonomy) JobWords(text string) []string {
	counts := t.appellationsByStem()
	most := maxJobWordShare * float64(len(t.appellations))
	var out []string
	for _, tok := range tokenize(text, nil) {
		if tok.stop || tok.punct {
			continue
		}
		if n := counts[tok.stem]; n > 0 && float64(n) <= most {
			out = append(out, text[tok.start:tok.end])
		}
	}
	return out
}
