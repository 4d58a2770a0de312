package assistant

import (
	"regexp"
	"slices"
	"strings"

	"offres/internal/offres"
)

// beginnersRE matches the clauses that open an offer to beginners: a list
// of offers « pour les débutants » wants those, not every clause about
// experience (« Expérience de la sécurité opérationnelle appréciée »).
var beginnersRE = regexp.MustCompile(`(?i)(d[ée]butants?\s+(accept|bienvenu|admis)|jeunes?\s+dipl[ôo]m[ée]s?\s+(accept|bienvenu|admis)|ouverts?\s+aux\s+(d[ée]butants|jeunes\s+dipl)|sans\s+exp[ée]rience|aucune\s+exp[ée]rience|premi[èe]re\s+exp[ée]rience)`)

// narrowingConditions are the conditions whose words in the question
// narrow the clauses a list wants: « une langue kanak » wants « kanak »,
// not any language; « de nuit », not any working hours.
var narrowingConditions = map[Intent]bool{IntentLanguages: true, IntentHours: true}

// genericConditionWords are the words of a condition that narrow nothing.
var genericConditionWords = set("langue", "langues")

// conditionKind returns how the offers listed for a question state its
// condition: the clause kind, and the words of the question every clause
// must hold.
func conditionKind(q Question) (clauseKind, []string) {
	c := clauseKinds[q.Condition]
	switch q.Condition {
	case IntentExperience:
		c.re = beginnersRE
	case IntentConditions:
		if f := strings.Fields(foldKey(q.ConditionText)); len(f) > 0 {
			c.asked = strings.TrimSuffix(f[0], "s") // « logés » → « loge », in « logement »
		}
	}
	var need []string
	if narrowingConditions[q.Condition] {
		// The phrase too: an English question's is in French (« night
		// shifts » is « travail de nuit »).
		for _, m := range c.re.FindAllString(q.Text+"\n"+q.ConditionText, -1) {
			if k := foldKey(m); !genericConditionWords[k] && !slices.Contains(need, k) {
				need = append(need, k)
			}
		}
	}
	return c, need
}

// conditionClause returns the first clause of an offer that states a
// list's condition (c, holding every word of need), outside its missions:
// what the job does (« instruire les demandes de logement ») is not a
// condition it offers.
func conditionClause(o *offres.Offer, c clauseKind, need []string) (clauseQuote, bool) {
	for s, p := range stated(o, c, true) {
		k := foldKey(s)
		if !slices.ContainsFunc(need, func(w string) bool { return !strings.Contains(k, w) }) {
			return clauseQuote{s, passageSection(p)}, true
		}
	}
	return clauseQuote{}, false
}

// stating keeps, for a list of the offers that state a condition, the
// offers found that do, each with the clause that states it.
func stating(q Question, offers []found) []found {
	c, need := conditionKind(q)
	var out []found
	for _, f := range offers {
		if cl, ok := conditionClause(&f.offer, c, need); ok {
			f.clause = &cl
			out = append(out, f)
		}
	}
	return out
}
