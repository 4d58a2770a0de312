package assistant

import (
	"io/fs"
	"strings"
	"testing"
)

// TestWordFiles: every file of words/ parses, with no phrase twice in a
// section, and every section the code reads is there.
func TestWordFiles(t *testing.T) {
	names, err := fs.Glob(wordFiles, "words/*.txt")
	if err != nil || len(names) == 0 {
		t.Fatalf("%v %v", names, err)
	}
	for _, name := range names {
		data, _ := wordFiles.ReadFile(name)
		f, err := parseWords(name, data)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range f.order {
			seen := map[string]bool{}
			for _, w := range f.sections[s] {
				if seen[w] {
					t.Errorf("%s [%s]: %q twice", name, s, w)
				}
				seen[w] = true
			}
		}
	}
	// The matchers read their sections (a missing one panics).
	intents()
	timeExprs()
	closingCues()
	statusPhrases()
	contracts()
	familyMatcher()
}

func TestParseWordsErrors(t *testing.T) {
	for _, bad := range []string{"phrase before a section\n", "[a]\nx\n[a]\ny\n", "[]\nx\n"} {
		if _, err := parseWords("bad.txt", []byte(bad)); err == nil || !strings.HasPrefix(err.Error(), "bad.txt:") {
			t.Errorf("%q: %v", bad, err)
		}
	}
	f, err := parseWords("ok.txt", []byte("# comment\n[a]\nx, y # z\n\n[b]\nw\n"))
	if err != nil || strings.Join(f.order, ",") != "a,b" || strings.Join(f.sections["a"], ",") != "x,y" {
		t.Errorf("%+v %v", f, err)
	}
}

func TestOneTypo(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"limitte", "limite", true}, {"limte", "limite", true}, {"dtae", "date", true}, {"salair", "salaire", true},
		{"salaure", "salaire", true}, {"date", "date", false}, {"dat", "date", false}, {"limiter", "limite", true},
		{"grade", "garde", true}, {"contrat", "contact", false}, {"horaires", "horaire", true}, {"abcd", "dcba", false},
	} {
		if got := oneTypo(c.a, c.b); got != c.want {
			t.Errorf("oneTypo(%q, %q) = %v", c.a, c.b, got)
		}
	}
}

// TestMisspelt: a question's word misspelt names the offer's word (the
// held-out batch demo-t: « devellopeur »), not another word.
func TestMisspelt(t *testing.T) {
	for _, tc := range []struct {
		w, t string
		want bool
	}{
		{"devellopeur", "developpeur", true},
		{"infirmiere", "infirmier", true},
		{"comptabl", "comptable", true},
		{"technicien", "mecanicien", false},
		{"juriste", "jardinier", false},
		{"chauffeur", "chauffe", false},
	} {
		if got := misspelt(tc.w, tc.t); got != tc.want {
			t.Errorf("misspelt(%q, %q) = %v, want %v", tc.w, tc.t, got, tc.want)
		}
	}
}
