package assistant

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"offres/internal/offres"
	"offres/prompts"
)

// extracted is an answer written from the offers' own words.
type extracted struct {
	text      string
	citations []Citation
	offers    []string
}

// summarySection names the summary passage in citations.
const summarySection = "Résumé de l'offre"

// writer builds an answer and its citations, numbering the clauses it
// quotes, in the question's language (lang).
type writer struct {
	b         strings.Builder
	citations []Citation
	offers    []string
	lang      string
	// undated is the days an offer without a deadline stays open.
	undated int
	// comparing: the answer compares offers.
	comparing bool
}

// cite returns the [n] of a clause of an offer, adding the citation.
func (w *writer) cite(o *offres.Offer, section, quote string) string {
	for _, c := range w.citations {
		if c.OfferID == o.ID && c.Quote == quote {
			return fmt.Sprintf("[%d]", c.N)
		}
	}
	n := len(w.citations) + 1
	w.citations = append(w.citations, Citation{N: n, OfferID: o.ID, Title: o.Title, Section: section, Quote: quote})
	if !containsString(w.offers, o.ID) {
		w.offers = append(w.offers, o.ID)
	}
	return fmt.Sprintf("[%d]", n)
}

func (w *writer) printf(format string, args ...any) { fmt.Fprintf(&w.b, format, args...) }

// say writes the French or the English format, as the question was asked.
func (w *writer) say(fr, en string, args ...any) { w.printf(w.pick(fr, en), args...) }

// pick returns the French or the English text.
func (w *writer) pick(fr, en string) string { return inLang(w.lang, fr, en) }

// date writes a date in the answer's language.
func (w *writer) date(d offres.Date) string { return dateIn(w.lang, d) }

// refusal is the refusal in the answer's language; "" inside a comparison,
// whose conclusion says what the offers do not state.
func (w *writer) refusal() string {
	if w.comparing {
		return ""
	}
	return w.pick(prompts.Refusal, prompts.RefusalEnglish)
}

func (w *writer) done() extracted {
	return extracted{text: strings.TrimSpace(w.b.String()), citations: w.citations, offers: w.offers}
}

// summaryLine returns the line of the offer's summary passage that starts
// with label (« Date limite de candidature : … »), or "".
func summaryLine(o *offres.Offer, label string) string {
	ps := passagesOf(o)
	if len(ps) == 0 {
		return ""
	}
	for _, line := range strings.Split(ps[0].Text, "\n") {
		if strings.HasPrefix(line, label+" : ") {
			return line
		}
	}
	return ""
}

// titleLine is the first line of the summary passage: the title.
func titleLine(o *offres.Offer) string { return o.Title }

// named is how an answer names an offer: « Title » (reference, employer).
func named(o *offres.Offer) string {
	s := fmt.Sprintf("« %s » (%s", o.Title, o.ID)
	if o.Employer != "" {
		s += ", " + o.Employer
	}
	return s + ")"
}

// statusSentence says whether the offer is open today.
func (w *writer) statusSentence(o *offres.Offer, today offres.Date) string {
	status, days := o.StatusAt(today, w.undated)
	switch {
	case status == offres.StatusExpired:
		return fmt.Sprintf(w.pick("Cette offre, publiée le %s, sans date limite, date de plus de %d jours : elle est considérée comme expirée et n'est probablement plus ouverte ; vérifiez auprès de l'employeur.",
			"This offer, published on %s without a deadline, is more than %d days old: it is considered expired and is probably no longer open; check with the employer."),
			w.date(o.PublishedAt), w.undatedDays())
	case status == offres.StatusOpen && o.Deadline.IsZero():
		return fmt.Sprintf(w.pick("L'offre a été publiée le %s, sans date limite : vérifiez auprès de l'employeur qu'elle est toujours ouverte.",
			"The offer was published on %s without a deadline: check with the employer that it is still open."), w.date(o.PublishedAt))
	}
	switch status {
	case offres.StatusClosed:
		return fmt.Sprintf(w.pick("Cette offre est clôturée : sa date limite, le %s, est passée (nous sommes le %s).",
			"This offer is closed: its deadline, %s, has passed (today is %s)."), w.date(o.Deadline), w.date(today))
	case offres.StatusClosingSoon:
		if days == 0 {
			return w.pick("Attention : l'offre clôture aujourd'hui.", "Note: the offer closes today.")
		}
		return fmt.Sprintf(w.pick("Attention : l'offre clôture dans %d jour%s.", "Note: the offer closes in %d day%s."), days, plural(days))
	case offres.StatusOpen:
		return fmt.Sprintf(w.pick("L'offre est ouverte : il reste %d jours pour candidater.", "The offer is open: %d days left to apply."), days)
	}
	return w.pick("L'offre ne précise pas de date limite : vérifiez auprès de l'employeur qu'elle est toujours ouverte.",
		"The offer gives no deadline: check with the employer that it is still open.")
}

