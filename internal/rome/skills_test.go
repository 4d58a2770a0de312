package rome

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// cvParagraph is a hand-written paragraph of a French CV.
const cvParagraph = `Infirmière diplômée d'État depuis 2015, j'ai exercé en médecine polyvalente puis en psychiatrie au CHT de Nouméa.
Missions : surveillance de l'état de santé des patients, gestion des urgences, réalisation d'un prélèvement biologique
à domicile, actualisation du dossier médical du patient.
Maîtrise des règles d'hygiène et d'asepsie et des protocoles de soins.
Bénévole : j'ai su concevoir une application web pour l'association (PHP, HTML) ; espagnol courant.
Pascal, mon collègue, gère l'informatique du service ; j'ai assuré la gestion des stocks de la pharmacie.`

func TestFindSkillsCV(t *testing.T) {
	tx := realTaxonomy(t)
	want := []struct{ evidence, kind, id, label string }{
		{"psychiatrie", "savoir", "124252", "Psychiatrie"},
		{"surveillance de l'état de santé", "savoir", "477498", "Surveillance de l'état de santé"},
		{"gestion des urgences", "savoir", "477327", "Gestion des urgences"},
		// Across a wrapped line, the noun for the verb of the competence.
		{"réalisation d'un prélèvement biologique\nà domicile"[:len("réalisation d'un prélèvement biologique")],
			"competence", "107272", "Réaliser des prélèvements biologiques (prise de sang, frottis, ...)"},
		{"actualisation du dossier médical du patient", "competence", "107201", "Actualiser le dossier médical du patient"},
		{"règles d'hygiène et d'asepsie", "savoir", "100414", "Règles d'hygiène et d'asepsie"},
		{"protocoles de soins", "savoir", "121814", "Protocoles de soins"},
		{"concevoir une application web", "competence", "109846", "Concevoir une application web"},
		{"PHP", "savoir", "109881", "PHP"},
		{"HTML", "savoir", "102788", "HTML"},
		{"espagnol", "savoir", "118474", "Espagnol"},
		// Not « Pascal » (a first name) nor « Informatique » (too common).
		{"gestion des stocks", "savoir", "495456", "Gestion des stocks"},
	}
	got := tx.FindSkills(cvParagraph)
	if len(got) != len(want) {
		t.Errorf("%d skills, want %d", len(got), len(want))
	}
	for i := range min(len(got), len(want)) {
		g, w := got[i], want[i]
		start := strings.Index(cvParagraph, w.evidence)
		if g.Kind != w.kind || g.ID != w.id || g.Label != w.label || g.Start != start || g.End != start+len(w.evidence) {
			t.Errorf("skill %d: %s %s %q at [%d:%d] %q, want %s %s %q at [%d:%d] %q", i,
				g.Kind, g.ID, g.Label, g.Start, g.End, cvParagraph[g.Start:g.End],
				w.kind, w.id, w.label, start, start+len(w.evidence), w.evidence)
		}
	}
}

func TestFindSkillsRule(t *testing.T) {
	tx := fixtureTaxonomy(t)
	for _, tc := range []struct {
		name, text string
		want       []string // evidence
	}{
		{"acronym in capitals", "Langages : PHP et Node.js.", []string{"PHP", "Node.js"}},
		{"acronym in lower case", "du php", nil},
		{"one-word savoir", "Notions de comptabilité.", []string{"comptabilité"}},
		{"first name", "Pascal, chef de service", nil},
		{"one-word competence", "Coder en Go", nil},
		{"commas of the label", "Techniques de communication orales, écrites et numériques",
			[]string{"Techniques de communication orales, écrites et numériques"}},
		{"no commas", "Techniques de communication orales écrites et numériques", nil},
		{"brackets of the label dropped", "Formée aux gestes d'urgence.", []string{"gestes d'urgence"}},
		{"across a full stop", "Règles d'hygiène. Et d'asepsie.", nil},
		{"across a bullet", "- Règles d'hygiène\n- et d'asepsie", nil},
		{"wrapped line", "Règles d'hygiène\net d'asepsie", []string{"Règles d'hygiène\net d'asepsie"}},
		{"plural and articles", "règle de l'hygiène et de l'asepsie", []string{"règle de l'hygiène et de l'asepsie"}},
		{"verb and noun", "Développement d'applications web", []string{"Développement d'applications web"}},
		{"longest first", "concevoir des applications web", []string{"concevoir des applications"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, m := range tx.FindSkills(tc.text) {
				got = append(got, tc.text[m.Start:m.End])
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("FindSkills(%q) = %q, want %q", tc.text, got, tc.want)
			}
		})
	}
}

func TestSkillStats(t *testing.T) {
	tx := realTaxonomy(t)
	s := tx.skills.stats
	t.Logf("skill labels: %+v", s)
	if total := s.Indexed + s.Short + s.Generic + s.Unusable; total != 18317+15354 {
		t.Errorf("%+v: %d labels, want %d", s, total, 18317+15354)
	}
	for _, text := range []string{"Informatique", "Prévention", "Industrie", "Pascal", "Maya", "Cuisinier", "coder", "son équipe"} {
		if ms := tx.FindSkills(text); len(ms) > 0 {
			t.Errorf("FindSkills(%q) = %v: too common to be evidence", text, ms)
		}
	}
}

