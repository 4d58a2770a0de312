package eval

import (
	"context"
	"errors"
	"strings"
	"testing"

	"offres/internal/offres"
)

const refusal = "Je ne trouve pas cette information dans les offres."

func TestRunAsk(t *testing.T) {
	cases := []AskCase{
		{ID: "f1", Kind: "deadline", Question: "date limite A", Offer: "A", Facts: []string{"7 mars 2025"}, Closed: true},
		{ID: "f2", Kind: "deadline", Question: "date limite B", Offer: "B", Facts: []string{"1er mai"}, Tags: []string{TagTypo}},
		{ID: "f3", Kind: "place", Question: "lieu C", Offer: "C", Facts: []string{"Nouméa"}},
		{ID: "f4", Kind: "contact", Question: "contact D", Offer: "D", Refuse: true, Absent: []string{"Accueillir le public"}},
		{ID: "f5", Kind: "contact", Question: "contact E", Offer: "E", Refuse: true, Absent: []string{"Accueillir le public"}},
		{ID: "f6", Kind: "salary", Question: "and the pay?", Before: []string{"date limite A"}, Lang: "en", Offer: "A", Facts: []string{"XPF|F CFP"}},
		{ID: "l1", Kind: "list", Question: "liste", Offers: []string{"A", "B"}, NotOffers: []string{"Z"}},
		{ID: "l2", Kind: "list", Question: "liste 2", Offers: []string{"A"}, NotOffers: []string{"Z"}},
		{ID: "r1", Kind: "offtopic", Question: "boulanger", Refuse: true},
		{ID: "r2", Kind: "offtopic", Question: "capitale", Refuse: true},
	}
	answers := map[string]AskResult{
		"date limite A": {Answer: "Le 7 mars 2025 [1]. Cette offre est clôturée.", Offers: []string{"A"}},
		"date limite B": {Answer: "Le 2 mai [1].", Offers: []string{"B"}},                                   // lacks the fact: wrong
		"lieu C":        {Answer: refusal, Offers: nil},                                                     // false refusal
		"contact D":     {Answer: refusal + " L'offre D ne donne pas de contact.", Offers: []string{"D"}},   // proper refusal
		"contact E":     {Answer: "« Accueillir le public à la mairie » [1]", Offers: []string{"E"}},        // a nearby line: wrong, cited
		"and the pay?":  {Answer: "The offer states 230\u00a0000  xpf a month [1].", Offers: []string{"A"}}, // right, spaces of any width
		"liste":         {Answer: "A, B", Offers: []string{"A", "B", "C"}},                                  // exact enough
		"liste 2":       {Answer: "A, Z", Offers: []string{"A", "Z"}},                                       // lists an excluded one
		"boulanger":     {Answer: refusal},                                                                  // right
		"capitale":      {Answer: "Canberra [1]", Offers: []string{"A"}},                                    // invented
	}
	var conversations [][]string
	r, err := RunAsk(context.Background(), cases, []string{refusal, "I cannot find"}, func(_ context.Context, conv []string) (AskResult, error) {
		conversations = append(conversations, conv)
		return answers[conv[len(conv)-1]], nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[Outcome]int{Correct: 3, ProperRefusal: 2, FalseRefusal: 1, Wrong: 1, WrongCited: 3}
	for _, o := range Outcomes {
		if r.Overall.Counts[o] != want[o] {
			t.Errorf("%s: %d, want %d (%v)", o, r.Overall.Counts[o], want[o], r.Failures)
		}
	}
	if r.Overall.Total != 10 || r.Overall.Good() != 5 {
		t.Errorf("overall %+v", r.Overall)
	}
	if got := r.Tally("contact"); got.Counts[ProperRefusal] != 1 || got.Counts[WrongCited] != 1 {
		t.Errorf("contact %+v", got)
	}
	if r.Tally(TagEnglish).Total != 1 || r.Tally(TagFollowUp).Good() != 1 || r.Tally(TagTypo).Counts[Wrong] != 1 {
		t.Errorf("tags %+v", r.ByLabel)
	}
	if len(conversations[5]) != 2 || conversations[5][0] != "date limite A" {
		t.Errorf("the follow-up was asked as %q", conversations[5])
	}
	if r.ByLabel[0].Label != "deadline" || r.ByLabel[len(r.ByLabel)-1].Label != TagFollowUp {
		t.Errorf("labels out of order: %+v", r.ByLabel)
	}
	var b strings.Builder
	if err := r.WriteMarkdown(&b); err != nil || !strings.Contains(b.String(), "| **all** | 10 | 3 | 2 | 1 | 1 | 3 | 50.0 % |") {
		t.Errorf("markdown:\n%s", b.String())
	}
	_, err = RunAsk(context.Background(), cases, []string{refusal}, func(context.Context, []string) (AskResult, error) { return AskResult{}, errors.New("down") })
	if err == nil || !strings.Contains(err.Error(), "f1") {
		t.Errorf("error not reported with its case: %v", err)
	}
}

func TestReadAskCases(t *testing.T) {
	good := `[{"id":"a","kind":"deadline","question":"q","offer":"X","facts":["f"]},{"id":"b","kind":"offtopic","question":"q2","refuse":true},` +
		`{"id":"c","kind":"list","question":"q3","lang":"en","before":["q"],"not_offers":["Y"],"tags":["typo"]}]`
	cs, err := ReadAskCases("q.json", strings.NewReader(good))
	if err != nil || len(cs) != 3 {
		t.Fatalf("%v %v", cs, err)
	}
	for _, bad := range []string{
		`{`, `[{"id":"a","kind":"deadline","question":"q"}]`, `[{"id":"a","kind":"nope","question":"q","refuse":true}]`,
		`[{"id":"a","kind":"offtopic","question":"","refuse":true}]`,
		`[{"id":"a","kind":"offtopic","question":"q","refuse":true},{"id":"a","kind":"offtopic","question":"q","refuse":true}]`,
		`[{"id":"a","kind":"list","question":"q"}]`, `[{"id":"a","kind":"offtopic","question":"q","refuse":true,"extra":1}]`,
		`[{"id":"a","kind":"list","question":"q","refuse":true,"offers":["A"]}]`, `[{"id":"a","kind":"list","question":"q","offers":["A"],"lang":"de"}]`,
		`[{"id":"a","kind":"list","question":"q","offers":["A"],"before":[" "]}]`,
	} {
		if _, err := ReadAskCases("q.json", strings.NewReader(bad)); !errors.Is(err, offres.ErrInvalid) || !strings.HasPrefix(err.Error(), "q.json") {
			t.Errorf("%s: %v", bad, err)
		}
	}
}
