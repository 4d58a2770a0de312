package rome

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"offres/internal/offres"
)

// token is a word of a text.
type token struct {
	start, end int    // byte offsets of the word in the text
	stem       string // folded and stemmed
	stop       bool   // a stop word, or a single character but a capital letter
	punct      bool   // a weak punctuation mark: , / & : . or a dash
	brk        bool   // strong punctuation between the previous word and this one
	upper      bool   // written in capitals, two letters or more
}

// tokenize appends the words of s to dst. A word is a run of letters and
// digits; apostrophes and hyphens between letters separate words without a
// break (« d'études » is « d » « études », « aide-soignant » two words), and
// so does white space. The weak punctuation marks « , / & : », a dash
// between spaces and a dot inside a word (« Node.js ») are tokens of their
// own (punct), whose stem is the mark (« - » for every dash). Any other
// character is a break, and so is a line end unless the next line goes on
// with a lower-case word (a wrapped sentence).
func tokenize(s string, dst []token) []token {
	brk := false     // a break since the last token
	newline := false // a line end since the last token
	prevWord := false
	punct := func(i, size int, mark string) {
		dst = append(dst, token{start: i, end: i + size, stem: mark, punct: true, brk: brk || newline})
		brk, newline = false, false
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if isWordRune(r) {
			start := i
			upper, letters := true, 0
			for i < len(s) {
				r, size = utf8.DecodeRuneInString(s[i:])
				if r == '&' && i+1 < len(s) && isWordRune(firstRune(s[i+1:])) {
					i++ // « R&D », « AT&T »: one word
					continue
				}
				if r == '+' || r == '#' {
					i++ // « C++ », « C# », « Bac+2 »: one word
					continue
				}
				if !isWordRune(r) {
					break
				}
				switch {
				case 'a' <= r && r <= 'z':
					letters++
					upper = false
				case 'A' <= r && r <= 'Z':
					letters++
				case r >= utf8.RuneSelf && unicode.IsLetter(r):
					letters++
					upper = upper && unicode.IsUpper(r)
				}
				i += size
			}
			if newline && !unicode.IsLower(firstRune(s[start:i])) {
				brk = true
			}
			w := foldWord(s[start:i])
			stop := stopWords[w]
			if utf8.RuneCountInString(w) < 2 {
				// A single character is a stop word (« l' », « d' », « à »),
				// unless it is a capital that is not elided (« permis B »).
				stop = !(letters == 1 && upper && (i == len(s) || !isSoftJoiner(firstRune(s[i:]))))
			}
			dst = append(dst, token{
				start: start, end: i,
				stem:  stem(w),
				stop:  stop,
				brk:   brk,
				upper: upper && letters >= 2,
			})
			brk, newline, prevWord = false, false, true
			continue
		}
		next, _ := utf8.DecodeRuneInString(s[i+size:])
		between := prevWord && isWordRune(next) // no space on either side
		switch {
		case r == '\n' || r == '\r' || r == '\v' || r == '\f' || r == '\u2028' || r == '\u2029':
			newline = true
		case unicode.IsSpace(r):
		case isSoftJoiner(r) && between:
			// « aide-soignant », « l'eau »
		case r == '-' || r == '–' || r == '—' || r == '‐' || r == '‑':
			if unicode.IsSpace(next) && !newline {
				punct(i, size, "-")
			} else {
				brk = true // a bullet, « -IADE- »
			}
		case r == ',' || r == '/' || r == '&' || r == ':':
			punct(i, size, string(r))
		case r == '.' && between:
			punct(i, size, ".")
		default:
			brk = true
		}
		prevWord = false
		i += size
	}
	return dst
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// isSoftJoiner reports whether r is an apostrophe or a hyphen.
func isSoftJoiner(r rune) bool {
	switch r {
	case '\'', '’', 'ʼ', '‘', '´', '-', '‐', '‑':
		return true
	}
	return false
}

// foldWord lower-cases w and removes its diacritics, as offres.Fold does.
func foldWord(w string) string {
	ascii, lower := true, true
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
		if 'A' <= c && c <= 'Z' {
			lower = false
		}
	}
	if ascii {
		if lower {
			return w
		}
		return strings.ToLower(w)
	}
	f := offres.Fold(w)
	if strings.IndexFunc(f, func(r rune) bool { return unicode.Is(unicode.Mn, r) }) >= 0 {
		f = strings.Map(func(r rune) rune {
			if unicode.Is(unicode.Mn, r) {
				return -1
			}
			return r
		}, f)
	}
	return f
}