// statusShort is the deadline status of an offer in a list.
func (w *writer) statusShort(o *offres.Offer, today offres.Date) string {
	status, days := o.StatusAt(today, w.undated)
	switch {
	case status == offres.StatusExpired:
		return w.pick("publiée le ", "published on ") + w.date(o.PublishedAt) + w.pick(", sans date limite : expirée", ", no deadline: expired")
	case o.Deadline.IsZero() && !o.PublishedAt.IsZero():
		return w.pick("publiée le ", "published on ") + w.date(o.PublishedAt) + w.pick(", sans date limite", ", no deadline")
	}
	switch status {
	case offres.StatusClosed:
		return w.pick("clôturée le ", "closed on ") + w.date(o.Deadline)
	case offres.StatusClosingSoon:
		if days == 0 {
			return w.pick("clôture aujourd'hui", "closes today")
		}
		return fmt.Sprintf(w.pick("clôture dans %d jour%s", "closes in %d day%s"), days, plural(days))
	case offres.StatusOpen:
		return w.pick("jusqu'au ", "until ") + w.date(o.Deadline)
	}
	return w.pick("date limite non précisée", "no deadline given")
}

// undatedDays is the window of offers without a deadline.
func (w *writer) undatedDays() int {
	if w.undated > 0 {
		return w.undated
	}
	return offres.DefaultUndatedOpenDays
}

func plural(n int) string {
	if n > 1 {
		return "s"
	}
	return ""
}

// extract answers q from the offers found, in their own words.
func (a *Assistant) extract(q Question, offers []found, today offres.Date) extracted {
	w := writer{lang: q.Lang, undated: a.undated}
	switch {
	case q.Intent == IntentList:
		return a.extractList(&w, q, offers, today)
	case q.Compare && len(offers) >= 2:
		return a.extractComparison(&w, q, offers, today)
	case len(offers) == 0 && q.Intent == IntentResidence:
		// About the rule in general (« Quelle durée de résidence faut-il
		// pour postuler ? »), or about no offer found: the rule, sourced.
		w.say("La durée de résidence exigée dépend du poste : chaque offre l'indique. ", "The length of residence required depends on the job: each offer states it. ")
		a.residenceRule(&w)
		return w.done()
	case len(offers) == 0:
		w.printf("%s", w.refusal())
		return w.done()
	}
	if same := a.sameJob(q, offers); len(same) > 1 {
		if !slices.ContainsFunc(same, func(f found) bool { return states(&f.offer, q.Intent) }) {
			w.say("%s Aucune des %d offres de « %s » trouvées ne le précise :\n", "%s None of the %d offers of « %s » found states it:\n", w.refusal(), len(same), q.Subject)
		} else {
			w.say("Pour « %s », %d offres, chacune pour son poste :\n", "For « %s », %d offers, each for its own job:\n", q.Subject, len(same))
		}
		w.comparing = true // one refusal sentence at most, above
		for i, f := range same {
			if i > 0 {
				w.printf("\n")
			}
			a.answerAbout(&w, q.Intent, q.Asked, &f.offer, f.passage, today)
		}
		return w.done()
	}
	first := answeringOffer(q, offers)
	a.answerAbout(&w, q.Intent, q.Asked, &offers[first].offer, offers[first].passage, today)
	return w.done()
}

