package assistant_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"offres/internal/assistant"
	"offres/internal/eval"
	"offres/prompts"
)

// TestQuestionSet scores the extractive assistant on the question set of
// testdata/questions.json (52 questions over the demo corpus, today
// 2026-11-28) and fails when it falls below the figures of the README
// (every answer right at the time of writing), so that a regression shows:
//
//	go test ./internal/assistant/ -run QuestionSet -v
func TestQuestionSet(t *testing.T) {
	f, err := os.Open("testdata/questions.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cases, err := eval.ReadAskCases("testdata/questions.json", f)
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 40 {
		t.Fatalf("%d questions, want at least 40", len(cases))
	}
	a := newAssistant(t, openDemo(t), nil)
	rep, err := eval.RunAsk(context.Background(), cases, prompts.Refusal, func(ctx context.Context, q string) (eval.AskResult, error) {
		ans, err := a.Ask(ctx, assistant.Request{Question: q}, assistant.Stream{})
		if err != nil {
			return eval.AskResult{}, err
		}
		res := eval.AskResult{Answer: ans.Answer}
		for _, c := range ans.Citations {
			if !slices.Contains(res.Offers, c.OfferID) {
				res.Offers = append(res.Offers, c.OfferID)
			}
		}
		return res, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	rep.WriteMarkdown(&b)
	t.Log("\n" + b.String())
	if rep.FactsCorrect < rep.Facts || rep.ListsCorrect < rep.Lists || rep.RefusalsCorrect < rep.Refusals || rep.FalseRefusals > 0 {
		t.Errorf("the assistant answers %d of %d fact, %d of %d list and %d of %d refusal questions right, with %d false refusals",
			rep.FactsCorrect, rep.Facts, rep.ListsCorrect, rep.Lists, rep.RefusalsCorrect, rep.Refusals, rep.FalseRefusals)
	}
}
