// Question understanding: the intent, filters, subject, job family and
// reference of a French question, and the rewriting of follow-ups, by rules
// (no language model), so that it works offline and is testable line by line.
// The package comment is in assistant.go.

package assistant

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"offres/internal/lexicon"
	"offres/internal/offres"
)

// Intent is what a question asks about an offer, or "list" for a question
// that asks which offers there are.
type Intent string

// The intents.
const (
	IntentDeadline  Intent = "deadline"   // « date limite », « jusqu'à quand »
	IntentPlace     Intent = "place"      // « où », « lieu », « quelle commune »
	IntentEmployer  Intent = "employer"   // « qui recrute », « employeur »
	IntentDirection Intent = "direction"  // « quelle direction », « quel service »
	IntentCategory  Intent = "category"   // « catégorie », « cadre d'emploi », « grade »
	IntentResidence Intent = "residence"  // « durée de résidence », « emploi local »
	IntentStartDate Intent = "start_date" // « prise de poste », « quand commence »
	IntentSalary    Intent = "salary"     // « salaire », « rémunération »
	IntentContact   Intent = "contact"    // « qui contacter », « comment postuler »
	IntentMissions  Intent = "missions"   // « missions », « que fait-on »
	IntentProfile   Intent = "profile"    // « profil », « diplôme », « compétences »
	IntentList      Intent = "list"       // « quels postes », « y a-t-il des offres »
	IntentOther     Intent = "other"      // none of the above: a plain search
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
	q.Reference, a = findReference(a)
	p := parser{toks: tokenize(a), today: today, filters: map[string][]string{}, shouting: !hasLower(a)}
	p.category() // before the communes, whose « à » could take a lone « A »
	p.communes()
	p.deadline(&q)
	p.contract()
	q.Intent = p.intent()
	q.Family = p.family()
	q.Subject = p.subject()
	if len(p.filters) > 0 {
		q.Filters = p.filters
	}
	return q
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
	if out.Intent == "" {
		out.Intent = IntentOther
	}
	switch {
	case q.Subject != "":
		if hasIntent || !startsFollowUp(followUp) {
			return q, false
		}
		out.Subject, out.Family, out.Reference = q.Subject, q.Family, ""
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
		out.Intent = q.Intent
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
	if len(out.Filters) == 0 {
		out.Filters = nil
	}
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

var followUpLeads = set("et", "pareil", "idem", "meme", "plutot", "sinon", "aussi", "ensuite", "puis")

// ---------------------------------------------------------------------------
// Tokens

// token is one word of a question. Elided articles are tokens of their own
// (« l'offre » → « l' », « offre »); hyphenated words are split
// (« Mont-Dore » → « Mont », « Dore ») and glued back in the subject.
type token struct {
	orig  string // as written
	lower string // lower case, accents kept: tells « où » from « ou »
	key   string // offres.Fold form without combining marks; elisions end with "'"
	glue  string // what joins it to the previous token: "" (after an elision), "-" or " "
	// suffix: an inclusive-writing ending (« aide-soignant(e) »,
	// « technicien·ne »), dropped from the subject.
	suffix bool
	tag    string // what consumed it (a facet name, "intent"), "" while free
}

func (t token) free() bool { return t.tag == "" }

const tagIntent = "intent"

var inclusiveEndings = set("e", "es", "ne", "nes", "ve", "ves", "ere", "eres", "trice", "trices", "euse",
	"euses", "le", "les", "fe", "ice")

var elisions = set("l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu")

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

func isApostrophe(r rune) bool {
	switch r {
	case '\'', '’', 'ʼ', '‘', '´', '`':
		return true
	}
	return false
}

func isHyphen(r rune) bool { return r == '-' || r == '‐' || r == '‑' }

// tokenize splits s into words; every non-word rune separates.
func tokenize(s string) []token {
	runes := []rune(s)
	var toks []token
	prevEnd := 0
	for i := 0; i < len(runes); {
		if !isWordRune(runes[i]) {
			i++
			continue
		}
		start := i
		elided, inner := false, false
		for i < len(runes) {
			r := runes[i]
			if isWordRune(r) {
				i++
				continue
			}
			if isApostrophe(r) && i > start && i+1 < len(runes) && unicode.IsLetter(runes[i+1]) {
				i++
				if !inner && i-1-start <= len("lorsqu") && elisions[foldKey(string(runes[start:i-1]))] {
					elided = true
					break
				}
				inner = true
				continue // « aujourd'hui », « prud'homme »: one word
			}
			break
		}
		word := string(runes[start:i])
		t := token{orig: word, lower: strings.ToLower(word), key: foldKey(word), glue: " "}
		if elided {
			t.key = foldKey(string(runes[start:i-1])) + "'"
		}
		if len(toks) > 0 {
			sep := runes[prevEnd:start]
			switch {
			case len(sep) == 0:
				t.glue = ""
			case len(sep) == 1 && isHyphen(sep[0]):
				t.glue = "-"
			}
			if inclusiveEndings[t.key] && len(sep) > 0 && strings.ContainsAny(string(sep[len(sep)-1]), "(·./") {
				t.suffix = true
			}
		}
		toks = append(toks, t)
		prevEnd = i
	}
	return toks
}

// foldKey is offres.Fold without combining marks (decomposed accents).
func foldKey(s string) string {
	f := offres.Fold(s)
	if !strings.ContainsFunc(f, func(r rune) bool { return unicode.Is(unicode.Mn, r) }) {
		return f
	}
	return strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Mn, r) {
			return -1
		}
		return r
	}, f)
}

func hasLower(s string) bool { return strings.ContainsFunc(s, unicode.IsLower) }

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// ---------------------------------------------------------------------------
// Phrase matching

// phrase is a sequence of token keys with the value it stands for.
type phrase[T any] struct {
	keys []string
	val  T
}