// answeringOffer returns the index of the offer a question about one offer is
// answered from: the first found, unless it does not state what is asked
// and a later one the question names as fully (every word) does (« le poste de ripeur à
// Beaune » is two offers, one of which names its agency): the question
// cannot tell them apart, and the offer that answers it is the better
// answer.
func answeringOffer(q Question, offers []found) int {
	if q.Reference != "" || states(&offers[0].offer, q.Intent) {
		return 0
	}
	named, significant := coverage(&offers[0].offer, q.Subject)
	if named < significant {
		return 0
	}
	for i := 1; i < len(offers); i++ {
		if n, _ := coverage(&offers[i].offer, q.Subject); n == significant && states(&offers[i].offer, q.Intent) {
			return i
		}
	}
	return 0
}

// maxSameJob bounds the offers a question about a job in general is
// answered from.
const maxSameJob = 3

// sameJob returns, for a question about a job in general (« Faut-il le
// permis B pour être ripeur ? », « le salaire d'un ripeur », « les postes
// d'animateur »), the offers found whose title says the job (titleSays),
// at most maxSameJob, in the order found (the open ones first: openFirst
// ran): each states its own conditions, and one offer's are not the job's.
// Nil for a question about one offer.
func (a *Assistant) sameJob(q Question, offers []found) []found {
	if q.Reference != "" || q.Compare || q.Intent == IntentList || q.Intent == IntentOther || !generic(q) {
		return nil
	}
	var out []found
	for _, f := range offers {
		if len(out) < maxSameJob && titleSays(&f.offer, q.Subject) {
			out = append(out, f)
		}
	}
	return out
}

// generic reports whether a question asks about its subject's job in
// general rather than about one offer: the words before the subject are an
// indefinite article, « être », « devenir », or a plural « les postes
// de » (« a », « an », « be », « become », « jobs of » in English) — not
// « le poste de », « l'offre de », « the … job ».
func generic(q Question) bool {
	subject := strings.Fields(normalize(q.Subject))
	words := strings.Fields(normalize(q.Text))
	if len(subject) == 0 {
		return false
	}
	for i := range words {
		if words[i] != subject[0] || i == 0 {
			continue
		}
		prev, prev2 := words[i-1], ""
		if i >= 2 {
			prev2 = words[i-2]
		}
		switch {
		case genericBefore[prev]:
			return true
		case (prev == "d" || prev == "de" || prev == "des" || prev == "of" || prev == "for") && pluralJobs[prev2]:
			return true
		}
		return false
	}
	return false
}

var (
	genericBefore = map[string]bool{"un": true, "une": true, "etre": true, "devenir": true, "les": true, "des": true,
		"a": true, "an": true, "be": true, "become": true}
	pluralJobs = map[string]bool{"postes": true, "offres": true, "emplois": true, "metiers": true,
		"jobs": true, "positions": true, "offers": true}
)

// openFirst moves to the front of the offers a factual question found the
// first one still open (firstOpen), for the extractive answer and the
// model alike.
func (a *Assistant) openFirst(q Question, offers []found, today offres.Date) []found {
	if q.Intent == IntentList || q.Compare || len(offers) < 2 {
		return offers
	}
	if i := a.firstOpen(q, offers, today); i > 0 {
		offers = slices.Concat(offers[i:i+1], offers[:i], offers[i+1:])
	}
	return offers
}

