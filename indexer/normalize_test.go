package indexer

import (
	"testing"

	"offres/internal/offres"
)

func TestSectionKindOf(t *testing.T) {
	tests := []struct {
		heading string
		want    offres.SectionKind
	}{
		{"Missions", offres.SectionMissions},
		{"Vos missions seront les suivantes", offres.SectionMissions},
		{"Activités principales", offres.SectionMissions},
		{"Description du poste", offres.SectionMissions},
		{"RESPONSABILITÉS", offres.SectionMissions},
		{"Profil recherché", offres.SectionProfil},
		{"Description du profil", offres.SectionProfil},
		{"Compétences requises", offres.SectionProfil},
		{"Savoir-faire", offres.SectionProfil},
		{"Vos qualités indiscutables ?", offres.SectionProfil},
		{"Conditions de travail", offres.SectionConditions},
		{"Avantages", offres.SectionConditions},
		{"Spécificités du poste / Contraintes", offres.SectionConditions},
		{"Prise de poste", offres.SectionConditions},
		{"Rémunération et avantages", offres.SectionRemuneration},
		{"Salaire", offres.SectionRemuneration},
		{"Qui contacter ?", offres.SectionContact},
		{"Renseignements", offres.SectionContact},
		{"Modalités de candidature", offres.SectionContact},
		{"Détails de l’offre", offres.SectionOther},
		{"Emploi RESPNC", offres.SectionOther},
		{"Émissions de CO2", offres.SectionOther}, // "mission" must start a word
		{"", offres.SectionOther},
	}
	for _, tt := range tests {
		t.Run(tt.heading, func(t *testing.T) {
			if got := SectionKindOf(tt.heading); got != tt.want {
				t.Errorf("SectionKindOf(%q) = %q, want %q", tt.heading, got, tt.want)
			}
		})
	}
}