// matcher finds phrases at a position of a token list, longest first.
type matcher[T any] struct {
	norm    func(string) string
	byFirst map[string][]phrase[T]
}

func newMatcher[T any](norm func(string) string) *matcher[T] {
	if norm == nil {
		norm = func(s string) string { return s }
	}
	return &matcher[T]{norm: norm, byFirst: map[string][]phrase[T]{}}
}

// add registers each text (tokenized like a question) for val.
func (m *matcher[T]) add(val T, texts ...string) *matcher[T] {
	for _, text := range texts {
		toks := tokenize(text)
		if len(toks) == 0 {
			continue
		}
		keys := make([]string, len(toks))
		for i, t := range toks {
			keys[i] = m.norm(t.key)
		}
		if slices.ContainsFunc(m.byFirst[keys[0]], func(p phrase[T]) bool { return slices.Equal(p.keys, keys) }) {
			continue // the first value given for a phrase stands
		}
		list := append(m.byFirst[keys[0]], phrase[T]{keys: keys, val: val})
		slices.SortStableFunc(list, func(a, b phrase[T]) int { return len(b.keys) - len(a.keys) })
		m.byFirst[keys[0]] = list
	}
	return m
}

// at returns the longest phrase that matches free tokens from i on and
// satisfies ok (nil accepts all).
func (m *matcher[T]) at(toks []token, i int, ok func(p phrase[T], i int) bool) (phrase[T], bool) {
	if i >= len(toks) || !toks[i].free() {
		return phrase[T]{}, false
	}
next:
	for _, p := range m.byFirst[m.norm(toks[i].key)] {
		if i+len(p.keys) > len(toks) {
			continue
		}
		for j, k := range p.keys {
			if t := toks[i+j]; !t.free() || m.norm(t.key) != k {
				continue next
			}
		}
		if ok == nil || ok(p, i) {
			return p, true
		}
	}
	return phrase[T]{}, false
}

// ---------------------------------------------------------------------------
// Parser

type parser struct {
	toks     []token
	today    offres.Date
	filters  map[string][]string
	shouting bool // no lower-case letter: case tells nothing
}

func (p *parser) mark(from, to int, tag string) {
	for i := from; i < to && i < len(p.toks); i++ {
		p.toks[i].tag = tag
	}
}

// backConsume marks the free tokens before i whose keys are in words, at
// most max of them, and returns the index of the first one marked.
func (p *parser) backConsume(i int, words map[string]bool, max int, tag string) int {
	for n := 0; n < max && i > 0; n++ {
		t := p.toks[i-1]
		if !t.free() || !words[t.key] {
			break
		}
		i--
		p.toks[i].tag = tag
	}
	return i
}

func (p *parser) addFilter(facet string, values ...string) {
	for _, v := range values {
		if !slices.Contains(p.filters[facet], v) {
			p.filters[facet] = append(p.filters[facet], v)
		}
	}
}

// --- Deadline

type span int

const (
	spanDays     span = iota // « dans les 15 jours »: a number of days
	spanSoon                 // « bientôt »: closing_soon, no day count
	spanWeek                 // « cette semaine »: 7 days
	spanMonth                // « ce mois-ci »: the days left in the month
	spanTomorrow             // « demain »: 1 day
	spanTwoWeeks             // « la semaine prochaine »: 14 days
)

var timeExprs = newMatcher[span](nil).
	add(spanSoon, "bientôt", "prochainement", "proche", "proches", "sous peu", "dans les prochains jours",
		"aujourd'hui", "ce soir").
	add(spanWeek, "cette semaine", "cette semaine-ci", "dans la semaine", "d'ici la fin de la semaine",
		"avant la fin de la semaine", "fin de semaine", "en fin de semaine", "d'ici la fin de semaine").
	add(spanMonth, "ce mois", "ce mois-ci", "dans le mois", "d'ici la fin du mois", "avant la fin du mois",
		"fin du mois", "en fin de mois", "fin de mois").
	add(spanTomorrow, "demain").
	add(spanTwoWeeks, "la semaine prochaine")

// closingCues are the words that make a time expression about the deadline
// (« qui ferment cette semaine », « date limite proche »).
var closingCues = newMatcher[bool](nil).add(true,
	"ferme", "ferment", "fermera", "fermeront", "fermant", "fermer", "fermée", "fermées", "ferment-elles",
	"termine", "terminent", "terminera", "termineront", "terminant", "terminer", "terminée", "terminées",
	"clôture", "clôturent", "clôturera", "clôtureront", "clôturant", "clôturer", "clôturée", "clôturées",
	"expire", "expirent", "expirera", "expireront", "expirant", "expirer", "expirée", "expirées",
	"finit", "finissent", "finira", "finiront", "finissant",
	"date limite", "dates limites", "date de clôture", "dates de clôture", "délai", "délais",
	"échéance", "échéances", "arrivent à échéance", "limite", "limites", "fin des candidatures")

// statusPhrases say which offers to keep without a time span. Plural forms
// only: a singular (« l'offre est-elle encore ouverte ? ») asks the deadline
// of one offer.
var statusPhrases = newMatcher[[]string](nil).
	add([]string{string(offres.StatusClosed)}, "clôturées", "clôturés", "fermées", "fermés", "expirées",
		"expirés", "terminées", "terminés", "closes", "passées", "dépassées", "déjà clôturées",
		"date limite dépassée", "date limite passée", "dates limites dépassées", "dates limites passées",
		"ont expiré", "ont fermé", "ont clôturé", "se sont terminées", "se sont terminés").
	add([]string{string(offres.StatusOpen), string(offres.StatusClosingSoon)}, "ouvertes", "ouverts",
		"encore ouvertes", "encore ouverts", "toujours ouvertes", "toujours ouverts", "en cours",
		"non clôturées", "pas encore clôturées", "pas clôturées", "non expirées").
	add([]string{string(offres.StatusClosingSoon)}, "urgentes", "urgents", "bientôt clôturées",
		"bientôt fermées", "bientôt terminées")

