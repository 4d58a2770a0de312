package main

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// xapianScript indexes the corpus and runs the queries with Xapian (BM25),
// in-process and on one thread; see its docstring.
//
//go:embed bm25_xapian.py
var xapianScript []byte

// referenceRun is what the reference engine measured.
type referenceRun struct {
	Engine       string    `json:"engine"`
	Docs         int       `json:"docs"`
	IndexSeconds float64   `json:"index_seconds"`
	Latencies    []float64 `json:"latencies"` // seconds, one per query run
}

// runReference runs the BM25 reference (Xapian through python, Debian's
// python3-xapian) on the same corpus and queries as offres, rounds times
// after a warm-up pass. The error says why it could not run.
func runReference(ctx context.Context, python string, corpus []byte, queries []string, rounds int) (*referenceRun, error) {
	dir, err := os.MkdirTemp("", "offres-bench-ref-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	q, err := json.Marshal(queries)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{"bm25_xapian.py": xapianScript, "corpus.ndjson": corpus, "queries.json": q}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			return nil, err
		}
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, python, filepath.Join(dir, "bm25_xapian.py"),
		filepath.Join(dir, "corpus.ndjson"), filepath.Join(dir, "queries.json"), fmt.Sprint(rounds), filepath.Join(dir, "xapian"))
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if i := strings.LastIndexByte(msg, '\n'); i >= 0 {
			msg = msg[i+1:] // the exception, not the traceback
		}
		if msg != "" {
			err = fmt.Errorf("%w: %s", err, msg)
		}
		return nil, fmt.Errorf("%s: %w (Debian: apt-get install python3-xapian, and --python /usr/bin/python3)", python, err)
	}
	var r referenceRun
	if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
		return nil, fmt.Errorf("reference output: %w", err)
	}
	if len(r.Latencies) == 0 {
		return nil, fmt.Errorf("reference ran no query")
	}
	return &r, nil
}

// compare prints offres' latencies in each mode beside the reference's,
// with the ratios, and both indexing rates.
func compare(w io.Writer, ref *referenceRun, modes []string, typical []latencies, offers int, importTime, total time.Duration) {
	var rl latencies
	for _, s := range ref.Latencies {
		rl.d = append(rl.d, time.Duration(s*float64(time.Second)))
	}
	sort.Slice(rl.d, func(i, j int) bool { return rl.d[i] < rl.d[j] })
	fmt.Fprintf(w, "\nBM25 reference: %s, in-process, one thread, on the same %d offers and the same %d queries (%d runs):\n\n",
		ref.Engine, ref.Docs, len(typicalQueries), len(rl.d))
	fmt.Fprintln(w, "| search | p50 | p99 | p50 / reference | p99 / reference |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	fmt.Fprintf(w, "| %s BM25 (reference) | %s | %s | 1 | 1 |\n", ref.Engine, round(rl.pct(0.5)), round(rl.pct(0.99)))
	for i, mode := range modes {
		l := typical[i]
		fmt.Fprintf(w, "| offres %s | %s | %s | **%.1f×** | **%.1f×** |\n", mode, round(l.pct(0.5)), round(l.pct(0.99)),
			ratio(l.pct(0.5), rl.pct(0.5)), ratio(l.pct(0.99), rl.pct(0.99)))
	}
	refRate := float64(ref.Docs) / ref.IndexSeconds
	fmt.Fprintf(w, "\n| indexing | offers/s |\n|---|---|\n| %s (on disk, one thread) | %.0f |\n", ref.Engine, refRate)
	fmt.Fprintf(w, "| offres import (catalogue + full-text) | %.0f (%.1f× the reference) |\n", float64(offers)/importTime.Seconds(), float64(offers)/importTime.Seconds()/refRate)
	fmt.Fprintf(w, "| offres end to end (+ built-in model + every passage embedded) | %.0f (%.1f× the reference) |\n", float64(offers)/total.Seconds(), float64(offers)/total.Seconds()/refRate)
}

func ratio(a, b time.Duration) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) / float64(b)
}
