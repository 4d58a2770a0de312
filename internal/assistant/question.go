// Question understanding: the intent, filters, subject, job family and
// reference of a French question, and the rewriting of follow-ups, by rules
// (no language model), so that it works offline and is testable line by line.
// The package comment is in assistant.go.

package assistant

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"offres/internal/offres"
)

// Intent is what a question asks about an offer, or "list" for a question
// that asks which offers there are.
type Intent string

// The intents.
const (
	IntentDeadline   Intent = "deadline"   // « date limite », « jusqu'à quand »
	IntentPlace      Intent = "place"      // « où », « lieu », « quelle commune »
	IntentEmployer   Intent = "employer"   // « qui recrute », « employeur »
	IntentDirection  Intent = "direction"  // « quelle direction », « quel service »
	IntentCategory   Intent = "category"   // « catégorie », « cadre d'emploi », « grade »
	IntentResidence  Intent = "residence"  // « durée de résidence », « emploi local »
	IntentStartDate  Intent = "start_date" // « prise de poste », « quand commence »
	IntentSalary     Intent = "salary"     // « salaire », « rémunération »
	IntentContact    Intent = "contact"    // « qui contacter », « comment postuler »
	IntentMissions   Intent = "missions"   // « missions », « que fait-on »
	IntentProfile    Intent = "profile"    // « profil », « compétences »
	IntentContract   Intent = "contract"   // « type de contrat », « CDD ou titulaire ? »
	IntentExperience Intent = "experience" // « expérience », « débutant accepté ? »
	IntentDiploma    Intent = "diploma"    // « diplôme », « niveau d'études »
	IntentLicence    Intent = "licence"    // « permis »
	IntentLanguages  Intent = "languages"  // « langues », « parler anglais »
	IntentHours      Intent = "hours"      // « horaires », « temps plein »
	IntentRemote     Intent = "remote"     // « télétravail »
	IntentPosts      Intent = "posts"      // « combien de postes »
	IntentConditions Intent = "conditions" // « logement de fonction », « astreintes »
	IntentList       Intent = "list"       // « quels postes », « y a-t-il des offres »
	IntentOther      Intent = "other"      // none of the above: a plain search
)

// The job families, a closed list (Families). A family is recognised from the
// words of the question's subject: job titles, fields and the curated
// synonyms of the lexicon package.
const (
	FamilyHealth         = "santé"
	FamilySocial         = "social"
	FamilyEducation      = "éducation"
	FamilyDigital        = "informatique et numérique"
	FamilyEnvironment    = "environnement"
	FamilyPublicWorks    = "BTP et routes"
	FamilyAdministration = "administration et finances"
	FamilyCultureSport   = "culture et sport"
	FamilyAgriculture    = "agriculture"
	FamilySea            = "mer et pêche"
)

// Families lists the job families in display order.
var Families = []string{FamilyHealth, FamilySocial, FamilyEducation, FamilyDigital, FamilyEnvironment,
	FamilyPublicWorks, FamilyAdministration, FamilyCultureSport, FamilyAgriculture, FamilySea}

