package offres

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

var foldTable = map[rune]string{
	'à': "a", 'â': "a", 'ä': "a", 'á': "a", 'ã': "a", 'å': "a",
	'ç': "c", 'é': "e", 'è': "e", 'ê': "e", 'ë': "e",
	'î': "i", 'ï': "i", 'í': "i", 'ì': "i",
	'ô': "o", 'ö': "o", 'ó': "o", 'ò': "o", 'õ': "o",
	'ù': "u", 'û': "u", 'ü': "u", 'ú': "u", 'ÿ': "y", 'ñ': "n",
	'œ': "oe", 'æ': "ae", 'ß': "ss",
	'’': "'", 'ʼ': "'", '‘': "'", '´': "'",
}

// Fold lower-cases s and removes French diacritics ("Île-des-Pins" →
// "ile-des-pins", "cœur" → "coeur"); typographic apostrophes become "'".
// It is the one normalisation used for keys, filters and suggestions.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		r = unicode.ToLower(r)
		if f, ok := foldTable[r]; ok {
			b.WriteString(f)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// AppendFoldPrefix appends to dst the first n bytes of Fold(s) (all of it
// when shorter), folding only the runes it needs: what a scan of a long
// text compares with the prefixes of a few terms.
func AppendFoldPrefix(dst []byte, s string, n int) []byte {
	start := len(dst)
	for _, r := range s {
		if len(dst)-start >= n {
			break
		}
		if r < 0x80 {
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			dst = append(dst, byte(r))
			continue
		}
		r = unicode.ToLower(r)
		if f, ok := foldTable[r]; ok {
			dst = append(dst, f...)
			continue
		}
		dst = utf8.AppendRune(dst, r)
	}
	return dst[:min(len(dst), start+n)]
}

// FoldKey folds s and reduces every run of non-letters and non-digits to
// one space, trimmed: "Mont-Dore (Le)" → "mont dore le".
func FoldKey(s string) string {
	f := Fold(s)
	var b strings.Builder
	b.Grow(len(f))
	space := false
	for _, r := range f {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
			continue
		}
		space = true
	}
	return b.String()
}
