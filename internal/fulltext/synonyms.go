package fulltext

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"

	"offres/internal/lexicon"
)

// Names of the synonym machinery in the index.
const (
	synonymSource     = "offres_synonyms"
	synonymCollection = "lexicon"
	// synonymIDPrefix starts the ids of the synonym definitions, which live
	// among the offers. Offer ids cannot start with a NUL byte (Upsert
	// refuses them).
	synonymIDPrefix = "\x00synonym/"
)

// The synonym lexicon is used in two complementary ways:
//
//   - bleve's synonym support (v2.5+) expands single-word terms at query
//     time: each lexicon group gives bleve a synonym definition of its
//     one-word members (programmeur ↔ développeur ↔ dev). bleve only accepts
//     terms that analyze to exactly one token and drops the others;
//   - a thesaurus, built here from the same groups, does the rest: when the
//     query contains any member of a group that also has multi-word members
//     (IDE ↔ infirmier diplômé d'État, DSIN ↔ direction du système
//     d'information et du numérique), the other members are added as phrase
//     queries on the title, skills and meta fields (see alternativesQuery;
//     phraseQuery works around a bleve bug with phrases and synonyms). It
//     also matches multi-word members in the query, and upper-case
//     acronyms that are French stop words ("AS" for aide-soignant, "SI"
//     for système d'information).
//
// bleve's expansion works term by term: a word of a multi-word query that
// is itself a one-word member is expanded too, and one-word synonyms are
// matched in the body as well as in the other fields, multi-word ones only
// in the short fields.

// member is a lexicon term as the index sees it.
type member struct {
	text string
	// phrase holds the analyzed terms by position, nil where a stop word
	// was, as bleve's phrase queries expect.
	phrase [][]string
	// terms are the analyzed terms without the gaps, to match query terms.
	terms []string
	// source tells whether the member may be expanded: false for the
	// targets of a one-way group.
	source bool
	// target tells whether the member may be an expansion: false for the
	// inputs of a one-way group.
	target bool
}

type group struct {
	members []member
	def     *bleve.SynonymDefinition // nil when bleve has nothing to expand
}

// thesaurus holds the analyzed lexicon.
type thesaurus struct {
	groups []group
	// byFirst indexes the members by their first analyzed term.
	byFirst map[string][]memberRef
	// acronyms indexes the members that analyze to nothing ("AS"), by their
	// text; they match upper-case query words only.
	acronyms map[string][]memberRef
	// version identifies the definitions given to bleve.
	version string
}

type memberRef struct{ group, member int }

