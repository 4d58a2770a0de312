package indexer

import (
	"path/filepath"
	"strings"
	"testing"

	"offres/internal/offres"
)

func TestParsePEPCSVFile(t *testing.T) {
	p := parseFile(t, filepath.Join(testdataDir(t), "offers", "place-emploi-public-2021.csv"))
	const dataRows = 606
	if got := len(p.valid) + len(p.rejected); got != dataRows {
		t.Errorf("emitted %d records, want one per data row (%d)", got, dataRows)
	}
	for _, r := range p.rejected {
		t.Errorf("%s rejected: %v", r.Pos, r.Err)
	}
	unique := map[string]bool{}
	var o offres.Offer
	for _, r := range p.valid {
		unique[r.Offer.ID] = true
		if r.Pos == "place-emploi-public-2021.csv:line 3" {
			o = r.Offer
		}
	}
	if len(unique) != 566 {
		t.Errorf("%d unique references, want 566", len(unique))
	}
	checks := []struct {
		field     string
		got, want any
	}{
		{"id", o.ID, "2020-458922"},
		{"title", o.Title, "Gestionnaire d'Infrastructures F/H (réf.2623)"},
		{"employer", o.Employer, "Fonction publique (Place de l'emploi public)"},
		{"category", o.Category, "A"},
		{"cadre_emploi", o.CadreEmploi, "Assistant-e ingénieur-e"},
		{"commune", o.Location.Commune, "Paris"},
		{"province", o.Location.Province, ""},
		{"published_at", o.PublishedAt, offres.Date{Year: 2021, Month: 4, Day: 16}},
		{"url", o.URL, "https://place-emploi-public.gouv.fr/offre-emploi/2020-458922"},
		{"rome_code", o.RomeCode, ""},
		{"rome_appellation", o.RomeAppellation, "10715"}, // Code_OGR: the code of its ROME appellation
		{"contract_type", o.ContractType, ""},
		{"source", o.Source, "pepcsv"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %#v, want %#v", c.field, c.got, c.want)
		}
	}
	if !strings.Contains(o.Description, "Catégorie : A\nCorps : Assistant-e ingénieur-e") {
		t.Errorf("description = %q, want the literal \\n turned into line breaks", o.Description)
	}
	if len(o.Sections) != 1 || o.Sections[0].Kind != offres.SectionMissions ||
		!strings.Contains(o.Sections[0].Text, "Activités principales :") {
		t.Errorf("sections = %+v, want one missions section", o.Sections)
	}
}

func TestParsePEPCSVRows(t *testing.T) {
	src := "Par_URL_offre|Par_ref_offre|Description|Libelle_metier_OGR|DEP_libelle|Off_date_creation\n" +
		`u|R-1|Missions :\nPiloter.\nProfil :\nRigueur.|CHEF DE BUREAU ACHATS H/F|Paris |16/04/2021` + "\n" +
		"u|R-2|trop|peu\n" +
		"\n" +
		"u|R-3|Description|Juriste|Var |16/04/2021|extra\n" +
		"u|R-1|Missions :\\nPiloter.|CHEF DE BUREAU ACHATS H/F|Paris |16/04/2021\n"
	p := parseString(t, "pep.csv", src)
	if got := strings.Join(ids(p.valid), ","); got != "R-1,R-1" {
		t.Errorf("valid = %s, want R-1 twice (duplicates are the importer's business)", got)
	}
	var rejected []string
	for _, r := range p.rejected {
		rejected = append(rejected, r.Pos+": "+r.Err.Error())
	}
	want := []string{"pep.csv:line 3: 4 fields, want 6: invalid input", "pep.csv:line 5: 7 fields, want 6: invalid input"}
	if strings.Join(rejected, "\n") != strings.Join(want, "\n") {
		t.Errorf("rejected =\n%s\nwant\n%s", strings.Join(rejected, "\n"), strings.Join(want, "\n"))
	}
	o := p.valid[0].Offer
	if o.Title != "Chef de bureau achats H/F" || o.Location.Commune != "Paris" || o.Description != "" || len(o.Sections) != 2 {
		t.Errorf("offer = %+v", o)
	}
}

func TestParsePEPCSVMissingColumn(t *testing.T) {
	err := Parse("pep.csv", strings.NewReader("Par_URL_offre|Par_ref_offre\nu|1\n"), func(Record) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "no column Libelle_metier_OGR") {
		t.Errorf("err = %v, want a missing column", err)
	}
}
