package rome

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"offres/internal/offres"
)

var update = flag.Bool("update", false, "rewrite testdata/titles.golden")

func TestNormalizeTitleExamples(t *testing.T) {
	tx := realTaxonomy(t)
	for _, tc := range []struct{ title, code, specific string }{
		{"développeur", "M1805", "M1805"},
		{"Développeur / Développeuse web", "M1805", "M1855"},
		{"développeur web H/F", "M1805", "M1855"},
		{"DÉVELOPPEUR WEB (F/H)", "M1805", "M1855"},
		{"ingénieur d'études informatique", "M1805", "M1818"},
		{"Ingénieur d’études informatique", "M1805", "M1818"}, // typographic apostrophe
		{"infirmier diplômé d'État", "J1506", "J1506"},
		{"infirmière diplômée d'état", "J1506", "J1506"},
		{"IDE", "J1506", "J1506"},
		{"aide-soignant(e) de nuit", "J1501", "J1501"},
		{"Aide soignante", "J1501", "J1501"},
		{"garde-pêche", "A1204", "A1204"},
		{"Gardes-pêche (2 postes)", "A1204", "A1204"},
		// ROME v4.60 files « Chef / Cheffe de projet digital » under M1886,
		// a detailed code of M1803.
		{"chef de projet digital", "M1803", "M1886"},
		{"Technicien Applicateur Hygièniste 3D (H/F)", "K2305", "K2319"},
		{"Agent.e d'accueil", "M1601", "M1601"},
		{"EMPLOY(E) LIBRE SERVICE", "D1507", "D1507"},
		{"Un/Une agent(e) d'entretien des espaces verts", "A1203", "A1203"},
		{"Chef / Cheffe d'équipe en plastique/caoutchouc", "H2504", "H2504"},
		// « auto », the clipping of « automobile », through the lexicon:
		// without it the title matches no appellation at all.
		{"Mécanicien auto polyvalent", "I1604", "I1604"},
	} {
		t.Run(tc.title, func(t *testing.T) {
			ms := tx.NormalizeTitle(tc.title)
			if len(ms) == 0 {
				t.Fatalf("no match, want %s", tc.code)
			}
			if ms[0].Code != tc.code || ms[0].Specific != tc.specific {
				t.Errorf("got %s/%s %q (%.2f), want %s/%s; all: %v",
					ms[0].Code, ms[0].Specific, ms[0].Appellation, ms[0].Score, tc.code, tc.specific, ms)
			}
		})
	}
}

