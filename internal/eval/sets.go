package eval

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"offres/internal/offres"
)

// FiguresFile is the file, beside the committed sets, holding the figures
// the regression test compares a run with.
const FiguresFile = "figures.json"

// NoAnswerDepth is how many hits of a no-answer query are looked at.
const NoAnswerDepth = 10

// SearchSet is a committed query set: a directory with QueriesFile and, for
// a graded set, QrelsFile. A set without judgements (no QrelsFile, or no
// relevant doc in it) is a no-answer set: its queries have no relevant
// offer, and what is measured is what a search shows anyway.
type SearchSet struct {
	Name    string // the directory's base name
	Queries []Query
	Qrels   Qrels
}

// NoAnswer reports whether the set has no relevant doc at all.
func (s *SearchSet) NoAnswer() bool {
	for _, docs := range s.Qrels {
		if relevant(docs) > 0 {
			return false
		}
	}
	return true
}

// LoadSearchSet reads the set in dir.
func LoadSearchSet(dir string) (SearchSet, error) {
	set := SearchSet{Name: filepath.Base(dir), Qrels: Qrels{}}
	var err error
	if set.Queries, err = load(dir, QueriesFile, ReadQueries); err != nil {
		return SearchSet{}, err
	}
	qrels, err := load(dir, QrelsFile, ReadQrels)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return SearchSet{}, err
	default:
		set.Qrels = qrels
	}
	return set, nil
}

// LoadSearchSets reads the set in dir when it has a QueriesFile, else
// every set in its subdirectories, by name.
func LoadSearchSets(dir string) ([]SearchSet, error) {
	if _, err := os.Stat(filepath.Join(dir, QueriesFile)); err == nil {
		set, err := LoadSearchSet(dir)
		return []SearchSet{set}, err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var sets []SearchSet
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join(dir, e.Name(), QueriesFile)); e.IsDir() && err == nil {
			set, err := LoadSearchSet(filepath.Join(dir, e.Name()))
			if err != nil {
				return nil, err
			}
			sets = append(sets, set)
		}
	}
	if len(sets) == 0 {
		return nil, fmt.Errorf("%s: no %s in it nor in its subdirectories: %w", dir, QueriesFile, offres.ErrInvalid)
	}
	return sets, nil
}

// HitsFunc returns the hits found for text, best first, at most k of them.
type HitsFunc func(ctx context.Context, text string, k int) ([]offres.Hit, error)

// Runner is a search to evaluate: a mode of the engine or the baseline.
type Runner struct {
	Label  string
	Search HitsFunc
	// Flags is true when the engine says why each hit matched
	// (offres.Hit.MatchedBy): its hits are plain results only when they
	// have a reason that is a match (see Unflagged). An engine that does
	// not say shows every hit as a plain result.
	Flags bool
}

// Figures are the measures of one run on one set: nDCG@10, P@5 and
// Recall@100 averaged over the queries of a graded set; the unflagged hits
// of a no-answer set.
type Figures struct {
	NDCG10    float64 `json:"ndcg10,omitempty"`
	P5        float64 `json:"p5,omitempty"`
	Recall100 float64 `json:"recall100,omitempty"`
	// Unflagged counts, over the queries of a no-answer set, the hits of
	// the first NoAnswerDepth shown as plain results (see Unflagged).
	Unflagged int `json:"unflagged,omitempty"`
	// Shown counts the hits of the first NoAnswerDepth, flagged or not.
	Shown int `json:"shown,omitempty"`
	// FlaggedRelevant counts, over the queries of a graded set, the hits
	// of the first ten judged relevant but flagged as not a match (see
	// Unflagged): what flagging costs, beside what it spares on a
	// no-answer set.
	FlaggedRelevant int `json:"flagged_relevant,omitempty"`
	// Accuracy is the share of an explanation set's pairs given the right
	// status; QuotedWrong counts its quoted false matches still wrong.
	Accuracy    float64 `json:"accuracy,omitempty"`
	QuotedWrong int     `json:"quoted_wrong,omitempty"`
}

// SetResult is the figures of every run on one set.
type SetResult struct {
	Set      string `json:"set"`
	NoAnswer bool   `json:"no_answer,omitempty"`
	// Explain marks an explanation set: its queries are pairs.
	Explain bool `json:"explain,omitempty"`
	Queries int  `json:"queries"`
	// Runs maps a run's label to its figures.
	Runs map[string]Figures `json:"runs"`
	// Order is the runs' labels in the order they ran.
	Order []string `json:"-"`
	// PerQuery holds the graded runs' reports, for a closer look.
	PerQuery map[string]Report `json:"-"`
	// Wrong lists an explanation set's pairs given a wrong status.
	Wrong []string `json:"-"`
}

// Unflagged reports whether h is shown as a plain result. For an engine
// that says why its hits matched (flags), a hit is when it matched the
// words (title, keyword) or the job (rome) of the query; one found by
// meaning alone (["semantic"]) or with some of the words only (no reason)
// is flagged as not a match. For an engine that does not say, every hit is
// a plain result.
func Unflagged(h offres.Hit, flags bool) bool {
	if !flags {
		return true
	}
	return slices.ContainsFunc(h.MatchedBy, func(why string) bool {
		return why == offres.MatchTitle || why == offres.MatchKeyword || why == offres.MatchRome
	})
}

