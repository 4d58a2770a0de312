package eval

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"offres/internal/offres"
)

func TestUnflagged(t *testing.T) {
	for _, tt := range []struct {
		why  []string
		want bool
	}{
		{nil, false}, // some of the words only
		{[]string{"semantic"}, false},
		{[]string{"keyword"}, true},
		{[]string{"semantic", "rome"}, true},
		{[]string{"title", "semantic"}, true},
	} {
		if got := Unflagged(offres.Hit{ID: "x", MatchedBy: tt.why}, true); got != tt.want {
			t.Errorf("Unflagged(%q) = %v, want %v", tt.why, got, tt.want)
		}
		if !Unflagged(offres.Hit{ID: "x", MatchedBy: tt.why}, false) {
			t.Errorf("Unflagged(%q) for an engine that does not flag = false, want true", tt.why)
		}
	}
}

// writeSet writes a set folder with the given files.
func writeSet(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestRunSets(t *testing.T) {
	root := t.TempDir()
	writeSet(t, filepath.Join(root, "graded"), map[string]string{
		QueriesFile: "q1\tripeur\nq2\tjuriste\n",
		QrelsFile:   "q1 0 a 2\nq1 0 b 1\nq2 0 c 1\n",
	})
	writeSet(t, filepath.Join(root, "none"), map[string]string{QueriesFile: "z1\tcoiffeuse\nz2\tpilote\n"})
	writeSet(t, filepath.Join(root, "notaset"), map[string]string{"README.md": "x"})
	sets, err := LoadSearchSets(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(sets) != 2 || sets[0].Name != "graded" || sets[0].NoAnswer() || sets[1].Name != "none" || !sets[1].NoAnswer() {
		t.Fatalf("sets %+v", sets)
	}
	if one, err := LoadSearchSets(filepath.Join(root, "none")); err != nil || len(one) != 1 || one[0].Name != "none" {
		t.Errorf("one set: %+v %v", one, err)
	}
	if _, err := LoadSearchSets(filepath.Join(root, "notaset")); err == nil {
		t.Error("a folder without sets: no error")
	}

	engine := func(_ context.Context, text string, k int) ([]offres.Hit, error) {
		hits := []offres.Hit{{ID: "a", MatchedBy: []string{"keyword"}}, {ID: "x", MatchedBy: []string{"semantic"}}, {ID: "b"}}
		if text == "coiffeuse" {
			hits = hits[1:2] // flagged: meaning only
		}
		return hits[:min(k, len(hits))], nil
	}
	runners := []Runner{{Label: "engine", Search: engine, Flags: true}}
	graded, err := RunSet(context.Background(), sets[0], runners)
	if err != nil {
		t.Fatal(err)
	}
	// b, judged relevant to « ripeur », is shown with no reason: flagged.
	if f := graded.Runs["engine"]; f.P5 != 0.2 || f.Recall100 != 0.5 || f.NDCG10 == 0 || f.FlaggedRelevant != 1 {
		t.Errorf("graded figures %+v, want 1 relevant flagged", f)
	}
	none, err := RunSet(context.Background(), sets[1], runners)
	if err != nil {
		t.Fatal(err)
	}
	if f := none.Runs["engine"]; f != (Figures{Unflagged: 1, Shown: 4}) {
		t.Errorf("no-answer figures %+v, want 1 unflagged of 4", f)
	}

	var b strings.Builder
	if err := WriteSetsMarkdown(&b, []SetResult{graded, none}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"graded (2 queries)", "| engine | 0.", "none (2 queries without a relevant offer; hits in the top 10)", "| engine | 1 | 4 |"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("no %q in\n%s", want, b.String())
		}
	}

	b.Reset()
	if err := WritePerQuery(&b, []SetResult{graded, none}); err != nil {
		t.Fatal(err)
	}
	if want := "set\tqid\ttext\tengine nDCG@10\tengine P@5\ngraded\tq1\tripeur\t0.964\t0.4\ngraded\tq2\tjuriste\t0.000\t0.0\n"; b.String() != want {
		t.Errorf("WritePerQuery wrote\n%q, want\n%q", b.String(), want)
	}
	// A profile of several lines is one row.
	for in, want := range map[string]string{"ripeur": "ripeur", "Paul Hmae\nCuisinier\r\n\n2013\tCommis": "Paul Hmae / Cuisinier / 2013 Commis"} {
		if got := tsvField(in); got != want {
			t.Errorf("tsvField(%q) = %q, want %q", in, got, want)
		}
	}

	path := filepath.Join(root, FiguresFile)
	if err := WriteFigures(path, []SetResult{graded, none}); err != nil {
		t.Fatal(err)
	}
	committed, err := ReadFigures(path)
	if err != nil {
		t.Fatal(err)
	}
	if r := Regressions(committed, []SetResult{graded, none}, 0.02); r != nil {
		t.Errorf("the same run regresses: %q", r)
	}
}

func TestRegressions(t *testing.T) {
	committed := []SetResult{
		{Set: "title", Runs: map[string]Figures{"hybrid": {NDCG10: 0.5, P5: 0.5, Recall100: 0.5}, "bm25": {NDCG10: 0.4}}},
		{Set: "noanswer", NoAnswer: true, Runs: map[string]Figures{"hybrid": {Unflagged: 3, Shown: 10}}},
		{Set: "gone", Runs: map[string]Figures{"hybrid": {}}},
	}
	results := []SetResult{
		{Set: "title", Runs: map[string]Figures{"hybrid": {NDCG10: 0.481, P5: 0.479, Recall100: 0.9}}},
		{Set: "noanswer", NoAnswer: true, Runs: map[string]Figures{"hybrid": {Unflagged: 4, Shown: 4}}},
	}
	got := Regressions(committed, results, 0.02)
	want := []string{
		"noanswer, hybrid: 4 unflagged hits, committed 3",
		"set gone: not run",
		"set title, bm25: not run",
		"title, hybrid: P@5 0.479, committed 0.500",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Regressions =\n%q\nwant\n%q", got, want)
	}
}
