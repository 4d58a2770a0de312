// The intent of a question.

package assistant

import (
	"slices"
	"strings"
	"sync"
)

// intentOrder is the order the intents' phrases are registered in.
var intentOrder = []Intent{IntentDeadline, IntentPlace, IntentEmployer, IntentDirection, IntentCategory,
	IntentResidence, IntentStartDate, IntentSalary, IntentContact, IntentMissions, IntentProfile, IntentContract,
	IntentExperience, IntentDiploma, IntentLicence, IntentLanguages, IntentHours, IntentRemote, IntentPosts,
	IntentConditions, IntentList}

// intents finds the phrases of words/intents.txt.
var intents = sync.OnceValue(func() *matcher[Intent] {
	m := newMatcher[Intent](nil)
	m.typos = true
	for _, in := range intentOrder {
		m.add(in, words("intents.txt", string(in))...)
	}
	return m
})

// placeVerbs follow an unaccented « ou » that opens a question about the
// place (« ou est le poste ? »).
var placeVerbs = set("est", "sont", "se", "s'", "travaille", "travaillerai", "travaillerait", "exerce",
	"situe", "trouve", "serait", "sera")

// intent finds the intent phrases; the one that comes first in the question
// wins, the others are dropped from the subject too.
func (p *parser) intent() Intent {
	type cand struct {
		at, n  int
		intent Intent
	}
	var cands []cand
	for i, t := range p.toks {
		if !t.free() {
			continue
		}
		if ph, ok := intents().at(p.toks, i, p.intentOK); ok {
			cands = append(cands, cand{i, len(ph.keys), ph.val})
		}
		if t.key == "ou" && (t.lower != "ou" || (i == 0 && i+1 < len(p.toks) && placeVerbs[p.toks[i+1].key])) {
			cands = append(cands, cand{i, 1, IntentPlace}) // « où »
		}
		if p.howManyPeople(i) {
			cands = append(cands, cand{i, 2, IntentPosts}) // « combien de policiers », « how many nurses »
		}
	}
	slices.SortStableFunc(cands, func(a, b cand) int {
		if a.n != b.n {
			return b.n - a.n
		}
		return a.at - b.at
	})
	best, first := IntentOther, len(p.toks)
	var found []Intent
accept:
	for _, c := range cands {
		for j := c.at; j < c.at+c.n; j++ {
			if !p.toks[j].free() {
				continue accept
			}
		}
		p.mark(c.at, c.at+c.n, tagIntent)
		found = append(found, c.intent)
		if prev, ok := p.phrases[c.intent]; !ok || c.n > prev.n {
			if p.phrases == nil {
				p.phrases = map[Intent]foundPhrase{}
			}
			p.phrases[c.intent] = foundPhrase{joinTokens(p.toks[c.at : c.at+c.n]), c.at, c.n}
		}
		if c.at < first {
			best, first = c.intent, c.at
			p.asked = strings.TrimSuffix(p.toks[c.at].key, "s")
		}
	}
	p.intents = found
	return best
}

// intentOK rejects phrases that are part of a job title or about something
// else: « chargé de mission », « ouvert aux contractuels ».
func (p *parser) intentOK(ph phrase[Intent], i int) bool {
	key := func(j int) string {
		if j < 0 || j >= len(p.toks) {
			return ""
		}
		return p.toks[j].key
	}
	switch ph.keys[0] {
	case "mission", "missions":
		if key(i-1) == "de" {
			for _, j := range []int{i - 2, i - 3} {
				if strings.HasPrefix(key(j), "charge") {
					return false
				}
			}
		}
	case "ouvert", "ouverte", "encore", "toujours":
		return !p.openTo(i + len(ph.keys))
	case "postuler", "candidater":
		return !p.mayApply(i)
	}
	return true
}

// ableVerbs are the forms of « pouvoir » a question of eligibility asks
// with.
var ableVerbs = set("peux", "puis", "peut", "pouvez", "pourrais", "pourrai", "pourrait", "pourriez", "pourrions")

// mayApply reports whether the « postuler » at i asks whether one may apply
// (« est-ce que je peux postuler si… ? », « peut-on postuler sans… ? »):
// a question about the condition that follows, not about how to apply —
// unless it asks how or where (« comment puis-je postuler ? »).
func (p *parser) mayApply(i int) bool {
	able := false
	for j := max(0, i-3); j < i; j++ {
		switch k := p.toks[j].key; {
		case ableVerbs[k]:
			able = true
		case k == "comment" || k == "ou" || k == "qui" || k == "quand":
			return false
		}
	}
	return able
}

// listConditions are the intents a list can ask its offers to state
// (« Quelles offres proposent le télétravail ? », « Quels postes sont
// logés ? », « Faut-il parler une langue kanak pour certains postes ? »,
// « Y a-t-il du travail de nuit ? »): what an offer states in a clause.
var listConditions = map[Intent]bool{IntentRemote: true, IntentConditions: true, IntentLanguages: true,
	IntentHours: true, IntentLicence: true, IntentExperience: true}

// condition returns the first intent of the question, in its order, that
// a list can ask its offers to state, and its longest phrase as written
// (« langue kanak » rather than « parler »).
func (p *parser) condition() (Intent, string) {
	var best Intent
	at := len(p.toks)
	for in, ph := range p.phrases {
		if listConditions[in] && (ph.at < at || ph.at == at && in < best) {
			best, at = in, ph.at
		}
	}
	return best, p.phrases[best].text
}

// countedNotPeople are the words after « combien de », « how many » that
// count something else than the people hired: time, offers, money.
var countedNotPeople = set("jours", "jour", "semaines", "semaine", "mois", "heures", "heure", "ans", "annees", "annee",
	"temps", "fois", "offres", "offre", "annonces", "euros", "francs", "xpf", "days", "day", "weeks", "months", "hours",
	"years", "offers", "times", "de", "d'", "des", "les", "l'", "la", "le", "the")

// howManyPeople reports whether « combien de », « combien d' » or « how
// many » at i counts the people a job hires (« Combien de policiers
// municipaux recrute Dumbéa ? », « How many nurses are needed? »): the
// number of positions, when no longer phrase says otherwise (« combien de
// jours », « combien d'années d'expérience »).
func (p *parser) howManyPeople(i int) bool {
	if i+2 >= len(p.toks) || !p.toks[i+1].free() || !p.toks[i+2].free() || p.toks[i+2].quoted {
		return false
	}
	switch k := p.toks[i].key + " " + p.toks[i+1].key; k {
	case "combien de", "combien d'", "how many":
		return !countedNotPeople[p.toks[i+2].key]
	}
	return false
}