// newThesaurus analyzes the groups with the index's analyzer.
func newThesaurus(groups []lexicon.Group, an analysis.Analyzer) *thesaurus {
	th := &thesaurus{
		byFirst:  make(map[string][]memberRef),
		acronyms: make(map[string][]memberRef),
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\n", schemaVersion)
	for _, lg := range groups {
		var g group
		add := func(text string, source, target bool) {
			m := member{text: text, source: source, target: target}
			m.phrase, m.terms = analyzePhrase(an, text)
			for _, o := range g.members {
				if o.text == text || (len(m.terms) > 0 && slices.Equal(o.terms, m.terms)) {
					return // same member for the index
				}
			}
			g.members = append(g.members, m)
		}
		for _, t := range lg.Input {
			add(t, true, false)
		}
		for _, t := range lg.Terms {
			add(t, !lg.OneWay(), true)
		}
		if len(g.members) < 2 {
			continue
		}
		g.def = bleveDefinition(g.members, lg.OneWay())
		gi := len(th.groups)
		th.groups = append(th.groups, g)
		for mi, m := range g.members {
			if !m.source {
				continue
			}
			ref := memberRef{gi, mi}
			switch {
			case len(m.terms) > 0:
				th.byFirst[m.terms[0]] = append(th.byFirst[m.terms[0]], ref)
			case isAcronym(m.text):
				th.acronyms[m.text] = append(th.acronyms[m.text], ref)
			}
		}
		if g.def != nil {
			fmt.Fprintf(h, "%q %q\n", g.def.Input, g.def.Synonyms)
		}
	}
	th.version = hex.EncodeToString(h.Sum(nil)[:8])
	return th
}

// bleveDefinition returns the synonym definition of the one-word members,
// or nil when there are not enough of them to make one.
func bleveDefinition(members []member, oneWay bool) *bleve.SynonymDefinition {
	var input, syns []string
	for _, m := range members {
		if len(m.terms) != 1 || len(m.phrase) != 1 {
			continue
		}
		switch {
		case !oneWay:
			syns = append(syns, m.text)
		case m.source:
			input = append(input, m.text)
		default:
			syns = append(syns, m.text)
		}
	}
	if (oneWay && (len(input) == 0 || len(syns) == 0)) || (!oneWay && len(syns) < 2) {
		return nil
	}
	return &bleve.SynonymDefinition{Input: input, Synonyms: syns}
}

// definitions returns the synonym definitions to index into bleve.
func (th *thesaurus) definitions() []*bleve.SynonymDefinition {
	var defs []*bleve.SynonymDefinition
	for _, g := range th.groups {
		if g.def != nil {
			defs = append(defs, g.def)
		}
	}
	return defs
}

// expansion is a lexicon member found in the query, with the members to
// search for in its place.
type expansion struct {
	self *member // the member found
	alts []*member
	// start and n locate the member among the analyzed query terms; n is 0
	// for an acronym found among the raw words (a stop word once analyzed).
	start, n int
}

// expand finds the lexicon members among the analyzed query terms and the
// raw query words, and returns the alternatives that bleve's own synonym
// expansion does not cover.
func (th *thesaurus) expand(terms []string, words []string) []expansion {
	var out []expansion
	for i, t := range terms {
		for _, ref := range th.byFirst[t] {
			g := &th.groups[ref.group]
			m := &g.members[ref.member]
			n := len(m.terms)
			if i+n > len(terms) || !slices.Equal(terms[i:i+n], m.terms) {
				continue
			}
			// bleve expands a one-word member into the other one-word
			// members; the multi-word ones are left to us.
			alts := g.alternatives(ref.member, n == 1)
			if len(alts) > 0 {
				out = append(out, expansion{self: m, alts: alts, start: i, n: n})
			}
		}
	}
	for _, w := range words {
		for _, ref := range th.acronyms[w] {
			g := &th.groups[ref.group]
			if alts := g.alternatives(ref.member, false); len(alts) > 0 {
				out = append(out, expansion{self: &g.members[ref.member], alts: alts})
			}
		}
	}
	return out
}

// alternatives returns the members that stand for member i, only the
// multi-word ones when multiOnly.
func (g *group) alternatives(i int, multiOnly bool) []*member {
	var alts []*member
	for j := range g.members {
		m := &g.members[j]
		if j == i || !m.target || len(m.terms) == 0 || (multiOnly && len(m.phrase) == 1) {
			continue
		}
		alts = append(alts, m)
	}
	return alts
}

// analyzePhrase returns the analyzed terms of text by position (nil at the
// gaps left by stop words) and without gaps.
func analyzePhrase(an analysis.Analyzer, text string) ([][]string, []string) {
	tokens := an.Analyze([]byte(text))
	if len(tokens) == 0 {
		return nil, nil
	}
	first, last := tokens[0].Position, tokens[0].Position
	for _, tok := range tokens {
		first = min(first, tok.Position)
		last = max(last, tok.Position)
	}
	phrase := make([][]string, last-first+1)
	terms := make([]string, 0, len(tokens))
	for _, tok := range tokens {
		p := tok.Position - first
		phrase[p] = append(phrase[p], string(tok.Term))
		terms = append(terms, string(tok.Term))
	}
	return phrase, terms
}

// isAcronym reports whether s is written in capitals, like "AS" or "SI".
func isAcronym(s string) bool {
	if len(s) < 2 {
		return false
	}
	for _, r := range s {
		if !unicode.IsUpper(r) {
			return false
		}
	}
	return true
}

// queryWords splits text into its words as typed, for the acronym lookup.
func queryWords(text string) []string {
	return strings.FieldsFunc(text, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}
