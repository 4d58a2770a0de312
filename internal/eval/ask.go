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

// AskKinds are the kinds of assistant questions, what a candidate asks:
// one fact of an offer (deadline … skills), whether it is still open
// (status), a presentation of it (overview), which offers there are (list),
// which of several offers states or offers more (comparison), a question
// wrapped in instructions to the assistant (injection), and a question the
// offers are not about (offtopic).
var AskKinds = []string{
	"deadline", "start_date", "status", "place", "employer", "direction", "contract", "category", "salary",
	"experience", "diploma", "licence", "languages", "hours", "remote", "posts", "residence", "contact",
	"missions", "skills", "conditions", "overview", "list", "comparison", "injection", "offtopic",
}

// Tags of a question, reported beside the kinds: « typo » (a key word
// misspelt or without its accents), « en » (asked in English, Lang "en") and
// « followup » (asked after the questions of Before, in one conversation).
const (
	TagTypo     = "typo"
	TagEnglish  = "en"
	TagFollowUp = "followup"
)

// AskCase is one question of an assistant evaluation set with what a
// correct answer holds. The expectations are checked on the answer's text
// and on the offers it cites, the first cited first:
//
//   - Offer: the offer the answer must be about (its first citation);
//   - Facts: strings the answer must contain, case-insensitively, white
//     space of any width; « a|b » accepts either;
//   - Absent: strings it must not contain (a wrong value, a nearby line
//     that does not answer, an injected instruction);
//   - Offers must all be cited, NotOffers none;
//   - Refuse: the answer must say the offers do not give what is asked
//     (the refusal, which may name the offer it looked at);
//   - Closed: the answer must say the offer is closed or expired.
type AskCase struct {
	ID       string   `json:"id"`
	Kind     string   `json:"kind"`
	Question string   `json:"question"`
	Lang     string   `json:"lang,omitempty"`
	Tags     []string `json:"tags,omitempty"`
	// Before are the questions asked first in the same conversation: the
	// case's question is a follow-up of theirs.
	Before    []string `json:"before,omitempty"`
	Offer     string   `json:"offer,omitempty"`
	Facts     []string `json:"facts,omitempty"`
	Absent    []string `json:"absent,omitempty"`
	Offers    []string `json:"offers,omitempty"`
	NotOffers []string `json:"not_offers,omitempty"`
	Refuse    bool     `json:"refuse,omitempty"`
	Closed    bool     `json:"closed,omitempty"`
}

// labels are the rows a case counts in: its kind, then its tags.
func (c AskCase) labels() []string {
	out := []string{c.Kind}
	if c.Lang == "en" {
		out = append(out, TagEnglish)
	}
	if len(c.Before) > 0 {
		out = append(out, TagFollowUp)
	}
	for _, t := range c.Tags {
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
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
		if why := c.invalid(); why != "" || seen[c.ID] {
			if why == "" {
				why = "repeated id"
			}
			return nil, fmt.Errorf("%s: case %d (%q): %s: %w", name, i+1, c.ID, why, offres.ErrInvalid)
		}
		seen[c.ID] = true
	}
	return cases, nil
}

// invalid says what is wrong with a case, "" when nothing.
func (c AskCase) invalid() string {
	switch {
	case c.ID == "":
		return "missing id"
	case strings.TrimSpace(c.Question) == "":
		return "no question"
	case !slices.Contains(AskKinds, c.Kind):
		return fmt.Sprintf("kind %q is not one of %s", c.Kind, strings.Join(AskKinds, ", "))
	case c.Lang != "" && c.Lang != "fr" && c.Lang != "en":
		return fmt.Sprintf("lang %q is not fr or en", c.Lang)
	case !c.Refuse && c.Offer == "" && len(c.Offers)+len(c.NotOffers)+len(c.Facts) == 0:
		return "nothing to check: refuse, or an offer, offers, not_offers or facts"
	case c.Refuse && len(c.Offers) > 0:
		return "a refusal lists no offers"
	}
	for _, q := range c.Before {
		if strings.TrimSpace(q) == "" {
			return "an empty question before"
		}
	}
	return ""
}