// firstOpen returns the index of the first offer still open among those a
// factual question found, when the first found is not open and that one's
// title says the subject as plainly (every word of it, as the first's):
// asked « faut-il le permis bateau pour être garde-pêche ? », a candidate
// wants the answer of the « Gardes-pêche » offer they can still apply to,
// not that of the closed « Garde-pêche » that happened to rank first — but
// not that of another job sharing a word. -1 when there is none, or the
// question asks about closed offers.
func (a *Assistant) firstOpen(q Question, offers []found, today offres.Date) int {
	isOpen := func(o *offres.Offer) bool {
		status, _ := o.StatusAt(today, a.undated)
		return status == offres.StatusOpen || status == offres.StatusClosingSoon
	}
	if isOpen(&offers[0].offer) || !titleSays(&offers[0].offer, q.Subject) {
		return -1
	}
	if containsString(q.Filters[offres.FacetDeadline], string(offres.StatusClosed)) || containsString(q.Filters[offres.FacetDeadline], string(offres.StatusExpired)) {
		return -1
	}
	for i, f := range offers {
		if isOpen(&f.offer) && titleSays(&f.offer, q.Subject) {
			return i
		}
	}
	return -1
}

// askedAliases are the words a clause says for a condition asked in other
// words, « | » between alternatives: a « voiture de service » is a
// « véhicule de service »; one is « logé » when « hébergé sur place ».
var askedAliases = map[string]string{"voiture": "vehicule", "company": "vehicule", "service": "vehicule", "loge": "loge|heberg", "logement": "loge|heberg", "heberge": "loge|heberg", "hebergement": "loge|heberg"}

// answerAbout answers what intent asks of one offer; asked is the word the
// question names it by (Question.Asked).
func (a *Assistant) answerAbout(w *writer, intent Intent, asked string, o *offres.Offer, passage *offres.PassageMatch, today offres.Date) {
	if c, ok := clauseKinds[intent]; ok {
		if intent == IntentConditions {
			c.asked = cmp.Or(askedAliases[asked], asked)
		}
		a.clauses(w, o, c, today)
		return
	}
	switch intent {
	case IntentDeadline:
		a.deadline(w, o, today)
	case IntentPlace:
		a.field(w, o, "Lieu de travail", "Le poste %s est basé à %s %s.", "The job %s is based in %s %s.", today)
	case IntentEmployer:
		a.field(w, o, "Employeur", "L'employeur de l'offre %s est %s %s.", "The employer of the offer %s is %s %s.", today)
	case IntentDirection:
		a.field(w, o, "Direction", "Le poste %s relève de la %s %s.", "The job %s belongs to the %s %s.", today)
	case IntentCategory:
		a.category(w, o, today)
	case IntentStartDate:
		if w.lang == langEnglish && !o.StartDate.IsZero() {
			line := summaryLine(o, "Poste à pourvoir")
			on := "on"
			if o.StartDate.MonthOnly() {
				on = "in"
			}
			w.printf("The job %s starts %s %s %s. ", named(o), on, o.StartDate.English(), w.cite(o, summarySection, line))
			w.printf("%s", w.statusSentence(o, today))
			return
		}
		if summaryLine(o, "Poste à pourvoir") == "" {
			a.clauses(w, o, startClause, today) // its text may say it, or the refusal names it plainly
			return
		}
		a.field(w, o, "Poste à pourvoir", "Prise de poste pour l'offre %s : %s %s.", "Start date of the offer %s: %s %s.", today)
	case IntentResidence:
		a.residence(w, o, today)
	case IntentSalary:
		a.section(w, o, offres.SectionRemuneration, salaryRE, what{"la rémunération", "the salary"}, today)
	case IntentContact:
		a.contact(w, o, today)
	case IntentMissions:
		a.section(w, o, offres.SectionMissions, nil, what{"les missions", "the duties"}, today)
	case IntentProfile:
		a.section(w, o, offres.SectionProfil, nil, what{"le profil recherché", "the profile sought"}, today)
	default:
		a.overview(w, o, passage, today)
	}
}

// what names what was asked, in French and in English, for refusals.
type what struct{ fr, en string }

func (a *Assistant) deadline(w *writer, o *offres.Offer, today offres.Date) {
	if line := summaryLine(o, "Date limite de candidature"); line != "" {
		w.say("La date limite de candidature pour %s est le %s %s. ", "The application deadline for %s is %s %s. ", named(o), w.date(o.Deadline), w.cite(o, summarySection, line))
	} else {
		w.say("L'offre %s ne précise pas de date limite de candidature %s. ", "The offer %s gives no application deadline %s. ", named(o), w.cite(o, summarySection, titleLine(o)))
	}
	w.printf("%s", w.statusSentence(o, today))
}

