package fulltext

import "bytes"

// lightStem is bleve's light French stemmer (lang/fr, after Savoy and
// Lucene's FrenchLightStemmer) for the folded ASCII terms this package
// feeds it, working in place on bytes: bleve's works on runes and converts
// every suffix it tests to runes, a tenth of the indexing time. On folded
// input the accented rules ("-ième", "-ère", "-ète") never fire, so they are
// left out; TestLightStemMatchesBleve checks that both agree.
func lightStem(s []byte) []byte {
	n := len(s)
	if n > 5 && s[n-1] == 'x' {
		if s[n-3] == 'a' && s[n-2] == 'u' && s[n-4] != 'e' {
			s[n-2] = 'l'
		}
		s = s[:n-1]
		n = len(s)
	}
	if n > 3 && s[n-1] == 'x' {
		s = s[:n-1]
		n = len(s)
	}
	if n > 3 && s[n-1] == 's' {
		s = s[:n-1]
		n = len(s)
	}
	has := func(suffix string) bool { return bytes.HasSuffix(s, []byte(suffix)) }
	switch {
	case n > 9 && has("issement"):
		s = s[:n-6]
		s[len(s)-1] = 'r'
		return norm(s)
	case n > 8 && has("issant"):
		s = s[:n-4]
		s[len(s)-1] = 'r'
		return norm(s)
	case n > 6 && has("ement"):
		s = s[:n-4]
		if len(s) > 3 && bytes.HasSuffix(s, []byte("ive")) {
			s = s[:len(s)-1]
			s[len(s)-1] = 'f'
		}
		return norm(s)
	case n > 11 && has("ficatrice"):
		s = s[:n-5]
		s[len(s)-2], s[len(s)-1] = 'e', 'r'
		return norm(s)
	case n > 10 && has("ficateur"):
		s = s[:n-4]
		s[len(s)-2], s[len(s)-1] = 'e', 'r'
		return norm(s)
	case n > 9 && has("catrice"):
		s = s[:n-3]
		m := len(s)
		s[m-4], s[m-3], s[m-2] = 'q', 'u', 'e'
		return norm(s)
	case n > 8 && has("cateur"):
		s = s[:n-2]
		m := len(s)
		s[m-4], s[m-3], s[m-2], s[m-1] = 'q', 'u', 'e', 'r'
		return norm(s)
	case n > 8 && has("atrice"):
		s = s[:n-4]
		s[len(s)-2], s[len(s)-1] = 'e', 'r'
		return norm(s)
	case n > 7 && has("ateur"):
		s = s[:n-3]
		s[len(s)-2], s[len(s)-1] = 'e', 'r'
		return norm(s)
	}
	if n > 6 && has("trice") {
		s = s[:n-1]
		n = len(s)
		s[n-3], s[n-2], s[n-1] = 'e', 'u', 'r'
	}
	switch {
	case n > 7 && has("teuse"):
		s = s[:n-2]
		s[len(s)-1] = 'r'
		return norm(s)
	case n > 6 && has("teur"):
		s = s[:n-1]
		s[len(s)-1] = 'r'
		return norm(s)
	case n > 5 && has("euse"):
		return norm(s[:n-2])
	case n > 7 && has("ive"):
		s = s[:n-1]
		s[len(s)-1] = 'f'
		return norm(s)
	case n > 4 && (has("folle") || has("molle")):
		s = s[:n-2]
		s[len(s)-1] = 'u'
		return norm(s)
	case n > 9 && has("nnelle"):
		return norm(s[:n-5])
	case n > 9 && has("nnel"):
		return norm(s[:n-3])
	}
	if n > 8 && has("ique") {
		s = s[:n-4]
		n = len(s)
	}
	switch {
	case n > 8 && has("esse"):
		return norm(s[:n-3])
	case n > 7 && has("inage"):
		return norm(s[:n-3])
	case n > 9 && has("isation"):
		s = s[:n-7]
		if len(s) > 5 && bytes.HasSuffix(s, []byte("ual")) {
			s[len(s)-2] = 'e'
		}
		return norm(s)
	case n > 9 && has("isateur"):
		return norm(s[:n-7])
	case n > 8 && has("ation"):
		return norm(s[:n-5])
	case n > 8 && has("ition"):
		return norm(s[:n-5])
	}
	return norm(s)
}

// norm is the final normalisation of the light stemmer: doubled letters
// made single, then "-ie", "-r", "-e", "-e" and a final doubled letter
// removed, on terms of more than 4 letters.
func norm(s []byte) []byte {
	if len(s) <= 4 {
		return s
	}
	w := 1
	for i := 1; i < len(s); i++ {
		if s[i] == s[w-1] && isLetter(s[i]) {
			continue
		}
		s[w] = s[i]
		w++
	}
	s = s[:w]
	if len(s) > 4 && bytes.HasSuffix(s, []byte("ie")) {
		s = s[:len(s)-2]
	}
	if len(s) > 4 {
		if s[len(s)-1] == 'r' {
			s = s[:len(s)-1]
		}
		if s[len(s)-1] == 'e' {
			s = s[:len(s)-1]
		}
		if s[len(s)-1] == 'e' {
			s = s[:len(s)-1]
		}
		if n := len(s); s[n-1] == s[n-2] && isLetter(s[n-1]) {
			s = s[:n-1]
		}
	}
	return s
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func isASCII(s []byte) bool {
	for _, c := range s {
		if c >= 0x80 {
			return false
		}
	}
	return true
}
