package match

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"offres/internal/offres"
)

// word is a word of a text: its folded, lightly stemmed form and where it
// is in the original text.
type word struct {
	stem       string
	start, end int // byte offsets in the original text
}

// words splits text into words (letters and digits), folded (case,
// accents) and lightly stemmed (plural, feminine endings), with their
// offsets in text. Elided articles (l', d') are separate words, dropped as
// too short by the callers that need to.
func words(text string) []word {
	var out []word
	start := -1
	for i, r := range text {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out = append(out, word{stem: stem(text[start:i]), start: start, end: i})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, word{stem: stem(text[start:]), start: start, end: len(text)})
	}
	return out
}

// stem folds a word and cuts the plural and the feminine endings, so that
// « développeuses » and « développeur », « infirmière » and « infirmiers »
// compare equal, and so do « réseaux » and « réseau », « régionaux » and
// « régional ».
func stem(w string) string {
	w = offres.Fold(strings.ToLower(w))
	if utf8.RuneCountInString(w) <= 3 {
		return w
	}
	switch {
	case strings.HasSuffix(w, "eaux"): // « réseaux », « bureaux »: the plural of « -eau »
		w = w[:len(w)-1]
	case strings.HasSuffix(w, "aux") && len(w) > 5:
		w = w[:len(w)-3] + "al"
	case strings.HasSuffix(w, "s") || strings.HasSuffix(w, "x"):
		w = w[:len(w)-1]
	}
	for _, r := range [][2]string{{"euse", "eur"}, {"rice", "eur"}, {"iere", "ier"}, {"enne", "en"}, {"ere", "er"}, {"ive", "if"}, {"ee", "e"}} {
		if strings.HasSuffix(w, r[0]) && len(w) > len(r[0])+2 {
			w = w[:len(w)-len(r[0])] + r[1]
			break
		}
	}
	return strings.TrimSuffix(w, "e")
}

// stopWords are not evidence of anything.
var stopWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`le la les de des du un une et en au aux a d l pour par sur dans avec ou
		ce cette ces son sa ses leur leurs vous nous il elle on qui que quoi dont est sont etre avoir plus tres
		bon bonne capacite sens esprit connaissance maitrise notion gestion niveau poste travail equipe`) {
		stopWords[stem(w)] = true
	}
}

// significant returns the stems of a phrase that carry meaning.
func significant(phrase string) []string {
	var out []string
	for _, w := range words(phrase) {
		if len(w.stem) >= 2 && !stopWords[w.stem] {
			out = append(out, w.stem)
		}
	}
	return out
}

// doc is a text prepared for matching.
type doc struct {
	text  string
	words []word
	index map[string][]int // stem → positions in words
}

func newDoc(text string) *doc {
	d := &doc{text: text, words: words(text), index: map[string][]int{}}
	for i, w := range d.words {
		d.index[w.stem] = append(d.index[w.stem], i)
	}
	return d
}

// phrase finds the stems as consecutive words (allowing one short word
// between them: « chef de projet »), returning the span.
func (d *doc) phrase(stems []string) (start, end int, ok bool) {
	if len(stems) == 0 {
		return 0, 0, false
	}
	for _, i := range d.index[stems[0]] {
		j, k := i, 1
		for k < len(stems) {
			next := j + 1
			if next < len(d.words) && d.words[next].stem != stems[k] && (len(d.words[next].stem) <= 3 || stopWords[d.words[next].stem]) {
				next++
			}
			if next >= len(d.words) || d.words[next].stem != stems[k] {
				break
			}
			j, k = next, k+1
		}
		if k == len(stems) {
			return d.words[i].start, d.words[j].end, true
		}
	}
	return 0, 0, false
}

// has reports whether the stem occurs, and where first.
func (d *doc) has(stem string) (start, end int, ok bool) {
	if is := d.index[stem]; len(is) > 0 {
		return d.words[is[0]].start, d.words[is[0]].end, true
	}
	return 0, 0, false
}

// sentence returns the sentence (or line) of the text around [start, end).
func (d *doc) sentence(start, end int) string {
	s := strings.LastIndexAny(d.text[:start], ".;!?\n")
	e := strings.IndexAny(d.text[end:], ".;!?\n")
	if e < 0 {
		e = len(d.text)
	} else {
		e += end
		if d.text[e] != '\n' {
			e++
		}
	}
	out := strings.TrimSpace(strings.TrimLeft(d.text[s+1:e], "-•* \t"))
	if r := []rune(out); len(r) > 240 {
		return strings.TrimSpace(string(r[:240])) + "…"
	}
	return out
}

// window finds the passage of at most width words holding the most of the
// stems: how many, and its byte span.
func (d *doc) window(stems []string, width int) (found, start, end int) {
	for _, st := range stems {
		for _, i := range d.index[st] {
			lo, hi := i, i
			n := 0
			for _, other := range stems {
				for _, j := range d.index[other] {
					if j >= i-width && j <= i+width {
						n++
						lo, hi = min(lo, j), max(hi, j)
						break
					}
				}
			}
			if n > found {
				found, start, end = n, d.words[lo].start, d.words[hi].end
			}
		}
	}
	return found, start, end
}