// demoTitles are titles of the demo corpus (demo/offers.json) with their
// expected code: the corpus' rome_code where it agrees with the ROME, the
// code of the matching ROME appellation where the corpus has none or where
// it disagrees with the ROME (noted).
var demoTitles = []struct{ title, code, note string }{
	{"Infirmier diplômé d'État (IDE) – médecine polyvalente", "J1506", ""},
	{"Infirmière en soins généraux – centre médico-social de Bourail", "J1506", ""},
	{"Aide-soignant(e) de nuit – unité de psychiatrie adulte", "J1501", ""},
	{"Médecin généraliste – centre médico-social de Thio", "J1102", ""},
	{"Sage-femme de protection maternelle et infantile (PMI)", "J1104", ""},
	{"Masseur-kinésithérapeute – plateau de rééducation", "J1404", ""},
	{"Médecin psychiatre – pôle de psychiatrie adulte", "J1102", ""},
	{"Assistant(e) de service social – circonscription de Païta", "K1201", ""},
	{"Éducateur spécialisé – aide sociale à l'enfance", "K1207", ""},
	{"Conseiller(ère) en économie sociale et familiale", "K1201", "corpus: none"},
	{"Éducatrice / éducateur de jeunes enfants – crèche municipale", "K1202", ""},
	{"Agent territorial spécialisé des écoles maternelles (ATSEM)", "K1303", "corpus: none"},
	{"ATSEM – école maternelle de Tontouta", "K1303", "corpus: none"},
	{"Animateur / animatrice périscolaire", "G1203", ""},
	{"Animateurs périscolaires (5 postes) – pause méridienne", "G1203", ""},
	{"Professeur des écoles – écoles de L'Île-des-Pins", "K2106", ""},
	{"Professeur formateur en français et remise à niveau", "K2111", ""},
	{"Infirmiers en santé scolaire (2 postes)", "J1505", "corpus: J1506; ROME files « Infirmier scolaire » under J1505"},
	{"Chef de projet digital", "M1803", "corpus: M1806; ROME files it under M1886 → M1803"},
	{"Développeur / Développeuse web", "M1805", ""},
	{"Administrateur systèmes et réseaux", "M1801", ""},
	{"Data analyst – cellule données et intelligence artificielle", "M1403", "corpus: none"},
	{"Technicien support utilisateurs (helpdesk)", "I1401", ""},
	{"Responsable de la sécurité des systèmes d'information (RSSI)", "M1803", "corpus: M1802; ROME files RSSI under M1812 → M1803"},
	{"Développeur back-end Go – API et services numériques", "M1805", ""},
	{"Chef de projet système d'information – ressources humaines", "M1803", "corpus: M1806; ROME « Chef de projet Systèmes d'Information » is M1803"},
	{"Technicien(ne) réseaux et télécoms – sites distants", "M1810", ""},
	{"Garde-nature – parc provincial de la Rivière Bleue", "A1204", ""},
	{"Technicien(ne) qualité de l'eau – suivi des rivières en zone minière", "H1503", "corpus: none"},
	{"Agent d'entretien des espaces naturels – parc des Grandes Fougères", "A1202", "corpus: A1203; ROME appellation of A1202"},
	{"Conducteur de travaux routiers – subdivision de Bourail", "F1201", ""},
	{"Ingénieur ouvrages d'art", "F1106", ""},
	{"Géomètre topographe", "F1107", ""},
	{"Comptable – exécution budgétaire", "M1203", ""},
	{"Juriste marchés publics", "K1903", ""},
	{"Assistant(e) de direction – direction générale des services", "M1604", ""},
	{"Secrétaire – accueil et courrier", "M1607", ""},
	{"Assistant(e) administratif(ve) – service de l'insertion", "M1607", "corpus: M1602; ROME appellation of M1607"},
	{"Contrôleur de gestion", "M1204", ""},
	{"Gestionnaire comptable fournisseurs", "M1203", ""},
	{"Médiateur / médiatrice culturel(le)", "K1204", "corpus: none"},
	{"Bibliothécaire – réseau de lecture publique", "K1601", ""},
	{"Éducateur sportif – activités nautiques", "G1204", ""},
	{"Maître-nageur sauveteur (MNS)", "G1204", ""},
	{"Maîtres-nageurs (2 postes) – saison estivale", "G1204", ""},
	{"Technicien agricole – élevage bovin", "A1302", "corpus: A1301; ROME « Technicien agricole » is A1302"},
	{"Conseiller agricole – maraîchage et vivrier", "A1301", ""},
	{"Vétérinaire – santé animale et parc zoologique", "A1504", ""},
	{"Soigneur animalier", "A1501", ""},
	{"Garde-pêche – secteur Mont-Dore", "A1204", "corpus: none"},
	{"Gardes-pêche (2 postes) – Yaté et Grand Sud", "A1204", "corpus: none"},
}

func TestNormalizeTitleDemo(t *testing.T) {
	tx := realTaxonomy(t)
	for _, tc := range demoTitles {
		t.Run(tc.title, func(t *testing.T) {
			ms := tx.NormalizeTitle(tc.title)
			if len(ms) == 0 || ms[0].Code != tc.code {
				t.Errorf("got %v, want %s (%s)", ms, tc.code, tc.note)
			}
		})
	}
}

// TestNormalizeTitleGolden writes the three best matches of the demo titles
// and the agreement with France Travail's appellations to
// testdata/titles.golden: a change of ranking shows as a diff (-update to
// accept it).
func TestNormalizeTitleGolden(t *testing.T) {
	tx := realTaxonomy(t)
	var b strings.Builder
	for _, tc := range demoTitles {
		fmt.Fprintf(&b, "%s\n", tc.title)
		for _, m := range tx.NormalizeTitle(tc.title)[:min(3, len(tx.NormalizeTitle(tc.title)))] {
			fmt.Fprintf(&b, "\t%s %.4f %s (%s)\n", m.Code, m.Score, m.Appellation, m.Specific)
		}
	}
	n, top1, top5 := franceTravailAgreement(t, tx)
	fmt.Fprintf(&b, "\nfrance-travail-2024: %d offers with a ROME appellation; top-1 %d (%.1f%%), top-5 %d (%.1f%%)\n",
		n, top1, 100*float64(top1)/float64(n), top5, 100*float64(top5)/float64(n))
	path := filepath.Join("testdata", "titles.golden")
	if *update {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/rome/ -run Golden -update)", err)
	}
	if got := b.String(); got != string(want) {
		t.Errorf("rankings changed (go test ./internal/rome/ -run Golden -update to accept):\n%s", diffLines(string(want), got))
	}
}

