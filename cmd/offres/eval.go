package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"offres/internal/assistant"
	"offres/internal/config"
	"offres/internal/eval"
	"offres/internal/offres"
	"offres/prompts"
)

// runEval scores the index against a set of queries and relevance
// judgments, in one or more search modes.
func runEval(ctx context.Context, args []string, e env) error {
	var c common
	fs := newFlags("eval", e)
	c.register(fs)
	queriesPath := fs.String("queries", "", "queries, qid<TAB>text per line")
	qrelsPath := fs.String("qrels", "", "TREC qrels: qid 0 docid grade")
	modes := fs.String("mode", "keyword,semantic,hybrid", "search modes to compare, comma-separated")
	questionsPath := fs.String("questions", "", "an assistant question set (JSON): scores the assistant instead of the search")
	today := fs.String("today", "", "the date the answers are judged on, YYYY-MM-DD (default: today in Nouméa)")
	matchEval := fs.Bool("match", false, "run the matching sets (--sets, default "+defaultMatchSets+") with matching and the BM25 baseline, and the explanation set")
	setsDir := fs.String("sets", "", "a committed query set (a folder with queries.tsv and qrels.txt), or a folder of sets: each is run in every mode and by the BM25 baseline")
	offersPath := fs.String("offers", "", "with --sets, --match or --questions: import these offer files or folders into a temporary data directory and evaluate that instead of --data")
	asJSON := fs.Bool("json", false, "with --sets: print the figures as JSON (the format of figures.json)")
	titlesOnly := fs.Bool("titles-only", false, "with --offers: import the offers without the ROME codes their source gives, their occupations read from their titles only (what a source without codes gets)")
	pool := fs.Int("pool", 0, "with --sets: print, instead of the figures, every query's judging pool as TSV: the offers among the first N of each run, with their grade when judged")
	perQuery := fs.Bool("per-query", false, "with --sets: print every graded query's nDCG@10 and P@5 in each run as TSV instead of the tables")
	if err := c.parse(fs, args, e); err != nil {
		return err
	}
	if *today != "" {
		d, err := offres.ParseDate(*today)
		if err != nil || d.MonthOnly() {
			return fmt.Errorf("eval: --today %q: want YYYY-MM-DD: %w", *today, errUsage)
		}
		c.now = func() time.Time { return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, offres.Noumea) }
	}
	c.titlesOnly = *titlesOnly
	if *questionsPath != "" {
		return runEvalAsk(ctx, &c, *questionsPath, *offersPath, e)
	}
	if *matchEval {
		return runEvalMatch(ctx, &c, *setsDir, *offersPath, setsOutput{json: *asJSON, perQuery: *perQuery}, e)
	}
	if *setsDir != "" {
		return runEvalSets(ctx, &c, *setsDir, *offersPath, setsOutput{json: *asJSON, perQuery: *perQuery, pool: *pool}, e)
	}
	if *queriesPath == "" || *qrelsPath == "" {
		return fmt.Errorf("eval: --sets, --queries and --qrels, or --questions, are required: %w", errUsage)
	}
	queries, err := readWith(*queriesPath, eval.ReadQueries)
	if err != nil {
		return err
	}
	qrels, err := readWith(*qrelsPath, eval.ReadQrels)
	if err != nil {
		return err
	}
	eng, _, err := c.open(ctx, e)
	if err != nil {
		return err
	}
	defer eng.Close()
	var runs []eval.Labelled
	for _, mode := range strings.Split(*modes, ",") {
		mode = strings.TrimSpace(mode)
		rep, err := eval.Run(ctx, queries, qrels, eval.IDs(modeSearch(eng.Search(), mode)))
		if err != nil {
			return fmt.Errorf("eval %s: %w", mode, err)
		}
		runs = append(runs, eval.Labelled{Label: mode, Report: rep})
	}
	fmt.Fprintf(e.stdout, "model %s, %d queries\n\n", eng.Model(), len(queries))
	return eval.WriteMarkdown(e.stdout, runs)
}

// readWith opens path and parses it with read, which names the file in its
// errors.
func readWith[T any](path string, read func(name string, r io.Reader) (T, error)) (T, error) {
	f, err := os.Open(path)
	if err != nil {
		var zero T
		return zero, err
	}
	defer f.Close()
	return read(path, f)
}

// runEvalAsk scores the assistant on a question set, over --data or, when
// offersPath is set, over those offers imported into a temporary directory.
func runEvalAsk(ctx context.Context, c *common, path, offersPath string, e env) error {
	cases, err := readWith(path, eval.ReadAskCases)
	if err != nil {
		return err
	}
	eng, log, closeEng, err := openWithOffers(ctx, c, offersPath, e)
	if err != nil {
		return err
	}
	defer closeEng()
	// The evaluation is one client asking every question: the budget per
	// client would turn the model path extractive half-way.
	settings := c.cfg.LLM
	settings.TokensPerClientDay = -1
	a, err := newAssistant(eng, settings, log, c.now, nil)
	if err != nil {
		return err
	}
	var byModel, refused, fallback int
	rep, err := eval.RunAsk(ctx, cases, prompts.Refusals, func(ctx context.Context, conv []string) (eval.AskResult, error) {
		ans, err := a.Converse(ctx, conv)
		switch {
		case ans.Mode == assistant.ModeLLM:
			byModel++
		case ans.Notice != "":
			refused++
		default:
			fallback++
		}
		return eval.AskResult{Answer: ans.Answer, Offers: ans.CitedOffers()}, err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "assistant (%s), %d questions from %s\n", answerMode(c.cfg.LLM), len(cases), path)
	if c.cfg.LLM.Model != "" {
		fmt.Fprintf(e.stdout, "answers: %d by the model, %d extractive after the model's answer failed the checks, %d extractive (the model failed, or nothing was found to ask it)\n",
			byModel, refused, fallback)
	}
	fmt.Fprintln(e.stdout)
	return rep.WriteMarkdown(e.stdout)
}

func answerMode(s config.LLM) string {
	if s.Model != "" {
		return "model " + s.Model
	}
	return "extractive"
}