func TestResidenceYears(t *testing.T) {
	tests := []struct {
		name string
		text string
		want int
		ok   bool
	}{
		{"seed", "Durée de résidence exigée pour le recrutement sur titre (1): au moins égale à 5 ans", 5, true},
		{"ten years", "Durée de résidence exigée : 10 ans", 10, true},
		{"three years", "Durée de résidence : 3 ans", 3, true},
		{"none", "Durée de résidence exigée : aucune", 0, true},
		{"in words", "Une durée de résidence de dix ans est exigée", 10, true},
		{"years before", "5 ans de résidence en Nouvelle-Calédonie", 5, true},
		{"no accents, capitals", "DUREE DE RESIDENCE EXIGEE : 10 ANS", 10, true},
		{"second line", "Poste à pourvoir : mai 2025\nDurée de résidence exigée : 3 ans", 3, true},
		{"administrative residence", "Résidence administrative : Nouméa", 0, false},
		{"no residence", "Expérience de 5 ans exigée", 0, false},
		{"out of range", "Durée de résidence : 50 ans", 0, false},
		{"empty", "", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ResidenceYears(tt.text)
			if got != tt.want || ok != tt.ok {
				t.Errorf("ResidenceYears(%q) = %d, %v; want %d, %v", tt.text, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestContractTypeOf(t *testing.T) {
	tests := []struct {
		text string
		want string
	}{
		{"Titulaire", offres.ContractTitulaire},
		{"fonctionnaire", offres.ContractTitulaire},
		{"Contractuel", offres.ContractContractuel},
		{"agent non titulaire", offres.ContractContractuel},
		{"CDD", offres.ContractCDD},
		{"contrat à durée déterminée de 6 mois", offres.ContractCDD},
		{"CDI", offres.ContractCDI},
		{"Contrat à durée indéterminée", offres.ContractCDI},
		{"Intérim", offres.ContractInterim},
		{"Stage", offres.ContractStage},
		{"Apprentissage", offres.ContractAlternance},
		{"en alternance", offres.ContractAlternance},
		{"titulaire ou à défaut contractuel", offres.ContractTitulaire},
		{"Vacataire", offres.ContractAutre},
		{"temps plein", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			if got := ContractTypeOf(tt.text); got != tt.want {
				t.Errorf("ContractTypeOf(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestCategory(t *testing.T) {
	tests := []struct {
		name, category, cadre, want string
	}{
		{"explicit", "A", "", "A"},
		{"lower case", "b", "", "B"},
		{"with the word", "Catégorie C", "", "C"},
		{"abbreviated", "cat. B", "", "B"},
		{"A+ is A", "A+", "", "A"},
		{"not a category", "D", "", ""},
		{"two categories", "A ou B", "", ""},
		{"seed cadre", "", "Attaché d'administration ou ingénieur 2ème ou 3ème grade / Informatique ou Numérique", "A"},
		{"rédacteur", "", "Rédacteur territorial", "B"},
		{"technicien", "", "Technicien-ne de recherche et de formation", "B"},
		{"adjoint", "", "Adjoint administratif", "C"},
		{"mixed grades", "", "Technicien ou ingénieur", ""},
		{"explicit wins", "B", "Attaché", "B"},
		{"unknown cadre", "", "ATRF", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := offres.Offer{Category: tt.category, CadreEmploi: tt.cadre}
			normalize(&o)
			if o.Category != tt.want {
				t.Errorf("category of (%q, %q) = %q, want %q", tt.category, tt.cadre, o.Category, tt.want)
			}
		})
	}
}

func TestNormalizeLocation(t *testing.T) {
	lat, lon := -22.27, 166.45
	tests := []struct {
		name string
		in   offres.Location
		want offres.Location
	}{
		{"canonical commune", offres.Location{Commune: "NOUMEA"}, offres.Location{Commune: "Nouméa", Province: "Sud"}},
		{"variant", offres.Location{Commune: " Mont-Dore (Le) "}, offres.Location{Commune: "Le Mont-Dore", Province: "Sud"}},
		{"other province", offres.Location{Commune: "Kone"}, offres.Location{Commune: "Koné", Province: "Nord"}},
		{"french commune kept", offres.Location{Commune: "LE GOSIER"}, offres.Location{Commune: "LE GOSIER"}},
		{"province spelling", offres.Location{Province: "province des îles loyauté"}, offres.Location{Province: "Îles Loyauté"}},
		{"coordinates kept", offres.Location{Lat: &lat, Lon: &lon}, offres.Location{Lat: &lat, Lon: &lon}},
		{"half coordinates dropped", offres.Location{Lat: &lat}, offres.Location{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.in
			normLocation(&got)
			if got.Commune != tt.want.Commune || got.Province != tt.want.Province ||
				(got.Lat == nil) != (tt.want.Lat == nil) || (got.Lon == nil) != (tt.want.Lon == nil) {
				t.Errorf("normLocation(%+v) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestNormalizeContract(t *testing.T) {
	tests := []struct{ in, want string }{
		{"cdd", offres.ContractCDD},
		{"CDD", offres.ContractCDD},
		{"Titulaire", offres.ContractTitulaire},
		{"portage salarial", offres.ContractAutre},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := normContract(tt.in); got != tt.want {
				t.Errorf("normContract(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCleanText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"trims and collapses", "  a  \t b \r\n\r\n\r\n\n c  ", "a b\n\nc"},
		{"keeps single breaks", "a\nb\n\nc", "a\nb\n\nc"},
		{"no-break spaces", "Horaires\u00a0:\u00a08h", "Horaires : 8h"},
		{"control characters", "a\x00b\x1bc", "a b c"},
		{"blank", " \n \n", ""},
		{"invalid bytes kept", "a\xff  b", "a\xff b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cleanText(tt.in); got != tt.want {
				t.Errorf("cleanText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNormalizeSkillsAndSections(t *testing.T) {
	o := offres.Offer{
		Skills: []offres.Skill{{Label: " Excel "}, {Label: "excel", Required: true}, {Label: " "}},
		Sections: []offres.Section{
			{Heading: "Profil recherché :", Text: " Bac+2 "},
			{Kind: offres.SectionContact, Text: "  "},
		},
	}
	normalize(&o)
	if len(o.Skills) != 1 || o.Skills[0] != (offres.Skill{Label: "Excel", Required: true}) {
		t.Errorf("skills = %+v, want one required Excel", o.Skills)
	}
	want := offres.Section{Kind: offres.SectionProfil, Heading: "Profil recherché", Text: "Bac+2"}
	if len(o.Sections) != 1 || o.Sections[0] != want {
		t.Errorf("sections = %+v, want [%+v]", o.Sections, want)
	}
}

func TestReadableTitle(t *testing.T) {
	tests := []struct{ in, want string }{
		{"MECANICIEN MONTEUR CONFIRME H/F", "Mecanicien monteur confirme H/F"},
		{"CHEF DE BUREAU ACHATS H/F", "Chef de bureau achats H/F"},
		{"CONSEILLER RH DE PROXIMITE", "Conseiller RH de proximite"},
		{"GESTIONNAIRE/SECRETAIRE SPIP 25", "Gestionnaire/secretaire SPIP 25"},
		{"TECHNICIEN D'ETUDE DE MARQUES CONFIRME - EXPERT TECHNIQUE DU MCO-T H/F",
			"Technicien d'etude de marques confirme - Expert technique du MCO-T H/F"},
		{"RESPONSABLE ADMINISTRATIF-VE LICENCE DEG", "Responsable administratif-ve licence DEG"},
		{"CHEF de la CELLULE SYSTEMES D'INFORMATION DE L'EM3DIV H/F", "Chef de la cellule systemes d'information de l'EM3DIV H/F"},
		{"Chef de projet digital", "Chef de projet digital"},
		{"DAJ - Chef(fe) du bureau du conseil aux acheteurs H/F", "DAJ - Chef(fe) du bureau du conseil aux acheteurs H/F"},
		{"DSI", "DSI"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := readableTitle(tt.in); got != tt.want {
				t.Errorf("readableTitle(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestTitleCase(t *testing.T) {
	tests := []struct{ in, want string }{
		{"PROVINCE SUD", "Province Sud"},
		{"DIRECTION DE LA DSIN", "Direction de la DSIN"},
		{"Province Sud", "Province Sud"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := titleCase(tt.in); got != tt.want {
				t.Errorf("titleCase(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCleanTextEntities(t *testing.T) {
	for in, want := range map[string]string{
		"l&rsquo;application des traitements":        "l’application des traitements",
		"les métiers:&nbsp;- Bâtiment &amp; Travaux": "les métiers: - Bâtiment & Travaux",
		"caf&#233; &#xE9;t&eacute;":                  "café été",
		"AT&T et R&D; sans entité &#; ni &x":         "AT&T et R&D; sans entité &#; ni &x",
	} {
		if got := cleanText(in); got != want {
			t.Errorf("cleanText(%q) = %q, want %q", in, got, want)
		}
	}
}
