package assistant

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"offres/internal/offres"
	"offres/prompts"
)

// Citation points from an answer to the passage of an offer it relies on.
type Citation struct {
	N       int    `json:"n"`
	OfferID string `json:"offer_id"`
	Title   string `json:"title"`
	Section string `json:"section"`
	// Quote is the clause of the offer the answer relies on, verbatim.
	Quote string `json:"quote"`
}

// Source is a numbered passage an answer may cite.
type Source struct {
	N       int
	OfferID string
	Title   string
	Section string
	Text    string
	// Status is the offer's deadline status today, in French.
	Status string
}

var (
	citeRE  = regexp.MustCompile(`\[(\d{1,3})\]`)
	quoteRE = regexp.MustCompile(`«\s*([^«»]{3,400}?)\s*»\s*\[(\d{1,3})\]`)
)

// checkCitations verifies an answer written from sources: every [n] must
// name a source; every « quote » followed by [n] must occur in the text of
// that source's offer (offerTexts, by offer id, compared after folding and
// with spaces collapsed); an answer must cite at least one source unless it
// is the refusal. It returns the citations, in order of first mention, each
// with its quote (the quoted clause, or the passage's first sentence).
func checkCitations(answer string, sources []Source, offerTexts map[string]string) ([]Citation, error) {
	byN := make(map[int]Source, len(sources))
	for _, s := range sources {
		byN[s.N] = s
	}
	quotes := map[int]string{}
	for _, m := range quoteRE.FindAllStringSubmatch(answer, -1) {
		n, _ := strconv.Atoi(m[2])
		src, ok := byN[n]
		if !ok {
			return nil, fmt.Errorf("citation [%d] names no passage", n)
		}
		if !containsFolded(offerTexts[src.OfferID], m[1]) {
			return nil, fmt.Errorf("quote « %s » [%d] is not in offer %s", clip(m[1], 60), n, src.OfferID)
		}
		if _, seen := quotes[n]; !seen {
			quotes[n] = m[1]
		}
	}
	var out []Citation
	seen := map[int]bool{}
	for _, m := range citeRE.FindAllStringSubmatch(answer, -1) {
		n, _ := strconv.Atoi(m[1])
		src, ok := byN[n]
		if !ok {
			return nil, fmt.Errorf("citation [%d] names no passage (%d given)", n, len(sources))
		}
		if seen[n] {
			continue
		}
		seen[n] = true
		q := quotes[n]
		if q == "" {
			q = firstSentence(src.Text)
		}
		out = append(out, Citation{N: n, OfferID: src.OfferID, Title: src.Title, Section: src.Section, Quote: q})
	}
	if len(out) == 0 && !strings.Contains(answer, prompts.Refusal) {
		return nil, fmt.Errorf("the answer cites no passage and is not the refusal")
	}
	return out, nil
}

// containsFolded reports whether text contains quote, ignoring case,
// accents, punctuation and spacing differences.
func containsFolded(text, quote string) bool {
	q := normalize(quote)
	return q != "" && strings.Contains(normalize(text), q)
}

func normalize(s string) string {
	s = offres.Fold(strings.ToLower(s))
	var b strings.Builder
	space := true
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
			space = false
		} else if !space {
			b.WriteByte(' ')
			space = true
		}
	}
	return strings.TrimSpace(b.String())
}

// firstSentence returns the first sentence (or line) of text, at most
// about 240 characters.
func firstSentence(text string) string {
	text = strings.TrimSpace(text)
	if i := strings.IndexAny(text, "\n"); i > 0 {
		text = text[:i]
	}
	for i, r := range text {
		if (r == '.' || r == ';' || r == '!' || r == '?') && i > 20 {
			return text[:i+1]
		}
	}
	return clip(text, 240)
}

// clip cuts s to at most n runes, at a space when it can.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n])
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimSpace(cut) + "…"
}

// CitedOffers returns the offers the answer cites, each once, the first
// cited first.
func (a Answer) CitedOffers() []string {
	var ids []string
	for _, c := range a.Citations {
		if !containsString(ids, c.OfferID) {
			ids = append(ids, c.OfferID)
		}
	}
	return ids
}
