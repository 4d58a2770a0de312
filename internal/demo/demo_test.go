package demo

import (
	"strings"
	"testing"

	"offres/internal/offres"
)

// families maps each job family to title substrings (compared after
// offres.Fold) that identify its offers.
var families = map[string][]string{
	"santé":                      {"infirmi", "aide-soignant", "médecin", "sage-femme", "kinésithérapeute"},
	"social":                     {"service social", "éducateur spécialisé", "travailleur social", "travailleurs sociaux", "économie sociale", "jeunes enfants"},
	"éducation":                  {"atsem", "périscolaire", "professeur", "conseiller pédagogique"},
	"informatique et numérique":  {"développeu", "systèmes et réseaux", "chef de projet", "data analyst", "support utilisateurs", "rssi", "réseaux et télécoms"},
	"environnement":              {"garde-nature", "gardes-nature", "biodiversité", "technicien eau", "qualité de l'eau", "énergie", "espaces naturels"},
	"BTP et routes":              {"conducteur de travaux", "vrd", "entretien des routes", "ouvrages d'art", "géomètre", "voirie", "bâtiment"},
	"administration et finances": {"gestionnaire ressources humaines", "comptable", "juriste", "de direction", "secrétaire", "administratif", "contrôleur de gestion"},
	"culture et sport":           {"médiat", "bibliothécaire", "éducateur sportif", "maître-nageur", "maîtres-nageurs", "événements culturels", "conservation"},
	"agriculture":                {"agricole", "vétérinaire", "soigneur animalier"},
	"mer et pêche":               {"surveillance maritime", "aquaculture", "garde-pêche", "gardes-pêche", "pêche côtière"},
}

func load(t *testing.T) []offres.Offer {
	t.Helper()
	offers, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	return offers
}

