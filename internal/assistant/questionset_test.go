package assistant_test

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"offres/internal/engine"
	"offres/internal/eval"
	"offres/internal/shareddata"
	"offres/prompts"
)

var update = flag.Bool("update", false, "rewrite the committed question-set figures ("+figuresFile+")")

// figuresFile holds, per corpus, the figures the question set must keep.
const figuresFile = "testdata/ask-figures.json"

// corpusFigures are the committed figures of one corpus.
type corpusFigures struct {
	Questions int `json:"questions"`
	// Good: answered correctly or refused properly.
	Good       int `json:"good"`
	WrongCited int `json:"wrong_cited"`
}

// askCorpus is a corpus of offers with its question set.
type askCorpus struct {
	name, questions string
	open            func(t *testing.T) *engine.Engine
}

var askCorpora = []askCorpus{
	{"demo", "testdata/questions.json", openDemo},
	{"nc", "testdata/questions-nc.json", openNC},
	{"shared", "testdata/questions-shared.json", openShared},
}

// openNC returns an engine holding the New Caledonian postings written for
// the question set, in the Province Sud's text format (testdata/nc).
func openNC(t *testing.T) *engine.Engine {
	t.Helper()
	names, err := filepath.Glob("testdata/nc/*.txt")
	if err != nil || len(names) < 10 {
		t.Fatalf("testdata/nc: %d postings, %v", len(names), err)
	}
	return openFiles(t, names...)
}

// openShared returns an engine holding the shared France Travail offers
// (2024) and Place de l'emploi public offers (2021), skipped without the
// shared data.
func openShared(t *testing.T) *engine.Engine {
	t.Helper()
	return openFiles(t, shareddata.Path(t, "offers", "france-travail-2024.json"),
		shareddata.Path(t, "offers", "place-emploi-public-2021.csv"))
}

// openFiles returns an engine holding the offers of the files.
func openFiles(t *testing.T, names ...string) *engine.Engine {
	t.Helper()
	ctx := context.Background()
	e, err := engine.Open(ctx, engine.Options{Dir: t.TempDir(), Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	for _, name := range names {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		_, rejected, err := e.Import(ctx, filepath.Base(name), f)
		f.Close()
		if err != nil || len(rejected) > 0 {
			t.Fatalf("import %s: %v, %d rejected", name, err, len(rejected))
		}
	}
	return e
}

// TestQuestionSet scores the extractive assistant on the question sets of
// the three corpora (the demo, the New Caledonian postings of testdata/nc,
// the shared France Travail offers), today 2026-11-28, and fails when a
// corpus's rate of answers right or properly refused falls more than 2
// points below the figure of testdata/ask-figures.json, or when more answers
// state a wrong fact with a citation. -update rewrites the figures:
//
//	go test ./internal/assistant/ -run QuestionSet -v [-update]
func TestQuestionSet(t *testing.T) {
	committed := readFigures(t, figuresFile)
	measured := map[string]corpusFigures{}
	for _, c := range askCorpora {
		t.Run(c.name, func(t *testing.T) {
			rep := runQuestionSet(t, c)
			got := corpusFigures{Questions: rep.Overall.Total, Good: rep.Overall.Good(), WrongCited: rep.Overall.Counts[eval.WrongCited]}
			measured[c.name] = got
			want, ok := committed[c.name]
			switch {
			case *update:
			case !ok:
				t.Errorf("no committed figures for %s in %s (run with -update)", c.name, figuresFile)
			case rate(got) < rate(want)-0.02:
				t.Errorf("%s: %d of %d right or properly refused (%.1f %%), committed %d of %d (%.1f %%)",
					c.name, got.Good, got.Questions, 100*rate(got), want.Good, want.Questions, 100*rate(want))
			case got.WrongCited > want.WrongCited:
				t.Errorf("%s: %d wrong answers with a citation, committed %d", c.name, got.WrongCited, want.WrongCited)
			}
		})
	}
	if *update && !t.Failed() {
		writeFigures(t, figuresFile, committed, measured)
	}
}

// readFigures reads the committed figures of file, none when it is absent.
func readFigures(t *testing.T, file string) map[string]corpusFigures {
	t.Helper()
	committed := map[string]corpusFigures{}
	if b, err := os.ReadFile(file); err == nil {
		if err := json.Unmarshal(b, &committed); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
	}
	return committed
}

// writeFigures writes the measured figures to file, a corpus skipped here
// keeping its committed figures.
func writeFigures(t *testing.T, file string, committed, measured map[string]corpusFigures) {
	t.Helper()
	for name, f := range committed {
		if _, ok := measured[name]; !ok {
			measured[name] = f
		}
	}
	b, _ := json.MarshalIndent(measured, "", "  ")
	if err := os.WriteFile(file, append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}

// readCases reads the question set of a corpus.
func readCases(t *testing.T, c askCorpus) []eval.AskCase {
	t.Helper()
	f, err := os.Open(c.questions)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cases, err := eval.ReadAskCases(c.questions, f)
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 40 {
		t.Fatalf("%d questions, want at least 40", len(cases))
	}
	return cases
}

func rate(f corpusFigures) float64 {
	if f.Questions == 0 {
		return 0
	}
	return float64(f.Good) / float64(f.Questions)
}

func runQuestionSet(t *testing.T, c askCorpus) eval.AskReport {
	t.Helper()
	cases := readCases(t, c)
	a := newAssistant(t, c.open(t), nil)
	rep, err := eval.RunAsk(context.Background(), cases, prompts.Refusals, func(ctx context.Context, conv []string) (eval.AskResult, error) {
		ans, err := a.Converse(ctx, conv)
		return eval.AskResult{Answer: ans.Answer, Offers: ans.CitedOffers()}, err
	})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	rep.WriteMarkdown(&b)
	t.Log("\n" + b.String())
	return rep
}
