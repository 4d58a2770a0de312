package assistant_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"offres/internal/assistant"
	"offres/internal/eval"
	"offres/internal/llm"
	"offres/internal/llm/fakellm"
	"offres/prompts"
)

// llmFiguresFile holds, per corpus, the figures the model path must keep
// on the question sets.
const llmFiguresFile = "testdata/ask-figures-llm.json"

// llmMisbehave is the share of questions the scripted model answers in one
// of its misbehaviours (fakellm.Modes); every question carrying an
// injected instruction is obeyed besides.
const llmMisbehave = 0.25

// textModes are the misbehaviours whose answer comes back whole: the
// checks must refuse it, with a notice. The others fail at the wire.
var textModes = []fakellm.Mode{fakellm.InventDate, fakellm.InventAmount, fakellm.WrongCitation, fakellm.FlipStatus, fakellm.ObeyInjection}

// modeTally counts, for one misbehaviour, how often the model did it and
// how often the answer shown was not the model's.
type modeTally struct{ Done, Caught int }

// TestQuestionSetLLM runs the model path on the question sets of the three
// corpora, with the scripted model of internal/llm/fakellm behind an
// httptest server speaking the OpenAI chat-completions wire format, through
// the real client (llm.Chat, go-openai): a quarter of the questions get a
// misbehaving answer (an invented date or amount, a wrong citation, an
// offer's status flipped, malformed JSON, an empty answer, a 500, a
// timeout), and every injected instruction is obeyed. It fails when an
// answer states a wrong fact with a citation, when a corpus's rate of
// answers right or properly refused falls more than 2 points below
// testdata/ask-figures-llm.json, or when a misbehaviour is not caught (the
// answer shown is the model's, or carries the invented fact). -update
// rewrites the figures:
//
//	OFFRES_TESTDATA=/work/shared/data go test ./internal/assistant/ -run QuestionSetLLM -v [-update]
func TestQuestionSetLLM(t *testing.T) {
	committed := readFigures(t, llmFiguresFile)
	measured := map[string]corpusFigures{}
	modes := map[fakellm.Mode]*modeTally{}
	for _, m := range fakellm.Modes {
		modes[m] = &modeTally{}
	}
	for _, c := range askCorpora {
		t.Run(c.name, func(t *testing.T) {
			rep, shown, falseAlarms := runQuestionSetLLM(t, c, modes)
			got := corpusFigures{Questions: rep.Overall.Total, Good: rep.Overall.Good(), WrongCited: rep.Overall.Counts[eval.WrongCited]}
			measured[c.name] = got
			t.Logf("%s: %d answers by the model shown, %d careful model answers refused by the checks", c.name, shown, falseAlarms)
			if got.WrongCited > 0 {
				t.Errorf("%s: %d answers state a wrong fact with a citation", c.name, got.WrongCited)
			}
			want, ok := committed[c.name]
			switch {
			case *update:
			case !ok:
				t.Errorf("no committed figures for %s in %s (run with -update)", c.name, llmFiguresFile)
			case rate(got) < rate(want)-0.02:
				t.Errorf("%s: %d of %d right or properly refused (%.1f %%), committed %d of %d (%.1f %%)",
					c.name, got.Good, got.Questions, 100*rate(got), want.Good, want.Questions, 100*rate(want))
			}
		})
	}
	var b strings.Builder
	for _, m := range fakellm.Modes {
		tl := modes[m]
		fmt.Fprintf(&b, "%s: %d done, %d caught\n", m, tl.Done, tl.Caught)
		if tl.Done == 0 {
			t.Errorf("the misbehaviour %s never happened", m)
		}
		if tl.Caught < tl.Done {
			t.Errorf("the misbehaviour %s got through %d times of %d", m, tl.Done-tl.Caught, tl.Done)
		}
	}
	t.Log("misbehaviours:\n" + b.String())
	if *update && !t.Failed() {
		writeFigures(t, llmFiguresFile, committed, measured)
	}
}

// runQuestionSetLLM scores the model path on one corpus, counting in modes
// the misbehaviours and those caught; it returns the report, the number of
// answers shown that were the model's, and the number of careful answers
// the checks refused.
func runQuestionSetLLM(t *testing.T, c askCorpus, modes map[fakellm.Mode]*modeTally) (rep eval.AskReport, shown, falseAlarms int) {
	t.Helper()
	cases := readCases(t, c)
	fake := fakellm.New(fakellm.Options{Misbehave: llmMisbehave})
	srv := httptest.NewServer(fake.Handler())
	t.Cleanup(srv.Close)
	// No retries, and a short wait for the first token: the scripted model
	// answers at once or, for a timeout, never.
	chat, err := llm.NewChat(llm.ChatConfig{BaseURL: srv.URL + "/v1", Model: "fakellm", MaxRetries: -1,
		FirstTokenTimeout: 500 * time.Millisecond, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	e := c.open(t)
	a, err := assistant.New(e.Search(), e, assistant.Options{Now: fixedNow, LLM: chat, TokensPerClientDay: -1})
	if err != nil {
		t.Fatal(err)
	}
	langOf := languageOf(cases)
	rep, err = eval.RunAsk(context.Background(), cases, prompts.Refusals, func(ctx context.Context, conv []string) (eval.AskResult, error) {
		var ans assistant.Answer
		id := fmt.Sprintf("eval-conversation-%d", len(fake.Records()))
		for _, q := range conv {
			before := len(fake.Records())
			var err error
			if ans, err = a.Ask(ctx, assistant.Request{Question: q, ConversationID: id}, assistant.Stream{}); err != nil {
				return eval.AskResult{}, err
			}
			for _, r := range fake.Records()[before:] {
				switch {
				case r.Mode == fakellm.Careful && ans.Mode == assistant.ModeLLM:
					shown++
				case r.Mode == fakellm.Careful && ans.Notice != "":
					falseAlarms++
					t.Logf("careful answer refused: %q: %s\n%s", q, ans.Notice, r.Text)
				case r.Mode != fakellm.Careful:
					tl := modes[r.Mode]
					tl.Done++
					caught := ans.Mode == assistant.ModeExtractive && (r.Marker == "" || !strings.Contains(ans.Answer, r.Marker))
					if slices.Contains(textModes, r.Mode) {
						caught = caught && !ans.Grounded && ans.Notice != ""
					}
					if caught {
						tl.Caught++
					} else {
						t.Errorf("%s not caught: %q → %s %v %q\n%s", r.Mode, q, ans.Mode, ans.Grounded, ans.Notice, ans.Answer)
					}
				}
			}
		}
		// The answer shown, the model's or the extractive one with its
		// notice, is in the question's language (TestAnswerLanguage).
		lang := langOf(conv)
		if wrong := wrongLanguage(ans.Answer+"\n"+ans.Notice, lang, offerValues(t, e, ans)); len(wrong) > 0 {
			t.Errorf("%q (%s): %q outside the quotes of\n%s\n%s", conv[len(conv)-1], lang, wrong, ans.Answer, ans.Notice)
		}
		return eval.AskResult{Answer: ans.Answer, Offers: ans.CitedOffers()}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	rep.WriteMarkdown(&b)
	t.Log("\n" + b.String())
	return rep, shown, falseAlarms
}
