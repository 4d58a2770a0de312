package fakellm

import (
	"fmt"
	"regexp"
	"strings"
)

// kind is how the model finds, in the passages, the clause that states
// what a question asks (the « Information demandée » of the prompt): the
// summary lines that start with one of labels, else the lines that match
// re.
type kind struct {
	labels []string
	re     *regexp.Regexp
	// fr and en name what is asked, for « l'offre ne précise pas … ».
	fr, en string
	// lead introduces the clauses in English (« the application
	// deadline »); several: up to that many clauses (missions), else
	// maxClauses.
	lead    string
	several int
	// both: the lines matching re too, after the labelled ones (a
	// contract's duration is stated in the text).
	both bool
}

// kinds are keyed by a word of the prompt's « Information demandée » line
// (prompts.Asked), the first found wins.
var kinds = []struct {
	key string
	k   kind
}{
	{"date limite", kind{labels: []string{"Date limite de candidature"}, re: re(`date limite|avant le \d|jusqu.au \d|candidatures? avant`), fr: "de date limite", en: "a deadline", lead: "the application deadline"}},
	{"prise de poste", kind{labels: []string{"Poste à pourvoir"}, re: re(`prise de (poste|fonctions?)|à pourvoir|d[ée]but`), fr: "de date de prise de poste", en: "a start date", lead: "the start date"}},
	{"lieu", kind{labels: []string{"Lieu de travail"}, re: re(`\blieu\b|affectation`), fr: "de lieu", en: "a place", lead: "the job is based in"}},
	{"employeur", kind{labels: []string{"Employeur"}, fr: "d'employeur", en: "an employer", lead: "the employer"}},
	{"direction", kind{labels: []string{"Direction"}, fr: "de direction", en: "a department"}},
	{"catégorie", kind{labels: []string{"Catégorie", "Cadre d'emploi"}, re: re(`cat[ée]gorie|cadre d.emplois?`), fr: "de catégorie", en: "a category", lead: "the category"}},
	{"résidence", kind{labels: []string{"Durée de résidence exigée"}, re: re(`r[ée]sidence`), fr: "de durée de résidence", en: "a residence requirement"}},
	{"rémunération", kind{re: re(`r[ée]mun[ée]ration|salaire|\bxpf\b|f ?cfp|euros?\b|grille|indice|traitement|mensuel|annuel|treizi[èe]me`), fr: "de salaire", en: "a salary", lead: "the salary"}},
	{"contact", kind{re: re(`@|contact\s*:|t[ée]l\.?\s*:|t[ée]l[ée]phone\s*:|candidatures? (à|a|au|par)\b|adresser|postuler|\bbp \d|lien suivant|\d{2} \d{2} \d{2}|\d{10}`), fr: "de contact", en: "a contact", lead: "to apply or for contact"}},
	{"missions", kind{re: re(`.`), fr: "de missions", en: "any missions", lead: "the missions", several: 6}},
	{"compétences", kind{re: re(`comp[ée]tences?|ma[îi]trise|connaissances?|savoir|profil|qualit[ée]s`), fr: "de compétences", en: "any skills", lead: "the skills", several: 4}},
	{"contrat", kind{labels: []string{"Contrat"}, re: re(`contrat|\bcdd\b|\bcdi\b|titulaire|\bcontractuel(le)?\b|aux contractuels|agents? contractuels|int[ée]rim|dur[ée]e d[ée]termin`), fr: "de type de contrat", en: "a contract type", lead: "the contract", both: true}},
	{"expérience", kind{re: re(`exp[ée]rience|d[ée]butant`), fr: "d'expérience", en: "any experience"}},
	{"diplôme", kind{re: re(`dipl[ôo]me|bpjeps|\bbac\b|licence\b|master|\bcap\b|\bbts\b|\bdut\b|formation\s*:|niveau (bac|d)`), fr: "de diplôme", en: "a diploma", lead: "the diploma required"}},
	{"permis", kind{re: re(`permis|caces`), fr: "de permis", en: "a driving licence"}},
	{"langues", kind{re: re(`langues?|anglais|japonais|espagnol|chinois|fran[çc]ais`), fr: "de langue", en: "any language"}},
	{"horaires", kind{re: re(`horaires?|heures?|\d+ ?h\b|temps (plein|partiel|complet)|de nuit|week-end|roulement`), fr: "d'horaires", en: "working hours", lead: "the working hours"}},
	{"télétravail", kind{re: re(`t[ée]l[ée]-?travail`), fr: "de télétravail", en: "remote work"}},
	{"nombre de postes", kind{labels: []string{"Nombre de postes"}, re: re(`\d+ postes|nombre de postes|postes? à pourvoir`), fr: "de nombre de postes", en: "a number of positions"}},
	{"conditions", kind{re: re(`logement|astreintes?|uniforme|d[ée]placements?|v[ée]hicule|primes?|avantages?`), fr: "ces conditions", en: "these conditions"}},
}

func re(s string) *regexp.Regexp { return regexp.MustCompile(`(?i)` + s) }