// franceTravailAgreement runs NormalizeTitle on the titles of the France
// Travail offers of the test data whose appellation (appellationlibelle,
// chosen by the recruiter) is one of the ROME, and counts the titles whose
// best match, or one of the five best, has the code of that appellation.
func franceTravailAgreement(tb testing.TB, tx *Taxonomy) (n, top1, top5 int) {
	b, err := os.ReadFile(filepath.Join(testData(tb), "offers", "france-travail-2024.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var offers []struct {
		Title       string `json:"intitule"`
		Appellation string `json:"appellationlibelle"`
	}
	if err := json.Unmarshal(b, &offers); err != nil {
		tb.Fatal(err)
	}
	gold := map[string]string{}
	for _, a := range tx.appellations {
		code := tx.codes[tx.titles.parentOf[tx.byCode[a.Code]]].Code
		gold[a.Long] = code
		if a.Short != "" {
			gold[a.Short] = code
		}
	}
	for _, o := range offers {
		want, ok := gold[o.Appellation]
		if !ok {
			continue
		}
		n++
		ms := tx.NormalizeTitle(o.Title)
		if len(ms) > 0 && ms[0].Code == want {
			top1++
		}
		if slices.ContainsFunc(ms, func(m Match) bool { return m.Code == want }) {
			top5++
		}
	}
	return n, top1, top5
}

func TestNormalizeTitleFranceTravail(t *testing.T) {
	tx := realTaxonomy(t)
	n, top1, top5 := franceTravailAgreement(t, tx)
	p1, p5 := float64(top1)/float64(n), float64(top5)/float64(n)
	t.Logf("%d titles: top-1 %.1f%%, top-5 %.1f%%", n, 100*p1, 100*p5)
	if n < 400 || p1 < 0.6 || p5 < 0.7 {
		t.Errorf("%d titles: top-1 %.3f (want ≥ 0.6), top-5 %.3f (want ≥ 0.7)", n, p1, p5)
	}
}

// diffLines returns the lines of got that are not in want (+) and the other
// way round (-).
func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for _, l := range w {
		if !slices.Contains(g, l) {
			fmt.Fprintf(&b, "- %s\n", l)
		}
	}
	for _, l := range g {
		if !slices.Contains(w, l) {
			fmt.Fprintf(&b, "+ %s\n", l)
		}
	}
	return b.String()
}

func TestNormalizeTitleNone(t *testing.T) {
	tx := realTaxonomy(t)
	for _, title := range []string{"", "   ", "H/F", "(2 postes)", "–", "xyzzy qwerty"} {
		if ms := tx.NormalizeTitle(title); ms != nil {
			t.Errorf("NormalizeTitle(%q) = %v, want nil", title, ms)
		}
	}
	for _, title := range []string{"développeur", "agent", "Infirmier diplômé d'État (IDE) – médecine polyvalente"} {
		ms := tx.NormalizeTitle(title)
		if len(ms) > maxMatches {
			t.Errorf("%q: %d matches", title, len(ms))
		}
		for i, m := range ms {
			if m.Score <= 0 || m.Score > 1 || (i > 0 && m.Score > ms[i-1].Score) {
				t.Errorf("%q: scores not in (0, 1] and decreasing: %v", title, ms)
			}
			if slices.ContainsFunc(ms[:i], func(o Match) bool { return o.Code == m.Code }) {
				t.Errorf("%q: code %s twice", title, m.Code)
			}
		}
	}
}

