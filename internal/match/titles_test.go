package match

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"offres/internal/offres"
	"offres/search"
)

func TestTitleStems(t *testing.T) {
	for _, tc := range []struct {
		name   string
		titles []string
		want   []string // the titles kept
	}{
		{"none", nil, nil},
		{"one", []string{"Comptable générale"}, []string{"Comptable générale"}},
		{"held by a longer one", []string{"Juriste", "Juriste marchés publics"}, []string{"Juriste marchés publics"}},
		{"another head", []string{"Comptable", "Aide-comptable"}, []string{"Comptable", "Aide-comptable"}},
		{"the same twice", []string{"Assistante de direction", "assistante de direction"}, []string{"Assistante de direction"}},
		{"same words in another order", []string{"Chauffeur poids lourd", "poids lourd chauffeur"}, []string{"Chauffeur poids lourd"}},
		{"distinct jobs kept", []string{"Chauffeur poids lourd", "Chauffeur livreur"}, []string{"Chauffeur poids lourd", "Chauffeur livreur"}},
		{"no significant word", []string{"de la"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, want := stemsText(titleStems(tc.titles)), stemsText(stemsOf(tc.want))
			if !slices.Equal(got, want) {
				t.Errorf("titleStems(%q) = %q, want %q", tc.titles, got, tc.want)
			}
		})
	}
}

func TestTitleCloseness(t *testing.T) {
	mechanic := titleStems([]string{"Mécanicien poids lourds et engins"})
	for _, tc := range []struct {
		name   string
		titles [][]string
		offer  string
		want   float64
	}{
		{"no title stated", nil, "Mécanicien auto", 0},
		{"every word", mechanic, "Mécanicien poids lourds et engins (H/F)", 1},
		// The head weighs as much as its three complements together: 3 of
		// 6, more than « poids lourd ».
		{"the head", mechanic, "SGAMI OUEST - Mécanicien auto polyvalent H/F", 0.5},
		{"complements only", mechanic, "Chauffeur poids LOURD H/F", 2.0 / 6},
		{"the head of a short title weighs 2", titleStems([]string{"Juriste marchés publics"}), "Juriste (h/f)", 0.5},
		{"nothing", mechanic, "Agent de nettoyage", 0},
		{"the generic word weighs little", titleStems([]string{"Chargée de communication"}), "Chargé de mission (H/F)", 0.3 / 2.3},
		// « magasin » is formed on nothing of « Magasinier cariste » but
		// « magasinier » starts with it: half the head (2 of 3).
		{"a word formed on the head", titleStems([]string{"Magasinier cariste"}), "Chef magasin H/F", 1.0 / 3},
		{"the best title", titleStems([]string{"Chauffeur poids lourd", "Chauffeur livreur"}), "Chauffeur livreur (H/F)", 1},
		// « études » is no head: « statistiques » is the job.
		{"études is generic", titleStems([]string{"Chargée d'études statistiques"}), "Chargé d'études en urbanisme (H/F)", 0.6 / 2.6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := titleCloseness(tc.titles, tc.offer); got < tc.want-1e-9 || got > tc.want+1e-9 {
				t.Errorf("titleCloseness(%q) = %.3f, want %.3f", tc.offer, got, tc.want)
			}
		})
	}
	// The head first: a mechanic's offer is closer than a truck driver's.
	if m, d := titleCloseness(mechanic, "Mécanicien monteur"), titleCloseness(mechanic, "Chauffeur poids lourd"); m <= d {
		t.Errorf("mechanic %.2f <= truck driver %.2f", m, d)
	}
}

func TestCloser(t *testing.T) {
	for _, tc := range []struct {
		name   string
		titles []string
		domain map[string]bool
		want   []string
	}{
		{"as fused", nil, nil, []string{"driver", "other", "mechanic"}},
		{"the title stated", []string{"Mécanicien"}, nil, []string{"mechanic", "driver", "other"}},
		{"the domain", nil, map[string]bool{"mechanic": true}, []string{"mechanic", "driver", "other"}},
		{"the title over the domain", []string{"Mécanicien"}, map[string]bool{"other": true}, []string{"mechanic", "other", "driver"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ranked := []Result{{ID: "driver", Title: "Chauffeur poids lourd"}, {ID: "other", Title: "Agent de nettoyage"}, {ID: "mechanic", Title: "Mécanicien monteur"}}
			closeness := map[string]float64{"driver": 0.030, "other": 0.029, "mechanic": 0.028}
			closer(ranked, closeness, titleStems(tc.titles), tc.domain)
			var got []string
			for _, r := range ranked {
				got = append(got, r.ID)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("order %q, want %q", got, tc.want)
			}
		})
	}
}

