// Phrase matching: longest-first matching of word sequences.

package assistant

import (
	"slices"
	"sync"
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
	// firsts are the keys of byFirst in the order they were added: a typo
	// close to two phrases of one length reads as the one added first,
	// whatever the map's order.
	firsts []string
	// typos: a word of a phrase may be misspelt by one letter (fuzzy).
	typos bool
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
		if _, ok := m.byFirst[keys[0]]; !ok {
			m.firsts = append(m.firsts, keys[0])
		}
		list := append(m.byFirst[keys[0]], phrase[T]{keys: keys, val: val})
		slices.SortStableFunc(list, func(a, b phrase[T]) int { return len(b.keys) - len(a.keys) })
		m.byFirst[keys[0]] = list
	}
	return m
}

// at returns the longest phrase that matches free tokens from i on and
// satisfies ok (nil accepts all). A matcher that allows typos takes a phrase
// misspelt by one letter in one of its words when no phrase matches as
// written.
func (m *matcher[T]) at(toks []token, i int, ok func(p phrase[T], i int) bool) (phrase[T], bool) {
	if i >= len(toks) || !toks[i].free() || toks[i].quoted {
		return phrase[T]{}, false
	}
	if p, found := m.match(m.byFirst[m.norm(toks[i].key)], toks, i, ok, false); found || !m.typos {
		return p, found
	}
	var best phrase[T]
	found := false
	for _, first := range m.firsts {
		if !oneTypo(m.norm(toks[i].key), first) && first != m.norm(toks[i].key) {
			continue
		}
		if p, f := m.match(m.byFirst[first], toks, i, ok, true); f && (!found || len(p.keys) > len(best.keys)) {
			best, found = p, true
		}
	}
	return best, found
}

// match returns the first phrase of list (longest first) matching at i; with
// typos, one word of a phrase of several words may be misspelt, and a
// phrase of one word of six letters or more.
func (m *matcher[T]) match(list []phrase[T], toks []token, i int, ok func(p phrase[T], i int) bool, typos bool) (phrase[T], bool) {
next:
	for _, p := range list {
		if i+len(p.keys) > len(toks) {
			continue
		}
		misspelt := 0
		for j, k := range p.keys {
			t := toks[i+j]
			switch key := m.norm(t.key); {
			case !t.free() || t.quoted: // a quoted subject is read as written
				continue next
			case key == k:
			case typos && misspelt == 0 && t.glue != "-" && !notTypos()[key] && oneTypo(key, k):
				misspelt++
			default:
				continue next
			}
		}
		if misspelt > 0 && len(p.keys) == 1 && len(p.keys[0]) < 6 {
			continue
		}
		if ok == nil || ok(p, i) {
			return p, true
		}
	}
	return phrase[T]{}, false
}

// notTypos are words never read as a misspelt phrase word.
var notTypos = sync.OnceValue(func() map[string]bool { return set(words("intents.txt", "not_typos")...) })

// oneTypo reports whether a, of four letters or more, is b with one letter
// added, dropped, replaced or two neighbours swapped.
func oneTypo(a, b string) bool {
	if len(a) < 4 || len(b) < 4 || a == b {
		return false
	}
	switch d := len(a) - len(b); {
	case d == 0:
		diff := -1
		for k := 0; k < len(a); k++ {
			if a[k] != b[k] {
				if diff >= 0 {
					// a second difference: only a swap of neighbours
					return k == diff+1 && a[diff] == b[k] && a[k] == b[diff] && a[k+1:] == b[k+1:]
				}
				diff = k
			}
		}
		return true
	case d == 1:
		return dropsOne(a, b)
	case d == -1:
		return dropsOne(b, a)
	}
	return false
}

// dropsOne reports whether b is long with one letter dropped.
func dropsOne(long, b string) bool {
	k := 0
	for k < len(b) && long[k] == b[k] {
		k++
	}
	return long[k+1:] == b[k:]
}
