package indexer

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"offres/internal/offres"
)

func readSeed(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(seedPath(t))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestParseTextSeed(t *testing.T) {
	p := parseString(t, "seed.txt", readSeed(t))
	if len(p.valid) != 1 {
		t.Fatalf("rejected = %v, want one valid offer", p.rejected)
	}
	r := p.valid[0]
	o := r.Offer
	if r.Pos != "seed.txt" {
		t.Errorf("pos = %q, want seed.txt", r.Pos)
	}
	checks := []struct {
		field     string
		got, want any
	}{
		{"id", o.ID, "3134-25-0308/SR"},
		{"title", o.Title, "Chef de projet digital"},
		{"employer", o.Employer, "Province Sud"},
		{"direction", o.Direction, "Direction du Système d'Information et du Numérique"},
		{"cadre_emploi", o.CadreEmploi, "Attaché d'administration ou ingénieur 2ème ou 3ème grade / Informatique ou Numérique"},
		{"category", o.Category, "A"},
		{"commune", o.Location.Commune, "Nouméa"},
		{"province", o.Location.Province, offres.ProvinceSud},
		{"residence_years", o.ResidenceYears, 5},
		{"published_at", o.PublishedAt, offres.Date{Year: 2025, Month: 2, Day: 14}},
		{"deadline", o.Deadline, offres.Date{Year: 2025, Month: 3, Day: 7}},
		{"start_date", o.StartDate, offres.Date{Year: 2025, Month: 5}},
		{"contract_type", o.ContractType, ""},
		{"source", o.Source, "text"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %#v, want %#v", c.field, c.got, c.want)
		}
	}
	if !strings.HasPrefix(o.Description, "La province Sud place l'usager au coeur") ||
		!strings.HasSuffix(o.Description, "la performance de ses services.") {
		t.Errorf("description = %q, want the « Détails de l’offre » text", o.Description)
	}
	var missions *offres.Section
	for i, s := range o.Sections {
		if s.Kind == offres.SectionMissions {
			if missions != nil {
				t.Errorf("two missions sections: %q and %q", missions.Heading, s.Heading)
			}
			missions = &o.Sections[i]
		}
	}
	if missions == nil {
		t.Fatalf("no missions section in %+v", o.Sections)
	}
	for _, want := range []string{"1/ Pilotage de la stratégie digitale :", "2/ Gestion de projets à destination des usagers :",
		"- de piloter les projets digitaux", "afin de concevoir des"} {
		if !strings.Contains(missions.Text, want) {
			t.Errorf("missions section lacks %q:\n%s", want, missions.Text)
		}
	}
}

func TestParseTextTruncatedHeader(t *testing.T) {
	seed := readSeed(t)
	cut := strings.Index(seed, "Direction du Syst") + len("Direction du Syst")
	p := parseString(t, "seed.txt", seed[:cut])
	if len(p.valid) != 1 {
		t.Fatalf("rejected = %v, want the truncated posting imported", p.rejected)
	}
	o := p.valid[0].Offer
	if o.ID != "3134-25-0308/SR" || o.Title != "Chef de projet digital" || o.Employer != "Province Sud" {
		t.Errorf("got id %q, title %q, employer %q", o.ID, o.Title, o.Employer)
	}
	if o.PublishedAt != (offres.Date{Year: 2025, Month: 2, Day: 14}) || !o.Deadline.IsZero() {
		t.Errorf("published %v, deadline %v; want 2025-02-14 and none", o.PublishedAt, o.Deadline)
	}
	if !strings.Contains(o.Description, "Référence : 3134-25-0308/SR") {
		t.Errorf("description = %q, want the header text for lack of anything else", o.Description)
	}
}

func TestParseTextTitleOnly(t *testing.T) {
	p := parseString(t, "seed.txt", "# Chef de projet digital\n\nRéférence : 3134-25-0308/SR du 14 fév")
	if len(p.valid) != 1 {
		t.Fatalf("rejected = %v", p.rejected)
	}
	if o := p.valid[0].Offer; o.ID != "3134-25-0308/SR" || o.Title != "Chef de projet digital" {
		t.Errorf("id %q, title %q", o.ID, o.Title)
	}
}

func TestParseTextMarkdown(t *testing.T) {
	src := `**Intitulé du poste : Rédacteur chargé des marchés publics**

- **Référence :** DAJ-2025-12
- **Employeur :** Province Sud
- **Catégorie :** b
- **Service :** Service des marchés
- **Lieu de travail :** PAITA
- **Type de contrat :** Contractuel (CDD de 12 mois)
- **Date limite de candidature :** 1er avril 2025
- **Prise de poste :** dès que possible
- **Durée de résidence exigée :** 10 ans

## Vos missions

- Rédiger les pièces des marchés ;
- Suivre leur exécution.

## Profil recherché

Connaissance du code des marchés publics ; rigueur.

## Rémunération

Selon la grille indiciaire, voir [la grille](https://example.nc/grille).

## Qui contacter ?

Mme Wamytan, 20 30 40.
`
	p := parseString(t, "offre.md", src)
	if len(p.valid) != 1 {
		t.Fatalf("rejected = %v", p.rejected)
	}
	o := p.valid[0].Offer
	checks := []struct {
		field     string
		got, want any
	}{
		{"id", o.ID, "DAJ-2025-12"},
		{"title", o.Title, "Rédacteur chargé des marchés publics"},
		{"employer", o.Employer, "Province Sud"},
		{"direction", o.Direction, "Service des marchés"},
		{"category", o.Category, "B"},
		{"commune", o.Location.Commune, "Païta"},
		{"contract", o.ContractType, offres.ContractContractuel},
		{"deadline", o.Deadline, offres.Date{Year: 2025, Month: 4, Day: 1}},
		{"start", o.StartDate, offres.Date{}},
		{"residence", o.ResidenceYears, 10},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %#v, want %#v", c.field, c.got, c.want)
		}
	}
	var kinds []string
	for _, s := range o.Sections {
		kinds = append(kinds, string(s.Kind))
	}
	// The contract line's duration is kept as a clause of the conditions.
	if got := strings.Join(kinds, ","); got != "missions,profil,remuneration,contact,conditions" {
		t.Errorf("section kinds = %s", got)
	}
	if c := o.Sections[len(o.Sections)-1]; !strings.Contains(c.Text, "CDD de 12 mois") {
		t.Errorf("conditions = %q, want the contract's duration", c.Text)
	}
	if len(o.Sections) > 2 && !strings.Contains(o.Sections[2].Text, "la grille (https://example.nc/grille)") {
		t.Errorf("remuneration = %q, want the link written out", o.Sections[2].Text)
	}
}