// stopWords are the folded French function words ignored when matching.
// Every single character is a stop word too (elided « l' », « d' »,
// « à »), but a capital letter that is not elided (« permis B »).
var stopWords = wordSet(`au aux avec ce ces cet cette chez dans de des du elle elles en et eux
	il ils je la le les leur leurs lui ma mais me mes moi mon ne nos notre nous on ou par pas pour qu que
	qui sa se ses sur ta te tes toi ton tu un une vos votre vous jusqu lorsqu puisqu quelqu etc`)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// feminine maps feminine endings to the masculine ones, longest first.
var feminine = []struct{ from, to string }{
	{"trice", "teur"}, {"ienne", "ien"}, {"euse", "eur"}, {"iere", "ier"}, {"esse", "e"},
	{"onne", "on"}, {"elle", "el"}, {"ette", "et"}, {"ere", "er"}, {"ive", "if"}, {"ffe", "f"},
}

// stem reduces a folded word to a light stem shared by its singular and
// plural, its masculine and feminine forms, and the infinitive and past
// participle of a verb of the first group: « infirmières », « infirmier »
// → « infirmi »; « chargée », « chargé », « charge » → « charg »;
// « réaliser », « réalisé », « réalisation » → « realis »; « sociaux »,
// « sociale » → « social ». It is not a linguistic stemmer: both sides of a comparison
// go through it, and a few unrelated words collide.
func stem(w string) string {
	if len(w) <= 3 || strings.ContainsFunc(w, unicode.IsDigit) {
		return w
	}
	n := len(w)
	switch {
	case n > 4 && strings.HasSuffix(w, "aux"):
		w = w[:n-3] + "al"
	case (w[n-1] == 's' || w[n-1] == 'x') && w[n-2] != 's':
		w = w[:n-1]
	}
	for _, f := range feminine {
		if len(w)-len(f.from) >= 2 && strings.HasSuffix(w, f.from) {
			w = w[:len(w)-len(f.from)] + f.to
			break
		}
	}
	for i := 0; i < 2 && len(w) > 3 && w[len(w)-1] == 'e'; i++ {
		w = w[:len(w)-1]
	}
	if len(w) > 5 && strings.HasSuffix(w, "er") {
		w = w[:len(w)-2]
	}
	for _, suffix := range nominal {
		if len(w)-len(suffix) >= 4 && strings.HasSuffix(w, suffix) {
			return w[:len(w)-len(suffix)]
		}
	}
	return w
}

// nominal are the endings (after the final e is dropped) of nouns made from
// verbs, removed so that « réalisation », « surveillance », « nettoyage »,
// « développement » meet « réaliser », « surveiller », « nettoyer »,
// « développer » in the verb phrases of the competences.
var nominal = []string{"ation", "ement", "anc", "ag"}

// contentStems returns the stems of the words of s that are not stop words.
func contentStems(s string) []string {
	var out []string
	for _, t := range tokenize(s, nil) {
		if !t.stop && !t.punct {
			out = append(out, t.stem)
		}
	}
	return out
}

// vocabulary numbers the stems of the indexes; 0 is no stem.
type vocabulary struct {
	ids map[string]uint32
}

func newVocabulary() vocabulary { return vocabulary{ids: map[string]uint32{}} }

// intern returns the id of stem, adding it if needed.
func (v *vocabulary) intern(stem string) uint32 {
	if id, ok := v.ids[stem]; ok {
		return id
	}
	id := uint32(len(v.ids) + 1)
	v.ids[stem] = id
	return id
}

// id returns the id of stem, or 0 if no index has it.
func (v *vocabulary) id(stem string) uint32 { return v.ids[stem] }

func (v *vocabulary) size() int { return len(v.ids) + 1 }
