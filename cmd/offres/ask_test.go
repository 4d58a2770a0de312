package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestAskCommand(t *testing.T) {
	dir, corpus := demoCorpus(t)
	data := filepath.Join(dir, "data")
	if _, stderr, err := runCmd(t, "index", "--data", data, "--quiet", corpus); err != nil {
		t.Fatalf("index: %v\n%s", err, stderr)
	}
	out, stderr, err := runCmd(t, "ask", "--data", data, "Quelle est la date limite pour le poste de chef de projet digital ?")
	if err != nil {
		t.Fatalf("ask: %v\n%s", err, stderr)
	}
	for _, want := range []string{"7 mars 2025", "clôturée", "Sources :", "[1] 3134-25-0308/SR"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if _, _, err := runCmd(t, "ask", "--data", data); err == nil {
		t.Error("ask without a question succeeded")
	}
}

func TestKeysCommand(t *testing.T) {
	data := t.TempDir()
	out, stderr, err := runCmd(t, "keys", "create", "--data", data, "--name", "DSIN", "--role", "recruiter")
	if err != nil || !strings.Contains(out, "ofr_") {
		t.Fatalf("create: %v %s %s", err, out, stderr)
	}
	id := strings.Fields(out)[1]
	if out, _, err := runCmd(t, "keys", "list", "--data", data); err != nil || !strings.Contains(out, id) || strings.Contains(out, "ofr_") {
		t.Errorf("list: %v\n%s", err, out)
	}
	if _, _, err := runCmd(t, "keys", "create", "--data", data, "--name", "x", "--role", "admin"); err == nil {
		t.Error("a key of an unknown role")
	}
	if _, _, err := runCmd(t, "keys", "delete", "--data", data, id); err != nil {
		t.Errorf("delete: %v", err)
	}
	if _, _, err := runCmd(t, "keys", "delete", "--data", data, id); err == nil {
		t.Error("deleting twice succeeded")
	}
}

// TestRomeImportAndMatchEval imports the real ROME export and runs the
// matching evaluation on the France Travail offers.
func TestRomeImportAndMatchEval(t *testing.T) {
	td := testdataDir(t)
	data := t.TempDir()
	out, stderr, err := runCmd(t, "rome", "import", "--data", data, filepath.Join(td, "rome"))
	if err != nil || !strings.Contains(out, "Appellations:13120") {
		t.Fatalf("rome import: %v\n%s\n%s", err, out, stderr)
	}
	if _, stderr, err := runCmd(t, "index", "--data", data, "--quiet", filepath.Join(td, "offers", "france-travail-2024.json")); err != nil {
		t.Fatalf("index: %v\n%s", err, stderr)
	}
	out, stderr, err = runCmd(t, "eval", "--match", "--data", data, "--sets", matchSetsDir)
	if err != nil || !strings.Contains(out, "| matching |") || !strings.Contains(out, "| bm25 baseline |") {
		t.Errorf("eval --match: %v\n%s\n%s", err, out, stderr)
	}
	if _, _, err := runCmd(t, "rome", "import", "--data", data, t.TempDir()); err == nil {
		t.Error("importing an empty folder succeeded")
	}
}