// AskResult is what the assistant answered.
type AskResult struct {
	Answer string
	// Offers are the offers the answer cites, the first cited first.
	Offers []string
}

// AskFunc asks the assistant the questions of one conversation in turn and
// returns the answer to the last.
type AskFunc func(ctx context.Context, conversation []string) (AskResult, error)

// Outcome is how a case was answered.
type Outcome string

// The outcomes. A wrong answer that cites an offer for what it says
// (WrongCited: it names another offer than the one asked about, states a
// value the case rules out, lists an excluded offer, or answers what the
// offers do not say) is the worst kind: it looks grounded.
const (
	Correct       Outcome = "correct"
	ProperRefusal Outcome = "proper_refusal"
	FalseRefusal  Outcome = "false_refusal"
	Wrong         Outcome = "wrong"
	WrongCited    Outcome = "wrong_cited"
)

// Outcomes lists the outcomes in report order.
var Outcomes = []Outcome{Correct, ProperRefusal, FalseRefusal, Wrong, WrongCited}

// Tally counts the outcomes of some cases.
type Tally struct {
	Label  string          `json:"label"`
	Counts map[Outcome]int `json:"counts"`
	Total  int             `json:"total"`
}

// Good is the number of cases answered correctly or refused properly.
func (t Tally) Good() int { return t.Counts[Correct] + t.Counts[ProperRefusal] }

// Rate is Good over Total.
func (t Tally) Rate() float64 { return ratio(t.Good(), t.Total) }

func (t *Tally) add(o Outcome) {
	if t.Counts == nil {
		t.Counts = map[Outcome]int{}
	}
	t.Counts[o]++
	t.Total++
}

// AskReport scores an assistant on a question set.
type AskReport struct {
	Overall Tally
	// ByLabel has a tally per kind (in AskKinds order), then per tag.
	ByLabel []Tally
	// Failures describe the cases not answered well, one line each.
	Failures []string
}

// Tally returns the tally of a kind or tag (zero when no case has it).
func (r AskReport) Tally(label string) Tally {
	for _, t := range r.ByLabel {
		if t.Label == label {
			return t
		}
	}
	return Tally{Label: label}
}

func (r *AskReport) add(c AskCase, o Outcome) {
	r.Overall.add(o)
	for _, l := range c.labels() {
		i := slices.IndexFunc(r.ByLabel, func(t Tally) bool { return t.Label == l })
		if i < 0 {
			r.ByLabel = append(r.ByLabel, Tally{Label: l})
			i = len(r.ByLabel) - 1
		}
		r.ByLabel[i].add(o)
	}
}

// sortLabels puts the kinds first, in AskKinds order, then the tags.
func (r *AskReport) sortLabels() {
	rank := func(l string) int {
		if i := slices.Index(AskKinds, l); i >= 0 {
			return i
		}
		return len(AskKinds) + slices.Index([]string{TagTypo, TagEnglish, TagFollowUp}, l) + 1
	}
	slices.SortStableFunc(r.ByLabel, func(a, b Tally) int { return rank(a.Label) - rank(b.Label) })
}

// RunAsk asks every case and scores the answers; refusals are the sentences
// the assistant refuses with (one per language).
func RunAsk(ctx context.Context, cases []AskCase, refusals []string, ask AskFunc) (AskReport, error) {
	var r AskReport
	for _, c := range cases {
		res, err := ask(ctx, append(slices.Clone(c.Before), c.Question))
		if err != nil {
			return r, fmt.Errorf("case %s: %w", c.ID, err)
		}
		o, why := ScoreAnswer(c, res, refusals)
		r.add(c, o)
		if o != Correct && o != ProperRefusal {
			r.Failures = append(r.Failures, fmt.Sprintf("%s %s %s: %s — %q", c.ID, c.Kind, o, why, clipAnswer(res.Answer)))
		}
	}
	r.sortLabels()
	return r, nil
}