func (a *Assistant) category(w *writer, o *offres.Offer, today offres.Date) {
	cat, cadre := summaryLine(o, "Catégorie"), summaryLine(o, "Cadre d'emploi")
	if cat == "" && cadre == "" {
		// Its text may say it (« Cadre d'emplois des attachés »).
		a.clauses(w, o, categoryClause, today)
		return
	}
	w.say("Pour l'offre %s :", "For the offer %s:", named(o))
	if cat != "" {
		w.printf(" %s %s %s", w.pick("catégorie", "category"), o.Category, w.cite(o, summarySection, cat))
	}
	if cadre != "" {
		if cat != "" {
			w.printf(",")
		}
		w.say(" cadre d'emploi : %s %s", " career grade (cadre d'emploi): %s %s", o.CadreEmploi, w.cite(o, summarySection, cadre))
	}
	w.printf(". %s", w.statusSentence(o, today))
}

// field answers with one line of the summary, the formats taking the
// offer's name, the value and the citation; or refuses.
func (a *Assistant) field(w *writer, o *offres.Offer, label, fr, en string, today offres.Date) {
	line := summaryLine(o, label)
	if line == "" {
		a.refuse(w, o, what{strings.ToLower(label[:1]) + label[1:], strings.ToLower(label)})
		return
	}
	value := strings.TrimPrefix(line, label+" : ")
	w.say(fr+" ", en+" ", named(o), value, w.cite(o, summarySection, line))
	w.printf("%s", w.statusSentence(o, today))
}

// refuse says the offer does not state what was asked.
func (a *Assistant) refuse(w *writer, o *offres.Offer, x what) {
	w.say("%s", "%s", strings.TrimSpace(fmt.Sprintf(w.pick("%s L'offre %s ne précise pas %s %s.", "%s The offer %s does not state %s %s."),
		w.refusal(), named(o), w.pick(x.fr, x.en), w.cite(o, summarySection, titleLine(o)))))
}

var (
	salaryRE  = regexp.MustCompile(`(?i)(r[ée]mun[ée]ration|\bsalaires?\b|\btraitement\b|\bindices?\b|\bgrilles?\b|\bprimes?\b|€|\bxpf\b|francs? cfp|\bF CFP\b|\beuros?\b|\bbrut\b|\bnet\b)`)
	contactRE = regexp.MustCompile(`(?i)(@|contacter|contact\s*:|renseignements|courriel|e-mail|t[ée]l[ée]phone\s*(au\s*)?:?\s*\d|t[ée]l\.?\s*:|candidatures?\s+(à|par|sur)|envoy(er|ez) (votre|vos|un|une)|postuler|adress(er|ez) (votre|vos|lettre|le|la|les)|\b\d{2} \d{2} \d{2}\b)`)
)

// section answers from a section of the given kind, else from the
// sentences of the offer matching re; or refuses.
func (a *Assistant) section(w *writer, o *offres.Offer, kind offres.SectionKind, re *regexp.Regexp, x what, today offres.Date) {
	var quoted []offres.Section
	for _, s := range o.Sections {
		if s.Kind == kind && strings.TrimSpace(s.Text) != "" && len(quoted) < 2 {
			quoted = append(quoted, s)
		}
	}
	if len(quoted) > 0 {
		for i, s := range quoted {
			if i > 0 {
				w.printf("\n")
			}
			quote := excerpt(s.Text, 400)
			w.say("Pour l'offre %s, section « %s » : « %s » %s", "For the offer %s, %s — section « %s »: « %s » %s", w.sectionArgs(o, x, s.Heading, quote)...)
		}
		w.printf("\n%s", w.statusSentence(o, today))
		return
	}
	if kind == offres.SectionMissions && len(o.Sections) == 0 && strings.TrimSpace(o.Description) != "" {
		// An offer without sections is its description, which says what the
		// job does (« - Assurer l'accueil des usagers… »).
		quote := excerpt(o.Description, 400)
		w.say("Pour l'offre %s : « %s » %s\n%s", "For the offer %s: « %s » %s\n%s", named(o), quote, w.cite(o, summarySection, quote), w.statusSentence(o, today))
		return
	}
	if re != nil {
		if sentence, section, ok := matchingSentence(o, re, kind); ok {
			w.say("Pour l'offre %s : « %s » %s\n%s", "For the offer %s: « %s » %s\n%s", named(o), sentence, w.cite(o, section, sentence), w.statusSentence(o, today))
			return
		}
	}
	a.refuse(w, o, x)
}

