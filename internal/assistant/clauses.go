package assistant

import (
	"iter"
	"regexp"
	"strings"

	"offres/internal/offres"
)

// clauseKind is how a question about one value of an offer is answered:
// by the summary lines of labels, then by the sentences of the offer that
// match re (the clauses that state the value), else by saying the offer
// does not state it.
type clauseKind struct {
	labels []string
	re     *regexp.Regexp
	// titleToo: the title may state it (« Agents de police municipale (3
	// postes) »).
	titleToo bool
	// descriptionToo: the offer's description, in its summary, may state it
	// (« … pour un remplacement de cinq mois, du 1er février au 30 juin »).
	descriptionToo bool
	what           what
	// asked, when set, keeps the clauses that hold what the question names
	// (« logement » among the working conditions), as a folded key.
	asked string
}

// holdsAsked reports whether a sentence holds what the question names
// (asked, « | » between alternatives), or nothing is named.
func (c clauseKind) holdsAsked(s string) bool {
	if c.asked == "" {
		return true
	}
	k := foldKey(s)
	for alt := range strings.SplitSeq(c.asked, "|") {
		if strings.Contains(k, alt) {
			return true
		}
	}
	return false
}

// maxClauses bounds the clauses quoted for one value.
const maxClauses = 3

var clauseKinds = map[Intent]clauseKind{
	IntentContract: {labels: []string{"Contrat"},
		re:   regexp.MustCompile(`(?i)(\bcontrats?\b|\bcdd\b|\bcdi\b|dur[ée]e (d[ée]termin|ind[ée]termin)|int[ée]rim|\bremplacement\b|ouverts? aux|r[ée]serv[ée]e?s? aux|\bvacations?\b)`),
		what: what{"le type de contrat", "the type of contract"}},
	IntentExperience: {re: regexp.MustCompile(`(?i)(exp[ée]rience|d[ée]butants?\b|jeunes? dipl[ôo]m)`),
		what: what{"l'expérience demandée", "the experience required"}},
	IntentDiploma: {re: regexp.MustCompile(`(?i)(dipl[ôo]me|\bbac\b|\bbaccalaur[ée]at|bac\s*\+\s*\d|\blicence\b|\bmaster\b|\bcap\b|\bbts\b|\bdut\b|\bbep\b|doctorat|\bdocteur\b|formation\s*:|niveau (bac|d'[ée]tudes)|\b(bpjeps|beesan|dejeps|bafa|bafd|cqp|deust|dcg|dscg|capes|caplp)\b|brevet (professionnel|d'[ée]tat)|titre professionnel|agr[ée]gation)`),
		what: what{"le diplôme demandé", "the diploma required"}},
	IntentLicence: {re: regexp.MustCompile(`(?i)(\bpermis\b|\bcaces\b)`),
		what: what{"de permis", "any licence"}},
	IntentLanguages: {re: regexp.MustCompile(`(?i)(\blangues?\b|\banglais\b|japonais|fran[çc]ais|espagnol|chinois|wallisien|tahitien|\bkanak\b|oc[ée]anienne)`),
		what: what{"de langue", "any language"}},
	IntentHours: {re: regexp.MustCompile(`(?i)(horaires?|\bheures?\b|\b\d+\s*h\s*\d*\b|\b\d+H\d*\b|temps (plein|partiel|complet|non complet)|mi-temps|dur[ée]e du travail|\bnuits?\b|week-ends?|roulement|\bcycles?\b)`),
		what: what{"les horaires", "the working hours"}},
	IntentRemote: {re: regexp.MustCompile(`(?i)t[ée]l[ée]-?travail`),
		what: what{"de télétravail", "remote work"}},
	IntentPosts: {labels: []string{"Nombre de postes"}, titleToo: true,
		re:   regexp.MustCompile(`(?i)(nombre de postes|\b\d+ postes\b|\b(deux|trois|quatre|cinq|six|sept|huit|dix) (postes|gardes|agents|animateurs)\b)`),
		what: what{"le nombre de postes", "the number of positions"}},
	IntentConditions: {re: regexp.MustCompile(`(?i)(logement|log[ée]e?s?\b|h[ée]berg|astreintes?|uniforme|d[ée]placements?|v[ée]hicule de service|\bprimes?\b|avantages?)`),
		what: what{"ces conditions", "these conditions"}},
}

