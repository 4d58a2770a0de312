// The job family of a question.

package assistant

import (
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"offres/internal/lexicon"
	"offres/internal/offres"
)

func deplural(k string) string {
	if len(k) > 3 && (strings.HasSuffix(k, "s") || strings.HasSuffix(k, "x")) {
		return k[:len(k)-1]
	}
	return k
}

// familySeeds are the words of each family; the lexicon adds the synonyms of
// any of them (« infirmier » brings « IDE »).
func familySeeds(family string) []string { return words("families.txt", family) }

// minSynonymRunes keeps the lexicon's short acronyms (« AS », « SI ») out of
// the family words: they are ordinary French words too.
const minSynonymRunes = 3

var familyMatcher = sync.OnceValue(func() *matcher[string] {
	m := newMatcher[string](deplural)
	groups := lexicon.Synonyms()
	for _, f := range Families {
		seeds := familySeeds(f)
		m.add(f, seeds...)
		isSeed := make(map[string]bool, len(seeds))
		for _, s := range seeds {
			isSeed[offres.FoldKey(s)] = true
		}
		for _, g := range groups {
			// The targets of a one-way group are broader than its inputs:
			// only the inputs stand for each other.
			terms := g.Terms
			if g.OneWay() {
				terms = g.Input
			}
			if !slices.ContainsFunc(terms, func(t string) bool { return isSeed[offres.FoldKey(t)] }) {
				continue
			}
			for _, t := range terms {
				if utf8.RuneCountInString(t) >= minSynonymRunes {
					m.add(f, t)
				}
			}
		}
	}
	return m
})

// family returns the family with the most words among the free tokens; on
// a tie, the one named first in the question.
func (p *parser) family() string {
	m := familyMatcher()
	count := map[string]int{}
	firstAt := map[string]int{}
	for i := 0; i < len(p.toks); i++ {
		ph, ok := m.at(p.toks, i, nil)
		if !ok {
			continue
		}
		if count[ph.val] == 0 {
			firstAt[ph.val] = i
		}
		count[ph.val]++
		i += len(ph.keys) - 1
	}
	best := ""
	for f, n := range count {
		if best == "" || n > count[best] || (n == count[best] && firstAt[f] < firstAt[best]) {
			best = f
		}
	}
	return best
}
