package eval

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"offres/internal/offres"
)

// Pooled is an offer of a judging pool: found among the first of one run
// or more for a query.
type Pooled struct {
	QueryID, Text string
	Hit           offres.Hit
	Runs          []string // the labels of the runs that found it
	Grade         int      // its judgement, -1 when not judged yet
}

// Pool returns, for every query of set, the offers among the first depth
// of each run, each once, in the order the runs first found them: what a
// judge reads to grade the query (the queries without judgements too).
func Pool(ctx context.Context, set SearchSet, runners []Runner, depth int) ([]Pooled, error) {
	var out []Pooled
	for _, q := range set.Queries {
		at := map[string]int{}
		for _, r := range runners {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			hits, err := r.Search(ctx, q.Text, depth)
			if err != nil {
				return nil, fmt.Errorf("pool %s, %s: %w", q.ID, r.Label, err)
			}
			for _, h := range hits[:min(depth, len(hits))] {
				if i, ok := at[h.ID]; ok {
					out[i].Runs = append(out[i].Runs, r.Label)
					continue
				}
				grade := -1
				if g, ok := set.Qrels[q.ID][h.ID]; ok {
					grade = g
				}
				at[h.ID] = len(out)
				out = append(out, Pooled{QueryID: q.ID, Text: q.Text, Hit: h, Runs: []string{r.Label}, Grade: grade})
			}
		}
	}
	return out, nil
}

// WritePool writes a pool as TSV: qid, text, grade (empty when not
// judged), doc id, runs, title, employer.
func WritePool(w io.Writer, pool []Pooled) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("qid\ttext\tgrade\tdocid\truns\ttitle\temployer\n")
	for _, p := range pool {
		grade := ""
		if p.Grade >= 0 {
			grade = fmt.Sprint(p.Grade)
		}
		fmt.Fprintf(bw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", p.QueryID, p.Text, grade, p.Hit.ID,
			strings.Join(p.Runs, ","), tsvField(p.Hit.Title), tsvField(p.Hit.Employer))
	}
	return bw.Flush()
}