func TestSameDomain(t *testing.T) {
	teacher := []Occupation{{Code: "K2106", Specific: "K2106"}}
	payroll := []Occupation{{Code: "M1203", Specific: "M1507"}}
	for _, tc := range []struct {
		name            string
		jobs            []Occupation
		codes, families []string
		want            bool
	}{
		{"no job", nil, []string{"K2102"}, []string{"K2102"}, false},
		{"the domain", teacher, []string{"M1223", "K2102"}, []string{"K2102"}, true},
		{"another domain", teacher, []string{"M1223"}, nil, false},
		{"the detailed code's domain", payroll, []string{"M1501"}, []string{"M1501"}, true},
		{"the family's domain", payroll, []string{"M1204"}, []string{"M1204"}, true},
		{"the offer's family's domain", teacher, []string{"X9999"}, []string{"K2111"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := sameDomain(tc.jobs, tc.codes, tc.families); got != tc.want {
				t.Errorf("sameDomain(%v, %q, %q) = %v", tc.jobs, tc.codes, tc.families, got)
			}
		})
	}
}

// TestOneWordOfferTitle: a title part of one word is the offer's job in
// the profile's words only when it names a job (issue 15: « logistique »
// made a warehouse worker's CV the same job as a SAP referent's offer).
func TestOneWordOfferTitle(t *testing.T) {
	m := New(taxonomy(t))
	p := &offres.Profile{Text: "Paul Kaouma\nCariste\n2015 – 2024 Cariste, plateforme logistique de Ducos : chargement des camions, inventaires, préparation des commandes."}
	for title, want := range map[string]bool{
		"Référent domaine sap achats / logistique f/h (H/F)": false,
		"Cariste (H/F)": true,
	} {
		o := offres.Offer{ID: "o", Title: title, RomeCode: "K2307"}
		job := find(m.Explain(p, &o, today), KindJob)
		if got := len(job) == 1 && job[0].Status == Matched; got != want {
			t.Errorf("%q matched %v, want %v: %+v", title, got, want, job)
		}
	}
}

// TestProfileLineTitle: of a CV line, the first segment that reads as a job
// title is the line's; the employer after it names no job, however well it
// matches an appellation (« Direction des ressources humaines » is a DRH's
// title).
func TestProfileLineTitle(t *testing.T) {
	m := New(taxonomy(t))
	for _, tc := range []struct {
		name       string
		text       string
		wantTitles []string
		notCode    string
	}{
		{"employer after the title", "Julie Ounou\nChargée de formation\n2016 – 2024 Chargée de formation, Direction des ressources humaines, Province Sud : recueil des besoins, plan de formation",
			[]string{"Chargée de formation"}, "M1503"},
		{"name before the title", "Sandra Lefèvre, comptable\n2011 – 2015 Aide-comptable, Société Calédonienne de Distribution",
			[]string{"comptable", "Aide-comptable"}, ""},
		{"a title the referential is not sure of is still stated", "Lucas Martin\nDessinateur-projeteur VRD\nLogiciels : AutoCAD",
			[]string{"Dessinateur-projeteur VRD"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := m.Analyze(&offres.Profile{Text: tc.text})
			if got, want := stemsText(a.titles), stemsText(stemsOf(tc.wantTitles)); !slices.Equal(got, want) {
				t.Errorf("titles %q, want %q", got, tc.wantTitles)
			}
			for _, o := range a.Occupations() {
				if tc.notCode != "" && o.Code == tc.notCode {
					t.Errorf("job %s %q read from %q", o.Code, o.Label, o.From)
				}
			}
		})
	}
}

func stemsOf(titles []string) [][]string {
	var out [][]string
	for _, t := range titles {
		out = append(out, significant(t))
	}
	return out
}

func stemsText(stems [][]string) []string {
	var out []string
	for _, st := range stems {
		out = append(out, strings.Join(st, " "))
	}
	return out
}

// TestOfferCodesFromTitle: an offer's job is also the one its title names,
// beside its source's code (Place de l'emploi public codes loosely).
func TestOfferCodesFromTitle(t *testing.T) {
	m := New(taxonomy(t))
	for _, tc := range []struct {
		name, title, source string
		want, not           string // a code among the offer's, one not
	}{
		{"title beside a loose source code", "Gestionnaire budgétaire et comptable (F/H)", "M1204", "M1203", ""},
		{"the source's code kept", "Gestionnaire budgétaire et comptable (F/H)", "M1204", "M1204", ""},
		{"the job part of the title", "SGAMI OUEST - Agent d'accueil H/F", "K2303", "M1601", ""},
		{"a title too vague adds nothing", "Chargé de mission (H/F)", "M1204", "M1204", "M1402"},
		// « auto » read as « automobile » (the lexicon): the source's code is
		// an automation technician's (I1302), the title a car mechanic's.
		{"a clipped word of the title", "SGAMI OUEST - Mécanicien auto polyvalent H/F", "I1302", "I1604", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := offres.Offer{ID: "o", Title: tc.title, RomeCode: tc.source}
			codes, _ := m.offerCodes(&o, m.offerTitle(o.Title))
			if !slices.Contains(codes, tc.want) || (tc.not != "" && slices.Contains(codes, tc.not)) {
				t.Errorf("codes of %q (source %s) = %q, want %s", tc.title, tc.source, codes, tc.want)
			}
			if tc.not == "" && len(codes) > 2 {
				t.Errorf("codes of %q = %q: one from the source, at most one from the title", tc.title, codes)
			}
		})
	}
}

