package eval

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"offres/internal/offres"
)

// Kinds of assistant questions.
const (
	KindFact    = "fact"    // a fact about one offer
	KindList    = "list"    // which offers there are
	KindRefusal = "refusal" // the offers do not answer: the assistant must say so
)

// AskCase is one question of an assistant evaluation set, with what a
// correct answer holds.
type AskCase struct {
	ID       string `json:"id"`
	Kind     string `json:"kind"`
	Question string `json:"question"`
	// Offer is the offer a fact answer must be about; Facts, strings it
	// must contain.
	Offer string   `json:"offer,omitempty"`
	Facts []string `json:"facts,omitempty"`
	// Offers must be listed by a list answer, NotOffers must not.
	Offers    []string `json:"offers,omitempty"`
	NotOffers []string `json:"not_offers,omitempty"`
}

// ReadAskCases reads a JSON array of cases, checking each; errors name the
// file and the case.
func ReadAskCases(name string, r io.Reader) ([]AskCase, error) {
	var cases []AskCase
	dec := json.NewDecoder(bufio.NewReader(r))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cases); err != nil {
		return nil, fmt.Errorf("%s: %v: %w", name, err, offres.ErrInvalid)
	}
	seen := map[string]bool{}
	for i, c := range cases {
		bad := func(format string, args ...any) error {
			return fmt.Errorf("%s: case %d (%q): %s: %w", name, i+1, c.ID, fmt.Sprintf(format, args...), offres.ErrInvalid)
		}
		switch {
		case c.ID == "" || seen[c.ID]:
			return nil, bad("missing or repeated id")
		case strings.TrimSpace(c.Question) == "":
			return nil, bad("no question")
		case c.Kind == KindFact && c.Offer == "":
			return nil, bad("a fact case needs its offer")
		case c.Kind == KindList && len(c.Offers) == 0 && len(c.NotOffers) == 0:
			return nil, bad("a list case needs offers or not_offers")
		case c.Kind != KindFact && c.Kind != KindList && c.Kind != KindRefusal:
			return nil, bad("kind %q is not fact, list or refusal", c.Kind)
		}
		seen[c.ID] = true
	}
	return cases, nil
}

// AskResult is what the assistant answered.
type AskResult struct {
	Answer string
	// Offers are the offers the answer is about, the first cited first.
	Offers []string
}

// AskFunc asks the assistant.
type AskFunc func(ctx context.Context, question string) (AskResult, error)

// AskReport scores an assistant on a question set.
type AskReport struct {
	Facts, Lists, Refusals int
	// RetrievalHits: fact cases whose answer is about the expected offer,
	// and list cases listing every expected offer.
	RetrievalHits int
	// FactsCorrect: fact answers about the expected offer with every fact.
	FactsCorrect int
	// ListsCorrect: list answers with every expected offer and none of the
	// excluded ones.
	ListsCorrect int
	// RefusalsCorrect: refusal cases answered with the refusal (which may
	// name the offer it looked at, as « L'offre … ne précise pas … »).
	RefusalsCorrect int
	// FalseRefusals: fact and list cases answered with the refusal.
	FalseRefusals int
	// Failures describe the cases answered wrong, one line each.
	Failures []string
}

// RunAsk asks every case and scores the answers; refusal is the sentence
// the assistant refuses with.
func RunAsk(ctx context.Context, cases []AskCase, refusal string, ask AskFunc) (AskReport, error) {
	var r AskReport
	for _, c := range cases {
		res, err := ask(ctx, c.Question)
		if err != nil {
			return r, fmt.Errorf("case %s: %w", c.ID, err)
		}
		refused := strings.Contains(res.Answer, refusal)
		fail := func(why string) {
			r.Failures = append(r.Failures, fmt.Sprintf("%s %s: %s — %q", c.ID, c.Kind, why, clipAnswer(res.Answer)))
		}
		switch c.Kind {
		case KindFact:
			r.Facts++
			if refused {
				r.FalseRefusals++
			}
			if len(res.Offers) == 0 || res.Offers[0] != c.Offer {
				fail(fmt.Sprintf("about %v, want %s", res.Offers, c.Offer))
				continue
			}
			r.RetrievalHits++
			var missing []string
			for _, f := range c.Facts {
				if !strings.Contains(res.Answer, f) {
					missing = append(missing, f)
				}
			}
			if len(missing) > 0 {
				fail(fmt.Sprintf("lacks %q", missing))
				continue
			}
			r.FactsCorrect++
		case KindList:
			r.Lists++
			if refused && len(c.Offers) > 0 {
				r.FalseRefusals++
			}
			var missing, extra []string
			for _, id := range c.Offers {
				if !slices.Contains(res.Offers, id) {
					missing = append(missing, id)
				}
			}
			for _, id := range c.NotOffers {
				if slices.Contains(res.Offers, id) {
					extra = append(extra, id)
				}
			}
			if len(missing) == 0 {
				r.RetrievalHits++
			}
			if len(missing) > 0 || len(extra) > 0 {
				fail(fmt.Sprintf("missing %v, wrongly listed %v", missing, extra))
				continue
			}
			r.ListsCorrect++
		case KindRefusal:
			r.Refusals++
			if !refused {
				fail(fmt.Sprintf("no refusal (offers %v)", res.Offers))
				continue
			}
			r.RefusalsCorrect++
		}
	}
	return r, nil
}

func clipAnswer(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if r := []rune(s); len(r) > 120 {
		return string(r[:120]) + "…"
	}
	return s
}

func ratio(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

// WriteMarkdown writes the report as a table, then its failures.
func (r AskReport) WriteMarkdown(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "| measure | result |\n|---|---:|\n")
	fmt.Fprintf(bw, "| questions | %d (%d fact, %d list, %d refusal) |\n", r.Facts+r.Lists+r.Refusals, r.Facts, r.Lists, r.Refusals)
	fmt.Fprintf(bw, "| retrieval hit rate (fact and list) | %.3f (%d/%d) |\n", ratio(r.RetrievalHits, r.Facts+r.Lists), r.RetrievalHits, r.Facts+r.Lists)
	fmt.Fprintf(bw, "| fact accuracy | %.3f (%d/%d) |\n", ratio(r.FactsCorrect, r.Facts), r.FactsCorrect, r.Facts)
	fmt.Fprintf(bw, "| list answers exact | %.3f (%d/%d) |\n", ratio(r.ListsCorrect, r.Lists), r.ListsCorrect, r.Lists)
	fmt.Fprintf(bw, "| correct refusals | %.3f (%d/%d) |\n", ratio(r.RefusalsCorrect, r.Refusals), r.RefusalsCorrect, r.Refusals)
	fmt.Fprintf(bw, "| false refusals | %d |\n", r.FalseRefusals)
	if len(r.Failures) > 0 {
		fmt.Fprintf(bw, "\nwrong answers:\n")
		for _, f := range r.Failures {
			fmt.Fprintf(bw, "- %s\n", f)
		}
	}
	return bw.Flush()
}