// sectionArgs are the arguments of a section's answer: the English one
// names what was asked, the French one the section only.
func (w *writer) sectionArgs(o *offres.Offer, x what, heading, quote string) []any {
	args := []any{named(o), heading, quote, w.cite(o, heading, quote)}
	if w.lang == langEnglish {
		return append([]any{args[0], x.en}, args[1:]...)
	}
	return args
}

// matchingSentence returns the first sentence of the offer matching re,
// outside the missions and the profile (which describe the work, not what
// was asked of the offer), and its section.
func matchingSentence(o *offres.Offer, re *regexp.Regexp, _ offres.SectionKind) (string, string, bool) {
	for _, p := range passagesOf(o) {
		if p.Kind == offres.SectionMissions || p.Kind == offres.SectionProfil {
			continue
		}
		for _, sentence := range sentences(p.Text) {
			if re.MatchString(sentence) && !strings.HasPrefix(sentence, "Date limite") {
				return sentence, passageSection(p), true
			}
		}
	}
	return "", "", false
}

// passageSection names a passage in citations.
func passageSection(p offres.Passage) string {
	if p.Kind == offres.SummaryKind {
		return summarySection
	}
	return p.Heading
}

// contact answers with the offer's contact section or a sentence that
// gives a contact; else it says plainly that the offer gives none — never
// a nearby line that only mentions the telephone.
func (a *Assistant) contact(w *writer, o *offres.Offer, today offres.Date) {
	for _, s := range o.Sections {
		if s.Kind == offres.SectionContact && strings.TrimSpace(s.Text) != "" {
			quote := excerpt(s.Text, 400)
			w.say("Pour l'offre %s, section « %s » : « %s » %s\n%s", "For the offer %s, section « %s »: « %s » %s\n%s", named(o), s.Heading, quote, w.cite(o, s.Heading, quote), w.statusSentence(o, today))
			return
		}
	}
	if sentence, section, ok := matchingSentence(o, contactRE, offres.SectionContact); ok {
		w.say("Pour l'offre %s : « %s » %s\n%s", "For the offer %s: « %s » %s\n%s", named(o), sentence, w.cite(o, section, sentence), w.statusSentence(o, today))
		return
	}
	w.say("%s", "%s", strings.TrimSpace(fmt.Sprintf(w.pick("%s L'offre %s ne donne pas de contact ni la façon de candidater %s.", "%s The offer %s gives no contact and does not say how to apply %s."),
		w.refusal(), named(o), w.cite(o, summarySection, titleLine(o)))))
	if o.URL != "" {
		w.say(" Sa page d'origine : %s.", " Its original page: %s.", o.URL)
	}
}