var numberWords = map[string]int{"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5,
	"six": 6, "sept": 7, "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "quinze": 15, "vingt": 20, "trente": 30}

// numericSpan reads « dans les 15 prochains jours », « sous 2 semaines »,
// « d'ici 10 jours » at i: the number of days and the tokens read.
func (p *parser) numericSpan(i int) (days, n int) {
	toks := p.toks
	j := i
	free := func(j int) bool { return j < len(toks) && toks[j].free() }
	switch {
	case free(j) && (toks[j].key == "dans" || toks[j].key == "sous"):
		j++
	case free(j+1) && toks[j].key == "d'" && toks[j+1].key == "ici":
		j += 2
	default:
		return 0, 0
	}
	if free(j) && toks[j].key == "les" {
		j++
	}
	if !free(j) {
		return 0, 0
	}
	num, ok := numberWords[toks[j].key]
	if !ok {
		v, err := strconv.Atoi(toks[j].key)
		if err != nil || v <= 0 || v > 366 {
			return 0, 0
		}
		num = v
	}
	j++
	if free(j) && (toks[j].key == "prochains" || toks[j].key == "prochaines") {
		j++
	}
	if !free(j) {
		return 0, 0
	}
	switch toks[j].key {
	case "jour", "jours":
		days = num
	case "semaine", "semaines":
		days = 7 * num
	case "mois":
		days = 30 * num
	default:
		return 0, 0
	}
	return days, j + 1 - i
}

// deadline reads the deadline filter: a time span with a closing cue
// (« qui ferment cette semaine »), or a status (« encore ouvertes »,
// « clôturées »).
func (p *parser) deadline(q *Question) {
	timeAt, timeLen, days := -1, 0, 0
	var kind span
	for i := range p.toks {
		if d, n := p.numericSpan(i); n > 0 {
			timeAt, timeLen, days, kind = i, n, d, spanDays
			break
		}
		if ph, ok := timeExprs.at(p.toks, i, nil); ok {
			timeAt, timeLen, kind = i, len(ph.keys), ph.val
			break
		}
	}
	if timeAt >= 0 {
		// The cue nearest the time span goes with it; another one (« quelle
		// est la date limite des offres qui ferment cette semaine ? ») is
		// left to the intent.
		cue, dist := [2]int{}, len(p.toks)+1
		for i := 0; i < len(p.toks); i++ {
			if i >= timeAt && i < timeAt+timeLen {
				continue
			}
			if ph, ok := closingCues.at(p.toks, i, nil); ok {
				end := i + len(ph.keys)
				if d := max(timeAt-end, i-(timeAt+timeLen)); d < dist {
					cue, dist = [2]int{i, end}, d
				}
				i = end - 1
			}
		}
		if dist <= len(p.toks) {
			p.mark(timeAt, timeAt+timeLen, offres.FacetDeadline)
			p.mark(cue[0], cue[1], offres.FacetDeadline)
			switch kind {
			case spanWeek:
				days = offres.ClosingSoonDays
			case spanTomorrow:
				days = 1
			case spanTwoWeeks:
				days = 14
			case spanMonth:
				// On the last day of the month this is 0, « none »: the
				// closing_soon filter still holds.
				if !p.today.IsZero() && p.today.Day > 0 {
					last := time.Date(p.today.Year, p.today.Month+1, 0, 0, 0, 0, 0, time.UTC).Day()
					days = last - p.today.Day
				}
			}
			q.ClosingWithinDays = days
			unknownToday := kind == spanMonth && (p.today.IsZero() || p.today.Day == 0)
			if days > offres.ClosingSoonDays || unknownToday {
				p.addFilter(offres.FacetDeadline, string(offres.StatusOpen), string(offres.StatusClosingSoon))
			} else {
				p.addFilter(offres.FacetDeadline, string(offres.StatusClosingSoon))
			}
			return
		}
	}
	for i := range p.toks {
		if ph, ok := statusPhrases.at(p.toks, i, func(ph phrase[[]string], i int) bool {
			return !p.openTo(i + len(ph.keys))
		}); ok {
			p.mark(i, i+len(ph.keys), offres.FacetDeadline)
			p.addFilter(offres.FacetDeadline, ph.val...)
			return
		}
	}
}

// openTo reports whether the token at i makes « ouvert » mean « open to
// someone » (« ouvert aux contractuels »): a free « à », « au » or « aux »
// (« ouvertes à Nouméa » has its « à » taken by the commune).
func (p *parser) openTo(i int) bool {
	return i < len(p.toks) && p.toks[i].free() && openToWords[p.toks[i].key]
}

var openToWords = set("a", "aux", "au")

// --- Category

var categoryWords = set("categorie", "categories", "cat")

var beforeCategory = set("de", "en", "la", "les", "une", "un", "des", "d'", "du")

// categoryLetter returns "A", "B" or "C" when the token at j is a category
// letter after « catégorie ». A lower-case « a » is also the verb (« quelle
// catégorie a le poste ? »): it counts only at the end or before a
// connector, a preposition or another letter.
func (p *parser) categoryLetter(j int) string {
	if j >= len(p.toks) || !p.toks[j].free() {
		return ""
	}
	t := p.toks[j]
	switch {
	case !p.shouting && (t.orig == "A" || t.orig == "B" || t.orig == "C"):
		return t.orig
	case t.lower == "b" || t.lower == "c":
		return strings.ToUpper(t.lower)
	case t.lower != "a":
		return ""
	}
	if j+1 == len(p.toks) {
		return "A"
	}
	next := p.toks[j+1]
	if afterCategoryA[next.lower] ||
		contracts.byFirst[next.key] != nil {
		return "A"
	}
	return ""
}

// afterCategoryA are the words (lower case, accents kept) after which a
// lower-case « a » is the category.
var afterCategoryA = set("et", "ou", "à", "au", "aux", "en", "sur", "dans", "pour", "avec", "qui", "dont", "b", "c")

func (p *parser) category() {
	for i := 0; i < len(p.toks); i++ {
		t := p.toks[i]
		if !t.free() || !categoryWords[t.key] {
			continue
		}
		letter := p.categoryLetter(i + 1)
		if letter == "" {
			continue
		}
		letters := []string{letter}
		j := i + 2
		for j < len(p.toks) {
			if l := p.categoryLetter(j); l != "" {
				letters = append(letters, l)
				j++
				continue
			}
			if k := p.toks[j].key; (k == "et" || k == "ou") && p.toks[j].free() {
				if l := p.categoryLetter(j + 1); l != "" {
					letters = append(letters, l)
					j += 2
					continue
				}
			}
			break
		}
		p.mark(i, j, offres.FacetCategory)
		p.backConsume(i, beforeCategory, 2, offres.FacetCategory)
		p.addFilter(offres.FacetCategory, letters...)
		i = j - 1
	}
}

// --- Contract type

var contracts = newMatcher[string](nil).
	add(offres.ContractTitulaire, "titulaire", "titulaires", "fonctionnaire", "fonctionnaires",
		"statutaire", "statutaires").
	add(offres.ContractContractuel, "contractuel", "contractuelle", "contractuels", "contractuelles",
		"non titulaire", "non titulaires", "sous contrat", "non-titulaire", "non-titulaires").
	add(offres.ContractCDD, "CDD", "contrat à durée déterminée", "durée déterminée").
	add(offres.ContractCDI, "CDI", "contrat à durée indéterminée", "durée indéterminée").
	add(offres.ContractInterim, "intérim", "intérimaire", "intérimaires").
	add(offres.ContractStage, "stage", "stages", "stagiaire", "stagiaires").
	add(offres.ContractAlternance, "alternance", "alternant", "alternants", "alternante", "alternantes",
		"apprentissage", "apprenti", "apprentis", "apprentie", "apprenties")

var (
	holderOf       = set("du", "d'", "de", "des")
	beforeContract = set("en", "les", "des", "un", "une", "de", "d'", "pour", "contrat", "contrats", "agent", "agents")
)

func (p *parser) contract() {
	for i := 0; i < len(p.toks); i++ {
		ph, ok := contracts.at(p.toks, i, func(ph phrase[string], i int) bool {
			// « titulaire du permis B », « titulaire d'un diplôme »: a holder.
			next := i + len(ph.keys)
			return ph.keys[0] != "titulaire" || next >= len(p.toks) || !holderOf[p.toks[next].key]
		})
		if !ok {
			continue
		}
		p.mark(i, i+len(ph.keys), offres.FacetContract)
		p.backConsume(i, beforeContract, 3, offres.FacetContract)
		p.addFilter(offres.FacetContract, ph.val)
		i += len(ph.keys) - 1
	}
}

// --- Communes

// ambiguousCommunes are commune names that are also French words
// (« une mare »): they count only when capitalised or accented.
var ambiguousCommunes = set("mare")

var communes = func() *matcher[[]string] {
	m := newMatcher[[]string](nil)
	for _, c := range offres.Communes {
		names := append([]string{c.Name}, c.Variants...)
		for _, n := range names {
			if strings.Contains(n, "(") {
				continue // « Mont-Dore (Le) » is a catalogue spelling
			}
			m.add([]string{c.Name}, n)
			for _, art := range []string{"Le ", "La ", "L'"} {
				if rest, ok := strings.CutPrefix(n, art); ok {
					m.add([]string{c.Name}, rest)
				}
			}
		}
	}
	var grand []string
	for _, n := range []string{"Nouméa", "Dumbéa", "Le Mont-Dore", "Païta"} {
		c, _ := offres.LookupCommune(n)
		grand = append(grand, c.Name)
	}
	return m.add(grand, "Grand Nouméa", "agglomération de Nouméa", "agglomération nouméenne")
}()

var communePrepositions = set("a", "au", "aux", "en", "sur", "dans", "de", "du", "d'", "pour", "vers",
	"chez", "pres", "cote", "autour", "commune", "ville", "secteur", "la", "le", "l'", "les")

// nearWords go with a commune only before « de »: « à côté de Nouméa »,
// « près de Païta »; « Coté au Mont-Dore » names a subject and a commune.
var nearWords = set("cote", "pres", "autour")

func (p *parser) communes() {
	for i := 0; i < len(p.toks); i++ {
		ph, ok := communes.at(p.toks, i, func(ph phrase[[]string], i int) bool {
			if len(ph.keys) > 1 || !ambiguousCommunes[ph.keys[0]] {
				return true
			}
			t := p.toks[i]
			first, _ := utf8.DecodeRuneInString(t.orig)
			return t.lower != t.key || (unicode.IsUpper(first) && !p.shouting)
		})
		if !ok {
			continue
		}
		p.mark(i, i+len(ph.keys), offres.FacetCommune)
		start := p.backConsume(i, communePrepositions, 3, offres.FacetCommune)
		for j := start; j < i; j++ {
			if nearWords[p.toks[j].key] && (j+1 >= i || !slices.Contains([]string{"de", "du", "d'"}, p.toks[j+1].key)) {
				for ; start <= j; start++ {
					p.toks[start].tag = "" // not « côté de »: left to the subject
				}
			}
		}
		// « à Nouméa ou à Dumbéa »: the connector goes with the communes.
		if start >= 2 && p.toks[start-1].free() && (p.toks[start-1].key == "ou" || p.toks[start-1].key == "et") &&
			p.toks[start-2].tag == offres.FacetCommune {
			p.toks[start-1].tag = offres.FacetCommune
		}
		p.addFilter(offres.FacetCommune, ph.val...)
		i += len(ph.keys) - 1
	}
}

// --- Intent

var intents = newMatcher[Intent](nil).
	add(IntentDeadline, "date limite", "dates limites", "date limite de candidature", "date limite de dépôt",
		"date de clôture", "clôture", "jusqu'à quand", "avant quand", "jusqu'à quelle date", "avant quelle date",
		"quand ferme", "quand se ferme", "quand se termine", "quand finit", "quand expire", "quand clôture",
		"ferme quand", "se termine quand", "délai", "délais", "date butoir", "échéance", "dernier délai",
		"fin des candidatures", "combien de jours", "combien de temps reste", "ouverte", "ouvert",
		"encore ouverte", "encore ouvert", "toujours ouverte", "toujours ouvert", "clôturée", "fermée",
		"expirée", "terminée", "close", "est-il trop tard", "trop tard").
	add(IntentPlace, "lieu", "lieu de travail", "lieu d'affectation", "lieux", "quelle commune",
		"dans quelle commune", "quelle ville", "dans quelle ville", "quel endroit", "quel secteur",
		"localisation", "localisé", "localisée", "situé", "située", "se situe", "se trouve", "affectation",
		"est basé", "est basée", "sont basés", "sont basées", "est-il basé", "est-elle basée", "basé où",
		"basée où", "implanté", "implantée").
	add(IntentEmployer, "qui recrute", "qui embauche", "qui propose", "qui publie", "employeur",
		"quel employeur", "quelle collectivité", "quel organisme", "quel établissement", "pour qui",
		"quelle structure", "recruteur").
	add(IntentDirection, "quelle direction", "quel service", "dans quelle direction", "dans quel service",
		"de quelle direction", "de quel service", "quelle est la direction", "quel pôle", "rattaché",
		"rattachée", "rattachement").
	add(IntentCategory, "catégorie", "catégories", "quelle catégorie", "cadre d'emploi", "cadre d'emplois",
		"cadres d'emploi", "cadres d'emplois", "grade", "grades", "quel grade", "niveau de recrutement", "corps").
	add(IntentResidence, "durée de résidence", "résidence", "résider", "réside", "résidant", "emploi local",
		"protection de l'emploi local", "combien d'années", "combien d'années de résidence", "combien d'ans",
		"années de résidence", "condition de résidence", "citoyenneté", "citoyen", "loi du pays").
	add(IntentStartDate, "prise de poste", "date de prise de poste", "prise de fonction", "prise de fonctions",
		"quand commence", "quand commencer", "quand débute", "quand démarre", "date de début", "début du contrat",
		"à partir de quand", "dès quand", "entrée en fonction", "entrée en fonctions", "date d'entrée",
		"commence quand", "débute quand", "à pourvoir quand", "poste à pourvoir quand", "à quelle date commence",
		"quelle date commence", "à quelle date débute", "quelle date débute", "commence", "débute", "démarre",
		"prendre son poste", "prendre ses fonctions", "prendre le poste", "date d'embauche").
	add(IntentSalary, "salaire", "salaires", "rémunération", "rémunérations", "rémunéré", "rémunérée",
		"combien payé", "combien payée", "combien est payé", "combien est payée", "combien ça paye",
		"combien ça paie", "combien gagne", "combien on gagne", "combien gagne-t-on", "est payé", "est payée",
		"sont payés", "payé combien", "paie combien", "paye combien", "grille indiciaire", "traitement indiciaire",
		"grille salariale", "indemnités", "primes").
	add(IntentContact, "contact", "contacts", "contacter", "qui contacter", "candidater", "postuler",
		"comment postuler", "comment candidater", "candidature", "candidatures", "adresse", "adresser",
		"envoyer", "où envoyer", "où postuler", "où candidater", "où déposer", "téléphone", "mail", "e-mail",
		"email", "courriel", "renseignements", "se renseigner", "joindre", "interlocuteur",
		"dossier de candidature", "à qui", "personne à contacter", "lettre de motivation", "CV").
	add(IntentMissions, "missions", "mission", "que fait-on", "qu'est-ce qu'on fait", "en quoi consiste",
		"consiste", "activités", "tâches", "quel travail", "rôle", "description du poste", "fiche de poste",
		"descriptif", "fonctions", "que fait", "quoi faire", "que fera", "que fera-t-il", "que fera-t-elle",
		"que doit faire", "à quoi sert").
	add(IntentProfile, "profil", "profils", "profil recherché", "diplôme", "diplômes", "quel diplôme",
		"compétences", "compétence", "expérience", "expériences", "qualifications", "qualification",
		"formation requise", "quelle formation", "niveau d'études", "niveau d'étude", "prérequis",
		"pré-requis", "qualités", "savoir-faire", "savoir-être", "permis", "permis B", "permis de conduire",
		"titulaire du permis", "titulaire du permis B", "titulaire d'un diplôme", "exigences",
		"conditions requises").
	add(IntentList, "quels postes", "quel poste", "quelles offres", "quelle offre", "quels emplois",
		"quels métiers", "quelles annonces", "quels sont les postes", "quelles sont les offres",
		"quels sont les emplois", "y a-t-il des", "y a-t-il d'", "y a t'il des", "il y a des",
		"est-ce qu'il y a des", "existe-t-il des", "liste", "lister", "listez", "recrutez-vous", "recrute-t-on",
		"recrutez", "recrutent", "recrute", "recrute-t-elle", "recrute-t-il", "embauchez", "embauche",
		"je cherche", "cherche", "je recherche", "montre-moi", "montrez-moi", "affiche", "affichez",
		"combien d'offres", "combien de postes", "toutes les offres", "tous les postes", "des offres",
		"des postes", "les offres", "les postes", "d'autres offres", "d'autres postes", "autres offres")

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
		if ph, ok := intents.at(p.toks, i, p.intentOK); ok {
			cands = append(cands, cand{i, len(ph.keys), ph.val})
		}
		if t.key == "ou" && (t.lower != "ou" || (i == 0 && i+1 < len(p.toks) && placeVerbs[p.toks[i+1].key])) {
			cands = append(cands, cand{i, 1, IntentPlace}) // « où »
		}
	}
	slices.SortStableFunc(cands, func(a, b cand) int {
		if a.n != b.n {
			return b.n - a.n
		}
		return a.at - b.at
	})
	best, first := IntentOther, len(p.toks)
