package match

import (
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"offres/internal/lexicon"
)

// Weights of the words of a job title in titleCloseness: its head, the
// first word that is not generic (« Mécanicien » of « Mécanicien poids
// lourds et engins », « communication » of « Chargée de communication »),
// names the trade, and weighs at least as much as its complements together
// (headWeight); its complements qualify it; a generic word (« agent »,
// « chargé ») alone names none.
const (
	titleHeadWeight    = 2
	titleWordWeight    = 1
	titleGenericWeight = 0.3
	// titleDerivedShare is the share of its weight a word of a title gets
	// from a word formed on it (derivedWord) in an offer's title.
	titleDerivedShare = 0.5
)

// minDerivedStem is the least length, in letters, of a stem that another
// word formed on it holds whole (derivedWord): « magasin » (7) in
// « magasinier », « cuisin » (6) in « cuisinier »; shorter ones are too
// often a mere start (« agent », « aide »).
const minDerivedStem = 6

// derivedWord reports whether one of two stems is formed on the other: it
// starts with the whole of the other, of at least minDerivedStem letters
// (« magasinier » and « magasin »). A trade and its workplace or its
// matter share a title's meaning by half: a « Magasinier cariste » is close
// to a « Chef magasin ». With it, nDCG@10 on the CVs rose from 0.831 to
// 0.833 (the warehouse worker 0.652 → 0.689), on the codes set from 0.795
// to 0.796, the heldout CVs unchanged (offres eval --match, 2026-12-07).
func derivedWord(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	return a != b && utf8.RuneCountInString(a) >= minDerivedStem && strings.HasPrefix(b, a)
}

// titleStems are the stems of the job titles a profile states, those that
// another one of the same head holds left out: « Juriste » beside
// « Juriste marchés publics » says nothing more, and would make every
// « Juriste » offer as close as one of public procurement; « Comptable »
// beside « Aide-comptable » is another job.
func titleStems(titles []string) [][]string {
	var all [][]string
	for _, t := range titles {
		if st := slices.Compact(significant(t)); len(st) > 0 {
			all = append(all, st)
		}
	}
	var out [][]string
	for _, t := range all {
		held := slices.ContainsFunc(all, func(u []string) bool { return within(t, u) && !within(u, t) && titleHead(u) == titleHead(t) })
		if !held && !slices.ContainsFunc(out, func(u []string) bool { return within(t, u) && within(u, t) }) {
			out = append(out, t)
		}
	}
	return out
}

// statesTitle reports whether an offer's job title (jobTitle) is one of the
// job titles a profile states (titleStems), the same words in any order.
func statesTitle(titles [][]string, job string) bool {
	st := slices.Compact(significant(job))
	return len(st) > 0 && slices.ContainsFunc(titles, func(t []string) bool { return within(t, st) && within(st, t) })
}

// titleHead is the head of a job title's stems: its first word that is not
// generic, "" when all are.
func titleHead(stems []string) string {
	for _, s := range stems {
		if !genericTitleWords[s] {
			return s
		}
	}
	return ""
}

// within reports whether every stem of a is in b.
func within(a, b []string) bool {
	return !slices.ContainsFunc(a, func(s string) bool { return !slices.Contains(b, s) })
}

// headWeight is the weight of the head of a job title's stems: at least
// titleHeadWeight, and as much as its complements (the other words that are
// not generic) together. An offer that shares the complements of a title
// but not its head is of another trade, and no closer than one of the same
// trade without them: « Chauffeur poids lourd » shares two words of
// « Mécanicien poids lourds et engins », « Mécanicien monteur » its head,
// which then weighs 3 of 6. With it, nDCG@10 on the CVs rose from 0.830 to
// 0.832 (the developer, « Développeur web full stack », 0.806 → 0.843; the
// mechanic 0.609 → 0.617), the other sets unchanged (offres eval --match,
// 2026-12-07).
func headWeight(stems []string, head string) float64 {
	complements := 0
	for _, s := range stems {
		if s != head && !genericTitleWords[s] {
			complements++
		}
	}
	return max(titleHeadWeight, float64(complements)*titleWordWeight)
}

// titleCloseness is how much of one of a profile's job titles (titleStems)
// an offer's title holds, 0–1: the weighted share of the title's words
// found in the offer's, the best over the profile's titles. Its head word
// weighs most: « Mécanicien monteur » is closer to a « Mécanicien poids
// lourds » than « Chauffeur poids lourd ».
func titleCloseness(titles [][]string, offerTitle string) float64 {
	if len(titles) == 0 {
		return 0
	}
	offer := significant(offerTitle)
	best := 0.0
	for _, t := range titles {
		total, got, head := 0.0, 0.0, titleHead(t)
		for _, s := range t {
			w := float64(titleWordWeight)
			switch {
			case genericTitleWords[s]:
				w = titleGenericWeight
			case s == head:
				w = headWeight(t, head)
			}
			total += w
			switch {
			case slices.Contains(offer, s) || slices.ContainsFunc(wordSynonyms()[s], func(x string) bool { return slices.Contains(offer, x) }):
				got += w
			case !genericTitleWords[s] && slices.ContainsFunc(offer, func(o string) bool { return !genericTitleWords[o] && derivedWord(o, s) }):
				got += w * titleDerivedShare
			}
		}
		best = max(best, got/total)
	}
	return best
}

// wordSynonyms maps the stem of each one-word term of the lexicon's
// two-way synonym groups to the stems of the group's other one-word terms:
// a title that says « paye » says « paie » (the payroll officer's CV and the
// offers of « gestionnaire paie »).
var wordSynonyms = sync.OnceValue(func() map[string][]string {
	out := map[string][]string{}
	for _, g := range lexicon.Synonyms() {
		if g.OneWay() {
			continue
		}
		var one []string
		for _, term := range g.All() {
			if st := significant(term); len(st) == 1 && !slices.Contains(one, st[0]) {
				one = append(one, st[0])
			}
		}
		for _, a := range one {
			for _, b := range one {
				if a != b && !slices.Contains(out[a], b) {
					out[a] = append(out[a], b)
				}
			}
		}
	}
	return out
})