// TestOfferTitleCache: the cache answers what the referential answers, for
// concurrent requests, and stays bounded.
func TestOfferTitleCache(t *testing.T) {
	m := New(taxonomy(t))
	want := m.rome.NormalizeTitle("Agent d'accueil")
	done := make(chan titleJob)
	for range 8 {
		go func() { done <- m.offerTitle("SGAMI OUEST - Agent d'accueil H/F") }()
	}
	for range 8 {
		tj := <-done
		if tj.job != "Agent d'accueil" || len(tj.matches) == 0 || tj.matches[0] != want[0] {
			t.Fatalf("offerTitle = %+v, want the job « Agent d'accueil » and %+v", tj, want[0])
		}
	}
	for i := range maxTitleJobs + 1 {
		m.offerTitle("offre " + strconv.Itoa(i))
	}
	if n := len(m.titleJobs.m); n > maxTitleJobs {
		t.Errorf("%d titles cached, at most %d", n, maxTitleJobs)
	}
	if New(nil).offerTitle("Ripeur (H/F)").job != "Ripeur" {
		t.Error("without the referential, the job is the title without its markers")
	}
}

// TestFamilyCodeAgreement: an offer's code that is the historic code of the
// profile's job is the same job when the job's detailed code is of the
// family's ROME domain (a web developer, M1855 under M1805, and a
// « Développeur informatique » offer), a job of the same family only when
// it sits in another domain (a payroll officer, M1507 in domain M15 under
// the accountants' M1203, and a « Gestionnaire comptable » offer).
func TestFamilyCodeAgreement(t *testing.T) {
	m := New(taxonomy(t))
	for _, tc := range []struct {
		name, profile, offer, source string
		want                         int
	}{
		{"detailed job of the family's domain", "Développeur web", "Développeur informatique (H/F)", "", agreeSame},
		{"France Travail's historic code, same domain", "Développeur web", "Informaticien", "M1805", agreeSame},
		{"detailed job of another domain", "Gestionnaire paie", "Gestionnaire comptable (H/F)", "", agreeFamily},
		{"France Travail's historic code, another domain", "Gestionnaire paie", "Comptable", "M1203", agreeFamily},
		{"the detailed code itself", "Gestionnaire paie", "Gestionnaire de paie", "", agreeSame},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := m.Analyze(&offres.Profile{JobTitles: []string{tc.profile}})
			if len(a.occupations) == 0 {
				t.Fatalf("no job read from %q", tc.profile)
			}
			o := offres.Offer{ID: "o", Title: tc.offer, RomeCode: tc.source}
			codes, families := m.offerCodes(&o, m.offerTitle(o.Title))
			if got, j, c := m.agreement(a.occupations, codes, families); got != tc.want {
				t.Errorf("%q (%s/%s) and %q (codes %q): agreement %d (%s), want %d", tc.profile, j.Code, j.Specific, tc.offer, codes, got, c, tc.want)
			}
		})
	}
}

func TestDerivedWord(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"magasinier", "magasin", true},
		{"cuisin", "cuisinier", true},
		{"magasin", "magasin", false}, // the same word, not a derived one
		{"agent", "agence", false},
		{"aide", "aider", false}, // too short a stem
		{"juridiqu", "jurist", false},
	} {
		t.Run(tc.a+"/"+tc.b, func(t *testing.T) {
			if got := derivedWord(tc.a, tc.b); got != tc.want {
				t.Errorf("derivedWord(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
			}
		})
	}
}

func TestStatesTitle(t *testing.T) {
	lawyer := titleStems([]string{"Juriste marchés publics", "Assistant juridique"})
	for _, tc := range []struct {
		job  string
		want bool
	}{
		{"juriste marches publics", true},
		{"Juriste des marchés publics", true},
		{"Juriste", false},
		{"Juriste marchés publics et concessions", false},
		{"", false},
	} {
		t.Run(tc.job, func(t *testing.T) {
			if got := statesTitle(lawyer, tc.job); got != tc.want {
				t.Errorf("statesTitle(%q) = %v, want %v", tc.job, got, tc.want)
			}
		})
	}
}

