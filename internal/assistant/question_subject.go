// The subject of a question: what to search for.

package assistant

import (
	"strings"
)

// scaffold words are never part of a subject: question words, auxiliaries,
// pronouns, politeness, the words for « offer » and « job ». They split the
// subject; function words (functionWords) are only trimmed from its ends.
var scaffold = set(words("subject.txt", "scaffold")...)

var functionWords = set(words("subject.txt", "function")...)

// invertedSubjects are the pronouns of an inverted question (« où est-il
// basé ? », « est-elle ouverte ? »): the word after them is a predicate, not
// a subject.
var invertedSubjects = set("il", "elle", "ils", "elles", "on")

// runs returns the runs of free tokens that are not scaffolding, each run
// trimmed of function words at its ends: joined, they are the subject.
func (p *parser) runs() []string {
	var parts []string
	var run []token
	flush := func() {
		for len(run) > 0 && functionWords[run[0].key] {
			run = run[1:]
		}
		for len(run) > 0 && functionWords[run[len(run)-1].key] {
			run = run[:len(run)-1]
		}
		if len(run) > 0 {
			parts = append(parts, joinTokens(run))
		}
		run = run[:0]
	}
	for i, t := range p.toks {
		if t.suffix && t.free() {
			continue
		}
		predicate := i > 0 && invertedSubjects[p.toks[i-1].key] && p.toks[i-1].glue == "-" && !functionWords[t.key]
		if !t.free() || scaffold[t.key] || predicate {
			flush()
			continue
		}
		run = append(run, t)
	}
	flush()
	return parts
}

// joinTokens writes tokens back as they were written, each joined to the
// previous one by its glue.
func joinTokens(toks []token) string {
	var b strings.Builder
	for i, t := range toks {
		if i > 0 {
			b.WriteString(t.glue)
		}
		b.WriteString(t.orig)
	}
	return b.String()
}
