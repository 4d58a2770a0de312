package indexer

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"offres/internal/offres"
)

// shouting is the share of upper-case letters above which a title is
// rewritten.
const shouting = 0.6

// readableTitle rewrites a title written in capitals in sentence case
// (« MECANICIEN MONTEUR CONFIRME H/F » → « Mecanicien monteur confirme
// H/F »), keeping acronyms, "H/F", words with digits, and the start of each
// part after « - » or « // ». Other titles are returned as they are.
func readableTitle(s string) string {
	if !isShouting(s) {
		return s
	}
	return recase(s, false)
}

// titleCase rewrites a name written in capitals with a capital to each word
// but the small ones (« PROVINCE SUD » → « Province Sud », « DIRECTION DE
// LA DSIN » → « Direction de la DSIN »).
func titleCase(s string) string {
	if !isShouting(s) {
		return s
	}
	return recase(s, true)
}

func isShouting(s string) bool {
	letters, upper := 0, 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			letters++
			if unicode.IsUpper(r) {
				upper++
			}
		}
	}
	return letters >= 4 && float64(upper) >= shouting*float64(letters)
}

// recase lower-cases the words of s that are not acronyms, with a capital
// at the start of each part, or of each word but the small ones.
func recase(s string, everyWord bool) string {
	var b strings.Builder
	b.Grow(len(s))
	capital := true // the next letter starts a part
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsLetter(r) {
			b.WriteRune(r)
			capital = capital || startsPart(s, i)
			i += size
			continue
		}
		j := i
		for j < len(s) {
			r, n := utf8.DecodeRuneInString(s[j:])
			if !unicode.IsLetter(r) {
				break
			}
			j += n
		}
		w := s[i:j]
		capital = capital || everyWord && !smallWords[offres.Fold(w)]
		b.WriteString(caseWord(w, before(s, i), after(s, j), capital))
		capital = false
		i = j
	}
	return b.String()
}

// startsPart reports whether the separator at s[i] starts a new part of a
// title: " - " or "//".
func startsPart(s string, i int) bool {
	return strings.HasPrefix(s[i:], "- ") && i > 0 && s[i-1] == ' ' || strings.HasPrefix(s[i:], "//")
}

func before(s string, i int) rune {
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return r
}

func after(s string, j int) rune {
	r, _ := utf8.DecodeRuneInString(s[j:])
	return r
}

// caseWord writes one run of letters of a shouting title.
func caseWord(w string, prev, next rune, capital bool) string {
	switch {
	case w != strings.ToUpper(w): // already mixed: written with care
		return w
	case keepsCapitals(w, prev, next):
		return w
	case capital:
		r, n := utf8.DecodeRuneInString(w)
		return string(unicode.ToUpper(r)) + strings.ToLower(w[n:])
	}
	return strings.ToLower(w)
}

// keepsCapitals tells acronyms from words: "H/F", "EM3DIV", "RH", "SPIP"
// keep their capitals; "DE", "CHEF", "ADMINISTRATIF" do not.
func keepsCapitals(w string, prev, next rune) bool {
	n := utf8.RuneCountInString(w)
	switch {
	case prev == '/' || next == '/':
		return n == 1 || vowelGroups(w) == 0
	case unicode.IsDigit(prev) || unicode.IsDigit(next):
		return true
	case next == '\'' || next == '’': // "D'", "L'"
		return false
	case n == 1: // "MCO-T" but "UN-E"
		return prev == '-' && vowelGroups(w) == 0
	case prev == '-' && n <= 3 && vowelGroups(w) > 0: // gender ending: "-NE", "-VE"
		return false
	case vowelGroups(w) == 0:
		return true
	}
	return n <= 5 && vowelGroups(w) == 1 && !frenchShortWords[offres.Fold(w)]
}

// vowelGroups counts the runs of vowels of a word.
func vowelGroups(w string) int {
	groups, in := 0, false
	for _, r := range offres.Fold(w) {
		v := strings.ContainsRune("aeiouy", r)
		if v && !in {
			groups++
		}
		in = v
	}
	return groups
}

// smallWords keep their lower case in a name.
var smallWords = map[string]bool{"de": true, "du": true, "des": true, "la": true, "le": true, "les": true,
	"et": true, "en": true, "au": true, "aux": true, "d": true, "l": true, "a": true, "pour": true, "sur": true}

// frenchShortWords are the short words of one vowel group met in job titles,
// which are words rather than acronyms.
var frenchShortWords = map[string]bool{
	"adj": true, "air": true, "an": true, "ans": true, "art": true, "arts": true, "au": true, "aux": true,
	"bain": true, "bains": true, "bas": true, "bien": true, "biens": true, "big": true, "bloc": true,
	"blocs": true, "bois": true, "bord": true, "bus": true, "camp": true, "camps": true, "car": true,
	"cars": true, "cat": true, "ce": true, "ces": true, "cet": true, "chai": true, "champ": true,
	"champs": true, "chaud": true, "chef": true, "chefs": true, "chez": true, "clerc": true, "conf": true,
	"corps": true, "cours": true, "court": true, "dans": true, "de": true, "des": true, "deux": true,
	"dir": true, "dont": true, "droit": true, "droits": true, "du": true, "eau": true, "eaux": true, "en": true,
	"est": true, "et": true, "fe": true, "fer": true, "feu": true, "feux": true, "fils": true, "fin": true,
	"flux": true, "fond": true, "fonds": true, "fort": true, "frais": true, "froid": true, "front": true,
	"gaz": true, "grand": true, "grands": true, "gros": true, "haut": true, "hauts": true, "hors": true,
	"jeu": true, "jeux": true, "jour": true, "jours": true, "la": true, "lait": true, "le": true, "les": true,
	"leur": true, "lit": true, "lits": true, "loi": true, "lois": true, "long": true, "lot": true, "lots": true,
	"main": true, "mains": true, "mat": true, "mer": true, "mois": true, "mon": true, "mot": true, "mots": true,
	"mur": true, "murs": true, "net": true, "neuf": true, "ni": true, "nom": true, "noms": true, "non": true,
	"nord": true, "nuit": true, "nuits": true, "ou": true, "ouest": true, "oui": true, "paie": true,
	"pain": true, "par": true, "parc": true, "parcs": true, "pas": true, "paye": true, "pied": true,
	"pieds": true, "plan": true, "plans": true, "plein": true, "plus": true, "poids": true, "pont": true,
	"ponts": true, "port": true, "ports": true, "pour": true, "pref": true, "prix": true, "puis": true,
	"que": true, "qui": true, "quoi": true, "resp": true, "rue": true, "rues": true, "sa": true, "sain": true,
	"saint": true, "sans": true, "se": true, "sec": true, "sel": true, "ses": true, "soin": true, "soins": true,
	"sol": true, "sols": true, "son": true, "sous": true, "sport": true, "sports": true, "stock": true,
	"stocks": true, "sud": true, "sur": true, "tech": true, "temps": true, "test": true, "tests": true,
	"toit": true, "toits": true, "ton": true, "tour": true, "tours": true, "tous": true, "tout": true,
	"tres": true, "trois": true, "un": true, "vers": true, "vin": true, "vins": true, "voie": true,
	"voies": true, "vol": true, "vols": true, "web": true,
}
