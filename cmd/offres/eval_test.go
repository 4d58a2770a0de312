package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"offres/internal/demo"
)

// TestEvalDemo runs offres eval on the demo corpus with a two-query set and
// checks the table it prints, and that bad files are reported with their
// line.
func TestEvalDemo(t *testing.T) {
	dir, corpus := demoCorpus(t)
	data := filepath.Join(dir, "data")
	if _, stderr, err := runCmd(t, "index", "--data", data, "--quiet", corpus); err != nil {
		t.Fatalf("index: %v\n%s", err, stderr)
	}
	queries := filepath.Join(dir, "q.tsv")
	qrels := filepath.Join(dir, "qrels")
	os.WriteFile(queries, []byte("1\tgarde-pêche\n2\tsoins infirmiers\n"), 0o644)
	os.WriteFile(qrels, []byte("1 0 PS-2026-0511/DDDT 1\n1 0 PS-2026-0722/DDDT 1\n2 0 CHT-Médecine-2026-03 1\n2 0 PS-2026-0655/DPASS 1\n"), 0o644)
	out, stderr, err := runCmd(t, "eval", "--data", data, "--queries", queries, "--qrels", qrels)
	if err != nil {
		t.Fatalf("eval: %v\n%s", err, stderr)
	}
	for _, row := range []string{"| keyword | 2 |", "| semantic | 2 |", "| hybrid | 2 |"} {
		if !strings.Contains(out, row) {
			t.Errorf("no row %q in:\n%s", row, out)
		}
	}
	os.WriteFile(qrels, []byte("1 0 PS-2026-0511/DDDT 1\n1 0 PS-2026-0722/DDDT x\n"), 0o644)
	_, _, err = runCmd(t, "eval", "--data", data, "--queries", queries, "--qrels", qrels)
	if err == nil || !strings.Contains(err.Error(), qrels+":2") {
		t.Errorf("bad qrels: %v, want the file and line", err)
	}
}

// TestEvalSetsDemo runs offres eval --sets over offers it imports itself
// (--offers): a graded set and a no-answer set, each in every mode and with
// the BM25 baseline.
func TestEvalSetsDemo(t *testing.T) {
	dir, corpus := demoCorpus(t)
	sets := filepath.Join(dir, "sets")
	for name, files := range map[string]map[string]string{
		"graded": {"queries.tsv": "1\tgarde-pêche\n", "qrels.txt": "1 0 PS-2026-0511/DDDT 1\n1 0 PS-2026-0722/DDDT 1\n"},
		"none":   {"queries.tsv": "z1\tcoiffeuse\n"},
	} {
		if err := os.MkdirAll(filepath.Join(sets, name), 0o755); err != nil {
			t.Fatal(err)
		}
		for f, text := range files {
			if err := os.WriteFile(filepath.Join(sets, name, f), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	out, stderr, err := runCmd(t, "eval", "--log-level", "warn", "--sets", sets, "--offers", corpus)
	if err != nil {
		t.Fatalf("eval: %v\n%s", err, stderr)
	}
	for _, want := range []string{"graded (1 queries)", "| run | nDCG@10 | P@5 | Recall@100 |", "| bm25 baseline | ",
		"none (1 queries without a relevant offer; hits in the top 10)", "| hybrid | "} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
}

// demoCorpus writes the demo corpus into a temporary directory and returns
// both.
func demoCorpus(t *testing.T) (dir, corpus string) {
	t.Helper()
	dir = t.TempDir()
	corpus = filepath.Join(dir, "demo.json")
	if err := os.WriteFile(corpus, demo.Offers, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, corpus
}