accept:
	for _, c := range cands {
		for j := c.at; j < c.at+c.n; j++ {
			if !p.toks[j].free() {
				continue accept
			}
		}
		p.mark(c.at, c.at+c.n, tagIntent)
		if c.at < first {
			best, first = c.intent, c.at
		}
	}
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
	}
	return true
}

// --- Family

func deplural(k string) string {
	if len(k) > 3 && (strings.HasSuffix(k, "s") || strings.HasSuffix(k, "x")) {
		return k[:len(k)-1]
	}
	return k
}

// familySeeds are the words of each family; the lexicon adds the synonyms of
// any of them (« infirmier » brings « IDE »).
var familySeeds = map[string][]string{
	FamilyHealth: {"santé", "médecin", "médecine", "médical", "médicale", "médicaux", "infirmier",
		"infirmière", "aide-soignant", "aide-soignante", "soignant", "soins", "hôpital", "hospitalier",
		"hospitalière", "CHT", "CHS", "psychiatre", "psychiatrie", "pharmacien", "pharmacie", "sage-femme",
		"kinésithérapeute", "masseur-kinésithérapeute", "dentiste", "radiologie", "rééducation", "PMI",
		"sanitaire", "psychologue", "laborantin", "ambulancier", "IDE", "IBODE", "IADE", "CMS", "médecin généraliste",
		"santé scolaire", "orthophoniste", "ergothérapeute", "diététicien", "puéricultrice", "brancardier"},
	FamilySocial: {"social", "sociale", "sociaux", "sociales", "travailleur social", "travailleuse sociale",
		"assistant social", "assistant de service social", "éducateur spécialisé", "CCAS", "action sociale",
		"aide sociale", "insertion", "CESF", "économie sociale et familiale", "handicap", "CIP",
		"auxiliaire de vie", "AES", "protection de l'enfance", "DPASS"},
	FamilyEducation: {"éducation", "éducatif", "enseignant", "enseignement", "professeur", "instituteur",
		"école", "scolaire", "périscolaire", "ATSEM", "maternelle", "pédagogique", "conseiller pédagogique",
		"formateur", "formation", "animateur", "crèche", "petite enfance", "EJE", "AESH", "AVS", "vie scolaire",
		"collège", "lycée", "BAFA"},
	FamilyDigital: {"informatique", "numérique", "digital", "informaticien", "développeur", "développeuse",
		"programmeur", "logiciel", "application", "applications", "web", "internet", "réseau", "réseaux",
		"système d'information", "systèmes d'information", "DSI", "DSIN", "data", "données", "data analyst",
		"data scientist", "data engineer", "cybersécurité", "sécurité informatique", "RSSI", "helpdesk",
		"support utilisateur", "administrateur système", "administrateur systèmes", "administrateur réseau",
		"télécoms", "télécommunications", "intelligence artificielle", "cloud", "devops", "back-end",
		"front-end", "full stack", "chef de projet digital", "technicien informatique", "webmaster",
		"DBA", "géomatique", "SIG", "infographiste", "community manager"},
	FamilyEnvironment: {"environnement", "environnemental", "environnementale", "biodiversité", "nature",
		"garde-nature", "garde nature", "espaces naturels", "parc provincial", "parcs", "réserve", "réserves",
		"espèces", "envahissantes", "climat", "énergie", "transition énergétique", "eau", "assainissement",
		"déchets", "forêt", "forestier", "développement durable", "qualité de l'eau", "rivière", "rivières",
		"zone minière", "DENV", "DDDT", "écologie", "écologue"},
	FamilyPublicWorks: {"BTP", "bâtiment", "bâtiments", "travaux", "travaux publics", "route", "routes",
		"routier", "routiers", "routière", "voirie", "VRD", "voirie et réseaux divers", "ouvrages d'art",
		"génie civil", "chantier", "chantiers", "construction", "conducteur de travaux", "géomètre",
		"topographe", "topographie", "aménagement", "urbanisme", "urbaniste", "dessinateur", "DIE",
		"équipement", "subdivision", "chargé d'opérations"},
	FamilyAdministration: {"administration", "administratif", "administrative", "finances", "financier",
		"financière", "comptable", "comptabilité", "budget", "budgétaire", "juriste", "juridique",
		"marchés publics", "commande publique", "RH", "DRH", "ressources humaines", "gestionnaire RH",
		"carrière", "secrétaire", "secrétariat", "accueil", "courrier", "assistant de direction",
		"assistante de direction", "contrôleur de gestion", "contrôle de gestion", "achats", "acheteur",
		"archiviste", "fiscalité", "DFA", "DAJ", "agent administratif", "assistant administratif", "DGS"},
	FamilyCultureSport: {"culture", "culturel", "culturelle", "culturels", "musée", "bibliothèque",
		"bibliothécaire", "lecture publique", "patrimoine", "conservation", "collections",
		"médiateur culturel", "événementiel", "événements culturels", "spectacle", "sport", "sports",
		"sportif", "sportive", "éducateur sportif", "maître-nageur", "maîtres-nageurs", "MNS", "piscine",
		"nautique", "nautiques", "natation", "loisirs", "jeunesse", "DCJS", "BNSSA", "BPJEPS", "ETAPS"},
	FamilyAgriculture: {"agriculture", "agricole", "agricoles", "agronome", "agronomie", "élevage",
		"éleveur", "bovin", "bovins", "maraîchage", "maraîcher", "vivrier", "irrigation", "agriculteur",
		"vétérinaire", "santé animale", "horticulture", "rural", "développement rural", "soigneur animalier",
		"animalier", "zoologique", "DDR"},
	FamilySea: {"mer", "maritime", "maritimes", "pêche", "pêcheur", "garde-pêche", "gardes-pêche", "lagon",
		"lagonaire", "aquaculture", "aquacole", "crevette", "crevettes", "holothuries", "marin", "marine",
		"littoral", "plongée", "navigation", "portuaire", "pêche côtière", "écloserie"},
}

