// Standalone questions written back from an understood question.

package assistant

import (
	"fmt"
	"slices"
	"strings"

	"offres/internal/offres"
)

var intentLeads = map[Intent]string{
	IntentDeadline:   "Quelle est la date limite",
	IntentPlace:      "Quel est le lieu de travail",
	IntentEmployer:   "Qui recrute",
	IntentDirection:  "Quelle est la direction",
	IntentCategory:   "Quelle est la catégorie",
	IntentResidence:  "Quelle durée de résidence est exigée",
	IntentStartDate:  "Quelle est la date de prise de poste",
	IntentSalary:     "Quelle est la rémunération",
	IntentContact:    "Qui contacter",
	IntentMissions:   "Quelles sont les missions",
	IntentProfile:    "Quel est le profil recherché",
	IntentContract:   "Quel est le type de contrat",
	IntentExperience: "Quelle expérience est demandée",
	IntentDiploma:    "Quel diplôme est demandé",
	IntentLicence:    "Quel permis est demandé",
	IntentLanguages:  "Quelles langues sont demandées",
	IntentHours:      "Quels sont les horaires",
	IntentRemote:     "Le télétravail est-il possible",
	IntentPosts:      "Combien de postes",
	IntentConditions: "Quelles sont les conditions de travail",
	IntentList:       "Quelles offres",
	IntentOther:      "Offres",
}

// standalone writes q as a French question that Understand reads back to
// the same intent, filters and reference.
func standalone(q Question) string {
	lead, ok := intentLeads[q.Intent]
	if !ok {
		lead = intentLeads[IntentOther]
	}
	parts := []string{lead}
	switch {
	case q.Reference != "":
		switch q.Intent {
		case IntentEmployer, IntentContact, IntentList, IntentOther, IntentContract, IntentExperience, IntentDiploma,
			IntentLicence, IntentLanguages, IntentHours, IntentRemote, IntentPosts, IntentConditions:
			parts = append(parts, "pour l'offre "+q.Reference)
		default:
			parts = append(parts, "de l'offre "+q.Reference)
		}
	case q.Subject != "":
		parts = append(parts, "pour « "+q.Subject+" »")
	case len(q.Filters) > 0 && q.Intent != IntentList && q.Intent != IntentOther:
		parts = append(parts, "pour les offres")
	}
	if cs := q.Filters[offres.FacetCommune]; len(cs) > 0 {
		var ps []string
		for _, c := range cs {
			if rest, ok := strings.CutPrefix(c, "Le "); ok {
				ps = append(ps, "au "+rest)
			} else if rest, ok := strings.CutPrefix(c, "L'"); ok {
				ps = append(ps, "à l'"+rest)
			} else {
				ps = append(ps, "à "+c)
			}
		}
		parts = append(parts, strings.Join(ps, " ou "))
	}
	if cats := q.Filters[offres.FacetCategory]; len(cats) > 0 {
		parts = append(parts, "en catégorie "+strings.Join(cats, " ou "))
	}
	if cts := q.Filters[offres.FacetContract]; len(cts) > 0 {
		var ps []string
		for _, c := range cts {
			switch c {
			case offres.ContractTitulaire, offres.ContractContractuel:
				ps = append(ps, "pour les "+c+"s")
			case offres.ContractCDD, offres.ContractCDI:
				ps = append(ps, "en "+strings.ToUpper(c))
			case offres.ContractInterim:
				ps = append(ps, "en intérim")
			case offres.ContractStage, offres.ContractAlternance:
				ps = append(ps, "en "+c)
			}
		}
		if len(ps) > 0 {
			parts = append(parts, strings.Join(ps, " ou "))
		}
	}
	if st := q.Filters[offres.FacetDeadline]; len(st) > 0 {
		switch {
		case q.ClosingWithinDays == offres.ClosingSoonDays:
			parts = append(parts, "qui ferment cette semaine")
		case q.ClosingWithinDays > 0:
			parts = append(parts, fmt.Sprintf("qui ferment dans les %d jours", q.ClosingWithinDays))
		case slices.Contains(st, string(offres.StatusClosed)):
			parts = append(parts, "déjà clôturées")
		case slices.Contains(st, string(offres.StatusOpen)):
			parts = append(parts, "encore ouvertes")
		default:
			parts = append(parts, "qui ferment bientôt")
		}
	}
	return strings.Join(parts, " ") + " ?"
}