func TestStripInclusive(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Aide-soignant(e)", "Aide-soignant"},
		{"Technicien(ne) réseaux", "Technicien réseaux"},
		{"Conseiller(ère) en économie", "Conseiller en économie"},
		{"Assistant(e) administratif(ve)", "Assistant administratif"},
		{"Médiateur / médiatrice culturel(le)", "Médiateur / médiatrice culturel"},
		{"EMPLOY(E) LIBRE SERVICE", "EMPLOY LIBRE SERVICE"},
		{"salarié·e·s", "salarié"},
		{"Agent.e d'accueil", "Agent d'accueil"},
		{"Agent (e) polyvalent (e)", "Agent  polyvalent "},
		{"Infirmier (IDE)", "Infirmier (IDE)"},
		{"Technicien (2 postes)", "Technicien (2 postes)"},
		{"Node.js", "Node.js"},
		{"Chef(fe) de projet", "Chef de projet"},
	} {
		if got := stripInclusive(tc.in); got != tc.want {
			t.Errorf("stripInclusive(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestStripGenderMarks(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Agent de tri H/F", "Agent de tri    "},
		{"Agent (F/H)", "Agent (   )"},
		{"agent h / f - EC22", "agent       - EC22"},
		{"Développeur/Développeuse", "Développeur/Développeuse"},
		{"Chef/F", "Chef/F"},
		{"H/H", "H/H"},
	} {
		if got := stripGenderMarks(tc.in); got != tc.want {
			t.Errorf("stripGenderMarks(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSlashVariants(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want [][]string
	}{
		{"Développeur / Développeuse web", [][]string{{"developpeur", "web"}, {"developpeur", "web"}}},
		{"Garde forestier / forestière", [][]string{{"gard", "foresti"}, {"gard", "foresti"}}},
		{"Steward / Hôtesse de l'air", [][]string{{"steward", "air"}, {"hot", "air"}}},
		{"Chef d'équipe plastique/caoutchouc", [][]string{{"chef", "equip", "plastiqu"}, {"chef", "equip", "caoutchouc"}}},
		{"Éducatrice / éducateur de jeunes enfants", [][]string{{"educateur", "jeun", "enfant"}, {"educateur", "jeun", "enfant"}}},
		{"Secrétaire", [][]string{{"secretair"}}},
		{" / ", nil},
	} {
		if got := slashVariants(tc.in); !slices.EqualFunc(got, tc.want, slices.Equal) {
			t.Errorf("slashVariants(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSplitSegments(t *testing.T) {
	for _, tc := range []struct {
		in    string
		query bool
		want  []string
	}{
		{"Garde-nature – parc provincial", true, []string{"Garde-nature", "parc provincial"}},
		{"Comptable - exécution, budget", true, []string{"Comptable", "exécution", "budget"}},
		{"Comptable - exécution, budget", false, []string{"Comptable", "exécution, budget"}},
		{"Infirmier Diplômé d'Etat -IADE-", false, []string{"Infirmier Diplômé d'Etat", "IADE"}},
		{"Aide-soignant", true, []string{"Aide-soignant"}},
	} {
		if got := splitSegments(tc.in, tc.query); !slices.Equal(got, tc.want) {
			t.Errorf("splitSegments(%q, %v) = %q, want %q", tc.in, tc.query, got, tc.want)
		}
	}
}

func TestInitials(t *testing.T) {
	for _, tc := range []struct {
		acronym, label string
		want           bool
	}{
		{"atsem", "Agent territorial spécialisé des écoles maternelles", true},
		{"rssi", "Responsable de la sécurité des systèmes d'information", true},
		{"pmi", "Médecin coordinateur Protection Maternelle et Infantile", false},
		{"si", "Administrateur de systèmes d'information", false},
	} {
		if got := initials(tc.acronym, contentStems(tc.label)); got != tc.want {
			t.Errorf("initials(%q, %q) = %v", tc.acronym, tc.label, got)
		}
	}
}

func TestCodes(t *testing.T) {
	tax := realTaxonomy(t)
	for title, want := range map[string]string{"Développeuse web": "M1855", "Infirmier diplômé d'État": "J1506", "Agent de propreté urbaine": "K2307"} {
		got := tax.Codes(title)
		if want == "" {
			continue
		}
		if len(got) == 0 || got[0] != want {
			t.Errorf("Codes(%q) = %v, want %s first", title, got, want)
		}
	}
	if got := tax.Codes("zzz qqq"); len(got) != 0 {
		t.Errorf("Codes of nonsense = %v", got)
	}
}

func TestParentCodes(t *testing.T) {
	tax := realTaxonomy(t)
	for _, title := range []string{"Développeur", "Ingénieur d'études informatique", "Développeuse web"} {
		if got := tax.ParentCodes(title); len(got) == 0 || got[0] != "M1805" {
			t.Errorf("ParentCodes(%q) = %v, want M1805 first", title, got)
		}
	}
}

// TestQualifiedAppellations: an appellation's qualifier between brackets
// is part of its job. « Agent technique » alone, the words of a dozen
// appellations « Agent / Agente technique (espaces verts) », « Adjoint /
// Adjointe technique (nettoyage de la voirie) »…, names none of them well
// enough to give an offer its occupation; with its qualifier it does.
func TestQualifiedAppellations(t *testing.T) {
	tx := realTaxonomy(t)
	for _, title := range []string{"Agent technique H/F", "Adjoint technique"} {
		if ms := tx.NormalizeTitle(title); len(ms) > 0 && ms[0].Score >= offerMinScore {
			t.Errorf("%q → %s %q at %.2f: a vague title names a job", title, ms[0].Code, ms[0].Appellation, ms[0].Score)
		}
	}
	for title, code := range map[string]string{"Agent technique espaces verts": "A1203", "Adjoint technique nettoyage de la voirie": "I1202"} {
		if ms := tx.NormalizeTitle(title); len(ms) == 0 || ms[0].Code != code || ms[0].Score < offerMinScore {
			t.Errorf("%q → %v, want %s", title, ms, code)
		}
	}
}

// TestOfferOccupationsSourceCodes: the codes a source gives come first,
// the ROME code (France Travail's romeCode) and the appellation's code
// (Place de l'emploi public's Code_OGR: 19827 is « Technicien / Technicienne
// de maintenance d'installations automatisées », I1302); unknown codes are
// ignored and the title still counts.
func TestOfferOccupationsSourceCodes(t *testing.T) {
	tx := realTaxonomy(t)
	codes := func(o offres.Offer) []string { return offerCodes(tx, o) }
	if got := codes(offres.Offer{Title: "Agent technique H/F", RomeAppellation: "19827"}); len(got) == 0 || got[0] != "I1302" {
		t.Errorf("appellation code: %v, want I1302 first", got)
	}
	if got := codes(offres.Offer{Title: "Ripeur (H/F)", RomeCode: "K2303", RomeAppellation: "99999999"}); !slices.Equal(got, []string{"K2303"}) {
		t.Errorf("unknown appellation code: %v, want [K2303]", got)
	}
	if got := codes(offres.Offer{Title: "Agent technique H/F"}); len(got) != 0 {
		t.Errorf("a vague title alone: %v, want none", got)
	}
}

// TestNeighbours: the jobs close to a code are its family's and those its
// mobility leads to.
func TestNeighbours(t *testing.T) {
	tx := realTaxonomy(t)
	nb := tx.Neighbours("J1501")                      // aide-soignant
	for _, want := range []string{"J1501", "J1506"} { // itself, and the nurse (mobility)
		if !slices.Contains(nb, want) {
			t.Errorf("Neighbours(J1501) lacks %s: %v", want, nb)
		}
	}
	if slices.Contains(nb, "M1805") {
		t.Errorf("Neighbours(J1501) holds a developer: %v", nb)
	}
	if nb := tx.Neighbours("Z9999"); nb != nil {
		t.Errorf("Neighbours of an unknown code: %v", nb)
	}
}

// TestOfferOccupationsAgreedByText: an offer without a source code whose
// title names its job less plainly than an appellation gets that job when
// its text is about it too, and none when its text is about something else.
func TestOfferOccupationsAgreedByText(t *testing.T) {
	tx := realTaxonomy(t)
	codes := func(o offres.Offer) []string { return offerCodes(tx, o) }
	pests := "Vous intervenez chez les clients pour la dératisation, la désinsectisation et la désinfection des locaux : pose d'appâts, traitement des nuisibles, rats, souris, cafards, punaises de lit."
	books := "Vous tenez la comptabilité générale, saisissez les factures fournisseurs, préparez les déclarations de TVA et le bilan annuel."
	tests := []struct {
		name  string
		offer offres.Offer
		want  []string
	}{
		{"a short title, its text agrees", offres.Offer{Title: "Dératiseur (h/f/d)", Description: pests}, []string{"K2305"}},
		{"a short title, its text about another job", offres.Offer{Title: "Dératiseur (h/f/d)", Description: books}, nil},
		{"a vague title, its text about another job", offres.Offer{Title: "Agent technique H/F", Description: books}, nil},
		{"a plain title needs no agreement", offres.Offer{Title: "Comptable", Description: pests}, []string{"M1203"}},
		{"a source code is kept alone", offres.Offer{Title: "Dératiseur (h/f/d)", Description: pests, RomeCode: "K2303"}, []string{"K2303"}},
	}
	for _, tt := range tests {
		if got := codes(tt.offer); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

// offerCodes returns the codes of the occupations of o.
func offerCodes(tx *Taxonomy, o offres.Offer) []string {
	var out []string
	for _, oc := range tx.OfferOccupations(&o) {
		out = append(out, oc.Code)
	}
	return out
}