// kindOf returns the kind of what is asked; ok is false for a list or for
// nothing in particular.
func kindOf(asked string) (kind, bool) {
	a := strings.ToLower(asked)
	for _, k := range kinds {
		if strings.Contains(a, k.key) {
			return k.k, true
		}
	}
	return kind{}, false
}

// offer is the passages of one offer, in prompt order.
type offer struct {
	id, title string
	passages  []passage
}

func offersOf(ps []passage) []offer {
	var out []offer
	for _, p := range ps {
		if len(out) == 0 || out[len(out)-1].id != p.OfferID {
			out = append(out, offer{id: p.OfferID, title: p.Title})
		}
		out[len(out)-1].passages = append(out[len(out)-1].passages, p)
	}
	return out
}

// clause is a line of a passage that states what is asked.
type clause struct {
	text string
	n    int
}

// maxClauses bounds the clauses quoted for one offer.
const maxClauses = 2

// clausesOf returns the lines of an offer's passages that state what k
// asks: the labelled summary lines first.
func clausesOf(o offer, k kind) []clause {
	var out []clause
	seen := map[string]bool{}
	limit := maxClauses
	if k.several > 0 {
		limit = k.several
	}
	add := func(text string, n int) {
		q := quote(text)
		if q != "" && !seen[q] && len(out) < limit {
			seen[q] = true
			out = append(out, clause{q, n})
		}
	}
	for _, p := range o.passages {
		for _, line := range strings.Split(p.Text, "\n") {
			for _, l := range k.labels {
				if strings.HasPrefix(line, l+" :") {
					add(line, p.N)
				}
			}
		}
	}
	if (len(out) > 0 && !k.both) || k.re == nil {
		return out
	}
	for _, p := range o.passages {
		if p.Section == "Résumé de l'offre" && k.re.String() == "(?i)." {
			continue // missions are in the sections
		}
		for _, line := range strings.Split(p.Text, "\n") {
			if k.re.MatchString(line) && !strings.HasPrefix(line, "Référence :") {
				add(line, p.N)
			}
		}
	}
	return out
}

// writer writes in the question's language.
type writer struct {
	b  strings.Builder
	en bool
}

func (w *writer) say(fr, en string, args ...any) {
	if w.en {
		fmt.Fprintf(&w.b, en, args...)
	} else {
		fmt.Fprintf(&w.b, fr, args...)
	}
}

// status writes the offer's status as its passages give it.
func (w *writer) status(o offer) {
	p := o.passages[0]
	detail := p.Status
	for _, prefix := range []string{"CLÔTURÉE (", "CLOSED (", "ouverte, ", "open, "} {
		detail = strings.TrimPrefix(detail, prefix)
	}
	detail = strings.TrimSuffix(detail, ")")
	if w.en {
		detail = englishStatus(detail)
	}
	switch {
	case p.closed():
		w.say(" Cette offre est clôturée ou expirée (%s) [%d].", " This offer is closed or expired (%s) [%d].", detail, p.N)
	case p.open():
		w.say(" Cette offre est ouverte (%s) [%d].", " This offer is open (%s) [%d].", detail, p.N)
	}
}

var (
	// englishStatusRE: a status offres wrote in English.
	englishStatusRE = regexp.MustCompile(`^(until|closed on|published on|closes (in|today)|no deadline given)\b`)
	closesInRE      = regexp.MustCompile(`^clôture dans (\d+) jours?$`)
	datedRE         = regexp.MustCompile(`^(jusqu'au|clôturée le|publiée le) (\d{1,2} \p{L}+ \d{4})(.*)$`)
)

// englishStatus writes an offer's status in English: as offres' prompt
// gives it to an English question, or translated from the French.
func englishStatus(s string) string {
	if englishStatusRE.MatchString(s) {
		return s
	}
	if m := closesInRE.FindStringSubmatch(s); m != nil {
		return "closes in " + m[1] + " days"
	}
	if s == "clôture aujourd'hui" {
		return "closes today"
	}
	if m := datedRE.FindStringSubmatch(s); m != nil {
		lead := map[string]string{"jusqu'au": "until", "clôturée le": "closed on", "publiée le": "published on"}[m[1]]
		rest := strings.NewReplacer(", sans date limite : expirée", ", no deadline: expired", ", sans date limite", ", no deadline").Replace(m[3])
		return lead + " " + englishDate(m[2]) + rest
	}
	return "see the offer"
}

// answer writes what a careful model answers from the prompt: for the
// value asked, the clause of the first offer that states it, quoted
// verbatim with its citation [n], and the offer's status; for a comparison,
// the same for each offer; for a list, the open offers; the refusal,
// naming the offer, when its passages do not state the value. It ignores
// instructions in the question and the passages.
func answer(v view) string {
	if len(v.Passages) == 0 {
		return v.Refusal
	}
	offers := offersOf(v.Passages)
	w := &writer{en: v.English}
	k, ok := kindOf(v.Asked)
	switch {
	case strings.Contains(strings.ToLower(v.Asked), "liste") || !ok:
		list(w, v, offers, k, ok)
	case strings.Contains(v.Asked, "comparaison"):
		for i, o := range offers {
			if i > 0 {
				w.b.WriteString("\n")
			}
			value(w, o, k, true)
		}
	default:
		if !value(w, offers[0], k, false) {
			if k.fr == "de date limite" { // what it says of its status answers
				w.status(offers[0])
				return strings.TrimSpace(w.b.String())
			}
			return v.Refusal + " " + strings.TrimSpace(w.b.String())
		}
		if v.Rules {
			w.say(" Seul l'employeur peut dire si vous remplissez cette condition.", " Only the employer can say whether you meet this condition.")
		}
	}
	return strings.TrimSpace(w.b.String())
}

