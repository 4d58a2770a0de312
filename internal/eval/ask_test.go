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
		{ID: "f1", Kind: KindFact, Question: "date limite A", Offer: "A", Facts: []string{"7 mars 2025", "clôturée"}},
		{ID: "f2", Kind: KindFact, Question: "date limite B", Offer: "B", Facts: []string{"1er mai"}},
		{ID: "f3", Kind: KindFact, Question: "lieu C", Offer: "C", Facts: []string{"Nouméa"}},
		{ID: "l1", Kind: KindList, Question: "liste", Offers: []string{"A", "B"}, NotOffers: []string{"Z"}},
		{ID: "l2", Kind: KindList, Question: "liste 2", Offers: []string{"A"}, NotOffers: []string{"Z"}},
		{ID: "r1", Kind: KindRefusal, Question: "boulanger"},
		{ID: "r2", Kind: KindRefusal, Question: "capitale"},
	}
	answers := map[string]AskResult{
		"date limite A": {Answer: "Le 7 mars 2025 [1]. Cette offre est clôturée.", Offers: []string{"A"}},
		"date limite B": {Answer: "Le 2 mai [1].", Offers: []string{"B"}},  // wrong fact
		"lieu C":        {Answer: refusal, Offers: nil},                    // false refusal
		"liste":         {Answer: "A, B", Offers: []string{"A", "B", "C"}}, // exact enough
		"liste 2":       {Answer: "A, Z", Offers: []string{"A", "Z"}},      // lists an excluded one
		"boulanger":     {Answer: refusal},                                 // right
		"capitale":      {Answer: "Canberra [1]", Offers: []string{"A"}},   // invented
	}
	r, err := RunAsk(context.Background(), cases, refusal, func(_ context.Context, q string) (AskResult, error) { return answers[q], nil })
	if err != nil {
		t.Fatal(err)
	}
	want := AskReport{Facts: 3, Lists: 2, Refusals: 2, RetrievalHits: 4, FactsCorrect: 1, ListsCorrect: 1, RefusalsCorrect: 1, FalseRefusals: 1}
	r.Failures, want.Failures = nil, nil
	if r.Facts != want.Facts || r.Lists != want.Lists || r.Refusals != want.Refusals || r.RetrievalHits != want.RetrievalHits ||
		r.FactsCorrect != want.FactsCorrect || r.ListsCorrect != want.ListsCorrect || r.RefusalsCorrect != want.RefusalsCorrect || r.FalseRefusals != want.FalseRefusals {
		t.Errorf("report %+v, want %+v", r, want)
	}
	var b strings.Builder
	if err := r.WriteMarkdown(&b); err != nil || !strings.Contains(b.String(), "| fact accuracy | 0.333 (1/3) |") {
		t.Errorf("markdown:\n%s", b.String())
	}
	_, err = RunAsk(context.Background(), cases, refusal, func(context.Context, string) (AskResult, error) { return AskResult{}, errors.New("down") })
	if err == nil || !strings.Contains(err.Error(), "f1") {
		t.Errorf("error not reported with its case: %v", err)
	}
}

func TestReadAskCases(t *testing.T) {
	good := `[{"id":"a","kind":"fact","question":"q","offer":"X","facts":["f"]},{"id":"b","kind":"refusal","question":"q2"}]`
	cs, err := ReadAskCases("q.json", strings.NewReader(good))
	if err != nil || len(cs) != 2 {
		t.Fatalf("%v %v", cs, err)
	}
	for _, bad := range []string{
		`{`, `[{"id":"a","kind":"fact","question":"q"}]`, `[{"id":"a","kind":"nope","question":"q"}]`,
		`[{"id":"a","kind":"refusal","question":""}]`, `[{"id":"a","kind":"refusal","question":"q"},{"id":"a","kind":"refusal","question":"q"}]`,
		`[{"id":"a","kind":"list","question":"q"}]`, `[{"id":"a","kind":"refusal","question":"q","extra":1}]`,
	} {
		if _, err := ReadAskCases("q.json", strings.NewReader(bad)); !errors.Is(err, offres.ErrInvalid) || !strings.HasPrefix(err.Error(), "q.json") {
			t.Errorf("%s: %v", bad, err)
		}
	}
}
