// Phrase matching: longest-first matching of word sequences.

package assistant

import (
	"slices"
)

// phrase is a sequence of token keys with the value it stands for.
type phrase[T any] struct {
	keys []string
	val  T
}

// matcher finds phrases at a position of a token list, longest first.
type matcher[T any] struct {
	norm    func(string) string
	byFirst map[string][]phrase[T]
}

func newMatcher[T any](norm func(string) string) *matcher[T] {
	if norm == nil {
		norm = func(s string) string { return s }
	}
	return &matcher[T]{norm: norm, byFirst: map[string][]phrase[T]{}}
}

// add registers each text (tokenized like a question) for val.
func (m *matcher[T]) add(val T, texts ...string) *matcher[T] {
	for _, text := range texts {
		toks := tokenize(text)
		if len(toks) == 0 {
			continue
		}
		keys := make([]string, len(toks))
		for i, t := range toks {
			keys[i] = m.norm(t.key)
		}
		if slices.ContainsFunc(m.byFirst[keys[0]], func(p phrase[T]) bool { return slices.Equal(p.keys, keys) }) {
			continue // the first value given for a phrase stands
		}
		list := append(m.byFirst[keys[0]], phrase[T]{keys: keys, val: val})
		slices.SortStableFunc(list, func(a, b phrase[T]) int { return len(b.keys) - len(a.keys) })
		m.byFirst[keys[0]] = list
	}
	return m
}

// at returns the longest phrase that matches free tokens from i on and
// satisfies ok (nil accepts all).
func (m *matcher[T]) at(toks []token, i int, ok func(p phrase[T], i int) bool) (phrase[T], bool) {
	if i >= len(toks) || !toks[i].free() {
		return phrase[T]{}, false
	}
next:
	for _, p := range m.byFirst[m.norm(toks[i].key)] {
		if i+len(p.keys) > len(toks) {
			continue
		}
		for j, k := range p.keys {
			if t := toks[i+j]; !t.free() || m.norm(t.key) != k {
				continue next
			}
		}
		if ok == nil || ok(p, i) {
			return p, true
		}
	}
	return phrase[T]{}, false
}