// value writes the clauses of o that state k; false when there is none
// (it then says so).
func value(w *writer, o offer, k kind, comparing bool) bool {
	cs := clausesOf(o, k)
	if len(cs) == 0 {
		if k.fr == "de durée de résidence" {
			w.say("L'offre %s (%s) ne mentionne pas de durée de résidence [%d].", "The offer %s (%s) does not mention a residence requirement [%d].", o.title, o.id, o.passages[0].N)
			return true // that is the answer
		}
		w.say("L'offre %s (%s) ne précise pas %s [%d].", "The offer %s (%s) does not state %s [%d].", o.title, o.id, pick(w.en, k.fr, k.en), o.passages[0].N)
		return false
	}
	lead := k.lead
	if lead == "" {
		lead = "what it says"
	}
	w.say("Pour l'offre %s (%s) : ", "For the offer %s (%s), "+lead+": ", o.title, o.id)
	for i, c := range cs {
		if i > 0 {
			w.b.WriteString(" ; ")
		}
		fmt.Fprintf(&w.b, "« %s » [%d]", c.text, c.n)
		// As a model restates a labelled value in its own words.
		if label, value, ok := strings.Cut(c.text, " : "); ok {
			switch {
			case w.en && englishDate(value) != "":
				fmt.Fprintf(&w.b, ", that is %s", englishDate(value))
			case label == "Catégorie":
				w.say(" (catégorie %s)", " (category %s)", value)
			}
		}
	}
	w.b.WriteString(".")
	w.status(o)
	return true
}

func pick(en bool, fr, e string) string {
	if en {
		return e
	}
	return fr
}

// list writes the open offers of the passages, and how many others are
// closed or expired; for a list of the offers that state something (a kind
// is asked too: « la liste des offres qui précisent le télétravail »),
// each with its first clause that states it.
func list(w *writer, v view, offers []offer, k kind, stating bool) {
	var open []offer
	closed := 0
	if closedAsked.MatchString(v.Question) {
		// The closed offers are asked for.
		w.say("Offres clôturées ou expirées :", "Closed or expired offers:")
		for _, o := range offers {
			if o.passages[0].closed() {
				fmt.Fprintf(&w.b, "\n- %s (%s) [%d]", o.title, o.id, o.passages[0].N)
			}
		}
		return
	}
	for _, o := range offers {
		if o.passages[0].closed() {
			closed++
		} else {
			open = append(open, o)
		}
	}
	if len(open) == 0 {
		w.say("Aucune offre ouverte ne correspond : %d offres correspondent mais sont clôturées ou expirées [%d].",
			"No open offer matches: %d offers match but are closed or expired [%d].", closed, offers[0].passages[0].N)
		return
	}
	w.say("Offres ouvertes :", "Open offers:")
	for _, o := range open {
		fmt.Fprintf(&w.b, "\n- %s (%s) [%d]", o.title, o.id, o.passages[0].N)
		if cs := clausesOf(o, k); stating && len(cs) > 0 {
			fmt.Fprintf(&w.b, " : « %s » [%d]", cs[0].text, cs[0].n)
		}
	}
	if closed > 0 {
		w.say("\n%d autres offres correspondent mais sont clôturées ou expirées.", "\n%d other offers match but are closed or expired.", closed)
	}
}

// invalidQuote makes the careful answer quote a clause no offer holds
// (Options.Invalid).
func invalidQuote(v view, careful string) string {
	if len(v.Passages) == 0 {
		return careful
	}
	return fmt.Sprintf("%s « poste logé, véhicule de fonction et prime annuelle de 30 %% » [%d].", careful, v.Passages[0].N)
}

var closedAsked = re(`\b(clôturées?|fermées?|expirées?|closed|expired)\b`)

var frenchMonths = map[string]string{"janvier": "January", "février": "February", "mars": "March", "avril": "April",
	"mai": "May", "juin": "June", "juillet": "July", "août": "August", "septembre": "September", "octobre": "October",
	"novembre": "November", "décembre": "December"}

// englishDate writes « 12 mars 2027 » (or « novembre 2026 ») in English,
// "" when s is no such date.
func englishDate(s string) string {
	f := strings.Fields(s)
	switch {
	case len(f) == 2 && frenchMonths[f[0]] != "":
		return frenchMonths[f[0]] + " " + f[1]
	case len(f) == 3 && frenchMonths[f[1]] != "":
		return strings.TrimSuffix(f[0], "er") + " " + frenchMonths[f[1]] + " " + f[2]
	}
	return ""
}
