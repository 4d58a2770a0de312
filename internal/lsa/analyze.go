package lsa

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"offres/internal/offres"
)

// The analysis is part of the model's format: a change to the stop words,
// the stemmer, the n-grams or the hashing changes the features of a text,
// so it must come with a new formatVersion.

// stopWords are French function words, folded (no accents). Words of one
// letter are dropped anyway.
var stopWords = map[string]bool{
	"au": true, "aux": true, "avec": true, "ce": true, "ces": true, "cet": true, "cette": true, "dans": true,
	"de": true, "des": true, "du": true, "elle": true, "elles": true, "en": true, "et": true, "est": true,
	"etre": true, "eu": true, "il": true, "ils": true, "je": true, "la": true, "le": true, "les": true,
	"leur": true, "leurs": true, "lui": true, "ma": true, "mais": true, "me": true, "mes": true, "mon": true,
	"ne": true, "ni": true, "nos": true, "notre": true, "nous": true, "on": true, "ou": true, "par": true,
	"pas": true, "pour": true, "qu": true, "que": true, "qui": true, "sa": true, "se": true, "ses": true,
	"son": true, "sont": true, "sur": true, "ta": true, "te": true, "tes": true, "ton": true, "tu": true,
	"un": true, "une": true, "vos": true, "votre": true, "vous": true, "dont": true, "ainsi": true,
	"etc": true, "tout": true, "tous": true, "toute": true, "toutes": true, "avez": true, "avoir": true,
	"etes": true, "sera": true, "seront": true, "ete": true, "si": true, "aussi": true, "tres": true,
	"plus": true, "moins": true, "afin": true, "lors": true, "chez": true, "entre": true, "sous": true,
}

// words calls fn with each word of text: folded with offres.Fold, split at
// every character that is neither a letter nor a digit (apostrophes and
// hyphens included), without words of one character, stop words and words
// without a letter (numbers, hours, dates).
func words(text string, fn func(w string)) {
	text = offres.Fold(text)
	start := -1
	letter := false
	flush := func(end int) {
		if start < 0 {
			return
		}
		w := text[start:end]
		start = -1
		if !letter || utf8.RuneCountInString(w) < 2 || stopWords[w] {
			return
		}
		fn(w)
	}
	for i, r := range text {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if start < 0 {
				start, letter = i, false
			}
			letter = letter || unicode.IsLetter(r)
			continue
		}
		flush(i)
	}
	flush(len(text))
}

// suffixRules map the feminine and some derived endings to one form, in
// order: the first rule that applies wins. Each needs a word of at least
// minLen bytes, so that short words are left alone ("vente" is not "vent").
var suffixRules = []struct {
	from, to string
	minLen   int
}{
	{"euse", "eur", 6}, // vendeuse → vendeur
	{"rice", "eur", 7}, // conductrice → conducteur, ambassadrice → ambassadeur
	{"iere", "ier", 6}, // infirmiere → infirmier
	{"enne", "en", 6},  // technicienne → technicien
	{"onne", "on", 6},  // patronne → patron
	{"ere", "er", 6},   // boulangere → boulanger
	{"ive", "if", 5},   // sportive → sportif
	{"ee", "e", 5},     // employee → employe
	{"ante", "ant", 6}, // polyvalente, commercante → commercant
	{"ente", "ent", 6}, // agente → agent
}

// stem is a light French stemmer over a folded word: it strips the plural
// (-s, -x, -aux → -al, -eaux → -eau) then maps feminine endings to the
// masculine (-euse → -eur, -rice → -eur, -ière → -ier, -enne → -en…). It
// conflates inflections, not derivations: "gestion" and "gestionnaire" stay
// apart; the character n-grams bring those close.
func stem(w string) string {
	if len(w) <= 3 {
		return w
	}
	switch {
	case strings.HasSuffix(w, "eaux"):
		w = w[:len(w)-1]
	case strings.HasSuffix(w, "aux") && len(w) >= 5:
		w = w[:len(w)-3] + "al"
	case strings.HasSuffix(w, "ss"):
	case strings.HasSuffix(w, "s") || strings.HasSuffix(w, "x"):
		w = w[:len(w)-1]
	}
	for _, r := range suffixRules {
		if len(w) >= r.minLen && strings.HasSuffix(w, r.from) {
			return w[:len(w)-len(r.from)] + r.to
		}
	}
	return w
}

// FNV-1a, 32 bits.
const (
	fnvOffset = 2166136261
	fnvPrime  = 16777619
)

// The low bit of a feature id tells words from n-grams: both are hashed in
// their own namespace, then the bit is forced.
const (
	kindWord  = 0
	kindNgram = 1
)

func hashString(ns byte, s string) uint32 {
	h := uint32(fnvOffset)
	h = (h ^ uint32(ns)) * fnvPrime
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * fnvPrime
	}
	return h
}

func wordID(stem string) uint32 { return hashString('w', stem)&^1 | kindWord }

// analyzer turns a text into feature counts.
type analyzer struct {
	ngramMin, ngramMax int
}

// features appends the features of text to dst, one per occurrence: one
// per stemmed word, and the character n-grams (ngramMin to ngramMax runes)
// of each stem written between the boundary markers "<" and ">" — a stem
// shorter than ngramMin with its markers gives itself as one n-gram.
func (a analyzer) features(text string, dst []uint32) []uint32 {
	var marked []rune
	words(text, func(w string) {
		s := stem(w)
		dst = append(dst, wordID(s))
		if a.ngramMax <= 0 {
			return
		}
		marked = append(marked[:0], '<')
		for _, r := range s {
			marked = append(marked, r)
		}
		marked = append(marked, '>')
		if len(marked) < a.ngramMin {
			dst = append(dst, ngramID(marked))
			return
		}
		for n := a.ngramMin; n <= a.ngramMax && n <= len(marked); n++ {
			for i := 0; i+n <= len(marked); i++ {
				dst = append(dst, ngramID(marked[i:i+n]))
			}
		}
	})
	return dst
}

func ngramID(g []rune) uint32 {
	h := uint32(fnvOffset)
	h = (h ^ 'g') * fnvPrime
	var buf [utf8.UTFMax]byte
	for _, r := range g {
		n := utf8.EncodeRune(buf[:], r)
		for _, b := range buf[:n] {
			h = (h ^ uint32(b)) * fnvPrime
		}
	}
	return h&^1 | kindNgram
}

// termCount is a feature and how many times a text has it.
type termCount struct {
	id uint32
	tf int32
}

// sortedCounts sorts the feature occurrences ids (in place) and appends to
// dst each feature once with its count, ordered by feature id, so that every
// later sum runs in the same order. Sorting the occurrences is about twice
// as fast as counting them in a map and sorting the map's entries (the
// analysis of an import's passages: measured with BenchmarkEmbed).
func sortedCounts(ids []uint32, dst []termCount) []termCount {
	slices.Sort(ids)
	for i := 0; i < len(ids); {
		j := i + 1
		for j < len(ids) && ids[j] == ids[i] {
			j++
		}
		dst = append(dst, termCount{ids[i], int32(j - i)})
		i = j
	}
	return dst
}
