package eval

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
)

// Depth is how many results Run asks for per query (Recall@100).
const Depth = 100

// SearchFunc returns the ids of the offers found for text, best first, at
// most k of them.
type SearchFunc func(ctx context.Context, text string, k int) ([]string, error)

// QueryResult is the outcome of one query.
type QueryResult struct {
	Query
	Metrics
	Relevant  int // judged relevant (grade > 0)
	Retrieved int // results returned (at most Depth)
}

// Report is the outcome of a run over a query set.
type Report struct {
	// Mean is the macro average over the Evaluated queries.
	Mean Metrics
	// Queries holds every query run, in the order given.
	Queries []QueryResult
	// Evaluated counts the queries run with at least one relevant doc: the
	// ones averaged.
	Evaluated int
	// NoRelevant counts the queries run whose judgements have no relevant
	// doc: they are in Queries but not in Mean.
	NoRelevant int
	// Skipped counts the queries without judgements, not run.
	Skipped int
}

// Run searches every query that has judgements, asking for Depth results,
// scores each ranking and averages the metrics over the queries that have a
// relevant doc. It stops at the first search error or when ctx is done.
func Run(ctx context.Context, queries []Query, qrels Qrels, search SearchFunc) (Report, error) {
	var rep Report
	var sum Metrics
	for _, q := range queries {
		rel := qrels[q.ID]
		if len(rel) == 0 {
			rep.Skipped++
			continue
		}
		if err := ctx.Err(); err != nil {
			return Report{}, err
		}
		ranked, err := search(ctx, q.Text, Depth)
		if err != nil {
			return Report{}, fmt.Errorf("query %s %q: %w", q.ID, q.Text, err)
		}
		ranked = ranked[:min(len(ranked), Depth)]
		r := QueryResult{Query: q, Metrics: Score(ranked, rel), Relevant: relevant(rel), Retrieved: len(ranked)}
		rep.Queries = append(rep.Queries, r)
		if r.Relevant == 0 {
			rep.NoRelevant++
			continue
		}
		rep.Evaluated++
		sum.NDCG10 += r.NDCG10
		sum.P5 += r.P5
		sum.P10 += r.P10
		sum.MRR10 += r.MRR10
		sum.Recall100 += r.Recall100
	}
	if n := float64(rep.Evaluated); n > 0 {
		rep.Mean = Metrics{NDCG10: sum.NDCG10 / n, P5: sum.P5 / n, P10: sum.P10 / n, MRR10: sum.MRR10 / n, Recall100: sum.Recall100 / n}
	}
	return rep, nil
}

// WriteText writes the report as one line:
//
//	keyword  nDCG@10 0.412  P@10 0.300  MRR@10 0.550  R@100 0.700  (9 queries, 0 skipped)
func (r Report) WriteText(w io.Writer, label string) error {
	_, err := fmt.Fprintf(w, "%s  nDCG@10 %.3f  P@10 %.3f  MRR@10 %.3f  R@100 %.3f  (%d queries, %d skipped)\n",
		label, r.Mean.NDCG10, r.Mean.P10, r.Mean.MRR10, r.Mean.Recall100, r.Evaluated, r.Skipped+r.NoRelevant)
	return err
}

// Labelled is a report with the name of its run ("keyword", "hybrid"…).
type Labelled struct {
	Label  string
	Report Report
}

// WriteMarkdown writes a Markdown table comparing runs, one row per run.
func WriteMarkdown(w io.Writer, runs []Labelled) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("| run | queries | nDCG@10 | P@10 | MRR@10 | Recall@100 |\n")
	bw.WriteString("|---|---:|---:|---:|---:|---:|\n")
	for _, run := range runs {
		m := run.Report.Mean
		label := strings.ReplaceAll(run.Label, "|", `\|`)
		fmt.Fprintf(bw, "| %s | %d | %.3f | %.3f | %.3f | %.3f |\n",
			label, run.Report.Evaluated, m.NDCG10, m.P10, m.MRR10, m.Recall100)
	}
	return bw.Flush()
}