// minSynonymRunes keeps the lexicon's short acronyms (« AS », « SI ») out of
// the family words: they are ordinary French words too.
const minSynonymRunes = 3

var familyMatcher = sync.OnceValue(func() *matcher[string] {
	m := newMatcher[string](deplural)
	groups := lexicon.Synonyms()
	for _, f := range Families {
		seeds := familySeeds[f]
		m.add(f, seeds...)
		isSeed := make(map[string]bool, len(seeds))
		for _, s := range seeds {
			isSeed[offres.FoldKey(s)] = true
		}
		for _, g := range groups {
			// The targets of a one-way group are broader than its inputs:
			// only the inputs stand for each other.
			terms := g.Terms
			if g.OneWay() {
				terms = g.Input
			}
			if !slices.ContainsFunc(terms, func(t string) bool { return isSeed[offres.FoldKey(t)] }) {
				continue
			}
			for _, t := range terms {
				if utf8.RuneCountInString(t) >= minSynonymRunes {
					m.add(f, t)
				}
			}
		}
	}
	return m
})

// family returns the family with the most words among the free tokens; on
// a tie, the one named first in the question.
func (p *parser) family() string {
	m := familyMatcher()
	count := map[string]int{}
	firstAt := map[string]int{}
	for i := 0; i < len(p.toks); i++ {
		ph, ok := m.at(p.toks, i, nil)
		if !ok {
			continue
		}
		if count[ph.val] == 0 {
			firstAt[ph.val] = i
		}
		count[ph.val]++
		i += len(ph.keys) - 1
	}
	best := ""
	for f, n := range count {
		if best == "" || n > count[best] || (n == count[best] && firstAt[f] < firstAt[best]) {
			best = f
		}
	}
	return best
}