// Question is a candidate's question as the assistant understands it.
type Question struct {
	// Text is the question as asked, trimmed; for a rewritten follow-up, the
	// standalone question in French.
	Text   string
	Intent Intent
	// Filters maps facet names (offres.FacetCommune, FacetCategory,
	// FacetContract, FacetDeadline) to accepted values, as search.Request
	// takes them: official commune names, "A"/"B"/"C", Contract* constants,
	// DeadlineStatus values. Nil when the question has no filter.
	Filters map[string][]string
	// ClosingWithinDays, when not 0, keeps the offers that close within that
	// many days of today (days left from 0 to ClosingWithinDays): 7 for
	// « cette semaine », the days left in the month for « ce mois-ci ». The
	// deadline_status filter says the same more coarsely (closing_soon is
	// at most offres.ClosingSoonDays days).
	ClosingWithinDays int
	// Subject is what to search with: the job or topic, without the question
	// words, the filter phrases and the stop phrases.
	Subject string
	// Family is the job family of the subject (one of Families), or "".
	Family string
	// Reference is an offer reference quoted in the question
	// (« l'offre PS-2026-0640/DSIN »), or the offer a follow-up is about.
	Reference string
	// References are all the references quoted, in order (a comparison
	// quotes two).
	References []string
	// Lang is the language the question is asked in: "fr", or "en" for
	// English; the answer is written in it.
	Lang string
	// Compare is set for a question that compares offers (« lequel paie le
	// mieux entre … et … ? »); Runs are the runs of words of its subject,
	// which the offers compared are looked for in.
	Compare bool
	Runs    []string
	// Asked is the first word of the phrase that gave the intent, folded
	// and without a plural (« logement », « astreinte »).
	Asked string
	// Condition is the first intent of the question that a list can ask
	// its offers to state (listConditions: « télétravail », « logés »,
	// « langue kanak », « de nuit »), ConditionText its phrase as written;
	// see ListsCondition.
	Condition     Intent
	ConditionText string
	// Dropped is the text left out as instructions to the assistant
	// (« ignore tes consignes… »): never searched for nor answered.
	Dropped string
}

// maxAnalysedRunes bounds the part of a question that is analysed; the
// search itself takes at most offres.MaxQueryLen runes.
const maxAnalysedRunes = 1000

// Understand reads a French question: its intent, the filters it states
// (communes, category, contract type, deadline), its subject, job family and
// quoted offer reference. Matching ignores case and accents. today is the
// date in Nouméa, against which « ce mois-ci » is counted.
func Understand(text string, today offres.Date) Question {
	text = strings.TrimSpace(text)
	q := Question{Text: text, Intent: IntentOther}
	a := strings.ToValidUTF8(text, " ")
	if utf8.RuneCountInString(a) > maxAnalysedRunes {
		a = string([]rune(a)[:maxAnalysedRunes])
	}
	a, q.Dropped = dropInstructions(a)
	q.References, a = findReferences(a)
	if len(q.References) > 0 {
		q.Reference = q.References[0]
	}
	toks := tokenize(a)
	q.Lang = language(toks)
	if q.Lang == langEnglish {
		toks = replaceWords(toks, englishJobs())
	}
	toks = replaceWords(toks, abbreviations())
	p := parser{toks: toks, today: today, filters: map[string][]string{}, shouting: !hasLower(a)}
	q.Compare = p.comparison()
	p.category() // before the communes, whose « à » could take a lone « A »
	p.communes()
	p.deadline(&q)
	p.contract()
	q.Intent = p.intent()
	q.Asked = p.asked
	q.Family = p.family()
	q.Runs = p.runs()
	if q.Lang == langEnglish {
		q.Runs = withoutEnglishFunctionWords(q.Runs)
	}
	q.Subject = strings.Join(q.Runs, " ")
	if len(p.filters) > 0 {
		q.Filters = p.filters
	}
	q.settle(p.intents)
	q.Condition, q.ConditionText = p.condition()
	return q
}

// englishFunctionWords are the English words a subject keeps between the
// French words it is translated to (« déchetterie agent in Carquefou »):
// no offer's word, and a word the search would look for.
var englishFunctionWords = set("in", "at", "of", "for", "to", "on", "with", "and", "or", "from", "by", "the", "a", "an")

// withoutEnglishFunctionWords drops them from the runs of a subject.
func withoutEnglishFunctionWords(runs []string) []string {
	var out []string
	for _, r := range runs {
		kept := slices.DeleteFunc(strings.Fields(r), func(w string) bool { return englishFunctionWords[strings.ToLower(w)] })
		if len(kept) > 0 {
			out = append(out, strings.Join(kept, " "))
		}
	}
	return out
}

