// The parser of questions, and the filters it reads.

package assistant

import (
	"slices"

	"offres/internal/offres"
)

type parser struct {
	// intents are all the intents the question's phrases give; asked, the
	// first word of the one that won.
	intents []Intent
	asked   string
	// phrases are each intent's longest phrase found: its words as
	// written, where it starts and its length in tokens.
	phrases  map[Intent]foundPhrase
	toks     []token
	today    offres.Date
	filters  map[string][]string
	shouting bool // no lower-case letter: case tells nothing
}

// foundPhrase is an intent's phrase in a question.
type foundPhrase struct {
	text  string
	at, n int
}

func (p *parser) mark(from, to int, tag string) {
	for i := from; i < to && i < len(p.toks); i++ {
		p.toks[i].tag = tag
	}
}

// backConsume marks the free tokens before i whose keys are in words, at
// most max of them, and returns the index of the first one marked.
func (p *parser) backConsume(i int, words map[string]bool, max int, tag string) int {
	for n := 0; n < max && i > 0; n++ {
		t := p.toks[i-1]
		if !t.free() || !words[t.key] {
			break
		}
		i--
		p.toks[i].tag = tag
	}
	return i
}

func (p *parser) addFilter(facet string, values ...string) {
	for _, v := range values {
		if !slices.Contains(p.filters[facet], v) {
			p.filters[facet] = append(p.filters[facet], v)
		}
	}
}
