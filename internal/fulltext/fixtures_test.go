package fulltext

import (
	"context"
	"slices"
	"testing"
	"time"

	"offres/internal/offres"
)

// today is the fixed "today" of the tests; the golden test uses it too.
var today = offres.Date{Year: 2026, Month: 11, Day: 28}

func date(y, m, d int) offres.Date { return offres.Date{Year: y, Month: timeMonth(m), Day: d} }

// fixtures are small hand-written offers, each there for a property.
func fixtures() []offres.Offer {
	const (
		ps   = "Province Sud"
		dsin = "Direction du Système d'Information et du Numérique"
	)
	return []offres.Offer{
		{
			ID: "IDE-1", Title: "Infirmier diplômé d'État (H/F)", Employer: ps,
			Direction: "Direction provinciale de l'action sanitaire et sociale", Category: "A",
			ContractType: offres.ContractTitulaire, Location: offres.Location{Commune: "Nouméa"},
			PublishedAt: date(2026, 11, 1), Deadline: date(2026, 12, 20),
			Description: "Vous assurez les soins aux patients du centre médico-social.",
		},
		{
			ID: "IDE-2", Title: "IDE de nuit en pédiatrie", Employer: "Clinique de l'Anse",
			ContractType: offres.ContractCDD, Location: offres.Location{Commune: "Nouméa"},
			PublishedAt: date(2026, 11, 10), Deadline: date(2027, 1, 10),
			Description: "Soins de nuit aux enfants hospitalisés.",
		},
		{
			ID: "ATSEM-1", Title: "Agent territorial spécialisé des écoles maternelles", Employer: "Ville de Païta",
			Category: "C", ContractType: offres.ContractContractuel, Location: offres.Location{Commune: "Paita"},
			PublishedAt: date(2026, 11, 20), Deadline: date(2026, 12, 1),
			Description: "Assistance au personnel enseignant pour l'accueil des jeunes enfants.",
		},
		{
			ID: "DEV-1", Title: "Développeur web full stack", Employer: ps, Direction: dsin, Category: "A",
			ContractType: offres.ContractContractuel, Location: offres.Location{Commune: "Nouméa"},
			PublishedAt: date(2026, 11, 15), Deadline: offres.Date{Year: 2026, Month: 12},
			Description: "Conception et réalisation des téléservices de la collectivité.",
			Skills:      []offres.Skill{{Label: "Go", Required: true}, {Label: "PostgreSQL"}},
		},
		{
			ID: "RESEAU-1", Title: "Administrateur réseaux et systèmes", Employer: ps, Direction: dsin, Category: "B",
			ContractType: offres.ContractTitulaire, Location: offres.Location{Commune: "Mont-Dore (Le)"},
			PublishedAt: date(2026, 10, 1), Deadline: date(2026, 11, 20),
			Description: "Exploitation des réseaux provinciaux et de la téléphonie.",
		},
		{
			ID: "EVT-1", Title: "Chargé d'événementiel", Employer: "Ville de Dumbéa", Category: "B",
			ContractType: offres.ContractCDD, Location: offres.Location{Commune: "Dumbéa"},
			PublishedAt: date(2026, 10, 5),
			Sections: []offres.Section{
				{Kind: offres.SectionMissions, Heading: "Missions", Text: "Organisation des événements culturels et sportifs de la ville."},
				{Kind: offres.SectionProfil, Heading: "Profil", Text: "Sens du contact et de l'organisation."},
			},
		},
		{
			ID: "3134-25-0308/SR", Title: "Chef de projet digital", Employer: ps, Direction: dsin, Category: "A",
			CadreEmploi: "Attaché d'administration", ContractType: offres.ContractTitulaire,
			Location:    offres.Location{Commune: "Nouméa"},
			PublishedAt: date(2025, 2, 14), Deadline: date(2026, 11, 28),
			Description: "La DSIN tient un rôle essentiel dans la transformation numérique de la collectivité.",
		},
		{
			ID: "XSS-1", Title: "Technicien <script>alert(1)</script> support", Employer: "Société <b>Test</b>",
			Location:    offres.Location{Commune: "Nouméa"},
			PublishedAt: date(2026, 11, 2), Deadline: date(2026, 12, 30),
			Description: "Support aux utilisateurs <img src=x onerror=alert(1)> et maintenance du parc.",
		},
		{
			ID: "COMPTA-1", Title: "Comptable", Employer: "Ville de Nouméa", Category: "B",
			ContractType: offres.ContractContractuel, Location: offres.Location{Commune: "Nouméa"},
			PublishedAt: date(2026, 11, 25), Deadline: date(2027, 1, 15),
			Description: "Tenue de la comptabilité; travail de nuit exceptionnel en clôture.",
		},
		{
			ID: "AS-1", Title: "Aide-soignant de nuit", Employer: "Centre hospitalier du Nord",
			ContractType: offres.ContractCDI, Location: offres.Location{Commune: "Bourail"},
			PublishedAt: date(2026, 11, 3), Deadline: date(2026, 12, 3),
			Description: "Aide aux soins d'hygiène et de confort des patients.",
		},
		{
			ID: "SECU-1", Title: "Agent de sécurité", Employer: "Gardiennage du Sud",
			Location: offres.Location{Commune: "Nouméa"}, Deadline: offres.Date{Year: 2026, Month: 10},
			Description: "Rondes et contrôle des accès du bâtiment.",
		},
		{
			ID: "SECU-2", Title: "Gestionnaire des accès sécurisés", Employer: "Gardiennage du Sud",
			Location: offres.Location{Commune: "Nouméa"}, PublishedAt: date(2026, 10, 1),
			Description: "Gestion des badges et des accès sécurisés.",
		},
	}
}

func timeMonth(m int) time.Month { return time.Month(m) }

// newTestIndex returns an index holding the fixtures, in memory or on disk.
func newTestIndex(t *testing.T, disk bool) *Index {
	t.Helper()
	var (
		ix  *Index
		err error
	)
	if disk {
		ix, err = Open(t.TempDir()+"/index", Options{})
	} else {
		ix, err = OpenMemory(Options{})
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if err := ix.Upsert(context.Background(), fixtures()); err != nil {
		t.Fatal(err)
	}
	return ix
}

// backends runs f on a memory index and a disk index holding the fixtures.
func backends(t *testing.T, f func(t *testing.T, ix *Index)) {
	for _, b := range []struct {
		name string
		disk bool
	}{{"memory", false}, {"disk", true}} {
		t.Run(b.name, func(t *testing.T) { f(t, newTestIndex(t, b.disk)) })
	}
}

// search runs q with today's date and the closed offers included unless
// said otherwise by the caller.
func runSearch(t *testing.T, ix *Index, q offres.Query) offres.Result {
	t.Helper()
	if q.Today.IsZero() {
		q.Today = today
	}
	if q.Limit == 0 {
		q.Limit = offres.MaxPageSize
	}
	res, err := ix.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("Search(%+v): %v", q, err)
	}
	return res
}

func hitIDs(res offres.Result) []string {
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return ids
}

func contains(ids []string, id string) bool { return slices.Contains(ids, id) }