func TestParseTextPlain(t *testing.T) {
	src := `Agent d'accueil

Référence : 2025/DRHFPP/07
Collectivité : Province Sud
Lieu de travail : Bourail
Date limite de candidature : 07/03/2025

L'agent accueille le public de l'antenne provinciale.

MISSIONS
Accueil physique et téléphonique.

Profil :
Sens du service public.

Date de prise de poste : juillet 2025
`
	p := parseString(t, "accueil.txt", src)
	if len(p.valid) != 1 {
		t.Fatalf("rejected = %v", p.rejected)
	}
	o := p.valid[0].Offer
	if o.ID != "2025/DRHFPP/07" || o.Title != "Agent d'accueil" || o.Location.Commune != "Bourail" ||
		o.Deadline != (offres.Date{Year: 2025, Month: 3, Day: 7}) || o.StartDate != (offres.Date{Year: 2025, Month: 7}) {
		t.Errorf("offer = %+v", o)
	}
	if o.Description != "L'agent accueille le public de l'antenne provinciale." {
		t.Errorf("description = %q", o.Description)
	}
	if len(o.Sections) != 2 || o.Sections[0].Kind != offres.SectionMissions || o.Sections[1].Kind != offres.SectionProfil {
		t.Errorf("sections = %+v", o.Sections)
	}
}

func TestParseTextRejected(t *testing.T) {
	p := parseString(t, "vide.txt", "# \n\n")
	if len(p.valid) != 0 || len(p.rejected) != 1 || !strings.Contains(p.rejected[0].Err.Error(), "missing id") {
		t.Errorf("valid %v, rejected %v; want one rejected for its missing id", p.valid, p.rejected)
	}
}

// FuzzParseText feeds arbitrary text to the posting parser: it must never
// panic, every valid offer must pass Validate and every rejection wrap
// ErrInvalid.
func FuzzParseText(f *testing.F) {
	f.Add("# Chef de projet digital\n\nRéférence : 3134-25-0308/SR du 14 février 2025\n")
	f.Add("Titre\nCorps : Attaché\nDirection X\nd'administration\n# 1/ Missions :\n- a\n")
	f.Add("Date limite : 31/02/2025\nPoste à pourvoir : Mai 2025\n")
	if b, err := os.ReadFile(filepath.Join(sharedDataDir(), "..", "seeds", "000_37dfd39003512f88.txt")); err == nil {
		f.Add(string(b))
	}
	f.Fuzz(func(t *testing.T, doc string) {
		err := Parse("fuzz.txt", strings.NewReader(doc), func(r Record) error {
			if r.Err != nil {
				if !errors.Is(r.Err, offres.ErrInvalid) {
					t.Errorf("rejection %v does not wrap ErrInvalid", r.Err)
				}
				return nil
			}
			if err := r.Offer.Validate(); err != nil {
				t.Errorf("valid offer fails Validate: %v", err)
			}
			return nil
		})
		if err != nil && !errors.Is(err, offres.ErrInvalid) {
			t.Errorf("Parse: %v", err)
		}
	})
}

// TestParseTextIssue16: a « # Rémunération : » heading in the body starts
// its section instead of folding into the previous one; the number of
// posts is read; a commune with a detail is the commune; a deadline given
// only in the text is the deadline.
func TestParseTextIssue16(t *testing.T) {
	src := `# Agent d'accueil

Référence : BPS-2026-019 du 20 novembre 2026

Employeur : Mairie de Boulouparis

Lieu de travail : Le Mont-Dore (centre technique municipal)

Nombre de postes : 2

# Missions :

Accueillir le public.

# Conditions de travail :

Horaires : de 7 h 30 à 16 h 30.

# Rémunération :

170 000 XPF brut mensuel.

# Candidature :

Les candidatures sont à adresser avant le vendredi 11 décembre 2026 à rh@boulouparis.nc.
`
	p := parseString(t, "offre.txt", src)
	if len(p.valid) != 1 {
		t.Fatalf("rejected = %v", p.rejected)
	}
	o := p.valid[0].Offer
	if o.Location.Commune != "Le Mont-Dore" || o.Direction != "centre technique municipal" || o.Posts != 2 {
		t.Errorf("commune %q, direction %q, posts %d", o.Location.Commune, o.Direction, o.Posts)
	}
	if o.Deadline.French() != "11 décembre 2026" {
		t.Errorf("deadline %v", o.Deadline)
	}
	var pay string
	for _, s := range o.Sections {
		if s.Kind == offres.SectionRemuneration {
			pay = s.Text
		}
		if s.Kind == offres.SectionConditions && strings.Contains(s.Text, "XPF") {
			t.Errorf("the pay folded into the conditions: %q", s.Text)
		}
	}
	if pay != "170 000 XPF brut mensuel." {
		t.Errorf("remuneration %q", pay)
	}
}
