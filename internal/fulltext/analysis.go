package fulltext

import (
	"bytes"
	"fmt"
	"sync"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/analysis/token/elision"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/stop"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
)

// analyzerName is the name under which the French analyzer is registered
// with bleve. It is stored in the index mapping, so changing the chain means
// bumping schemaVersion.
const analyzerName = "offres_fr"

// elidedArticles are the French words that lose their vowel before another
// vowel: "l'infirmier", "d'État", "qu'il", "jusqu'au". The elision filter
// strips them before ' and ’ alike.
var elidedArticles = []string{"l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "quoiqu", "lorsqu", "puisqu"}

// extraStopWords complete bleve's French stop words with the noise of job
// titles: "(H/F)" is in most of them, and inclusive writing leaves endings
// alone: "aide-soignant(e)", "administratif(ve)", "vendeur(euse)"; and with
// « chez », which bleve's list lacks: « la thèse Cifre chez Safran » is
// about Safran, whose offer never says « chez ».
var extraStopWords = []string{"h", "f", "hf", "e", "ve", "euse", "trice", "chez"}

// newAnalyzer returns the French analysis chain of the text fields:
//
//	":" and "·" made separators (see separatorFilter)
//	→ unicode word tokenizer (UAX #29)
//	→ lower case
//	→ elision of l' d' qu' j' n' s' c' jusqu' lorsqu' puisqu' … (' and ’)
//	→ accent folding (é → e, œ → oe, ç → c …), so "evenement" finds "événement"
//	→ French stop words, themselves folded ("été" → "ete"), and the noise of
//	  job titles ("(H/F)", inclusive endings)
//	→ light French stemming: plurals, feminine and common derivational
//	  endings, with overrides for the few words it would merge with words
//	  of another meaning (see frenchStemFilter)
//
// Folding comes before stemming so that a word typed without its accents
// stems like the accented word; frenchStemFilter makes up for the one rule
// of the light stemmer that needs an accent.
func newAnalyzer() (analysis.Analyzer, error) {
	articles := analysis.NewTokenMap()
	for _, a := range elidedArticles {
		articles.AddToken(a)
	}
	words := analysis.NewTokenMap()
	if err := words.LoadBytes(fr.FrenchStopWords); err != nil {
		return nil, fmt.Errorf("french stop words: %w", err)
	}
	stopWords := analysis.NewTokenMap()
	for w := range words {
		stopWords.AddToken(string(fold([]byte(w))))
	}
	for _, w := range extraStopWords {
		stopWords.AddToken(w)
	}
	return &analysis.DefaultAnalyzer{
		CharFilters: []analysis.CharFilter{separatorFilter{}},
		Tokenizer:   unicode.NewUnicodeTokenizer(),
		TokenFilters: []analysis.TokenFilter{
			lowercase.NewLowerCaseFilter(),
			elision.NewElisionFilter(articles),
			foldFilter{},
			stop.NewStopTokensFilter(stopWords),
			frenchStemFilter{light: fr.NewFrenchLightStemmerFilter()},
		},
	}, nil
}

// registerAnalysis registers the French analyzer with bleve's registry, the
// only way bleve resolves the analyzers named in an index mapping (including
// when it reopens an index from disk). bleve's registry is global, so this
// is the one piece of global state of the package; it is filled on the
// first Open rather than in an init function.
var registerAnalysis = sync.OnceValue(func() error {
	return registry.RegisterAnalyzer(analyzerName, func(map[string]any, *registry.Cache) (analysis.Analyzer, error) {
		return newAnalyzer()
	})
})

// separatorFilter turns the colon and the middle dot into spaces, so that
// "Lieu:Nouméa" or the inclusive "infirmier·ère" make two words, as a reader
// sees them (UAX #29 keeps letters joined by them in one word). The
// replacement has the same length in bytes: the offsets of the tokens stay
// those of the original text.
type separatorFilter struct{}

func (separatorFilter) Filter(input []byte) []byte {
	if bytes.IndexByte(input, ':') < 0 && !bytes.Contains(input, []byte("·")) {
		return input
	}
	out := make([]byte, 0, len(input))
	for len(input) > 0 {
		r, size := utf8.DecodeRune(input)
		if r == ':' || r == '·' {
			out = append(out, "  "[:size]...)
		} else {
			out = append(out, input[:size]...)
		}
		input = input[size:]
	}
	return out
}

// foldFilter removes diacritics from terms. It works on the terms only, so
// the byte offsets of the tokens, used by highlighting, stay those of the
// original text (bleve's ASCII folding is a character filter, which would
// shift them).
type foldFilter struct{}

func (foldFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	for _, tok := range input {
		tok.Term = fold(tok.Term)
	}
	return input
}

// fold returns term without diacritics; ASCII terms are returned as is.
func fold(term []byte) []byte {
	for _, c := range term {
		if c >= utf8.RuneSelf {
			return asciifolding.New().Filter(term)
		}
	}
	return term
}

// frenchStemFilter is the light French stemmer (after Savoy, as in Lucene
// and bleve; see lightStem) applied to folded terms, with two feminine
// endings joined to the masculine first:
//
//   - the stemmer's only accent-dependent rule turns a long "-ère" into "-er"
//     (infirmière → infirmier); on folded input it is replayed here;
//   - "-eure" becomes "-eur" (professeure → professeur, ingénieure →
//     ingénieur), which the light stemmer leaves apart.
type frenchStemFilter struct {
	light analysis.TokenFilter
}

func (f frenchStemFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	var others analysis.TokenStream
	for _, tok := range input {
		if stem, ok := stemOverrides[string(tok.Term)]; ok {
			tok.Term = []byte(stem)
			continue
		}
		tok.Term = feminineToMasculine(tok.Term)
		if isASCII(tok.Term) {
			tok.Term = lightStem(tok.Term)
		} else {
			others = append(others, tok) // letters that do not fold to ASCII
		}
	}
	if len(others) > 0 {
		f.light.Filter(others) // stems the tokens in place
	}
	return input
}

// stemOverrides gives the stem of words that the light stemmer would merge
// with words of another meaning in job offers (as Lucene's
// StemmerOverrideFilter): médecine is not médecin, équipement is not équipe,
// formateur is not formation, routeur is not route.
var stemOverrides = map[string]string{
	"medecine": "medecine", "medecines": "medecine",
	"equipement": "equipement", "equipements": "equipement",
	"formateur": "formateur", "formateurs": "formateur", "formatrice": "formateur", "formatrices": "formateur",
	"routeur": "routeur", "routeurs": "routeur",
}

// feminineToMasculine turns a folded "-ere(s)" into "-er" when the singular
// has more than 8 runes, and "-eure(s)" into "-eur".
func feminineToMasculine(t []byte) []byte {
	s := t
	if bytes.HasSuffix(s, []byte("s")) {
		s = s[:len(s)-1]
	}
	switch {
	case bytes.HasSuffix(s, []byte("eure")) && len(s) > 5,
		bytes.HasSuffix(s, []byte("ere")) && utf8.RuneCount(s) > 8:
		return s[:len(s)-1]
	}
	return t
}