// --- Subject

// scaffold words are never part of a subject: question words, auxiliaries,
// pronouns, politeness, the words for « offer » and « job ». They split the
// subject; function words (functionWords) are only trimmed from its ends.
var scaffold = set(
	"quel", "quelle", "quels", "quelles", "lequel", "laquelle", "lesquels", "lesquelles", "qui", "que", "qu'",
	"quoi", "comment", "combien", "quand", "pourquoi", "dont",
	"est", "sont", "etait", "etaient", "sera", "seront", "serait", "ai", "as", "avons", "avez", "ont", "suis",
	"es", "sommes", "etes", "etre", "avoir", "fait", "faire", "faut", "faudrait", "peut", "peuvent", "peux",
	"pouvez", "puis", "pourrais", "pourriez", "pourrait", "voudrais", "voulez", "veux", "veut", "aimerais",
	"souhaite", "souhaiterais", "trouver", "trouve", "existe", "existent", "savoir", "dire", "indiquer",
	"indiquez", "donner", "donnez", "donne", "connaitre", "montrer", "montrez", "voir", "sais", "sait",
	"je", "j'", "tu", "vous", "nous", "il", "ils", "elle", "elles", "on", "me", "m'", "moi", "te", "t'", "toi",
	"lui", "leur", "leurs", "mon", "ma", "mes", "ton", "ta", "tes", "son", "sa", "ses", "notre", "nos",
	"votre", "vos", "ce", "c'", "ceci", "cela", "ca", "cet", "cette", "ces", "celle", "celui", "celles",
	"ceux", "ci", "t", "y", "n'", "ne", "pas",
	"svp", "stp", "s'il", "plait", "merci", "bonjour", "bonsoir", "salut", "hello", "please", "ok", "okay",
	"pareil", "idem", "meme", "question", "plutot", "sinon", "aussi", "ensuite", "alors", "encore", "toujours",
	"poste", "postes", "offre", "offres", "annonce", "annonces", "emploi", "emplois", "job", "jobs", "metier",
	"metiers", "recrutement", "recrutements", "opportunite", "opportunites", "reference", "ref", "numero",
	"actuellement", "moment", "maintenant", "aujourd'hui", "disponible", "disponibles", "ouvert",
	"ouverte", "ouverts", "ouvertes", "vacant", "vacants", "vacante", "vacantes", "pourvoir", "propose",
	"proposes", "proposee", "proposees", "proposez", "publie", "publies", "publiee", "publiees", "actuel",
	"actuels", "actuelle", "actuelles", "exactement", "precisement", "exige", "exigee", "exiges", "exigees",
	"exigent", "demande", "demandee", "demandes", "demandent", "requis", "requise", "requises", "necessaire",
	"necessaires", "attendu", "attendue", "concernant", "concerne", "sujet", "propos", "info", "infos",
	"information", "informations", "interesse", "interessee", "travaille", "travailler", "travaillerai",
	"travaillerait", "devenir", "obtenir", "occuper", "exercer", "exerce", "soumis", "soumise", "comme",
	"gere", "gerent", "correspond", "correspondent",
)

