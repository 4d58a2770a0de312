// Tokens: the words of a question, with their folded keys.

package assistant

import (
	"strings"
	"unicode"

	"offres/internal/offres"
)

// token is one word of a question. Elided articles are tokens of their own
// (« l'offre » → « l' », « offre »); hyphenated words are split
// (« Mont-Dore » → « Mont », « Dore ») and glued back in the subject.
type token struct {
	orig  string // as written
	lower string // lower case, accents kept: tells « où » from « ou »
	key   string // offres.Fold form without combining marks; elisions end with "'"
	glue  string // what joins it to the previous token: "" (after an elision), "-" or " "
	// suffix: an inclusive-writing ending (« aide-soignant(e) »,
	// « technicien·ne »), dropped from the subject.
	suffix bool
	// quoted: between « and », a subject as written (the standalone form
	// of a follow-up quotes its subject): no phrase, filter or date is
	// read in it.
	quoted bool
	tag    string // what consumed it (a facet name, "intent"), "" while free
}

func (t token) free() bool { return t.tag == "" }

const tagIntent = "intent"

var inclusiveEndings = set("e", "es", "ne", "nes", "ve", "ves", "ere", "eres", "trice", "trices", "euse",
	"euses", "le", "les", "fe", "ice")

var elisions = set("l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu")

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

func isApostrophe(r rune) bool {
	switch r {
	case '\'', '’', 'ʼ', '‘', '´', '`':
		return true
	}
	return false
}

func isHyphen(r rune) bool { return r == '-' || r == '‐' || r == '‑' }

// tokenize splits s into words; every non-word rune separates.
func tokenize(s string) []token {
	runes := []rune(s)
	var toks []token
	prevEnd := 0
	quoted := false
	for i := 0; i < len(runes); {
		if !isWordRune(runes[i]) {
			switch runes[i] {
			case '«':
				quoted = true
			case '»':
				quoted = false
			}
			i++
			continue
		}
		start := i
		elided, inner := false, false
		for i < len(runes) {
			r := runes[i]
			if isWordRune(r) {
				i++
				continue
			}
			if isApostrophe(r) && i > start && i+1 < len(runes) && unicode.IsLetter(runes[i+1]) {
				i++
				if !inner && i-1-start <= len("lorsqu") && elisions[foldKey(string(runes[start:i-1]))] {
					elided = true
					break
				}
				inner = true
				continue // « aujourd'hui », « prud'homme »: one word
			}
			break
		}
		word := string(runes[start:i])
		t := token{orig: word, lower: strings.ToLower(word), key: foldKey(word), glue: " ", quoted: quoted}
		if elided {
			t.key = foldKey(string(runes[start:i-1])) + "'"
		}
		if len(toks) > 0 {
			sep := runes[prevEnd:start]
			switch {
			case len(sep) == 0:
				t.glue = ""
			case len(sep) == 1 && isHyphen(sep[0]):
				t.glue = "-"
			}
			if inclusiveEndings[t.key] && len(sep) > 0 && strings.ContainsAny(string(sep[len(sep)-1]), "(·./") {
				t.suffix = true
			}
		}
		toks = append(toks, t)
		prevEnd = i
	}
	return toks
}

// foldKey is offres.Fold without combining marks (decomposed accents).
func foldKey(s string) string {
	f := offres.Fold(s)
	if !strings.ContainsFunc(f, func(r rune) bool { return unicode.Is(unicode.Mn, r) }) {
		return f
	}
	return strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Mn, r) {
			return -1
		}
		return r
	}, f)
}

func hasLower(s string) bool { return strings.ContainsFunc(s, unicode.IsLower) }

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}