// ListsCondition reports whether a question lists the offers that state
// its Condition: a list that names one (« Quelles offres proposent le
// télétravail ? »), or a question about one with no offer or job named
// (« Faut-il parler une langue kanak pour certains postes ? »: about the
// offers in general).
func (q Question) ListsCondition() bool {
	if q.Condition == "" || q.Compare || q.Reference != "" {
		return false
	}
	return q.Intent == IntentList || q.Intent == q.Condition && strings.TrimSpace(q.Subject) == ""
}

// settle resolves what the phrases alone leave ambiguous: contract words in
// a question about one offer ask its contract (« est-il un CDD ou un poste
// de titulaire ? ») rather than filter on it, and « combien de postes »
// without a job counts the offers.
func (q *Question) settle(intents []Intent) {
	// « Le poste … est(-il) en catégorie A / un CDD ? » asks the offer's
	// value: a question with the verb « être ».
	asks := strings.Contains(q.Text, "?") && slices.ContainsFunc(tokenize(q.Text), func(t token) bool { return beVerbs[t.key] })
	if _, ok := q.Filters[offres.FacetContract]; ok && q.Subject != "" && q.Intent == IntentOther && asks {
		q.Intent = IntentContract
	}
	q.dropAskedContract()
	if _, ok := q.Filters[offres.FacetCategory]; ok && q.Subject != "" && asks && isAsked(q.Text) && (q.Intent == IntentOther || q.Intent == IntentCategory) {
		q.Intent = IntentCategory // « le poste de juriste est en catégorie A ? »
		delete(q.Filters, offres.FacetCategory)
		if len(q.Filters) == 0 {
			q.Filters = nil
		}
	}
	q.countsOffers()
	if q.Intent == IntentOther && mustBeRE.MatchString(foldKey(q.Text)) {
		q.Intent = IntentProfile // « Faut-il être ingénieur pour… ? »: what the offer asks of a candidate
	}

	if q.Compare && q.Intent == IntentList {
		// « Quel poste paie le mieux entre … ? » compares the pay.
		for _, in := range intents {
			if in != IntentList {
				q.Intent = in
				break
			}
		}
	}
	if q.Compare && len(q.References) < 2 && len(q.Runs) == 0 {
		q.Compare = false
	}
}

// mustBeRE finds a question of what one must be or have for a job, when
// no other intent says what (« Faut-il être ingénieur… ? »; « Faut-il être
// titulaire du permis B ? » asks the licence).
var mustBeRE = regexp.MustCompile(`^(faut[ -]il|doit[ -]on|dois[ -]je|est[ -]ce qu'il faut|do i need to|must i) (etre|avoir|be|have)\b`)

// countsOffers reads as a list « combien de postes » without a job nor an
// offer but with filters (« Combien de postes pour les contractuels ? »
// counts the offers), and a question with a status filter and no other
// intent (« Which travailleur social jobs are closed? »).
func (q *Question) countsOffers() {
	if q.Intent == IntentPosts && q.Subject == "" && q.Reference == "" && len(q.Filters) > 0 {
		q.Intent = IntentList
	}
	if _, ok := q.Filters[offres.FacetDeadline]; ok && q.Intent == IntentOther && q.Reference == "" {
		q.Intent = IntentList // « Which travailleur social jobs are closed? »: the offers of that status
	}
}

// dropAskedContract drops the contract filter of a question about a job's
// contract: its contract words are what it asks, not a filter (« le poste
// de juriste est-il un CDD ? »).
func (q *Question) dropAskedContract() {
	if _, ok := q.Filters[offres.FacetContract]; !ok || q.Intent != IntentContract || q.Subject == "" {
		return
	}
	delete(q.Filters, offres.FacetContract)
	if len(q.Filters) == 0 {
		q.Filters = nil
	}
}