// residence answers about the residence requirement: the offer's words,
// then the rules it refers to, dated and sourced, and never a verdict on
// anyone's eligibility.
func (a *Assistant) residence(w *writer, o *offres.Offer, today offres.Date) {
	quoted := false
	for _, p := range passagesOf(o) {
		for _, sentence := range sentences(p.Text) {
			if strings.Contains(strings.ToLower(offres.Fold(sentence)), "residence") {
				if !quoted {
					w.say("L'offre %s indique : « %s » %s", "The offer %s states: « %s » %s", named(o), sentence, w.cite(o, passageSection(p), sentence))
					quoted = true
				} else {
					w.say(" ; « %s » %s", "; « %s » %s", sentence, w.cite(o, passageSection(p), sentence))
				}
			}
		}
	}
	if quoted {
		w.printf(".\n")
	} else {
		w.say("L'offre %s ne mentionne pas de durée de résidence exigée %s.\n", "The offer %s mentions no required length of residence %s.\n", named(o), w.cite(o, summarySection, titleLine(o)))
	}
	a.residenceRule(w)
	w.printf("%s", w.statusSentence(o, today))
}

// residenceRule says what the local-employment rule provides, dated and
// sourced.
func (a *Assistant) residenceRule(w *writer) {
	w.say("Ce que prévoit la règle de l'emploi local (d'après les sources officielles, état au %s) : %s\nSources : %s\n",
		"What the local-employment rule provides (from the official sources, as of %s): %s\nSources: %s\n",
		dateIn(w.lang, isoDate(a.rules.Date)), w.pick(a.rules.Text, a.rules.English), strings.Join(a.rules.Sources, w.pick(" ; ", "; ")))
}

// overview presents an offer: its key facts and the passage closest to the
// question.
func (a *Assistant) overview(w *writer, o *offres.Offer, best *offres.PassageMatch, today offres.Date) {
	w.say("L'offre la plus proche de votre question est %s %s", "The offer closest to your question is %s %s", named(o), w.cite(o, summarySection, titleLine(o)))
	if line := summaryLine(o, "Lieu de travail"); line != "" {
		w.say(", à %s %s", ", in %s %s", o.Location.Commune, w.cite(o, summarySection, line))
	}
	w.printf(". %s", w.statusSentence(o, today))
	if best != nil && best.Kind != offres.SummaryKind {
		quote := excerpt(best.Text, 300)
		w.say("\nExtrait (%s) : « %s » %s", "\nExcerpt (%s): « %s » %s", best.Heading, quote, w.cite(o, best.Heading, quote))
	}
}

// extractList lists the offers found: the open ones (or the closed ones
// when asked for), and how many others matched but are closed or expired.
func (a *Assistant) extractList(w *writer, q Question, offers []found, today offres.Date) extracted {
	what := describe(q, w)
	if q.ListsCondition() { // the offers found state it (stating)
		what += w.pick(" dont le texte parle de « ", " whose text mentions « ") + q.ConditionText + " »"
	}
	closedAsked := containsString(q.Filters[offres.FacetDeadline], string(offres.StatusClosed))
	var listed []*found
	dead := 0
	for i := range offers {
		status, _ := offers[i].offer.StatusAt(today, w.undated)
		if status.Closed() != closedAsked {
			dead++
			continue
		}
		if len(listed) < maxListed {
			listed = append(listed, &offers[i])
		}
	}
	if len(listed) == 0 {
		if closedAsked || dead == 0 {
			w.say("%s Aucune offre ne correspond à %s.", "%s No offer matches %s.", w.refusal(), what)
		} else {
			w.say("%s Aucune offre ouverte ne correspond à %s : ", "%s No open offer matches %s: ", w.refusal(), what)
			w.printf("%s\n", w.deadSentence(dead, false))
		}
		return w.done()
	}
	adj := w.pick("ouverte", "open")
	if closedAsked {
		adj = w.pick("clôturée", "closed")
	}
	if len(listed) == 1 {
		w.say("J'ai trouvé 1 offre %s pour %s :\n", "I found 1 %s offer for %s:\n", adj, what)
	} else {
		w.say("J'ai trouvé %d offres %ss pour %s :\n", "I found %d %s offers for %s:\n", len(listed), adj, what)
	}
	for _, f := range listed {
		o := &f.offer
		w.printf("- %s — ", o.Title)
		var parts []string
		if o.Employer != "" {
			parts = append(parts, o.Employer)
		}
		if o.Location.Commune != "" {
			parts = append(parts, o.Location.Commune)
		}
		if o.Category != "" {
			parts = append(parts, w.pick("catégorie ", "category ")+o.Category)
		}
		parts = append(parts, w.statusShort(o, today))
		w.printf("%s (%s) %s", strings.Join(parts, ", "), o.ID, w.cite(o, summarySection, titleLine(o)))
		if cl := f.clause; cl != nil {
			w.printf(" : « %s » %s", strings.TrimRight(cl.text, " ;"), w.cite(o, cl.section, cl.text))
		}
		w.printf("\n")
	}
	if dead > 0 && !closedAsked {
		w.printf("%s\n", w.deadSentence(dead, true))
	}
	return w.done()
}

