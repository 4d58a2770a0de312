package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// commands returns the command names the usage text lists: « index »,
// « rome import », « keys »…
func commands(t *testing.T) []string {
	t.Helper()
	re := regexp.MustCompile(`(?m)^  offres ([a-z]+(?: import)?)\b`)
	var out []string
	for _, m := range re.FindAllStringSubmatch(usage, -1) {
		out = append(out, m[1])
	}
	if len(out) < 8 {
		t.Fatalf("found %d commands in the usage text: %v", len(out), out)
	}
	return out
}

// TestCommandsDocumented: every command of `offres --help` is in the
// README's table of commands and in the package documentation.
func TestCommandsDocumented(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(readme), "\n## Commands\n")
	if !ok {
		t.Fatal("README.md has no « ## Commands » section")
	}
	if i := strings.Index(table, "\n## "); i >= 0 {
		table = table[:i]
	}
	doc, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range commands(t) {
		if !regexp.MustCompile("(?m)^\\| `offres " + regexp.QuoteMeta(c) + "\\b").MatchString(table) {
			t.Errorf("the README's table of commands has no row for « offres %s »", c)
		}
		if !strings.Contains(string(doc), "//\toffres "+c) {
			t.Errorf("the package documentation (main.go) does not list « offres %s »", c)
		}
	}
}

// TestNoLargeUndocumentedFiles: no tracked file over 1 MB unless it is
// data that a README.md beside it or above it, or a file of docs/, names;
// and never a compiled program.
func TestNoLargeUndocumentedFiles(t *testing.T) {
	root := filepath.Join("..", "..")
	out, err := exec.Command("git", "-C", root, "ls-files", "-z").Output()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("git ls-files: %v", err)
		}
		t.Skipf("not a git checkout: %v", err)
	}
	var docs []string
	if ds, _ := filepath.Glob(filepath.Join(root, "docs", "*.md")); ds != nil {
		docs = ds
	}
	for _, f := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		path := filepath.Join(root, f)
		st, err := os.Stat(path)
		if err != nil || st.IsDir() {
			continue
		}
		head := make([]byte, 4)
		if r, err := os.Open(path); err == nil {
			r.Read(head)
			r.Close()
		}
		if bytes.Equal(head, []byte("\x7fELF")) || st.Mode()&0o111 != 0 && !strings.HasSuffix(f, ".sh") && !strings.HasPrefix(f, ".ci/") {
			t.Errorf("%s is a compiled program or an unexpected executable: build outputs stay out of git", f)
			continue
		}
		if st.Size() <= 1<<20 {
			continue
		}
		readers := slices.Clone(docs)
		for dir := filepath.Dir(f); ; dir = filepath.Dir(dir) {
			readers = append(readers, filepath.Join(root, dir, "README.md"))
			if dir == "." {
				break
			}
		}
		named := false
		for _, r := range readers {
			b, err := os.ReadFile(r)
			if err == nil && bytes.Contains(b, []byte(filepath.Base(f))) {
				named = true
				break
			}
		}
		if !named {
			t.Errorf("%s is %d bytes: over 1 MB, and no README.md beside it or above it nor docs/ names it as data", f, st.Size())
		}
	}
}
