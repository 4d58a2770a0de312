// Offer references quoted in a question.

package assistant

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

var referenceCues = set("offre", "reference", "ref", "annonce", "numero", "no", "n", "offer", "job", "number")

type field struct {
	start, end int // byte offsets of the core (letters and digits at both ends)
	core       string
}

// fields splits s at white space and trims each field to its first and
// last letter or digit.
func fields(s string) []field {
	var out []field
	i := 0
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			i += n
			continue
		}
		start := i
		for i < len(s) {
			r, n := utf8.DecodeRuneInString(s[i:])
			if unicode.IsSpace(r) {
				break
			}
			i += n
		}
		f := field{start: start, end: i}
		for f.start < f.end {
			r, n := utf8.DecodeRuneInString(s[f.start:])
			if isWordRune(r) {
				break
			}
			f.start += n
		}
		for f.end > f.start {
			r, n := utf8.DecodeLastRuneInString(s[:f.end])
			if isWordRune(r) {
				break
			}
			f.end -= n
		}
		f.core = s[f.start:f.end]
		out = append(out, f)
	}
	return out
}

func maxDigitRun(s string) int {
	best, n := 0, 0
	for _, r := range s {
		if unicode.IsDigit(r) {
			n++
			best = max(best, n)
		} else {
			n = 0
		}
	}
	return best
}

// isCodePrefix reports whether s is an upper-case code that opens a
// reference (« DIE 2026-52 », « CHS-AB 2026/14 »).
func isCodePrefix(s string) bool {
	letters := 0
	for _, r := range s {
		switch {
		case unicode.IsUpper(r):
			letters++
		case r == '-':
		default:
			return false
		}
	}
	k := foldKey(s)
	return letters >= 2 && letters <= 10 && !scaffold[k] && !functionWords[k] && !notCodes[k]
}

var notCodes = set("avant", "apres", "depuis", "jusqu", "des", "offre", "poste")

// findReferences returns the offer references quoted in s, in order, and s
// with every reference blanked out. A reference has a run of three digits
// or more and a "-" or "/" (« PS-2026-0640/DSIN », « VDN/2026/112 »), with
// an upper-case code before it when it has no letter (« DIE 2026-52 »), is
// a code of digits and capitals (« 184NQNL »), or follows « offre »,
// « référence », « n° » (« l'offre n° 4512 »).
func findReferences(s string) ([]string, string) {
	fs := fields(s)
	var refs []string
	var spans [][2]int
	for i, f := range fs {
		c := f.core
		if c == "" || strings.Contains(c, "@") || strings.Contains(c, "://") {
			continue
		}
		hasLetter := strings.ContainsFunc(c, unicode.IsLetter)
		hasSep := strings.ContainsAny(c, "-/")
		start := f.start
		ok := false
		switch {
		case maxDigitRun(c) >= 3 && hasSep && hasLetter:
			ok = true
		case maxDigitRun(c) >= 3 && hasSep && i > 0 && isCodePrefix(fs[i-1].core):
			ok, start = true, fs[i-1].start
		case isCapitalCode(c):
			ok = true
		case i > 0 && strings.ContainsFunc(c, unicode.IsDigit) && utf8.RuneCountInString(c) >= 3 && !isYear(c):
			words := strings.Fields(foldKey(strings.Map(func(r rune) rune {
				if isWordRune(r) {
					return r
				}
				return ' '
			}, fs[i-1].core)))
			ok = len(words) > 0 && referenceCues[words[len(words)-1]]
		}
		if !ok {
			continue
		}
		refs = append(refs, s[start:f.end])
		spans = append(spans, [2]int{start, f.end})
	}
	if len(spans) == 0 {
		return nil, s
	}
	b := []byte(s)
	for _, sp := range spans {
		for j := sp[0]; j < sp[1]; j++ {
			b[j] = ' '
		}
	}
	return refs, string(b)
}

// isCapitalCode reports whether s is a code of 6 to 12 digits and capital
// letters with three digits or more and a letter (« 184NQNL », the France
// Travail ids).
func isCapitalCode(s string) bool {
	if len(s) < 6 || len(s) > 12 {
		return false
	}
	digits, letters := 0, 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r >= 'A' && r <= 'Z':
			letters++
		default:
			return false
		}
	}
	return digits >= 3 && letters >= 1
}

func isYear(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && len(s) == 4 && n >= 1900 && n <= 2200
}
