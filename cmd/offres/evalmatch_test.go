package main

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"offres/internal/engine"
	"offres/internal/eval"
	"offres/internal/match"
	"offres/internal/offres"
	"offres/internal/rome"
	"offres/internal/shareddata"
)

// matchSetsDir holds the committed matching sets and their figures.
const matchSetsDir = "../../" + defaultMatchSets

// TestEvalMatch builds the engine over the shared offers with the embedded
// ROME referential, runs the committed matching sets with the matching
// service and the BM25 baseline and the explanation set, and fails when a
// figure is more than figuresTolerance below the committed one (or more
// quoted false matches are wrong). After a deliberate change, rewrite the
// figures with
//
//	go test ./cmd/offres -run TestEvalMatch -update
func TestEvalMatch(t *testing.T) {
	offersDir := shareddata.Path(t, "offers")
	ctx := context.Background()
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
	sets, err := eval.LoadMatchSets(matchSetsDir)
	if err != nil {
		t.Fatal(err)
	}
	checkJudgedOffers(t, eng, sets)
	now := func() time.Time { return time.Date(2026, 6, 1, 12, 0, 0, 0, offres.Noumea) }
	results, _, err := evalMatch(ctx, eng, match.New(tax), matchSetsDir, now)
	if err != nil {
		t.Fatal(err)
	}
	var table bytes.Buffer
	if err := eval.WriteSetsMarkdown(&table, results); err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", table.String())
	checkFigures(t, filepath.Join(matchSetsDir, eval.FiguresFile), results, "TestEvalMatch")
}