var functionWords = set("de", "du", "des", "d'", "le", "la", "les", "l'", "un", "une", "en", "a", "au", "aux",
	"pour", "et", "ou", "sur", "dans", "avec", "par", "chez", "vers", "entre", "sans", "sous", "se", "s'",
	"plus", "tres", "bien", "tout", "tous", "toute", "toutes", "autre", "autres", "si", "l", "d")

// invertedSubjects are the pronouns of an inverted question (« où est-il
// basé ? », « est-elle ouverte ? »): the word after them is a predicate, not
// a subject.
var invertedSubjects = set("il", "elle", "ils", "elles", "on")

// subject joins the free tokens that are not scaffolding, in runs, each run
// trimmed of function words at its ends.
func (p *parser) subject() string {
	var parts []string
	var run []token
	flush := func() {
		for len(run) > 0 && functionWords[run[0].key] {
			run = run[1:]
		}
		for len(run) > 0 && functionWords[run[len(run)-1].key] {
			run = run[:len(run)-1]
		}
		if len(run) > 0 {
			var b strings.Builder
			for i, t := range run {
				if i > 0 {
					b.WriteString(t.glue)
				}
				b.WriteString(t.orig)
			}
			parts = append(parts, b.String())
		}
		run = run[:0]
	}
	for i, t := range p.toks {
		if t.suffix && t.free() {
			continue
		}
		predicate := i > 0 && invertedSubjects[p.toks[i-1].key] && p.toks[i-1].glue == "-" && !functionWords[t.key]
		if !t.free() || scaffold[t.key] || predicate {
			flush()
			continue
		}
		run = append(run, t)
	}
	flush()
	return strings.Join(parts, " ")
}