// categoryClause is what states an offer's category or cadre d'emploi in
// its text, for an offer without those fields.
var categoryClause = clauseKind{
	re:   regexp.MustCompile(`(?i)(cat[ée]gorie\s+[abc]\b|cadres? d.emplois?\b)`),
	what: what{"la catégorie ni le cadre d'emploi", "its category or cadre d'emploi"}}

// startClause is what states when a job starts, for an offer without a
// « Poste à pourvoir » line: « un remplacement … du 1er février au 30 juin
// 2027 », « prise de poste à compter du 2 janvier ».
var startClause = clauseKind{
	descriptionToo: true,
	re:             regexp.MustCompile(`(?i)(prise de (poste|fonctions?)|entr[ée]e en fonctions?|à pourvoir|à compter du|à partir du \d|d[ée]but (du contrat|de (la )?mission|des fonctions)|\bdu (\d{1,2}|1er) (janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[uû]t|septembre|octobre|novembre|d[ée]cembre)\b)`),
	what:           what{"la date de prise de poste", "the start date"}}

// clauseQuote is a clause of an offer and the section it is in.
type clauseQuote struct{ text, section string }

// findClauses returns the clauses of the offer that state what c asks.
func findClauses(o *offres.Offer, c clauseKind) []clauseQuote {
	var out []clauseQuote
	add := func(text, section string) {
		for _, q := range out {
			if q.text == text {
				return
			}
		}
		if len(out) < maxClauses {
			out = append(out, clauseQuote{text, section})
		}
	}
	for _, label := range c.labels {
		if line := summaryLine(o, label); line != "" {
			add(line, summarySection)
		}
	}
	if c.titleToo && c.re.MatchString(o.Title) {
		add(titleLine(o), summarySection)
	}
	if c.descriptionToo {
		for _, s := range sentences(o.Description) {
			if c.re.MatchString(s) {
				add(s, summarySection)
			}
		}
	}
	// The clauses written « Label : value » state a value; running text
	// comes after them.
	var prose []clauseQuote
	for s, p := range stated(o, c, false) {
		if labelledRE.MatchString(s) {
			add(s, passageSection(p))
		} else {
			prose = append(prose, clauseQuote{s, passageSection(p)})
		}
	}
	for _, q := range prose {
		add(q.text, q.section)
	}
	if len(out) == 0 && !c.descriptionToo {
		// Nothing in the sections: the description may say it, all the
		// more when it is most of the posting (a Place de l'emploi public
		// offer, « Poste ouvert aux personnels titulaires ou en CDI »).
		for _, s := range sentences(o.Description) {
			if c.re.MatchString(s) && c.holdsAsked(s) {
				add(s, summarySection)
			}
		}
	}
	return out
}

// stated yields the sentences of an offer's passages that state what c
// asks (its re, and the word asked when set), with their passage; not the
// summary's, whose lines are the labels', nor, with outsideMissions, the
// missions' (what the job does is no condition it offers).
func stated(o *offres.Offer, c clauseKind, outsideMissions bool) iter.Seq2[string, offres.Passage] {
	return func(yield func(string, offres.Passage) bool) {
		for _, p := range passagesOf(o) {
			if p.Kind == offres.SummaryKind || (outsideMissions && p.Kind == offres.SectionMissions) {
				continue
			}
			for _, s := range sentences(p.Text) {
				if !c.re.MatchString(s) || !c.holdsAsked(s) {
					continue
				}
				if !yield(s, p) {
					return
				}
			}
		}
	}
}

// labelledRE matches a clause written « Label : value ».
var labelledRE = regexp.MustCompile(`^[\p{L} '’]{3,40}\s:\s\S`)

// clauseArgs name the offer, and in English what was asked.
func (w *writer) clauseArgs(o *offres.Offer, c clauseKind) []any {
	if w.lang == langEnglish {
		return []any{named(o), strings.TrimPrefix(strings.TrimPrefix(c.what.en, "the "), "any ")}
	}
	return []any{named(o)}
}

// clauses answers with the clauses that state the value asked, or says the
// offer does not state it.
func (a *Assistant) clauses(w *writer, o *offres.Offer, c clauseKind, today offres.Date) {
	found := findClauses(o, c)
	if len(found) == 0 {
		a.refuse(w, o, c.what)
		return
	}
	w.say("Pour l'offre %s : ", "For the offer %s, %s: ", w.clauseArgs(o, c)...)
	for i, q := range found {
		if i > 0 {
			w.say(" ; ", "; ")
		}
		w.printf("« %s » %s", strings.TrimRight(q.text, " ;"), w.cite(o, q.section, q.text))
	}
	w.printf(".\n%s", w.statusSentence(o, today))
}
