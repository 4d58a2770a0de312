package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"offres/internal/config"
	"offres/internal/eval"
	"offres/internal/match"
	"offres/internal/offres"
	"offres/internal/rome"
	"offres/prompts"
	"offres/search"
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
	matchEval := fs.Bool("match", false, "score profile matching against a keyword baseline (needs offres rome import)")
	setsDir := fs.String("sets", "", "a committed query set (a folder with queries.tsv and qrels.txt), or a folder of sets: each is run in every mode and by the BM25 baseline")
	offersPath := fs.String("offers", "", "with --sets or --questions: import these offer files or folders into a temporary data directory and evaluate that instead of --data")
	asJSON := fs.Bool("json", false, "with --sets: print the figures as JSON (the format of figures.json)")
	perQuery := fs.Bool("per-query", false, "with --sets: print every graded query's nDCG@10 in each run as TSV instead of the tables")
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
	if *questionsPath != "" {
		return runEvalAsk(ctx, &c, *questionsPath, *offersPath, e)
	}
	if *matchEval {
		return runEvalMatch(ctx, &c, e)
	}
	if *setsDir != "" {
		return runEvalSets(ctx, &c, *setsDir, *offersPath, setsOutput{json: *asJSON, perQuery: *perQuery}, e)
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
	a, err := newAssistant(eng, c.cfg.LLM, log, c.now, nil)
	if err != nil {
		return err
	}
	rep, err := eval.RunAsk(ctx, cases, prompts.Refusals, func(ctx context.Context, conv []string) (eval.AskResult, error) {
		ans, err := a.Converse(ctx, conv)
		return eval.AskResult{Answer: ans.Answer, Offers: ans.CitedOffers()}, err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "assistant (%s), %d questions from %s\n\n", answerMode(c.cfg.LLM), len(cases), path)
	return rep.WriteMarkdown(e.stdout)
}

func answerMode(s config.LLM) string {
	if s.Model != "" {
		return "model " + s.Model
	}
	return "extractive"
}

// runEvalMatch scores profile matching against a keyword baseline: one
// profile per ROME code of the indexed offers (the code's label, definition
// and access texts from the imported taxonomy), the offers of that code
// relevant.
func runEvalMatch(ctx context.Context, c *common, e env) error {
	eng, log, err := c.open(ctx, e)
	if err != nil {
		return err
	}
	defer eng.Close()
	tax, err := rome.LoadFile(romeFile(c.cfg.Data))
	if err != nil {
		return fmt.Errorf("eval --match needs the ROME taxonomy (offres rome import): %w", err)
	}
	m, err := matcher(c.cfg.Data, log)
	if err != nil {
		return err
	}
	qrels := eval.Qrels{}
	err = eng.Scan(ctx, func(o offres.Offer) error {
		if o.RomeCode != "" {
			if qrels[o.RomeCode] == nil {
				qrels[o.RomeCode] = map[string]int{}
			}
			qrels[o.RomeCode][o.ID] = 1
		}
		return nil
	})
	if err != nil {
		return err
	}
	// Three profiles per code: its label with its definition, its label with
	// its access texts (diplomas, experience), its definition alone.
	var queries []eval.Query
	for code, rel := range qrels {
		info, ok := tax.Code(code)
		if !ok || len(rel) < 2 {
			continue
		}
		def, access := strings.Join(info.Definition, " "), strings.Join(info.Access, " ")
		for i, text := range []string{info.Label + "\n" + def, info.Label + "\n" + access, def} {
			if strings.TrimSpace(text) != "" {
				queries = append(queries, eval.Query{ID: fmt.Sprintf("%s-%d", code, i+1), Text: text})
			}
		}
	}
	// The qrels of each profile are its code's.
	for _, q := range queries {
		code, _, _ := strings.Cut(q.ID, "-")
		qrels[q.ID] = qrels[code]
	}
	slices.SortFunc(queries, func(a, b eval.Query) int { return strings.Compare(a.ID, b.ID) })
	svc := match.NewService(eng.Search(), eng, m, c.now)
	keyword, err := eval.Run(ctx, queries, qrels, func(ctx context.Context, text string, k int) ([]string, error) {
		res, err := eng.Search().Search(ctx, search.Request{Text: match.QueryOf(&offres.Profile{Text: text}),
			Mode: offres.ModeKeyword, IncludeClosed: true, Limit: offres.MaxPageSize})
		if err != nil {
			return nil, err
		}
		ids := make([]string, len(res.Hits))
		for i, h := range res.Hits {
			ids[i] = h.ID
		}
		return ids, nil
	})
	if err != nil {
		return err
	}
	matching, err := eval.Run(ctx, queries, qrels, func(ctx context.Context, text string, k int) ([]string, error) {
		res, err := svc.Rank(ctx, &offres.Profile{Text: text}, offres.MaxPageSize, true)
		if err != nil {
			return nil, err
		}
		ids := make([]string, len(res))
		for i, r := range res {
			ids[i] = r.ID
		}
		return ids, nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d profiles from ROME %s fiches (label + definition, label + access, definition); relevant = offers of the same code\n\n", len(queries), tax.Version())
	return eval.WriteMarkdown(e.stdout, []eval.Labelled{{Label: "keyword (profile text)", Report: keyword}, {Label: "matching", Report: matching}})
}
