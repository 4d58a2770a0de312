package lexicon

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []Group
	}{
		{"empty", "", nil},
		{"comments and blank lines", "# title\n\n   # indented\n", nil},
		{
			"equivalence",
			"infirmier, IDE ,  infirmier   diplômé d'État\n",
			[]Group{{Terms: []string{"infirmier", "IDE", "infirmier diplômé d'État"}, Line: 1}},
		},
		{
			"trailing comment",
			"\nkiné, kinésithérapeute # short form\n",
			[]Group{{Terms: []string{"kiné", "kinésithérapeute"}, Line: 2}},
		},
		{
			"one-way",
			"informaticien, informaticienne => développeur, technicien informatique",
			[]Group{{
				Input: []string{"informaticien", "informaticienne"},
				Terms: []string{"développeur", "technicien informatique"},
				Line:  1,
			}},
		},
		{
			"one-way with a single term each side",
			"a => b",
			[]Group{{Input: []string{"a"}, Terms: []string{"b"}, Line: 1}},
		},
		{
			"crlf line endings",
			"a, b\r\nc, d\r\n",
			[]Group{{Terms: []string{"a", "b"}, Line: 1}, {Terms: []string{"c", "d"}, Line: 2}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(strings.NewReader(tt.src))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !slices.EqualFunc(got, tt.want, equalGroup) {
				t.Errorf("Parse = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func equalGroup(a, b Group) bool {
	return slices.Equal(a.Input, b.Input) && slices.Equal(a.Terms, b.Terms) && a.Line == b.Line
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src, msg string
	}{
		{"single term", "ok, fine\nlonely\n", "line 2"},
		{"empty term", "a, , b", "empty term"},
		{"trailing comma", "a, b,", "empty term"},
		{"duplicate", "IDE, infirmier, ide", "duplicate"},
		{"empty input", " => b", "empty term"},
		{"empty output", "a =>", "empty term"},
		{"two arrows", "a => b => c", "more than one"},
		{"same term both sides", "a, b => B", "both sides"},
		{"line too long", strings.Repeat("x", maxLineLen+1), "line 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.src))
			if err == nil {
				t.Fatal("Parse: no error")
			}
			if !errors.Is(err, ErrSyntax) {
				t.Errorf("error %v does not wrap ErrSyntax", err)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q does not mention %q", err, tt.msg)
			}
		})
	}
}

func TestSynonymsCurated(t *testing.T) {
	groups := Synonyms()
	if len(groups) < 80 {
		t.Errorf("%d groups, want at least 80", len(groups))
	}
	// Terms the search and question-understanding layers rely on.
	want := [][2]string{
		{"IDE", "infirmier diplômé d'État"},
		{"ATSEM", "agent territorial spécialisé des écoles maternelles"},
		{"développeur", "programmeur"},
		{"DSIN", "direction du système d'information et du numérique"},
		{"DRHFPNC", "direction des ressources humaines et de la fonction publique de Nouvelle-Calédonie"},
		{"RSSI", "responsable sécurité des systèmes d'information"},
		{"MNS", "maître-nageur"},
		{"ASS", "assistant de service social"},
		{"kiné", "kinésithérapeute"},
		{"CDD", "contrat à durée déterminée"},
		{"BTP", "bâtiment et travaux publics"},
		{"VRD", "voirie et réseaux divers"},
		{"SIG", "système d'information géographique"},
		{"IA", "intelligence artificielle"},
		{"informatique", "numérique"},
		{"Païta", "Tontouta"},
		{"Mont-Dore", "Boulari"},
		{"Île des Pins", "Kunié"},
		{"Boulouparis", "Bouloupari"},
	}
	for _, w := range want {
		if !sameGroup(groups, w[0], w[1]) {
			t.Errorf("%q and %q are not in one group", w[0], w[1])
		}
	}
	// A copy: changing it does not change the next call.
	groups[0].Terms[0] = "changed"
	if Synonyms()[0].Terms[0] == "changed" {
		t.Error("Synonyms returns shared storage")
	}
}

func sameGroup(groups []Group, a, b string) bool {
	for _, g := range groups {
		all := g.All()
		if slices.Contains(all, a) && slices.Contains(all, b) {
			return true
		}
	}
	return false
}

func TestOneWay(t *testing.T) {
	var found bool
	for _, g := range Synonyms() {
		if g.OneWay() && slices.Contains(g.Input, "informaticien") {
			found = true
			if !slices.Contains(g.Terms, "développeur") {
				t.Errorf("informaticien group = %v, want développeur among its targets", g.Terms)
			}
		}
	}
	if !found {
		t.Error("no one-way group for informaticien")
	}
}

func TestVersion(t *testing.T) {
	v := Version()
	if len(v) != 16 || v != Version() {
		t.Errorf("Version = %q, want a stable 16-digit hex string", v)
	}
}

// TestPhrases: the everyday words parse, are one-way groups, and none of
// their phrases is also a term of the synonyms (which job-title matching
// uses: a phrase there would make it a job title).
func TestPhrases(t *testing.T) {
	groups := Phrases()
	if len(groups) < 5 {
		t.Fatalf("%d groups of phrases", len(groups))
	}
	terms := map[string]bool{}
	for _, g := range Synonyms() {
		for _, term := range g.All() {
			terms[strings.ToLower(term)] = true
		}
	}
	for _, g := range groups {
		if !g.OneWay() {
			t.Errorf("line %d: phrases are one-way groups", g.Line)
		}
		for _, in := range g.Input {
			if terms[strings.ToLower(in)] {
				t.Errorf("line %d: %q is also a term of synonyms.txt", g.Line, in)
			}
		}
	}
}