// Rewrite turns a follow-up into a standalone question, given the previous
// turn's question and the ids of the offers the previous answer was about
// (most relevant first). It reports whether it rewrote anything.
//
//   - A follow-up with only filters (« et pour le Mont-Dore ? », « et en
//     catégorie B ? », « et les contractuels ? ») is the previous question with
//     those facets replaced; the other facets are kept.
//   - A follow-up with only an intent (« quelle est sa date limite ? », « et le
//     salaire ? », « où est le poste ? », « qui contacter ? ») asks that about
//     the previous subject and filters, or about the one offer of the previous
//     answer when there was exactly one (Reference is then its id, and the
//     filters are dropped).
//   - A follow-up that begins with « et » and brings a subject without an
//     intent (« et pour les infirmiers ? ») is the previous question about
//     that subject.
//   - A question with its own subject and intent, or a reference, stands on
//     its own and is returned as Understand reads it.
func Rewrite(followUp string, prev Question, prevOffers []string, today offres.Date) (Question, bool) {
	q := Understand(followUp, today)
	if q.Reference != "" || (prev.Text == "" && prev.Subject == "" && prev.Reference == "" && len(prevOffers) == 0) {
		return q, false
	}
	hasFilter := len(q.Filters) > 0
	hasIntent := q.Intent != IntentOther
	out := prev
	out.Filters = cloneFilters(prev.Filters)
	out.Lang, out.Dropped, out.Compare, out.References = q.Lang, q.Dropped, false, nil
	if out.Intent == "" {
		out.Intent = IntentOther
	}
	switch {
	case q.Subject != "":
		if hasIntent || !startsFollowUp(followUp) {
			return q, false
		}
		out.Subject, out.Runs, out.Family, out.Reference = q.Subject, q.Runs, q.Family, ""
	case !hasFilter && !hasIntent:
		return q, false
	}
	if hasFilter {
		for facet, values := range q.Filters {
			out.Filters[facet] = slices.Clone(values)
		}
		if _, ok := q.Filters[offres.FacetDeadline]; ok {
			out.ClosingWithinDays = q.ClosingWithinDays
		}
		out.Reference = ""
	}
	if hasIntent {
		out.Intent, out.Asked = q.Intent, q.Asked
		switch {
		case q.Intent == IntentList:
			out.Reference = ""
		case q.Subject == "" && !hasFilter && len(prevOffers) == 1:
			out.Reference = prevOffers[0]
		}
		if out.Reference != "" {
			// About one offer: the previous filters found it and say no more.
			out.Filters, out.ClosingWithinDays = nil, 0
		}
	}
	out.dropAskedContract() // « et le contrat des contractuels ? » after a job
	if len(out.Filters) == 0 {
		out.Filters = nil
	}
	out.countsOffers() // « Combien de A ? », then « contractuel »: as its standalone form reads
	out.Text = standalone(out)
	return out, true
}

func cloneFilters(f map[string][]string) map[string][]string {
	out := make(map[string][]string, len(f))
	for k, v := range f {
		out[k] = slices.Clone(v)
	}
	return out
}

// startsFollowUp reports whether the text opens like a follow-up
// (« et … », « plutôt … », « pareil pour … »).
func startsFollowUp(text string) bool {
	toks := tokenize(text)
	return len(toks) > 0 && followUpLeads[toks[0].key]
}

var beVerbs = set("est", "sont", "is", "are")

// isAsked reports whether a question asks an offer's category rather than
// filters on one: a form of « être » comes just before the category it
// names (« le poste est-il en catégorie A ? », « is the job category A? »),
// not elsewhere (« quelle est la catégorie … en catégorie A ? » asks the
// category of the offers of category A).
func isAsked(text string) bool {
	toks := tokenize(text)
	for i, t := range toks {
		if !categoryWords[t.key] || i+1 == len(toks) || len(toks[i+1].key) != 1 {
			continue
		}
		for j := max(0, i-3); j < i; j++ {
			if beVerbs[toks[j].key] {
				return true
			}
		}
	}
	return false
}

var followUpLeads = set("et", "pareil", "idem", "meme", "plutot", "sinon", "aussi", "ensuite", "puis")
