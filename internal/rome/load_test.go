package rome

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestLoadCounts(t *testing.T) {
	tx := realTaxonomy(t)
	want := Counts{Codes: 1584, Parents: 532, Appellations: 13120, Competences: 18317, Savoirs: 15354, Texts: 11980}
	if got := tx.Len(); got != want {
		t.Errorf("Len() = %+v, want %+v", got, want)
	}
	if tx.Version() != "v460" {
		t.Errorf("Version() = %q, want v460", tx.Version())
	}
	for _, p := range tx.Problems() {
		t.Errorf("problem in the official export: %s", p)
	}
}

func TestCode(t *testing.T) {
	tx := realTaxonomy(t)
	m, ok := tx.Code("M1805")
	if !ok {
		t.Fatal("M1805 not found")
	}
	if m.Label != "Développeur / Développeuse informatique" || m.Parent != "M1805" {
		t.Errorf("M1805 = %q, parent %q", m.Label, m.Parent)
	}
	if len(m.Definition) != 7 || len(m.Access) == 0 || len(m.Mobility) == 0 || m.Appellations == 0 {
		t.Errorf("M1805: %d definition sentences (want 7), %d access, %d mobility, %d appellations",
			len(m.Definition), len(m.Access), len(m.Mobility), m.Appellations)
	}
	// The export escapes apostrophes SQL-style: « l''analyse ».
	if m.Definition[2] != "Participe à l'analyse des besoins des clients et propose des solutions techniques adaptées" {
		t.Errorf("definition[2] = %q", m.Definition[2])
	}
	for _, s := range slices.Concat(m.Definition, m.Access) {
		if strings.Contains(s, "''") || strings.Contains(s, "  ") {
			t.Errorf("not cleaned: %q", s)
		}
	}
	if len(m.Conditions) != 0 {
		t.Errorf("conditions %q: the v4.60 export has none", m.Conditions)
	}
	web, ok := tx.Code("M1855")
	if !ok || web.Parent != "M1805" || web.Label != "Développeur / Développeuse web" {
		t.Errorf("M1855 = %+v, %v", web, ok)
	}
	if _, ok := tx.Code("Z9999"); ok {
		t.Error("Z9999 found")
	}
}

// TestLoadBadRows loads the fixture of testdata/export, whose bad records
// are skipped and reported with their file and line, the rest kept.
func TestLoadBadRows(t *testing.T) {
	tx := fixtureTaxonomy(t)
	var got []string
	for _, p := range tx.Problems() {
		got = append(got, p.String())
	}
	want := []string{
		`unix_referentiel_code_rome_v999_utf8.csv:6: code_rome "X12" is not a ROME code`,
		`unix_referentiel_code_rome_v999_utf8.csv:8: code A1299: unknown parent Z9999, taken as its own parent`,
		`unix_referentiel_appellation_v999_utf8.csv:6: unexpected 'n' after quoted field 2`,
		`unix_referentiel_appellation_v999_utf8.csv:7: 12 fields, the header has 13`,
		`unix_referentiel_appellation_v999_utf8.csv:9: appellation 10008: code_rome M9999 is not in the codes file`,
		`unix_referentiel_competence_v999_utf8.csv:4: empty code_ogr or libelle_competence`,
		`unix_texte_v999_utf8.csv:5: code M1805: position_phrase "x" is not a number`,
		`unix_texte_v999_utf8.csv:6: code M1805: unknown text type "bidule"`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	wantCounts := Counts{Codes: 6, Parents: 5, Appellations: 7, Competences: 4, Savoirs: 7, Texts: 4}
	if got := tx.Len(); got != wantCounts {
		t.Errorf("Len() = %+v, want %+v", got, wantCounts)
	}
	m, _ := tx.Code("M1805")
	wantDef := []string{"Conçoit et développe des applications informatiques.", "Participe à l'analyse des besoins des clients."}
	if !slices.Equal(m.Definition, wantDef) {
		t.Errorf("definition %q, want %q (ordered by position, apostrophes unescaped)", m.Definition, wantDef)
	}
	if !slices.Equal(m.Mobility, []string{"M1855", "J1506"}) {
		t.Errorf("mobility %q, want [M1855 J1506] (by numero_ordre)", m.Mobility)
	}
	if ms := tx.NormalizeTitle("Garde-pêche"); len(ms) == 0 || ms[0].Code != "A1204" {
		t.Errorf("NormalizeTitle(Garde-pêche) = %+v: the rows after the bad ones are kept", ms)
	}
}

func TestLoadMissingFile(t *testing.T) {
	dir := t.TempDir()
	copyDir(t, filepath.Join("testdata", "export"), dir)
	if err := os.Remove(filepath.Join(dir, "unix_referentiel_savoir_v999_utf8.csv")); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "unix_texte_v999_utf8.csv")); err != nil {
		t.Fatal(err)
	}
	_, err := Load(dir)
	if err == nil || !errors.Is(err, fs.ErrNotExist) ||
		!strings.Contains(err.Error(), "referentiel_savoir") || !strings.Contains(err.Error(), "texte") {
		t.Errorf("Load without the savoirs and texts: %v, want an error naming both", err)
	}
	// The mobility file is optional.
	copyDir(t, filepath.Join("testdata", "export"), dir)
	if err := os.Remove(filepath.Join(dir, "unix_rubrique_mobilite_v999_utf8.csv")); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir); err != nil {
		t.Errorf("Load without the mobility file: %v", err)
	}
}

func TestLoadMissingColumn(t *testing.T) {
	dir := t.TempDir()
	copyDir(t, filepath.Join("testdata", "export"), dir)
	name := filepath.Join(dir, "unix_referentiel_code_rome_v999_utf8.csv")
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	b = []byte(strings.Replace(string(b), `"libelle_rome"`, `"libelle"`, 1))
	if err := os.WriteFile(name, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), `missing column "libelle_rome"`) {
		t.Errorf("Load with a renamed column: %v", err)
	}
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	entries, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestParseLine(t *testing.T) {
	for _, tc := range []struct {
		name, line string
		want       []string
		err        bool
	}{
		{"quoted", `"a","b c","d"`, []string{"a", "b c", "d"}, false},
		{"unquoted", `a,b,,c`, []string{"a", "b", "", "c"}, false},
		{"doubled quote", `"dit ""non""",x`, []string{`dit "non"`, "x"}, false},
		{"comma inside", `"a, b",c`, []string{"a, b", "c"}, false},
		{"trailing empty", `"a",`, []string{"a", ""}, false},
		{"unterminated", `"a,b`, nil, true},
		{"after quote", `"a"b,c`, nil, true},
		{"bare quote", `a"b,c`, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseLine(tc.line)
			if (err != nil) != tc.err || !slices.Equal(got, tc.want) {
				t.Errorf("parseLine(%q) = %q, %v", tc.line, got, err)
			}
		})
	}
}

func FuzzParseLine(f *testing.F) {
	for _, s := range []string{`"a","b"`, `a,b`, `"a""b",`, `"x`, `""`, `,`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		fields, err := parseLine(line)
		if err != nil {
			return
		}
		// Quoting every field and parsing again gives the same fields.
		quoted := make([]string, len(fields))
		for i, s := range fields {
			quoted[i] = `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
		}
		again, err := parseLine(strings.Join(quoted, ","))
		if err != nil || !slices.Equal(again, fields) {
			t.Fatalf("%q → %q → %q, %v", line, fields, again, err)
		}
	})
}
