package indexer

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"offres/internal/offres"
)

func parseFile(t *testing.T, path string) parsed {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return parseReader(t, filepath.Base(path), f)
}

func TestParseFranceTravailFile(t *testing.T) {
	p := parseFile(t, filepath.Join(testdataDir(t), "offers", "france-travail-2024.json"))
	if len(p.valid) != 521 || len(p.rejected) != 0 {
		t.Fatalf("got %d valid, %d rejected (%v); want 521 and 0", len(p.valid), len(p.rejected), p.rejected)
	}
	var o offres.Offer
	for _, r := range p.valid {
		if r.Offer.Source != "francetravail" {
			t.Fatalf("%s: source %q", r.Pos, r.Offer.Source)
		}
		if r.Offer.ID == "184PFKJ" {
			o = r.Offer
		}
	}
	checks := []struct {
		field     string
		got, want any
	}{
		{"title", o.Title, "Agent de lutte anti-vectorielle (H/F)"},
		{"employer", o.Employer, "ADECCO"},
		{"commune", o.Location.Commune, "ST PAUL"},
		{"province", o.Location.Province, "La Réunion"}, // the department of « 974 - ST PAUL »
		{"rome_code", o.RomeCode, "K2307"},
		{"contract_type", o.ContractType, offres.ContractInterim},
		// 2024-11-25T13:35:53Z is already the 26th in Nouméa.
		{"published_at", o.PublishedAt, offres.Date{Year: 2024, Month: 11, Day: 26}},
		{"url", o.URL, "https://candidat.francetravail.fr/offres/recherche/detail/184PFKJ"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %#v, want %#v", c.field, c.got, c.want)
		}
	}
	if o.Location.Lat == nil || *o.Location.Lat != -21.032172 {
		t.Errorf("lat = %v", o.Location.Lat)
	}
	for _, want := range []offres.Skill{
		{Label: "Règles de sécurité", Required: true},
		{Label: "Collecter des déchets ménagers ou industriels", Required: false},
	} {
		if !slices.Contains(o.Skills, want) {
			t.Errorf("skills lack %+v: %+v", want, o.Skills)
		}
	}
	sections := map[offres.SectionKind]string{}
	for _, s := range o.Sections {
		sections[s.Kind] += s.Heading + "\n" + s.Text + "\n"
	}
	for kind, want := range map[offres.SectionKind]string{
		offres.SectionMissions:     "Vos principales missions",
		offres.SectionProfil:       "Compétences requises sur le poste",
		offres.SectionRemuneration: "Mensuel de 2373.74 Euros",
		offres.SectionContact:      "ADECCO - Mme Malini MOUNIAPIN",
	} {
		if !strings.Contains(sections[kind], want) {
			t.Errorf("%s sections lack %q:\n%s", kind, want, sections[kind])
		}
	}
	if !strings.HasPrefix(o.Description, "L'agence adecco du port recherche") || strings.Contains(o.Description, "Vos principales missions") {
		t.Errorf("description = %q, want the text before the first heading", o.Description)
	}
}

func TestParseFranceTravailMapping(t *testing.T) {
	src := `{"resultats": [
		{"id": "A1", "intitule": "Agent d'entretien", "description": "Nettoyage des locaux.",
		 "dateCreation": "2024-11-25T00:39:42.728Z", "typeContrat": "SAI",
		 "lieuTravail": {"libelle": "988 - NOUMEA"}, "romeCode": "k2204"},
		{"id": "A2", "intitule": "Apprenti plombier", "description": "Profil :\nMotivé.",
		 "typeContrat": "CDD", "alternance": true, "lieuTravail": {"libelle": "Hauts-de-France"}},
		{"id": "A3", "intitule": "Consultant", "description": "d", "typeContrat": "LIB",
		 "lieuTravail": {"libelle": "France"}, "contact": {"courriel": "rh@example.fr"}},
		{"id": "A4", "intitule": 4}
	], "filtresPossibles": []}`
	p := parseString(t, "ft.json", src)
	if len(p.valid) != 3 || len(p.rejected) != 1 || p.rejected[0].Pos != "ft.json:record 4" {
		t.Fatalf("valid %v, rejected %v", ids(p.valid), p.rejected)
	}
	tests := []struct {
		name               string
		got                offres.Offer
		contract, commune  string
		province, sections string
	}{
		{"seasonal in Nouméa", p.valid[0].Offer, offres.ContractCDD, "Nouméa", offres.ProvinceSud, ""},
		{"apprenticeship in a region", p.valid[1].Offer, offres.ContractAlternance, "", "Hauts-de-France", "profil"},
		{"other contract in France", p.valid[2].Offer, offres.ContractAutre, "", "", "contact"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.got
			var kinds []string
			for _, s := range o.Sections {
				kinds = append(kinds, string(s.Kind))
			}
			if o.ContractType != tt.contract || o.Location.Commune != tt.commune || o.Location.Province != tt.province ||
				strings.Join(kinds, ",") != tt.sections {
				t.Errorf("contract %q, commune %q, province %q, sections %v", o.ContractType, o.Location.Commune,
					o.Location.Province, kinds)
			}
		})
	}
	if o := p.valid[0].Offer; o.RomeCode != "K2204" || o.PublishedAt != (offres.Date{Year: 2024, Month: 11, Day: 25}) {
		t.Errorf("rome %q, published %v", o.RomeCode, o.PublishedAt)
	}
}