// RunSet runs every runner on set.
func RunSet(ctx context.Context, set SearchSet, runners []Runner) (SetResult, error) {
	res := SetResult{Set: set.Name, NoAnswer: set.NoAnswer(), Queries: len(set.Queries),
		Runs: map[string]Figures{}, PerQuery: map[string]Report{}}
	for _, r := range runners {
		var f Figures
		var err error
		if res.NoAnswer {
			f, err = runNoAnswer(ctx, set.Queries, r.Search, r.Flags)
		} else {
			var rep Report
			flagged := 0
			rep, err = Run(ctx, set.Queries, set.Qrels, flaggedRelevant(set, r, &flagged))
			f = Figures{NDCG10: rep.Mean.NDCG10, P5: rep.Mean.P5, Recall100: rep.Mean.Recall100, FlaggedRelevant: flagged}
			res.PerQuery[r.Label] = rep
		}
		if err != nil {
			return SetResult{}, fmt.Errorf("set %s, %s: %w", set.Name, r.Label, err)
		}
		res.Runs[r.Label] = f
		res.Order = append(res.Order, r.Label)
	}
	return res, nil
}

// flaggedRelevant adapts r's search to a SearchFunc that adds to *n the
// hits of its first ten judged relevant (by set's judgements of the query
// whose text it is given) but flagged as not a match.
func flaggedRelevant(set SearchSet, r Runner, n *int) SearchFunc {
	judged := make(map[string]map[string]int, len(set.Queries))
	for _, q := range set.Queries {
		judged[q.Text] = set.Qrels[q.ID]
	}
	return func(ctx context.Context, text string, k int) ([]string, error) {
		hits, err := r.Search(ctx, text, k)
		if err != nil {
			return nil, err
		}
		out := make([]string, len(hits))
		for i, h := range hits {
			out[i] = h.ID
		}
		rel := judged[text]
		for _, h := range hits[:min(len(hits), 10)] {
			if rel[h.ID] > 0 && !Unflagged(h, r.Flags) {
				*n++
			}
		}
		return out, nil
	}
}

// IDs adapts a HitsFunc to a SearchFunc.
func IDs(search HitsFunc) SearchFunc {
	return func(ctx context.Context, text string, k int) ([]string, error) {
		hits, err := search(ctx, text, k)
		if err != nil {
			return nil, err
		}
		out := make([]string, len(hits))
		for i, h := range hits {
			out[i] = h.ID
		}
		return out, nil
	}
}

// runNoAnswer counts the hits of the first NoAnswerDepth of every query.
func runNoAnswer(ctx context.Context, queries []Query, search HitsFunc, flags bool) (Figures, error) {
	var f Figures
	for _, q := range queries {
		hits, err := search(ctx, q.Text, NoAnswerDepth)
		if err != nil {
			return Figures{}, fmt.Errorf("query %s %q: %w", q.ID, q.Text, err)
		}
		for _, h := range hits[:min(len(hits), NoAnswerDepth)] {
			f.Shown++
			if Unflagged(h, flags) {
				f.Unflagged++
			}
		}
	}
	return f, nil
}

// WriteSetsMarkdown writes one table per set: nDCG@10, P@5 and Recall@100
// per run for a graded set, the unflagged and shown hits for a no-answer
// set.
func WriteSetsMarkdown(w io.Writer, results []SetResult) error {
	bw := bufio.NewWriter(w)
	for i, res := range results {
		if i > 0 {
			bw.WriteString("\n")
		}
		if res.Explain {
			writeExplainMarkdown(bw, res)
			continue
		}
		if res.NoAnswer {
			fmt.Fprintf(bw, "%s (%d queries without a relevant offer; hits in the top %d)\n\n", res.Set, res.Queries, NoAnswerDepth)
			bw.WriteString("| run | unflagged hits | hits shown |\n|---|---:|---:|\n")
		} else {
			fmt.Fprintf(bw, "%s (%d queries)\n\n", res.Set, res.Queries)
			bw.WriteString("| run | nDCG@10 | P@5 | Recall@100 | relevant flagged |\n|---|---:|---:|---:|---:|\n")
		}
		for _, label := range res.Order {
			f := res.Runs[label]
			if res.NoAnswer {
				fmt.Fprintf(bw, "| %s | %d | %d |\n", label, f.Unflagged, f.Shown)
			} else {
				fmt.Fprintf(bw, "| %s | %.3f | %.3f | %.3f | %d |\n", label, f.NDCG10, f.P5, f.Recall100, f.FlaggedRelevant)
			}
		}
	}
	return bw.Flush()
}

