package eval

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
)

// fakeSearch answers from a fixed table and records the calls.
type fakeSearch struct {
	results map[string][]string
	calls   []string
	ks      []int
}

func (f *fakeSearch) search(_ context.Context, text string, k int) ([]string, error) {
	f.calls = append(f.calls, text)
	f.ks = append(f.ks, k)
	if text == "boom" {
		return nil, errors.New("index down")
	}
	return f.results[text], nil
}

func TestRun(t *testing.T) {
	queries := []Query{
		{"q1", "ripeur"},       // relevant at rank 1 of 2 relevant
		{"q2", "balayeur"},     // relevant at rank 2 of 1 relevant
		{"q3", "taupier"},      // no qrels: skipped
		{"q4", "capteur"},      // qrels without a relevant doc: run, not averaged
		{"q5", "désinfecteur"}, // nothing found
	}
	qrels := Qrels{
		"q1": {"a": 1, "b": 1},
		"q2": {"c": 1},
		"q4": {"a": 0},
		"q5": {"z": 2},
		"q9": {"a": 1}, // no such query: ignored
	}
	long := make([]string, 150)
	for i := range long {
		long[i] = "x"
	}
	f := &fakeSearch{results: map[string][]string{
		"ripeur":   {"a", "x"},
		"balayeur": append([]string{"x", "c"}, long...),
		"capteur":  {"a"},
	}}
	rep, err := Run(context.Background(), queries, qrels, f.search)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(f.calls, ","); got != "ripeur,balayeur,capteur,désinfecteur" {
		t.Errorf("searched %s", got)
	}
	for _, k := range f.ks {
		if k != Depth {
			t.Errorf("asked for %d results, want %d", k, Depth)
		}
	}
	if rep.Evaluated != 3 || rep.NoRelevant != 1 || rep.Skipped != 1 || len(rep.Queries) != 4 {
		t.Fatalf("evaluated %d, no relevant %d, skipped %d, per query %d; want 3, 1, 1, 4",
			rep.Evaluated, rep.NoRelevant, rep.Skipped, len(rep.Queries))
	}
	if r := rep.Queries[1]; r.ID != "q2" || r.Retrieved != Depth || r.Relevant != 1 || !near(r.MRR10, 0.5) {
		t.Errorf("q2: %+v, want 100 retrieved, 1 relevant, MRR 0.5", r)
	}
	// q1: nDCG 1/(1+1/log2 3), P 0.1, RR 1, R 0.5; q2: nDCG 1/log2 3, P 0.1,
	// RR 0.5, R 1; q5: all 0.
	want := Metrics{
		NDCG10:    (1/(1+1/math.Log2(3)) + 1/math.Log2(3)) / 3,
		P10:       0.2 / 3,
		MRR10:     1.5 / 3,
		Recall100: 1.5 / 3,
	}
	m := rep.Mean
	if !near(m.NDCG10, want.NDCG10) || !near(m.P10, want.P10) || !near(m.MRR10, want.MRR10) || !near(m.Recall100, want.Recall100) {
		t.Errorf("mean %+v, want %+v", m, want)
	}

	var b strings.Builder
	if err := rep.WriteText(&b, "keyword"); err != nil {
		t.Fatal(err)
	}
	if got, wantLine := b.String(), "keyword  nDCG@10 0.415  P@10 0.067  MRR@10 0.500  R@100 0.500  (3 queries, 2 skipped)\n"; got != wantLine {
		t.Errorf("WriteText = %q, want %q", got, wantLine)
	}

	b.Reset()
	if err := WriteMarkdown(&b, []Labelled{{"keyword", rep}, {"a|b", Report{}}}); err != nil {
		t.Fatal(err)
	}
	wantTable := "| run | queries | nDCG@10 | P@10 | MRR@10 | Recall@100 |\n" +
		"|---|---:|---:|---:|---:|---:|\n" +
		"| keyword | 3 | 0.415 | 0.067 | 0.500 | 0.500 |\n" +
		"| a\\|b | 0 | 0.000 | 0.000 | 0.000 | 0.000 |\n"
	if b.String() != wantTable {
		t.Errorf("WriteMarkdown =\n%s\nwant\n%s", b.String(), wantTable)
	}
}

func TestRunErrors(t *testing.T) {
	f := &fakeSearch{}
	_, err := Run(context.Background(), []Query{{"q1", "boom"}}, Qrels{"q1": {"a": 1}}, f.search)
	if err == nil || !strings.Contains(err.Error(), `query q1 "boom": index down`) {
		t.Errorf("error %v, want the query and the cause", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = Run(ctx, []Query{{"q1", "a"}}, Qrels{"q1": {"a": 1}}, f.search)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
	if len(f.calls) != 1 {
		t.Errorf("searched %d times after cancel, want none", len(f.calls)-1)
	}
}