// deadSentence says how many offers matched but are closed or expired
// (others: besides those listed).
func (w *writer) deadSentence(n int, others bool) string {
	other := ""
	if others {
		other = w.pick(" autre", " other")
	}
	if n == 1 {
		return fmt.Sprintf(w.pick("1%s offre correspond mais elle est clôturée ou expirée.", "1%s offer matches but it is closed or expired."), other)
	}
	if others {
		other += w.pick("s", "")
	}
	return fmt.Sprintf(w.pick("%d%s offres correspondent mais sont clôturées ou expirées.", "%d%s offers match but are closed or expired."), n, other)
}

// describe says what a list question asked for.
func describe(q Question, w *writer) string {
	var parts []string
	if s := strings.TrimSpace(q.Subject); s != "" {
		parts = append(parts, "« "+s+" »")
	} else {
		parts = append(parts, w.pick("votre recherche", "your search"))
	}
	if cs := q.Filters[offres.FacetCommune]; len(cs) > 0 {
		places := make([]string, len(cs))
		for i, c := range cs {
			places[i] = w.pick(atPlace(c), "in "+c)
		}
		parts = append(parts, strings.Join(places, w.pick(" ou ", " or ")))
	}
	if cs := q.Filters[offres.FacetCategory]; len(cs) > 0 {
		parts = append(parts, w.pick("en catégorie ", "in category ")+strings.Join(cs, w.pick(" ou ", " or ")))
	}
	if cs := q.Filters[offres.FacetContract]; len(cs) > 0 {
		var labels []string
		for _, c := range cs {
			labels = append(labels, strings.ToLower(contractLabel(w.lang, c)))
		}
		parts = append(parts, "("+strings.Join(labels, ", ")+")")
	}
	if q.ClosingWithinDays > 0 {
		parts = append(parts, fmt.Sprintf(w.pick("qui ferment d'ici %d jours", "closing within %d days"), q.ClosingWithinDays))
	}
	return strings.Join(parts, " ")
}

// sentences splits text into sentences and lines.
func sentences(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(line), "-•*"))
		start := 0
		for i, r := range line {
			if (r == '.' || r == ';' || r == '!' || r == '?') && (i+1 == len(line) || line[i+1] == ' ') {
				if s := strings.TrimSpace(line[start : i+1]); len(s) > 3 {
					out = append(out, s)
				}
				start = i + 1
			}
		}
		if s := strings.TrimSpace(line[start:]); len(s) > 3 {
			out = append(out, s)
		}
	}
	return out
}

// excerpt returns the beginning of text, whole sentences up to about n
// characters.
func excerpt(text string, n int) string {
	text = strings.TrimSpace(text)
	if len([]rune(text)) <= n {
		return text
	}
	var b strings.Builder
	for _, s := range sentences(text) {
		if b.Len() > 0 && len([]rune(b.String()))+len([]rune(s)) > n {
			break
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s)
	}
	if b.Len() == 0 {
		return clip(text, n)
	}
	return b.String()
}

// isoDate reads 2024-11-30 (the zero date when it is no such date).
func isoDate(s string) offres.Date {
	d, _ := offres.ParseDate(s)
	return d
}

// atPlace says « à Nouméa », « au Mont-Dore ».
func atPlace(commune string) string {
	if rest, ok := strings.CutPrefix(commune, "Le "); ok {
		return "au " + rest
	}
	return "à " + commune
}