// ScoreAnswer judges one answer: its outcome and, when it is not right, why.
func ScoreAnswer(c AskCase, res AskResult, refusals []string) (Outcome, string) {
	refused := slices.ContainsFunc(refusals, func(s string) bool { return s != "" && strings.Contains(res.Answer, s) })
	cited := len(res.Offers) > 0
	var missing, wrongFacts []string
	if c.Offer != "" && cited && res.Offers[0] != c.Offer {
		wrongFacts = append(wrongFacts, fmt.Sprintf("about %s, want %s", res.Offers[0], c.Offer))
	} else if c.Offer != "" && !cited && !refused {
		missing = append(missing, "no citation of "+c.Offer)
	}
	for _, f := range c.Facts {
		if !containsFact(res.Answer, f) {
			missing = append(missing, fmt.Sprintf("lacks %q", f))
		}
	}
	if c.Closed && !containsFact(res.Answer, "clôturée|expirée|clôturé|expiré|closed|expired") {
		missing = append(missing, "not said closed")
	}
	for _, f := range c.Absent {
		if containsFact(res.Answer, f) {
			wrongFacts = append(wrongFacts, fmt.Sprintf("says %q", f))
		}
	}
	for _, id := range c.Offers {
		if !slices.Contains(res.Offers, id) {
			missing = append(missing, "does not list "+id)
		}
	}
	for _, id := range c.NotOffers {
		if slices.Contains(res.Offers, id) {
			wrongFacts = append(wrongFacts, "lists "+id)
		}
	}
	why := strings.Join(append(wrongFacts, missing...), "; ")
	switch {
	case c.Refuse && !refused:
		if cited {
			return WrongCited, "answers instead of refusing (" + strings.Join(res.Offers, ", ") + ")"
		}
		return Wrong, "answers instead of refusing"
	case len(wrongFacts) > 0 && cited:
		return WrongCited, why
	case len(wrongFacts) > 0:
		return Wrong, why
	case c.Refuse && len(missing) == 0:
		return ProperRefusal, ""
	case len(missing) == 0:
		return Correct, ""
	case refused && !c.Refuse:
		return FalseRefusal, why
	}
	return Wrong, why
}

// containsFact reports whether answer holds one of the alternatives of
// fact (« a|b »), ignoring case and the width of white space.
func containsFact(answer, fact string) bool {
	a := foldSpace(answer)
	for alt := range strings.SplitSeq(fact, "|") {
		if alt = foldSpace(alt); alt != "" && strings.Contains(a, alt) {
			return true
		}
	}
	return false
}

func foldSpace(s string) string {
	return strings.ToLower(strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r == '\n' || r == '\t' || r == '\u00a0' || r == '\u202f'
	}), " "))
}

func clipAnswer(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if r := []rune(s); len(r) > 160 {
		return string(r[:160]) + "…"
	}
	return s
}

func ratio(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

// WriteMarkdown writes the report as a table, a row per kind and tag and
// one for all, then its failures.
func (r AskReport) WriteMarkdown(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "| kind | questions | correct | proper refusal | false refusal | wrong | wrong, cited | correct or proper refusal |\n")
	fmt.Fprintf(bw, "|---|---:|---:|---:|---:|---:|---:|---:|\n")
	row := func(t Tally, bold bool) {
		label := t.Label
		if bold {
			label = "**" + label + "**"
		}
		fmt.Fprintf(bw, "| %s | %d |", label, t.Total)
		for _, o := range Outcomes {
			fmt.Fprintf(bw, " %d |", t.Counts[o])
		}
		fmt.Fprintf(bw, " %.1f %% |\n", 100*t.Rate())
	}
	for _, t := range r.ByLabel {
		row(t, false)
	}
	all := r.Overall
	all.Label = "all"
	row(all, true)
	if len(r.Failures) > 0 {
		fmt.Fprintf(bw, "\nnot answered well:\n")
		for _, f := range r.Failures {
			fmt.Fprintf(bw, "- %s\n", f)
		}
	}
	return bw.Flush()
}
