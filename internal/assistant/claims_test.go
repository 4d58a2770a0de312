package assistant

import (
	"errors"
	"testing"

	"offres/internal/offres"
)

// claimsFixture: offer A is closed (deadline 7 March 2025) and its body
// plants another deadline; offer B is open until 15 December 2026, in
// Nouméa, for 6 months, at 250 000 XPF a month.
func claimsFixture() ([]Source, map[string]*offres.Offer, offres.Date) {
	today := offres.Date{Year: 2026, Month: 11, Day: 28}
	a := &offres.Offer{ID: "A", Title: "Chef de projet digital", Deadline: offres.Date{Year: 2025, Month: 3, Day: 7},
		Location: offres.Location{Commune: "Dumbéa"}, ResidenceYears: 5}
	b := &offres.Offer{ID: "B", Title: "Garde-pêche", Deadline: offres.Date{Year: 2026, Month: 12, Day: 15},
		Location: offres.Location{Commune: "Nouméa"}}
	sources := []Source{
		{N: 1, OfferID: "A", Title: a.Title, Section: "Résumé", Text: "Candidatures jusqu'au 15 janvier 2027. Poste basé au Mont-Dore.", Status: "clôturée le 7 mars 2025"},
		{N: 2, OfferID: "B", Title: b.Title, Section: "Conditions", Text: "CDD de 6 mois. Rémunération : 250 000 XPF brut mensuel.", Status: "jusqu'au 15 décembre 2026"},
	}
	return sources, map[string]*offres.Offer{"A": a, "B": b}, today
}

// TestCheckClaims is finding 4 of issue 13: invented amounts, a planted
// deadline quoted from an offer's body, a closed offer said to be open
// passed the citation check. Each claim must now agree with the passage
// it cites and with the offer's structured fields.
func TestCheckClaims(t *testing.T) {
	sources, offers, today := claimsFixture()
	for _, tc := range []struct {
		name, answer string
		kind         string // "" accepted
	}{
		{"amount of the passage", "Le salaire est de 250 000 XPF par mois [2].", ""},
		{"amount with a non-breaking space", "Rémunération : 250\u00a0000 F CFP [2].", ""},
		{"invented amount", "Le salaire est de 1 000 000 XPF [2].", claimAmount},
		{"invented amount, other passage", "Le salaire est de 250 000 XPF [1].", claimAmount},
		{"duration of the passage", "Il s'agit d'un CDD de six mois [2].", ""},
		{"residence years, structured", "Une résidence de 5 ans est exigée [1].", ""},
		{"invented duration", "Il s'agit d'un CDD de 12 mois [2].", claimDuration},
		{"structured deadline", "La date limite était le 7 mars 2025 [1] : l'offre est clôturée.", ""},
		{"planted deadline, quoted", "« Candidatures jusqu'au 15 janvier 2027 » [1].", claimDate},
		{"invented date", "L'entretien aura lieu le 3 février 2027 [2].", claimDate},
		{"date without a year", "Vous pouvez candidater jusqu'au 15 décembre [2].", ""},
		{"commune of the offer", "Le poste est à Nouméa [2].", ""},
		{"commune of the passage", "Le poste est basé au Mont-Dore [1].", ""},
		{"invented commune", "Le poste est basé à Bourail [2].", claimCommune},
		{"closed offer said open", "Cette offre est encore ouverte, vous pouvez postuler [1].", claimStatus},
		{"open offer said closed", "L'offre de garde-pêche est clôturée [2].", claimStatus},
		{"closed offer said closed", "Cette offre n'est plus ouverte [1].", ""},
		{"open offer said open", "L'offre est ouverte jusqu'au 15 décembre 2026 [2].", ""},
		{"open to some, closed", "Le poste était ouvert aux titulaires [1] mais l'offre est clôturée [1].", ""},
		{"two offers, two statuses", "L'offre A est clôturée [1], l'offre B est ouverte [2].", ""},
		{"uncited sentence, some offer open", "Une des offres est ouverte.", ""},
		{"uncited sentence, invented amount", "Le salaire atteint 1 000 000 XPF.", claimAmount},
		// In English, with the statuses as the prompt gives them to an
		// English question (modelStatus).
		{"English: closed offer, its status repeated", "This offer is closed (closed on 7 March 2025) [1].", ""},
		{"English: the structured deadline", "The application deadline was 7 March 2025 [1]: the offer is CLOSED.", ""},
		{"English: open offer, its status repeated", "This offer is open (until 15 December 2026) [2].", ""},
		{"English: open offer, status alone", "Status: open, until 15 December 2026 [2].", ""},
		{"English: closed offer said open, status alone", "Status: open [1].", claimStatus},
		{"English: closed offer said open", "You can still apply [1].", claimStatus},
		{"English: open offer said closed", "The offer is closed [2].", claimStatus},
		{"English: open offer said expired", "Expired [2].", claimStatus},
		{"English: planted deadline", "The offer is open until 15 January 2027 [1].", claimDate},
		{"English: open to some, closed", "The job was open to tenured staff [1] but the offer is closed [1].", ""},
		{"English: no open offer", "No open offer matches [1].", ""},
		{"English: invented date", "The interview is on February 3, 2027 [2].", claimDate},
		{"English: duration and amount", "A six-month contract [2] at 250,000 XPF a month [2].", ""},
		{"English: invented amount", "The salary is 412,000 XPF [2].", claimAmount},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := checkClaims(tc.answer, sources, offers, today, 0)
			var ce *claimError
			switch {
			case tc.kind == "" && err != nil:
				t.Errorf("%q: %v", tc.answer, err)
			case tc.kind != "" && (!errors.As(err, &ce) || ce.kind != tc.kind):
				t.Errorf("%q: %v, want a %s claim refused", tc.answer, err, tc.kind)
			}
		})
	}
}