func TestJobByTitle(t *testing.T) {
	sameJob := Explanation{Items: []Item{{Kind: KindJob, Status: Matched, strength: agreeSame}}}
	ranked := []Result{
		{ID: "stated", Explanation: sameJob},          // filed elsewhere by its source
		{ID: "ranked", Explanation: sameJob},          // in the job ranking already
		{ID: "unstated", Explanation: sameJob},        // another title
		{ID: "other-job", Explanation: Explanation{}}, // its title stated, another job
	}
	like := search.Likeness{Keyword: []string{"ranked", "unstated", "other-job", "stated"}, Job: []string{"ranked"}}
	ex := explained{domain: map[string]bool{}, stated: map[string]bool{"stated": true, "ranked": true, "other-job": true}}
	closeness := map[string]float64{}
	jobByTitle(ranked, like, closeness, ex)
	if want := closenessJob / float64(rrfK+4); closeness["stated"] != want || !ex.domain["stated"] {
		t.Errorf("stated title: closeness %.4f, domain %v; want %.4f, true", closeness["stated"], ex.domain["stated"], want)
	}
	for _, id := range []string{"ranked", "unstated", "other-job"} {
		if closeness[id] != 0 || ex.domain[id] {
			t.Errorf("%s: closeness %.4f, domain %v; want nothing added", id, closeness[id], ex.domain[id])
		}
	}
}

// TestTaskItems: a bulleted line of a CV lists a task unless it starts with
// dates; tasks name no job held (« Encadrement des caristes et des
// magasiniers » read as a warehouse worker's title).
func TestTaskItems(t *testing.T) {
	for _, tc := range []struct {
		line string
		want bool
	}{
		{"- Encadrement des caristes et des magasiniers", true},
		{"• Gestion des stocks", true},
		{"- 2019 – 2024 Magasinier, Sodical", false},
		{"Magasinier cariste", false},
		{"2012 – 2024 : plateforme de distribution", false},
		{"-Suivi des dépenses", true},
	} {
		t.Run(tc.line, func(t *testing.T) {
			if got := isTaskItem(tc.line); got != tc.want {
				t.Errorf("isTaskItem(%q) = %v, want %v", tc.line, got, tc.want)
			}
		})
	}
	p := &offres.Profile{Text: "Responsable logistique\n- Encadrement des caristes et des magasiniers\n- 2011 – 2016 Chef d'équipe entrepôt, Sodical"}
	var got []string
	for _, segs := range titleSegments(p) {
		got = append(got, segs...)
	}
	if want := []string{"Responsable logistique", "Chef d'équipe entrepôt", "Sodical"}; !slices.Equal(got, want) {
		t.Errorf("titleSegments = %q, want %q", got, want)
	}
}

// TestTitleClosenessSynonyms: a stated title's word and its one-word
// synonym of the lexicon are the same word in an offer's title (« paye »,
// « paie »).
func TestTitleClosenessSynonyms(t *testing.T) {
	titles := titleStems([]string{"Gestionnaire paye"})
	if got := titleCloseness(titles, "Gestionnaire de paie (H/F)"); got != 1 {
		t.Errorf("« Gestionnaire paye » against « Gestionnaire de paie »: closeness %.2f, want 1", got)
	}
	if got := titleCloseness(titles, "Gestionnaire comptable"); got >= 0.5 {
		t.Errorf("« Gestionnaire paye » against « Gestionnaire comptable »: closeness %.2f, want < 0.5", got)
	}
}

// TestStatedOfferTitleFirst: an offer whose job title the profile writes
// ranks above the offers of the same ROME job read from another line of
// it (heldout2's scolarité manager: « Agent administratif », an older
// line, made the administrative agents' offers the same job).
func TestStatedOfferTitleFirst(t *testing.T) {
	m := New(taxonomy(t))
	p := &offres.Profile{Text: "Laura Kaouma\nGestionnaire de scolarité\n2018 – 2024 Gestionnaire de scolarité, Université : inscriptions, examens.\n2015 – 2018 Agent administratif, lycée Jules Garnier"}
	a := m.Analyze(p)
	stated := m.ExplainAnalyzed(a, &offres.Offer{ID: "s", Title: "Gestionnaire de scolarité"}, today)
	same := m.ExplainAnalyzed(a, &offres.Offer{ID: "a", Title: "Agent administratif - gestion de site H/F"}, today)
	if rs, ra := jobRank(stated), jobRank(same); rs <= ra || ra != 1 {
		t.Errorf("job ranks: the stated title %d (%+v), the same code %d (%+v); want the stated title above 1", rs, find(stated, KindJob), ra, find(same, KindJob))
	}
}