// ---------------------------------------------------------------------------
// References

var referenceCues = set("offre", "reference", "ref", "annonce", "numero", "no", "n")

type field struct {
	start, end int // byte offsets of the core (letters and digits at both ends)
	core       string
}

// fields splits s at white space and trims each field to its first and
// last letter or digit.
func fields(s string) []field {
	var out []field
	i := 0
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			i += n
			continue
		}
		start := i
		for i < len(s) {
			r, n := utf8.DecodeRuneInString(s[i:])
			if unicode.IsSpace(r) {
				break
			}
			i += n
		}
		f := field{start: start, end: i}
		for f.start < f.end {
			r, n := utf8.DecodeRuneInString(s[f.start:])
			if isWordRune(r) {
				break
			}
			f.start += n
		}
		for f.end > f.start {
			r, n := utf8.DecodeLastRuneInString(s[:f.end])
			if isWordRune(r) {
				break
			}
			f.end -= n
		}
		f.core = s[f.start:f.end]
		out = append(out, f)
	}
	return out
}

func maxDigitRun(s string) int {
	best, n := 0, 0
	for _, r := range s {
		if unicode.IsDigit(r) {
			n++
			best = max(best, n)
		} else {
			n = 0
		}
	}
	return best
}

// isCodePrefix reports whether s is an upper-case code that opens a
// reference (« DIE 2026-52 », « CHS-AB 2026/14 »).
func isCodePrefix(s string) bool {
	letters := 0
	for _, r := range s {
		switch {
		case unicode.IsUpper(r):
			letters++
		case r == '-':
		default:
			return false
		}
	}
	k := foldKey(s)
	return letters >= 2 && letters <= 10 && !scaffold[k] && !functionWords[k] && !notCodes[k]
}

var notCodes = set("avant", "apres", "depuis", "jusqu", "des", "offre", "poste")

// findReference returns the first offer reference quoted in s and s with
// every reference blanked out. A reference has a run of three digits or
// more and a "-" or "/" (« PS-2026-0640/DSIN », « VDN/2026/112 »), with an
// upper-case code before it when it has no letter (« DIE 2026-52 »), or
// follows « offre », « référence », « n° » (« l'offre n° 4512 »).
func findReference(s string) (string, string) {
	fs := fields(s)
	var ref string
	var spans [][2]int
	for i, f := range fs {
		c := f.core
		if c == "" || strings.Contains(c, "@") || strings.Contains(c, "://") {
			continue
		}
		hasLetter := strings.ContainsFunc(c, unicode.IsLetter)
		hasSep := strings.ContainsAny(c, "-/")
		start := f.start
		ok := false
		switch {
		case maxDigitRun(c) >= 3 && hasSep && hasLetter:
			ok = true
		case maxDigitRun(c) >= 3 && hasSep && i > 0 && isCodePrefix(fs[i-1].core):
			ok, start = true, fs[i-1].start
		case i > 0 && strings.ContainsFunc(c, unicode.IsDigit) && utf8.RuneCountInString(c) >= 3 && !isYear(c):
			words := strings.Fields(foldKey(strings.Map(func(r rune) rune {
				if isWordRune(r) {
					return r
				}
				return ' '
			}, fs[i-1].core)))
			ok = len(words) > 0 && referenceCues[words[len(words)-1]]
		}
		if !ok {
			continue
		}
		if ref == "" {
			ref = s[start:f.end]
		}
		spans = append(spans, [2]int{start, f.end})
	}
	if len(spans) == 0 {
		return "", s
	}
	b := []byte(s)
	for _, sp := range spans {
		for j := sp[0]; j < sp[1]; j++ {
			b[j] = ' '
		}
	}
	return ref, string(b)
}

func isYear(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && len(s) == 4 && n >= 1900 && n <= 2200
}

// ---------------------------------------------------------------------------
// Standalone questions

var intentLeads = map[Intent]string{
	IntentDeadline:  "Quelle est la date limite",
	IntentPlace:     "Quel est le lieu de travail",
	IntentEmployer:  "Qui recrute",
	IntentDirection: "Quelle est la direction",
	IntentCategory:  "Quelle est la catégorie",
	IntentResidence: "Quelle durée de résidence est exigée",
	IntentStartDate: "Quelle est la date de prise de poste",
	IntentSalary:    "Quelle est la rémunération",
	IntentContact:   "Qui contacter",
	IntentMissions:  "Quelles sont les missions",
	IntentProfile:   "Quel est le profil recherché",
	IntentList:      "Quelles offres",
	IntentOther:     "Offres",
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
		case IntentEmployer, IntentContact, IntentList, IntentOther:
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