func date(t *testing.T, s string) offres.Date {
	t.Helper()
	d, err := offres.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestCorpus(t *testing.T) {
	offers := load(t)
	if len(offers) < 60 {
		t.Errorf("got %d offers, want at least 60", len(offers))
	}
	ids := map[string]bool{}
	for i := range offers {
		o := &offers[i]
		if ids[o.ID] {
			t.Errorf("duplicate id %q", o.ID)
		}
		ids[o.ID] = true
		if err := o.Validate(); err != nil {
			t.Errorf("offer %q: %v", o.ID, err)
		}
		if o.Source != "demo" {
			t.Errorf("offer %q: source %q, want demo", o.ID, o.Source)
		}
		if n := len(o.Skills); n < 3 || n > 8 {
			t.Errorf("offer %q: %d skills, want 3 to 8", o.ID, n)
		}
		if n := len(strings.Fields(o.FullText())); n < 120 || n > 400 {
			t.Errorf("offer %q: %d words, want 120 to 400", o.ID, n)
		}
	}
}

func TestFamilies(t *testing.T) {
	offers := load(t)
	count := map[string]int{}
	for _, o := range offers {
		title := offres.Fold(o.Title)
		var in []string
		for fam, subs := range families {
			for _, s := range subs {
				if strings.Contains(title, offres.Fold(s)) {
					in = append(in, fam)
					break
				}
			}
		}
		if len(in) != 1 {
			t.Errorf("offer %q (%s): in families %v, want exactly one", o.ID, o.Title, in)
		}
		for _, fam := range in {
			count[fam]++
		}
	}
	for fam := range families {
		t.Logf("%s: %d offers", fam, count[fam])
		if count[fam] < 4 {
			t.Errorf("family %s: %d offers, want at least 4", fam, count[fam])
		}
	}
}

func TestFacets(t *testing.T) {
	offers := load(t)
	cats := map[string]int{}
	contracts := map[string]int{}
	communes := map[string]int{}
	residence := 0
	for _, o := range offers {
		cats[o.Category]++
		contracts[o.ContractType]++
		if o.ResidenceYears > 0 {
			residence++
			if !strings.Contains(o.FullText(), "résidence") {
				t.Errorf("offer %q: residence_years without a residence condition in the text", o.ID)
			}
		}
		c, ok := offres.LookupCommune(o.Location.Commune)
		if !ok {
			t.Errorf("offer %q: unknown commune %q", o.ID, o.Location.Commune)
			continue
		}
		if c.Name != o.Location.Commune {
			t.Errorf("offer %q: commune %q, want official spelling %q", o.ID, o.Location.Commune, c.Name)
		}
		if c.Province != offres.ProvinceSud || o.Location.Province != offres.ProvinceSud {
			t.Errorf("offer %q: commune %q not in the Province Sud", o.ID, o.Location.Commune)
		}
		communes[c.Name]++
	}
	for _, c := range []string{"A", "B", "C"} {
		if cats[c] == 0 {
			t.Errorf("no offer of category %s", c)
		}
	}
	for _, c := range []string{offres.ContractTitulaire, offres.ContractContractuel} {
		if contracts[c] == 0 {
			t.Errorf("no offer with contract type %s", c)
		}
	}
	if residence < 8 {
		t.Errorf("%d offers with residence_years, want at least 8", residence)
	}
	if len(communes) < 8 {
		t.Errorf("%d distinct communes, want at least 8", len(communes))
	}
	t.Logf("categories %v, contracts %v, communes %v, residence %d", cats, contracts, communes, residence)
}

func TestDeadlines(t *testing.T) {
	offers := load(t)
	today := date(t, "2026-11-28")
	endOfYear := date(t, "2026-12-31")
	closed, openNextYear, none := 0, 0, 0
	for i := range offers {
		o := &offers[i]
		if o.PublishedAt.IsZero() || o.PublishedAt.Year < 2025 || o.PublishedAt.Year > 2026 {
			t.Errorf("offer %q: published_at %v, want in 2025 or 2026", o.ID, o.PublishedAt)
		}
		if o.Deadline.IsZero() {
			none++
			continue
		}
		if o.Deadline.Before(o.PublishedAt) {
			t.Errorf("offer %q: deadline %v before publication %v", o.ID, o.Deadline, o.PublishedAt)
		}
		if st, _ := o.Status(today); st == offres.StatusClosed {
			closed++
		}
		if endOfYear.Before(o.Deadline) {
			openNextYear++
		}
	}
	if closed < 10 {
		t.Errorf("%d offers closed on %v, want at least 10", closed, today)
	}
	if openNextYear < 30 {
		t.Errorf("%d offers open beyond %v, want at least 30", openNextYear, endOfYear)
	}
	if none == 0 {
		t.Error("no offer without deadline")
	}
	t.Logf("closed %d, open beyond end of year %d, no deadline %d", closed, openNextYear, none)
}

func TestSeedLikeOffer(t *testing.T) {
	offers := load(t)
	var o *offres.Offer
	for i := range offers {
		if offers[i].ID == "3134-25-0308/SR" {
			o = &offers[i]
		}
	}
	if o == nil {
		t.Fatal("offer 3134-25-0308/SR not found")
	}
	check := func(field, got, want string) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %q, want %q", field, got, want)
		}
	}
	check("title", o.Title, "Chef de projet digital")
	check("employer", o.Employer, "Province Sud")
	check("direction", o.Direction, "Direction du Système d'Information et du Numérique")
	check("category", o.Category, "A")
	check("cadre_emploi", o.CadreEmploi, "Attaché d'administration ou ingénieur")
	check("contract_type", o.ContractType, offres.ContractTitulaire)
	check("commune", o.Location.Commune, "Nouméa")
	check("province", o.Location.Province, offres.ProvinceSud)
	check("published_at", o.PublishedAt.String(), "2025-02-14")
	check("deadline", o.Deadline.String(), "2025-03-07")
	check("start_date", o.StartDate.String(), "2025-05")
	if !o.StartDate.MonthOnly() {
		t.Error("start_date should be month-only")
	}
	if o.ResidenceYears != 5 {
		t.Errorf("residence_years = %d, want 5", o.ResidenceYears)
	}
	kinds := map[offres.SectionKind]bool{}
	for _, s := range o.Sections {
		kinds[s.Kind] = true
	}
	for _, k := range []offres.SectionKind{offres.SectionMissions, offres.SectionProfil, offres.SectionConditions} {
		if !kinds[k] {
			t.Errorf("no %s section", k)
		}
	}
	if st, _ := o.Status(date(t, "2026-11-28")); st != offres.StatusClosed {
		t.Errorf("status on 2026-11-28 = %s, want closed", st)
	}
}