// TestFindSkillsLexicon finds a savoir through a synonym of the lexicon
// (« IA » for « intelligence artificielle »), in capitals only.
func TestFindSkillsLexicon(t *testing.T) {
	tx := realTaxonomy(t)
	text := "Projets d'IA et de géomatique ; une ia"
	var got []string
	for _, m := range tx.FindSkills(text) {
		got = append(got, text[m.Start:m.End]+" → "+m.Label)
	}
	want := []string{"IA → Intelligence artificielle", "géomatique → Géomatique"}
	if !slices.Equal(got, want) {
		t.Errorf("FindSkills(%q) = %q, want %q", text, got, want)
	}
}

func TestTokenize(t *testing.T) {
	text := "L'aide-soignant(e), R&D : Node.js\n- bac+2 — C++, permis B à Y'"
	var got []string
	for _, tk := range tokenize(text, nil) {
		s := text[tk.start:tk.end] + "=" + tk.stem
		if tk.stop {
			s += " stop"
		}
		if tk.brk {
			s += " brk"
		}
		if tk.upper {
			s += " upper"
		}
		got = append(got, s)
	}
	want := []string{
		"L=l stop", "aide=aid", "soignant=soignant", "e=e stop brk", ",=, brk", "R&D=r&d upper",
		":=:", "Node=nod", ".=.", "js=js", "bac+2=bac+2 brk", "—=-", "C++=c++", ",=,", "permis=permi",
		"B=b", "à=a stop", "Y=y stop",
	}
	if !slices.Equal(got, want) {
		t.Errorf("tokenize(%q):\n%q\nwant\n%q", text, got, want)
	}
}

func TestStem(t *testing.T) {
	for _, group := range [][]string{
		{"infirmier", "infirmière", "infirmiers", "infirmières"},
		{"chargé", "chargée", "chargés", "charge"},
		{"social", "sociale", "sociaux", "sociales"},
		{"réaliser", "réalisé", "réalisation", "réalisations"},
		{"développeur", "développeuse", "développeurs"},
		{"directeur", "directrice"},
		{"technicien", "technicienne"},
		{"sportif", "sportive"},
		{"chef", "cheffe"},
		{"maître", "maîtresse"},
		{"hôte", "hôtesse"},
		{"surveiller", "surveillance"},
		{"nettoyer", "nettoyage"},
	} {
		want := stem(foldWord(group[0]))
		for _, w := range group[1:] {
			if got := stem(foldWord(w)); got != want {
				t.Errorf("stem(%q) = %q, stem(%q) = %q", group[0], want, w, got)
			}
		}
	}
	for _, w := range []string{"bac+2", "2024", "son", "eau"} {
		if got := stem(foldWord(w)); got != foldWord(w) {
			t.Errorf("stem(%q) = %q, want it unchanged", w, got)
		}
	}
}

// FuzzFindSkills checks that the evidence spans are words of the text, in
// order and disjoint.
func FuzzFindSkills(f *testing.F) {
	tx := fixtureTaxonomy(f)
	f.Add(cvParagraph)
	f.Add("Techniques de communication orales, écrites et numériques; PHP.")
	f.Add("r\u00e8gles d\u2019hygi\u00e8ne\n\net d'asepsie \xff")
	f.Fuzz(func(t *testing.T, text string) {
		end := 0
		for _, m := range tx.FindSkills(text) {
			if m.Start < end || m.End <= m.Start || m.End > len(text) {
				t.Fatalf("span [%d:%d] after %d in %d bytes", m.Start, m.End, end, len(text))
			}
			first, _ := utf8.DecodeRuneInString(text[m.Start:])
			last, _ := utf8.DecodeLastRuneInString(text[:m.End])
			if !isWordRune(first) || !(isWordRune(last) || last == '+' || last == '#') {
				t.Fatalf("span %q does not start and end with a word", text[m.Start:m.End])
			}
			if m.ID == "" || m.Label == "" || (m.Kind != KindCompetence && m.Kind != KindSavoir) {
				t.Fatalf("bad match %+v", m)
			}
			end = m.End
		}
	})
}

func FuzzNormalizeTitle(f *testing.F) {
	tx := fixtureTaxonomy(f)
	for _, s := range []string{"Développeur / Développeuse web (H/F)", "Aide-soignant(e) de nuit", "a/b/c/d/e/f / g / h",
		"((", "Agent.e·s (e) – x", "IDE"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, title string) {
		ms := tx.NormalizeTitle(title)
		if len(ms) > maxMatches {
			t.Fatalf("%d matches", len(ms))
		}
		for i, m := range ms {
			if m.Score <= 0 || m.Score > 1 || (i > 0 && m.Score > ms[i-1].Score) {
				t.Fatalf("scores %v", ms)
			}
			if _, ok := tx.Code(m.Code); !ok {
				t.Fatalf("unknown code %s", m.Code)
			}
		}
	})
}

// TestConcurrent runs the lookups from several goroutines (run with -race).
func TestConcurrent(t *testing.T) {
	tx := fixtureTaxonomy(t)
	done := make(chan bool)
	for g := range 4 {
		go func() {
			defer func() { done <- true }()
			for i := range 50 {
				if ms := tx.NormalizeTitle("Développeur web"); len(ms) == 0 || ms[0].Code != "M1805" {
					t.Errorf("goroutine %d, %d: %v", g, i, ms)
					return
				}
				if ms := tx.FindSkills("Règles d'hygiène et d'asepsie, PHP"); len(ms) != 2 {
					t.Errorf("goroutine %d, %d: %v", g, i, ms)
					return
				}
			}
		}()
	}
	for range 4 {
		<-done
	}
}
