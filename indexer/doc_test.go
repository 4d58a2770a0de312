package indexer

import (
	"os"
	"strings"
	"testing"
)

// TestDocListsFormats: the package documentation names every format
// Formats lists, and Formats lists every format DetectFormat returns.
func TestDocListsFormats(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range Formats {
		if !strings.Contains(string(doc), "//   - "+string(f)+": ") {
			t.Errorf("doc.go does not describe the format %q", f)
		}
	}
	src, err := os.ReadFile("format.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(src), "\n") {
		if name, _, ok := strings.Cut(strings.TrimSpace(line), " "); ok && strings.HasPrefix(name, "Format") && strings.Contains(line, "Format = \"") {
			value := line[strings.Index(line, `"`)+1:]
			value = value[:strings.Index(value, `"`)]
			found := false
			for _, f := range Formats {
				found = found || string(f) == value
			}
			if !found {
				t.Errorf("%s (%q) is not in Formats", name, value)
			}
		}
	}
}
