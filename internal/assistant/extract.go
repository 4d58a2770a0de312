package assistant

import (
	"fmt"
	"regexp"
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
// quotes.
type writer struct {
	b         strings.Builder
	citations []Citation
	offers    []string
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

// statusSentence says whether the offer is open today, in French.
func statusSentence(o *offres.Offer, today offres.Date) string {
	status, days := o.Status(today)
	switch {
	case status == offres.StatusExpired:
		return fmt.Sprintf("Cette offre, publiée le %s, sans date limite, date de plus de %d jours : elle est considérée comme expirée et n'est probablement plus ouverte ; vérifiez auprès de l'employeur.", o.PublishedAt.French(), offres.DefaultUndatedOpenDays)
	case status == offres.StatusOpen && o.Deadline.IsZero():
		return fmt.Sprintf("L'offre a été publiée le %s, sans date limite : vérifiez auprès de l'employeur qu'elle est toujours ouverte.", o.PublishedAt.French())
	}
	switch status {
	case offres.StatusClosed:
		return fmt.Sprintf("Cette offre est clôturée : sa date limite, le %s, est passée (nous sommes le %s).", o.Deadline.French(), today.French())
	case offres.StatusClosingSoon:
		if days == 0 {
			return "Attention : l'offre clôture aujourd'hui."
		}
		return fmt.Sprintf("Attention : l'offre clôture dans %d jour%s.", days, plural(days))
	case offres.StatusOpen:
		return fmt.Sprintf("L'offre est ouverte : il reste %d jours pour candidater.", days)
	}
	return "L'offre ne précise pas de date limite : vérifiez auprès de l'employeur qu'elle est toujours ouverte."
}

// statusShort is the deadline status of an offer in a list.
func statusShort(o *offres.Offer, today offres.Date) string {
	status, days := o.Status(today)
	switch {
	case status == offres.StatusExpired:
		return "publiée le " + o.PublishedAt.French() + ", sans date limite : expirée"
	case o.Deadline.IsZero() && !o.PublishedAt.IsZero():
		return "publiée le " + o.PublishedAt.French() + ", sans date limite"
	}
	switch status {
	case offres.StatusClosed:
		return "clôturée le " + o.Deadline.French()
	case offres.StatusClosingSoon:
		if days == 0 {
			return "clôture aujourd'hui"
		}
		return fmt.Sprintf("clôture dans %d jour%s", days, plural(days))
	case offres.StatusOpen:
		return "jusqu'au " + o.Deadline.French()
	}
	return "date limite non précisée"
}

func plural(n int) string {
	if n > 1 {
		return "s"
	}
	return ""
}

// extract answers q from the offers found, in their own words.
func (a *Assistant) extract(q Question, offers []found, today offres.Date) extracted {
	var w writer
	if q.Intent == IntentList {
		return a.extractList(&w, q, offers, today)
	}
	if len(offers) == 0 {
		w.printf("%s", prompts.Refusal)
		return w.done()
	}
	o := &offers[0].offer
	switch q.Intent {
	case IntentDeadline:
		if line := summaryLine(o, "Date limite de candidature"); line != "" {
			w.printf("La date limite de candidature pour %s est le %s %s. ", named(o), o.Deadline.French(), w.cite(o, summarySection, line))
		} else {
			w.printf("L'offre %s ne précise pas de date limite de candidature %s. ", named(o), w.cite(o, summarySection, titleLine(o)))
		}
		w.printf("%s", statusSentence(o, today))
	case IntentPlace:
		a.field(&w, o, "Lieu de travail", "Le poste %s est basé à %s %s.", today)
	case IntentEmployer:
		a.field(&w, o, "Employeur", "L'employeur de l'offre %s est %s %s.", today)
	case IntentDirection:
		a.field(&w, o, "Direction", "Le poste %s relève de la %s %s.", today)
	case IntentCategory:
		cat, cadre := summaryLine(o, "Catégorie"), summaryLine(o, "Cadre d'emploi")
		switch {
		case cat == "" && cadre == "":
			a.refuse(&w, o, "la catégorie ni le cadre d'emploi")
		default:
			w.printf("Pour l'offre %s :", named(o))
			if cat != "" {
				w.printf(" catégorie %s %s", o.Category, w.cite(o, summarySection, cat))
			}
			if cadre != "" {
				if cat != "" {
					w.printf(",")
				}
				w.printf(" cadre d'emploi : %s %s", o.CadreEmploi, w.cite(o, summarySection, cadre))
			}
			w.printf(". %s", statusSentence(o, today))
		}
	case IntentStartDate:
		a.field(&w, o, "Poste à pourvoir", "Prise de poste pour l'offre %s : %s %s.", today)
	case IntentResidence:
		a.residence(&w, o, today)
	case IntentSalary:
		a.section(&w, o, offres.SectionRemuneration, salaryRE, "la rémunération", today)
	case IntentContact:
		a.section(&w, o, offres.SectionContact, contactRE, "de contact ni la façon de candidater", today)
	case IntentMissions:
		a.section(&w, o, offres.SectionMissions, nil, "les missions", today)
	case IntentProfile:
		a.section(&w, o, offres.SectionProfil, nil, "le profil recherché", today)
	default:
		a.overview(&w, o, offers[0].passage, today)
	}
	return w.done()
}

// field answers with one line of the summary, format taking the offer's
// name, the value and the citation; or refuses.
func (a *Assistant) field(w *writer, o *offres.Offer, label, format string, today offres.Date) {
	line := summaryLine(o, label)
	if line == "" {
		a.refuse(w, o, strings.ToLower(label[:1])+label[1:])
		return
	}
	value := strings.TrimPrefix(line, label+" : ")
	w.printf(format+" ", named(o), value, w.cite(o, summarySection, line))
	w.printf("%s", statusSentence(o, today))
}

// refuse says the offer does not state what was asked.
func (a *Assistant) refuse(w *writer, o *offres.Offer, what string) {
	w.printf("%s L'offre %s ne précise pas %s %s.", prompts.Refusal, named(o), what, w.cite(o, summarySection, titleLine(o)))
}

var (
	salaryRE  = regexp.MustCompile(`(?i)(r[ée]mun[ée]ration|\bsalaires?\b|\btraitement\b|\bindices?\b|\bgrilles?\b|\bprimes?\b|€|\bxpf\b|francs? cfp|\bbrut\b|\bnet\b)`)
	contactRE = regexp.MustCompile(`(?i)(@|contacter|contact\s*:|renseignements|courriel|e-mail|t[ée]l[ée]phone|envoy(er|ez) (votre|vos|un|une)|postuler|adresse[rz]? (votre|vos))`)
)

// section answers from a section of the given kind, else from the
// sentences of the offer matching re; or refuses.
func (a *Assistant) section(w *writer, o *offres.Offer, kind offres.SectionKind, re *regexp.Regexp, what string, today offres.Date) {
	for _, s := range o.Sections {
		if s.Kind == kind && strings.TrimSpace(s.Text) != "" {
			quote := excerpt(s.Text, 400)
			w.printf("Pour l'offre %s, section « %s » : « %s » %s\n%s", named(o), s.Heading, quote, w.cite(o, s.Heading, quote), statusSentence(o, today))
			return
		}
	}
	if re != nil {
		for _, p := range passagesOf(o) {
			for _, sentence := range sentences(p.Text) {
				if re.MatchString(sentence) && !strings.HasPrefix(sentence, "Date limite") {
					section := p.Heading
					if p.Kind == offres.SummaryKind {
						section = summarySection
					}
					w.printf("Pour l'offre %s : « %s » %s\n%s", named(o), sentence, w.cite(o, section, sentence), statusSentence(o, today))
					return
				}
			}
		}
	}
	a.refuse(w, o, what)
}

// residence answers about the residence requirement: the offer's words,
// then the rules it refers to, dated and sourced, and never a verdict on
// anyone's eligibility.
func (a *Assistant) residence(w *writer, o *offres.Offer, today offres.Date) {
	quoted := false
	for _, p := range passagesOf(o) {
		for _, sentence := range sentences(p.Text) {
			if strings.Contains(strings.ToLower(offres.Fold(sentence)), "residence") {
				section := p.Heading
				if p.Kind == offres.SummaryKind {
					section = summarySection
				}
				if !quoted {
					w.printf("L'offre %s indique : « %s » %s", named(o), sentence, w.cite(o, section, sentence))
					quoted = true
				} else {
					w.printf(" ; « %s » %s", sentence, w.cite(o, section, sentence))
				}
			}
		}
	}
	if quoted {
		w.printf(".\n")
	} else {
		w.printf("L'offre %s ne mentionne pas de durée de résidence exigée %s.\n", named(o), w.cite(o, summarySection, titleLine(o)))
	}
	w.printf("Ce que prévoit la règle de l'emploi local (d'après les sources officielles, état au %s) : %s\nSources : %s\n%s",
		frenchISODate(a.rules.Date), a.rules.Text, strings.Join(a.rules.Sources, " ; "), statusSentence(o, today))
}

// overview presents an offer: its key facts and the passage closest to the
// question.
func (a *Assistant) overview(w *writer, o *offres.Offer, best *offres.PassageMatch, today offres.Date) {
	w.printf("L'offre la plus proche de votre question est %s %s", named(o), w.cite(o, summarySection, titleLine(o)))
	if line := summaryLine(o, "Lieu de travail"); line != "" {
		w.printf(", à %s %s", o.Location.Commune, w.cite(o, summarySection, line))
	}
	w.printf(". %s", statusSentence(o, today))
	if best != nil && best.Kind != offres.SummaryKind {
		quote := excerpt(best.Text, 300)
		w.printf("\nExtrait (%s) : « %s » %s", best.Heading, quote, w.cite(o, best.Heading, quote))
	}
}

// extractList lists the offers found.
func (a *Assistant) extractList(w *writer, q Question, offers []found, today offres.Date) extracted {
	what := describe(q)
	if len(offers) == 0 {
		w.printf("%s Aucune offre ne correspond à %s.", prompts.Refusal, what)
		return w.done()
	}
	closed := containsString(q.Filters[offres.FacetDeadline], string(offres.StatusClosed))
	adj := "ouverte"
	if closed {
		adj = "clôturée"
	}
	if len(offers) == 1 {
		w.printf("J'ai trouvé 1 offre %s pour %s :\n", adj, what)
	} else {
		w.printf("J'ai trouvé %d offres %ss pour %s :\n", len(offers), adj, what)
	}
	for i := range offers {
		o := &offers[i].offer
		w.printf("- %s — ", o.Title)
		var parts []string
		if o.Employer != "" {
			parts = append(parts, o.Employer)
		}
		if o.Location.Commune != "" {
			parts = append(parts, o.Location.Commune)
		}
		if o.Category != "" {
			parts = append(parts, "catégorie "+o.Category)
		}
		parts = append(parts, statusShort(o, today))
		w.printf("%s (%s) %s\n", strings.Join(parts, ", "), o.ID, w.cite(o, summarySection, titleLine(o)))
	}
	return w.done()
}

// describe says in French what a list question asked for.
func describe(q Question) string {
	var parts []string
	if s := strings.TrimSpace(q.Subject); s != "" {
		parts = append(parts, "« "+s+" »")
	} else {
		parts = append(parts, "votre recherche")
	}
	if cs := q.Filters[offres.FacetCommune]; len(cs) > 0 {
		places := make([]string, len(cs))
		for i, c := range cs {
			places[i] = atPlace(c)
		}
		parts = append(parts, strings.Join(places, " ou "))
	}
	if cs := q.Filters[offres.FacetCategory]; len(cs) > 0 {
		parts = append(parts, "en catégorie "+strings.Join(cs, " ou "))
	}
	if cs := q.Filters[offres.FacetContract]; len(cs) > 0 {
		var labels []string
		for _, c := range cs {
			labels = append(labels, strings.ToLower(offres.ContractLabels[c]))
		}
		parts = append(parts, "("+strings.Join(labels, ", ")+")")
	}
	if q.ClosingWithinDays > 0 {
		parts = append(parts, fmt.Sprintf("qui ferment d'ici %d jours", q.ClosingWithinDays))
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

// frenchISODate writes 2024-11-30 as « 30 novembre 2024 ».
func frenchISODate(s string) string {
	d, err := offres.ParseDate(s)
	if err != nil {
		return s
	}
	return d.French()
}

// atPlace says « à Nouméa », « au Mont-Dore ».
func atPlace(commune string) string {
	if rest, ok := strings.CutPrefix(commune, "Le "); ok {
		return "au " + rest
	}
	return "à " + commune
}
