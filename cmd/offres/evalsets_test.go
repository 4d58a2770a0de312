package main

import (
	"bytes"
	"context"
	"flag"
	"log/slog"
	"path/filepath"
	"testing"

	"offres/internal/engine"
	"offres/internal/eval"
	"offres/internal/offres"
	"offres/internal/rome"
	"offres/internal/shareddata"
)

var update = flag.Bool("update", false, "rewrite the committed evaluation figures ("+setsDir+"/"+eval.FiguresFile+")")

// setsDir holds the committed evaluation sets and their figures.
const setsDir = "../../internal/eval/testdata/search"

// figuresTolerance is how far below its committed value a figure may fall.
const figuresTolerance = 0.02

// TestEvalSets builds the engine over the shared offers, runs the committed
// evaluation sets in every mode and with the BM25 baseline, and fails when a
// figure is more than figuresTolerance below the committed one (or a
// no-answer set shows more unflagged hits). After a deliberate change,
// rewrite the figures with
//
//	go test ./cmd/offres -run TestEvalSets -update
func TestEvalSets(t *testing.T) {
	offersDir := shareddata.Path(t, "offers")
	ctx := context.Background()
	// The configuration offres serve runs: the embedded ROME referential.
	tax, err := rome.Default()
	if err != nil {
		t.Fatal(err)
	}
	eng, err := engine.Open(ctx, engine.Options{Dir: t.TempDir(), Logger: slog.New(slog.DiscardHandler), Rome: tax})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	if err := importOffers(ctx, eng, offersDir, false); err != nil {
		t.Fatal(err)
	}
	sets, err := eval.LoadSearchSets(setsDir)
	if err != nil {
		t.Fatal(err)
	}
	checkJudgedOffers(t, eng, sets)
	base, _, err := newBaseline(ctx, eng)
	if err != nil {
		t.Fatal(err)
	}
	defer base.Close()
	results, err := evalSets(ctx, setRunners(eng, base), sets)
	if err != nil {
		t.Fatal(err)
	}
	var table bytes.Buffer
	if err := eval.WriteSetsMarkdown(&table, results); err != nil {
		t.Fatal(err)
	}
	t.Logf("model %s\n%s", eng.Model(), table.String())
	checkFigures(t, filepath.Join(setsDir, eval.FiguresFile), results, "TestEvalSets")
}

// checkFigures compares results with the committed figures of path, or
// rewrites them under -update: a figure that falls more than
// figuresTolerance below its committed value fails the test.
func checkFigures(t *testing.T, path string, results []eval.SetResult, test string) {
	t.Helper()
	if *update {
		if err := eval.WriteFigures(path, results); err != nil {
			t.Fatal(err)
		}
		return
	}
	committed, err := eval.ReadFigures(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range eval.Regressions(committed, results, figuresTolerance) {
		t.Errorf("%s (if deliberate: go test ./cmd/offres -run %s -update)", r, test)
	}
}

// checkJudgedOffers fails the test when a set judges an id that is not an
// offer of eng: the sets would silently lose their judgements.
func checkJudgedOffers(t *testing.T, eng *engine.Engine, sets []eval.SearchSet) {
	t.Helper()
	ids := map[string]bool{}
	err := eng.Scan(context.Background(), func(o offres.Offer) error {
		ids[o.ID] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, set := range sets {
		for qid, docs := range set.Qrels {
			for doc := range docs {
				if !ids[doc] {
					t.Errorf("set %s, query %s: judged doc %q is not an imported offer", set.Name, qid, doc)
				}
			}
		}
	}
}