// WritePerQuery writes, for every query of the graded sets, its nDCG@10 and
// P@5 in each run as TSV: set, qid, text (a profile's lines joined by « / »,
// one row a query), then two columns per run.
func WritePerQuery(w io.Writer, results []SetResult) error {
	bw := bufio.NewWriter(w)
	for _, res := range results {
		if res.NoAnswer || len(res.Order) == 0 {
			continue
		}
		fmt.Fprintf(bw, "set\tqid\ttext")
		for _, label := range res.Order {
			fmt.Fprintf(bw, "\t%s nDCG@10\t%s P@5", label, label)
		}
		bw.WriteString("\n")
		first := res.PerQuery[res.Order[0]].Queries
		for i, q := range first {
			fmt.Fprintf(bw, "%s\t%s\t%s", res.Set, q.ID, tsvField(q.Text))
			for _, label := range res.Order {
				m := res.PerQuery[label].Queries[i].Metrics
				fmt.Fprintf(bw, "\t%.3f\t%.1f", m.NDCG10, m.P5)
			}
			bw.WriteString("\n")
		}
	}
	return bw.Flush()
}

// tsvField is text on one line without tabs: its lines joined by « / ».
func tsvField(text string) string {
	lines := strings.FieldsFunc(text, func(r rune) bool { return r == '\n' || r == '\r' })
	for i, l := range lines {
		lines[i] = strings.Join(strings.Fields(l), " ")
	}
	return strings.Join(lines, " / ")
}

// ReadFigures reads a FiguresFile.
func ReadFigures(path string) ([]SetResult, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var results []SetResult
	if err := json.Unmarshal(b, &results); err != nil {
		return nil, fmt.Errorf("%s: %v: %w", path, err, offres.ErrInvalid)
	}
	return results, nil
}

// WriteFigures writes results as a FiguresFile, the measures rounded to
// four decimals.
func WriteFigures(path string, results []SetResult) error {
	rounded := make([]SetResult, len(results))
	for i, r := range results {
		rounded[i] = r
		rounded[i].Runs = make(map[string]Figures, len(r.Runs))
		for label, f := range r.Runs {
			f.NDCG10, f.P5, f.Recall100, f.Accuracy = round4(f.NDCG10), round4(f.P5), round4(f.Recall100), round4(f.Accuracy)
			rounded[i].Runs[label] = f
		}
	}
	b, err := json.MarshalIndent(rounded, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }

// Regressions compares results with the committed figures: a graded figure
// more than tolerance below its committed value, an unflagged count above
// its committed value, or a committed set or run missing from results, is
// one line each.
func Regressions(committed, results []SetResult, tolerance float64) []string {
	byName := map[string]SetResult{}
	for _, r := range results {
		byName[r.Set] = r
	}
	var out []string
	for _, c := range committed {
		r, ok := byName[c.Set]
		if !ok {
			out = append(out, fmt.Sprintf("set %s: not run", c.Set))
			continue
		}
		for label, want := range c.Runs {
			got, ok := r.Runs[label]
			if !ok {
				out = append(out, fmt.Sprintf("set %s, %s: not run", c.Set, label))
				continue
			}
			out = append(out, compareFigures(c.Set+", "+label, want, got, tolerance)...)
		}
	}
	slices.Sort(out)
	return out
}

// compareFigures lists the figures of got worse than want.
func compareFigures(name string, want, got Figures, tolerance float64) []string {
	var out []string
	for _, m := range []struct {
		what      string
		want, got float64
	}{{"nDCG@10", want.NDCG10, got.NDCG10}, {"P@5", want.P5, got.P5}, {"Recall@100", want.Recall100, got.Recall100}, {"accuracy", want.Accuracy, got.Accuracy}} {
		if m.got < m.want-tolerance {
			out = append(out, fmt.Sprintf("%s: %s %.3f, committed %.3f", name, m.what, m.got, m.want))
		}
	}
	if got.QuotedWrong > want.QuotedWrong {
		out = append(out, fmt.Sprintf("%s: %d quoted false matches wrong, committed %d", name, got.QuotedWrong, want.QuotedWrong))
	}
	if got.Unflagged > want.Unflagged {
		out = append(out, fmt.Sprintf("%s: %d unflagged hits, committed %d", name, got.Unflagged, want.Unflagged))
	}
	return out
}

// writeExplainMarkdown writes the table of an explanation set.
func writeExplainMarkdown(bw *bufio.Writer, res SetResult) {
	fmt.Fprintf(bw, "%s (%d requirement and profile pairs)\n\n", res.Set, res.Queries)
	bw.WriteString("| run | accuracy | quoted false matches still wrong |\n|---|---:|---:|\n")
	for _, label := range res.Order {
		f := res.Runs[label]
		fmt.Fprintf(bw, "| %s | %.3f | %d |\n", label, f.Accuracy, f.QuotedWrong)
	}
	if len(res.Wrong) > 0 {
		bw.WriteString("\nWrong:\n\n")
		for _, w := range res.Wrong {
			fmt.Fprintf(bw, "- %s\n", w)
		}
	}
}

// ExplainResult is the SetResult of an explanation set run by label.
func ExplainResult(name, label string, r ExplainReport) SetResult {
	return SetResult{Set: name, Explain: true, Queries: r.Pairs, Order: []string{label}, Wrong: r.Wrong,
		Runs: map[string]Figures{label: {Accuracy: r.Accuracy(), QuotedWrong: r.QuotedWrong}}}
}
