package eval

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"offres/indexer"
	"offres/internal/offres"
	"offres/internal/shareddata"
)

func TestFirstForm(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"one word", "Ripeur / Ripeuse", "Ripeur"},
		{"shared complement", "Agent / Agente de collecte de déchets", "Agent de collecte de déchets"},
		{"two-word forms", "Chef d'équipe / Cheffe d'équipe du nettoiement d'espace urbain", "Chef d'équipe du nettoiement d'espace urbain"},
		{"long complement", "Technicien applicateur / Technicienne applicatrice en traitement des charpentes", "Technicien applicateur en traitement des charpentes"},
		{"no complement", "Balayeur urbain / Balayeuse urbaine", "Balayeur urbain"},
		{"slash without spaces", "Technicien applicateur/Technicienne applicatrice hygiéniste", "Technicien applicateur hygiéniste"},
		{"parenthesised endings", "Technicien(ne) applicateur(trice) hygiéniste", "Technicien applicateur hygiéniste"},
		{"not gendered", "Responsable propreté urbaine", "Responsable propreté urbaine"},
		{"parenthesis that is no ending", "Conseiller (Banque)", "Conseiller (Banque)"},
		{"spacing", "  Taupier  /  Taupière ", "Taupier"},
		{"two slashes", "Agent / Agente de tri / recyclage", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FirstForm(tt.in); got != tt.want {
				t.Errorf("FirstForm(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestFeminineForm(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"one word", "Ripeur / Ripeuse", "Ripeuse"},
		{"shared complement", "Agent / Agente de collecte de déchets", "Agente de collecte de déchets"},
		{"two-word forms", "Chef d'équipe / Cheffe d'équipe du nettoiement", "Cheffe d'équipe du nettoiement"},
		{"slash without spaces", "Technicien applicateur/Technicienne applicatrice hygiéniste", "Technicienne applicatrice hygiéniste"},
		{"fewer words after the slash", "Technicien applicateur / Technicienne", ""},
		{"not gendered", "Responsable propreté urbaine", ""},
		{"two slashes", "Agent / Agente de tri / recyclage", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FeminineForm(tt.in); got != tt.want {
				t.Errorf("FeminineForm(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestBuildSet(t *testing.T) {
	offer := func(id, rome, title, text, appellation string) LabelledOffer {
		return LabelledOffer{Offer: offres.Offer{ID: id, RomeCode: rome, Title: title, Description: text}, Appellation: appellation}
	}
	offers := []LabelledOffer{
		offer("o 1/A", "K1", "Ripeur", "Collecte des ordures. DÉSINSECTISEUR agréé.", "Ripeur / Ripeuse"),
		offer("o2", "K1", "Agent de  collecte", "Tournées du matin.", "Équipier / Équipière de collecte"),
		offer("o3", "K1", "Ripeur H/F", "Tri sélectif.", "Ripeur / Ripeuse"),
		offer("o4", "K2", "Taupier", "Jardins.", ""),
		offer("o5", "", "Sans code", "Rien.", ""),
		// A Place de l'emploi public offer: no ROME code, an appellation code.
		{Offer: offres.Offer{ID: "2021-1", Title: "Piégeur / Piégeuse (H/F)"}, OGR: "600"},
	}
	apps := []Appellation{
		{OGR: "100", Rome: "K1", Long: "Ripeur / Ripeuse", Short: "Ripeur / Ripeuse", Principal: true},                // in titles
		{OGR: "900", Rome: "K1", Long: "Equipier / Equipière de collecte", Short: "Equipier / Equipière de collecte"}, // used by o2
		{OGR: "300", Rome: "K1", Long: "Éboueur / Éboueuse", Short: "Éboueur / Éboueuse"},
		{OGR: "200", Rome: "K1", Long: "Ramasseur / Ramasseuse", Short: "Ramasseur / Ramasseuse"},
		{OGR: "150", Rome: "K1", Long: "Désinsectiseur / Désinsectiseuse", Short: "Désinsectiseur"},               // in o1's text only
		{OGR: "160", Rome: "K1", Long: "Agent / Agente de collecte", Short: "Agent / Agente de collecte"},         // in o2's title, spacing aside
		{OGR: "170", Rome: "K1", Long: "Conducteur / Conductrice de benne", Short: "Conducteur de benne"},         // not in any text
		{OGR: "180", Rome: "K1", Long: "Opérateur / Opératrice de conduite de benne", Short: "Conduite de benne"}, // short in o3's skills
		{OGR: "400", Rome: "K1", Long: "EBOUEUR / EBOUEUSE", Short: "EBOUEUR / EBOUEUSE"},                         // same text as 300
		{OGR: "500", Rome: "K2", Long: "Piégeur / Piégeuse", Short: "Piégeur / Piégeuse"},                         // in the feminine of a title
		{OGR: "600", Rome: "K2", Long: "Trappeur / Trappeuse", Short: "Trappeur / Trappeuse"},                     // the code of 2021-1
	}
	codes := map[string]string{"K1": "Ripeur / Ripeuse"}

	set := BuildSet(offers, apps, codes, SetOptions{PerCode: 3, MinRelevant: 2})
	want := []Query{{"K1-900", "Equipier de collecte"}, {"K1-150", "Désinsectiseuse"}, {"K1-170", "conducteur de benne"},
		{"K2-600", "Trappeur"}}
	if !reflect.DeepEqual(set.Queries, want) {
		t.Errorf("PerCode 3: queries %q, want %q", set.Queries, want)
	}
	wantQrels := Qrels{
		"K1-900": {"o 1/A": 1, "o2": 2, "o3": 1},
		"K1-150": {"o 1/A": 1, "o2": 1, "o3": 1},
		"K1-170": {"o 1/A": 1, "o2": 1, "o3": 1},
		"K2-600": {"o4": 1, "2021-1": 2},
	}
	if !reflect.DeepEqual(set.Qrels, wantQrels) {
		t.Errorf("qrels %v, want %v", set.Qrels, wantQrels)
	}
	wantCodes := []CodeSummary{{Rome: "K1", Label: "Ripeur / Ripeuse", Offers: 3, Queries: 3}, {Rome: "K2", Offers: 2, Queries: 1}}
	if !reflect.DeepEqual(set.Codes, wantCodes) {
		t.Errorf("codes %+v, want %+v", set.Codes, wantCodes)
	}
	if got, want := set.Summary(), "4 queries, 2 ROME codes (of 2), 11 relevant pairs (2 of grade 2)"; got != want {
		t.Errorf("Summary = %q, want %q", got, want)
	}

	all := BuildSet(offers, apps, codes, SetOptions{PerCode: 10, MinRelevant: 3})
	var got []string
	for _, q := range all.Queries {
		got = append(got, q.ID+" "+q.Text)
	}
	wantAll := "K1-900 Equipier de collecte,K1-150 Désinsectiseuse,K1-170 conducteur de benne,K1-180 Conduite de benne," +
		"K1-200 Ramasseuse,K1-300 eboueur,K1-400 EBOUEUSE"
	if strings.Join(got, ",") != wantAll {
		t.Errorf("PerCode 10: queries %s, want %s", strings.Join(got, ","), wantAll)
	}

	var b bytes.Buffer
	if err := all.WriteQueries(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "# K1 Ripeur / Ripeuse: 3 offers, 7 queries\nK1-900\tEquipier de collecte\n") ||
		!strings.Contains(b.String(), "# K2: 2 offers, 0 queries\n") {
		t.Errorf("WriteQueries wrote\n%s", b.String())
	}
}

// testData returns the directory of the shared test data, or skips the
// test when it is absent (fails instead with OFFRES_REQUIRE_TESTDATA=1).
func testData(tb testing.TB) string {
	tb.Helper()
	for _, f := range []string{SetOffersFile, SetPEPFile, SetAppellationsFile, SetCodesFile} {
		shareddata.Path(tb, f)
	}
	return shareddata.Dir()
}

// titleSetDir is the committed title set.
const titleSetDir = "testdata/search/title"

// TestSharedDataSet builds the title set from the shared data, checks its
// invariants against the offers as an import reads them, and that it is
// the committed set, byte for byte.
func TestSharedDataSet(t *testing.T) {
	dir := testData(t)
	set, err := LoadSet(dir, SetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("title set: %s", set.Summary())
	if len(set.Queries) < 150 || set.CodesWithQueries() < 25 {
		t.Errorf("%s: want at least 150 queries over 25 codes", set.Summary())
	}

	// The offers as an import reads them: ids and titles.
	imported := map[string]offres.Offer{}
	for _, name := range []string{SetOffersFile, SetPEPFile} {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		err = indexer.Parse(name, f, func(r indexer.Record) error {
			if r.Err == nil {
				imported[r.Offer.ID] = r.Offer
			}
			return nil
		})
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range set.Queries {
		folded := " " + offres.FoldKey(q.Text) + " "
		for _, o := range imported {
			if strings.Contains(" "+offres.FoldKey(o.Title)+" ", folded) {
				t.Errorf("query %s %q is in the title of offer %s %q", q.ID, q.Text, o.ID, o.Title)
			}
		}
		for doc := range set.Qrels[q.ID] {
			if _, ok := imported[doc]; !ok {
				t.Errorf("query %s: judged doc %q is not an imported offer id", q.ID, doc)
			}
		}
	}

	// Deterministic and committed: the build writes the committed bytes.
	out := t.TempDir()
	if err := set.Write(out); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{QueriesFile, QrelsFile} {
		built, err1 := os.ReadFile(filepath.Join(out, name))
		committed, err2 := os.ReadFile(filepath.Join(titleSetDir, name))
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if !bytes.Equal(built, committed) {
			t.Errorf("%s/%s differs from a fresh build: regenerate it (see its README.md)", titleSetDir, name)
		}
	}

	// The written files read back as the set.
	qf, err := os.Open(filepath.Join(out, QueriesFile))
	if err != nil {
		t.Fatal(err)
	}
	defer qf.Close()
	queries, err := ReadQueries(QueriesFile, qf)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(queries, set.Queries) {
		t.Errorf("queries read back %q, want %q", queries, set.Queries)
	}
	rf, err := os.Open(filepath.Join(out, QrelsFile))
	if err != nil {
		t.Fatal(err)
	}
	defer rf.Close()
	qrels, err := ReadQrels(QrelsFile, rf)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(qrels, set.Qrels) {
		t.Errorf("qrels read back differ from the set (%d vs %d queries)", len(qrels), len(set.Qrels))
	}
}
