package rome

import (
	"slices"

	"offres/internal/lexicon"
)

// maxSubstitutions bounds the synonyms derived from one form.
const maxSubstitutions = 32

// lexiconMap holds the synonyms of the curated lexicon (package lexicon) as
// sequences of content stems, by their first stem.
type lexiconMap struct {
	byFirst map[string][]substitution
}

// substitution replaces the words from by each of to.
type substitution struct {
	from []string
	to   [][]string
}

// newLexiconMap reads the lexicon. In an equivalence group each term is
// replaced by every other; in a one-way group « a => c » a form containing
// c gets a synonym with a instead, so that a title « a » finds it.
func newLexiconMap() lexiconMap {
	m := lexiconMap{byFirst: map[string][]substitution{}}
	for _, g := range lexicon.Synonyms() {
		terms := stemsOf(g.Terms)
		if g.OneWay() {
			inputs := stemsOf(g.Input)
			for _, t := range terms {
				m.add(t, inputs)
			}
			continue
		}
		for i, a := range terms {
			others := slices.Concat(terms[:i], terms[i+1:])
			m.add(a, others)
		}
	}
	return m
}

// stemsOf returns the distinct content stem sequences of terms.
func stemsOf(terms []string) [][]string {
	var out [][]string
	for _, term := range terms {
		st := contentStems(term)
		if len(st) > 0 && !slices.ContainsFunc(out, func(o []string) bool { return slices.Equal(o, st) }) {
			out = append(out, st)
		}
	}
	return out
}

func (m lexiconMap) add(from []string, to [][]string) {
	var keep [][]string
	for _, t := range to {
		if !slices.Equal(t, from) {
			keep = append(keep, t)
		}
	}
	if len(keep) > 0 {
		m.byFirst[from[0]] = append(m.byFirst[from[0]], substitution{from, keep})
	}
}

// substitute returns the sequences derived from seq by replacing one
// occurrence of a lexicon term by a synonym.
func (m lexiconMap) substitute(seq []string) [][]string {
	var out [][]string
	for i, s := range seq {
		for _, sub := range m.byFirst[s] {
			if len(seq)-i < len(sub.from) || !slices.Equal(seq[i:i+len(sub.from)], sub.from) {
				continue
			}
			for _, to := range sub.to {
				if len(out) == maxSubstitutions {
					return out
				}
				out = append(out, slices.Concat(seq[:i], to, seq[i+len(sub.from):]))
			}
		}
	}
	return out
}

// abbreviates reports whether a (a one-word stem) is a synonym in the
// lexicon of the first words of stems: « ide » of « infirmier en soins
// généraux ».
func (m lexiconMap) abbreviates(a string, stems []string) bool {
	for _, sub := range m.byFirst[a] {
		if len(sub.from) != 1 {
			continue
		}
		for _, to := range sub.to {
			if len(to) <= len(stems) && slices.Equal(to, stems[:len(to)]) {
				return true
			}
		}
	}
	return false
}
