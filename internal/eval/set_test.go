package eval

import (
	"bytes"
	"encoding/json"
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
	}
	offers[2].Offer.Skills = []offres.Skill{{Label: "Conduite de benne"}}
	apps := []Appellation{
		{OGR: "100", Rome: "K1", Long: "Ripeur / Ripeuse", Short: "Ripeur / Ripeuse", Principal: true},                // in titles
		{OGR: "900", Rome: "K1", Long: "Equipier / Equipière de collecte", Short: "Equipier / Equipière de collecte"}, // used by o2
		{OGR: "300", Rome: "K1", Long: "Éboueur / Éboueuse", Short: "Éboueur / Éboueuse"},
		{OGR: "200", Rome: "K1", Long: "Ramasseur / Ramasseuse", Short: "Ramasseur / Ramasseuse"},
		{OGR: "150", Rome: "K1", Long: "Désinsectiseur / Désinsectiseuse", Short: "Désinsectiseur"},               // in o1's text, accents aside
		{OGR: "160", Rome: "K1", Long: "Agent / Agente de collecte", Short: "Agent / Agente de collecte"},         // in o2's title, spacing aside
		{OGR: "170", Rome: "K1", Long: "Conducteur / Conductrice de benne", Short: "Conducteur de benne"},         // not in any text
		{OGR: "180", Rome: "K1", Long: "Opérateur / Opératrice de conduite de benne", Short: "Conduite de benne"}, // short in o3's skills, long not
		{OGR: "400", Rome: "K1", Long: "EBOUEUR / EBOUEUSE", Short: "EBOUEUR / EBOUEUSE"},                         // same text as 300
		{OGR: "500", Rome: "K2", Long: "Piégeur / Piégeuse", Short: "Piégeur / Piégeuse"},                         // K2 has 1 offer
	}
	codes := map[string]string{"K1": "Ripeur / Ripeuse"}

	set := BuildSet(offers, apps, codes, SetOptions{PerCode: 2})
	want := []Query{{"K1-900", "Equipier de collecte"}, {"K1-170", "Conducteur de benne"}}
	if !reflect.DeepEqual(set.Queries, want) {
		t.Errorf("PerCode 2: queries %q, want %q", set.Queries, want)
	}
	wantQrels := Qrels{
		"K1-900": {"o 1/A": 1, "o2": 2, "o3": 1},
		"K1-170": {"o 1/A": 1, "o2": 1, "o3": 1},
	}
	if !reflect.DeepEqual(set.Qrels, wantQrels) {
		t.Errorf("qrels %v, want %v", set.Qrels, wantQrels)
	}
	wantCodes := []CodeSummary{{Rome: "K1", Label: "Ripeur / Ripeuse", Offers: 3, Queries: 2}, {Rome: "K2", Offers: 1}}
	if !reflect.DeepEqual(set.Codes, wantCodes) {
		t.Errorf("codes %+v, want %+v", set.Codes, wantCodes)
	}
	if got, want := set.Summary(), "2 queries, 1 ROME codes (of 2), 6 relevant pairs (1 of grade 2)"; got != want {
		t.Errorf("Summary = %q, want %q", got, want)
	}

	all := BuildSet(offers, apps, codes, SetOptions{PerCode: 10})
	var got []string
	for _, q := range all.Queries {
		got = append(got, q.ID+" "+q.Text)
	}
	wantAll := "K1-900 Equipier de collecte,K1-170 Conducteur de benne,K1-180 Opérateur de conduite de benne,K1-200 Ramasseur,K1-300 Éboueur"
	if strings.Join(got, ",") != wantAll {
		t.Errorf("PerCode 10: queries %s, want %s", strings.Join(got, ","), wantAll)
	}

	var b bytes.Buffer
	if err := all.WriteQueries(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "# K1 Ripeur / Ripeuse: 3 offers, 5 queries\nK1-900\tEquipier de collecte\n") ||
		!strings.Contains(b.String(), "# K2: 1 offers, 0 queries\n") {
		t.Errorf("WriteQueries wrote\n%s", b.String())
	}
}

// testData returns the directory of the shared test data, or skips the
// test when it is absent (fails instead with OFFRES_REQUIRE_TESTDATA=1).
func testData(tb testing.TB) string {
	tb.Helper()
	for _, f := range []string{SetOffersFile, SetAppellationsFile, SetCodesFile} {
		shareddata.Path(tb, f)
	}
	return shareddata.Dir()
}

// TestSharedDataSet builds the set from the shared data and checks its
// invariants against the offers as an import reads them and as the file
// has them.
func TestSharedDataSet(t *testing.T) {
	dir := testData(t)
	opts := SetOptions{PerCode: 3}
	set, err := LoadSet(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("evaluation set: %s", set.Summary())
	if len(set.Queries) == 0 {
		t.Fatal("no query")
	}
	if n := set.CodesWithQueries(); len(set.Queries) > opts.PerCode*n {
		t.Errorf("%d queries for %d codes, want at most %d per code", len(set.Queries), n, opts.PerCode)
	}

	// The offers as an import reads them: ids and ROME codes.
	f, err := os.Open(filepath.Join(dir, SetOffersFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	imported := map[string]offres.Offer{}
	err = indexer.Parse(SetOffersFile, f, func(r indexer.Record) error {
		if r.Err == nil {
			imported[r.Offer.ID] = r.Offer
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The offers as the file has them, for the verbatim check.
	b, err := os.ReadFile(filepath.Join(dir, SetOffersFile))
	if err != nil {
		t.Fatal(err)
	}
	var raw []struct {
		Intitule    string `json:"intitule"`
		Description string `json:"description"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}

	for _, q := range set.Queries {
		folded := offres.Fold(q.Text)
		for _, o := range raw {
			if strings.Contains(offres.Fold(o.Intitule), folded) || strings.Contains(offres.Fold(o.Description), folded) {
				t.Errorf("query %s %q occurs in offer %q", q.ID, q.Text, o.Intitule)
				break
			}
		}
		rome, _, _ := strings.Cut(q.ID, "-")
		docs := set.Qrels[q.ID]
		relevant := 0
		for doc, g := range docs {
			o, ok := imported[doc]
			switch {
			case !ok:
				t.Errorf("query %s: judged doc %q is not an imported offer id", q.ID, doc)
			case o.RomeCode != rome:
				t.Errorf("query %s: judged doc %q has ROME code %s", q.ID, doc, o.RomeCode)
			}
			if g > 0 {
				relevant++
			}
		}
		if relevant < 2 {
			t.Errorf("query %s: %d relevant docs, want at least 2", q.ID, relevant)
		}
		for id, o := range imported {
			if _, judged := docs[id]; o.RomeCode == rome && !judged {
				t.Errorf("query %s: offer %q of code %s is not judged", q.ID, id, rome)
			}
		}
	}

	// Deterministic: a second build writes the same bytes.
	out1, out2 := t.TempDir(), t.TempDir()
	if err := set.Write(out1); err != nil {
		t.Fatal(err)
	}
	again, err := LoadSet(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := again.Write(out2); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{QueriesFile, QrelsFile} {
		b1, err1 := os.ReadFile(filepath.Join(out1, name))
		b2, err2 := os.ReadFile(filepath.Join(out2, name))
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if !bytes.Equal(b1, b2) {
			t.Errorf("%s differs between two builds", name)
		}
	}

	// The written files read back as the set.
	qf, err := os.Open(filepath.Join(out1, QueriesFile))
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
	rf, err := os.Open(filepath.Join(out1, QrelsFile))
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
