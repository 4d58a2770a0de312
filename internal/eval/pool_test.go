package eval

import (
	"context"
	"slices"
	"strings"
	"testing"

	"offres/internal/offres"
)

// TestPool: the first depth offers of each run, each once with the runs
// that found it and its grade when judged; the queries without judgements
// too; a run's error stops it.
func TestPool(t *testing.T) {
	set := SearchSet{
		Name:    "s",
		Queries: []Query{{ID: "q1", Text: "ripeur"}, {ID: "q2", Text: "juriste"}},
		Qrels:   Qrels{"q1": {"a": 2, "z": 0}},
	}
	run := func(ids ...string) HitsFunc {
		return func(_ context.Context, text string, k int) ([]offres.Hit, error) {
			hits := make([]offres.Hit, len(ids))
			for i, id := range ids {
				hits[i] = offres.Hit{ID: id, Title: "Titre\t" + id}
			}
			return hits, nil // more than k: Pool keeps the first depth
		}
	}
	runners := []Runner{{Label: "one", Search: run("a", "b", "z")}, {Label: "two", Search: run("b", "c", "a")}}
	pool, err := Pool(context.Background(), set, runners, 2)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range pool {
		got = append(got, p.QueryID+" "+p.Hit.ID+" "+strings.Join(p.Runs, ",")+" "+string(rune('0'+p.Grade+1)))
	}
	want := []string{"q1 a one 3", "q1 b one,two 0", "q1 c two 0", "q2 a one 0", "q2 b one,two 0", "q2 c two 0"}
	if !slices.Equal(got, want) {
		t.Errorf("pool %q, want %q (grade+1 last)", got, want)
	}
	var b strings.Builder
	if err := WritePool(&b, pool[:1]); err != nil {
		t.Fatal(err)
	}
	if want := "qid\ttext\tgrade\tdocid\truns\ttitle\temployer\nq1\tripeur\t2\ta\tone\tTitre a\t\n"; b.String() != want {
		t.Errorf("WritePool wrote %q, want %q", b.String(), want)
	}
	failing := []Runner{{Label: "bad", Search: func(context.Context, string, int) ([]offres.Hit, error) { return nil, context.Canceled }}}
	if _, err := Pool(context.Background(), set, failing, 2); err == nil {
		t.Error("a failing run: no error")
	}
}
