package assistant

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"offres/internal/offres"
)

// The claims of a model's answer that checkClaims verifies: the facts a
// candidate acts on. A model may write them without quotes, or quote a
// clause planted in an offer's body; each is compared with the passages it
// cites and with the cited offers' structured fields (deadline, dates,
// commune, residence years, open or closed today).
const (
	claimDate     = "date"
	claimAmount   = "montant"
	claimDuration = "durée"
	claimCommune  = "commune"
	claimStatus   = "statut"
	// claimInstruction: the answer obeys an instruction of the question or
	// of a passage.
	claimInstruction = "consigne"
)

// claimError is a claim of an answer that its sources do not support.
type claimError struct {
	kind, claim string
}

func (e *claimError) Error() string {
	return fmt.Sprintf("%s « %s » not supported by the cited passages and offers", e.kind, e.claim)
}

var (
	// The text is folded (lower case, no accents) before these apply.
	claimDateRE  = regexp.MustCompile(`\b(\d{1,2})(?:er)?\s+(janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre)(?:\s+(\d{4}))?\b`)
	claimSlashRE = regexp.MustCompile(`\b(\d{1,2})/(\d{1,2})/(\d{4})\b`)
	claimISORE   = regexp.MustCompile(`\b(\d{4})-(\d{2})-(\d{2})\b`)
	// Amounts and numbers: groups of three digits after a space, a dot or
	// (in English) a comma.
	claimAmountRE   = regexp.MustCompile(`(\d{1,3}(?:[ .,]\d{3})+|\d+)(?:,\d{1,2})?\s*(?:xpf|f\s?cfp|fcfp|francs?|euros?|€|f\b)`)
	claimNumberRE   = regexp.MustCompile(`\d{1,3}(?:[ .,]\d{3})+|\d+`)
	claimDurationRE = regexp.MustCompile(`\b(\d{1,4}|une?|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|quinze|vingt|trente|one|two|three|four|five|six|seven|eight|nine|ten|twelve)\s+(ans?|annees?|mois|semaines?|jours?|heures?|years?|months?|weeks?|days?|hours?)\b`)
	// English dates: « 7 March 2025 », « March 7, 2025 ».
	claimDateEnRE   = regexp.MustCompile(`\b(\d{1,2})(?:st|nd|rd|th)?\s+(january|february|march|april|may|june|july|august|september|october|november|december)(?:,?\s+(\d{4}))?\b`)
	claimDateEnUSRE = regexp.MustCompile(`\b(january|february|march|april|may|june|july|august|september|october|november|december)\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?\b`)
	deadlineWordsRE = regexp.MustCompile(`date limite|avant le|jusqu.(?:au|a)\b|au plus tard|cloture|candidatures? avant|deadline|apply by|closing date|\buntil\b|\bcloses?\b`)
	// Open or closed, in French and in English (« open, until 12 March
	// 2027 », « CLOSED (closed on 7 March 2025) », as the prompt gives an
	// English question the offers' statuses): the negated forms first.
	saysClosedNegRE = regexp.MustCompile(`\b(?:n.est|ne sont|n.etait) (?:(?:plus|pas) ouverte?s?|plus (?:possibles?|valables?))\b|\bplus possibles?\b|\bn.accepte plus\b|\baucune? (?:offre|poste)s? (?:n.est )?ouverte?s?\b|\bpas d.(?:offres?|postes?) ouverte?s?\b|\b(?:is|are) (?:no longer|not) open\b|\bno (?:longer )?open\b|\bnone (?:is|are) open\b`)
	saysOpenNegRE   = regexp.MustCompile(`\b(?:n.est|ne sont) pas (?:encore )?(?:cloturee?s?|fermee?s?|expiree?s?|terminee?s?)\b|\b(?:is|are) not (?:yet )?(?:closed|expired)\b`)
	saysClosedRE    = regexp.MustCompile(`\b(?:cloturee|cloturees|fermee|fermees|expiree|expirees|terminee|terminees|depassee|depassees|closed|expired)\b|\b(?:est|sont|etait|a ete) (?:deja )?(?:cloture|ferme|expire|termine)s?\b`)
	saysOpenRE      = regexp.MustCompile(`\b(?:ouverte|ouvertes|ouvert|ouverts)\b(?:\s+(?:a|aux|au)\b)?|\b(?:encore|toujours) possibles?\b|\bvous pouvez (?:encore |toujours )?(?:postuler|candidater|envoyer)\b|\b(?:(?:still|is|are)\s+)?open\b(?:\s+to\b)?|\byou can (?:still )?apply\b`)
	sentenceEndRE   = regexp.MustCompile(`[!?\n]|\.(?:\s|$)`)
	citeGroupRE     = regexp.MustCompile(`(?:\s*\[\d{1,3}\])+`)
)

var frenchMonthIndex = map[string]time.Month{"janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
	"juillet": 7, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12,
	"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6,
	"july": 7, "august": 8, "september": 9, "october": 10, "november": 11, "december": 12}

// claimSegment is a piece of an answer and the sources it cites.
type claimSegment struct {
	text  string
	cited []int // source numbers; none: the sentence cites nothing
}

// segments cuts an answer into the pieces that citations close: each
// claim is attributed to the citation group that follows it in its
// sentence, or, after the last group of a sentence, to that group.
func segments(answer string) []claimSegment {
	var out []claimSegment
	for _, sentence := range splitOutsideQuotes(answer, sentenceEndRE) {
		groups := citeGroupRE.FindAllStringIndex(sentence, -1)
		if len(groups) == 0 {
			if strings.TrimSpace(sentence) != "" {
				out = append(out, claimSegment{text: sentence})
			}
			continue
		}
		prev := 0
		for i, g := range groups {
			end := g[1]
			if i == len(groups)-1 {
				end = len(sentence) // the rest of the sentence goes with the last group
			}
			var cited []int
			for _, m := range citeRE.FindAllStringSubmatch(sentence[g[0]:g[1]], -1) {
				n, _ := strconv.Atoi(m[1])
				cited = append(cited, n)
			}
			out = append(out, claimSegment{text: sentence[prev:end], cited: cited})
			prev = g[1]
		}
	}
	return out
}

// splitOutsideQuotes splits s after each match of re that is not inside a
// quotation (« … »): a quoted clause stays whole, with the citation that
// follows it.
func splitOutsideQuotes(s string, re *regexp.Regexp) []string {
	var out []string
	prev := 0
	for _, m := range re.FindAllStringIndex(s, -1) {
		if m[0] < prev || strings.Count(s[prev:m[0]], "«") > strings.Count(s[prev:m[0]], "»") {
			continue
		}
		out = append(out, s[prev:m[1]])
		prev = m[1]
	}
	return append(out, s[prev:])
}

// support is what a segment's claims may rest on: the text of the cited
// passages and the structured fields of the cited offers.
type support struct {
	text      string // folded
	words     string // normalize()d, between spaces
	numbers   map[string]bool
	durations map[string]bool
	dates     []offres.Date
	deadlines []offres.Date // the cited offers' structured deadlines
	communes  map[string]bool
	statuses  []offres.DeadlineStatus
}

func newSupport(srcs []Source, offers map[string]*offres.Offer, today offres.Date, undated int) *support {
	sp := &support{numbers: map[string]bool{}, durations: map[string]bool{}, communes: map[string]bool{}, dates: []offres.Date{today}}
	var b strings.Builder
	seen := map[string]bool{}
	for _, s := range srcs {
		b.WriteString(s.Title + "\n" + s.Section + "\n" + s.Text + "\n" + s.Status + "\n")
		o := offers[s.OfferID]
		if o == nil || seen[o.ID] {
			continue
		}
		seen[o.ID] = true
		sp.dates = append(sp.dates, o.Deadline, o.PublishedAt, o.StartDate)
		if !o.Deadline.IsZero() && !o.Deadline.MonthOnly() {
			sp.deadlines = append(sp.deadlines, o.Deadline)
		}
		if o.Location.Commune != "" {
			sp.communes[o.Location.Commune] = true
		}
		if o.ResidenceYears > 0 {
			sp.durations[fmt.Sprintf("%d an", o.ResidenceYears)] = true
		}
		st, _ := o.StatusAt(today, undated)
		sp.statuses = append(sp.statuses, st)
	}
	sp.text = foldClaims(b.String())
	sp.words = " " + normalize(b.String()) + " "
	for _, n := range claimNumberRE.FindAllString(sp.text, -1) {
		sp.numbers[digits(n)] = true
	}
	for _, d := range durations(sp.text) {
		sp.durations[d] = true
	}
	sp.dates = append(sp.dates, dates(sp.text)...)
	for _, c := range offres.Communes {
		if mentions(sp.words, c) {
			sp.communes[c.Name] = true
		}
	}
	return sp
}

// checkClaims verifies the dates, amounts, durations, communes and
// open-or-closed claims of an answer that passed checkCitations: each must
// agree with the passages its citation names and with the structured
// fields of their offers (a sentence without a citation: with those of
// every passage given). The deadline is the structured one: a date given
// as the deadline must be it, whatever an offer's body says.
func checkClaims(answer string, sources []Source, offers map[string]*offres.Offer, today offres.Date, undated int) error {
	byN := make(map[int]Source, len(sources))
	for _, s := range sources {
		byN[s.N] = s
	}
	for _, seg := range segments(answer) {
		var srcs []Source
		for _, n := range seg.cited {
			if s, ok := byN[n]; ok {
				srcs = append(srcs, s)
			}
		}
		all := len(srcs) == 0
		if all {
			srcs = sources
		}
		if err := checkSegment(seg.text, newSupport(srcs, offers, today, undated), all); err != nil {
			return err
		}
	}
	return nil
}

func checkSegment(text string, sp *support, all bool) error {
	folded := foldClaims(citeRE.ReplaceAllString(text, " "))
	for _, m := range claimAmountRE.FindAllStringSubmatch(folded, -1) {
		if !sp.numbers[digits(m[1])] {
			return &claimError{claimAmount, strings.TrimSpace(m[0])}
		}
	}
	for _, d := range durations(folded) {
		if !sp.durations[d] {
			return &claimError{claimDuration, d}
		}
	}
	claimed := dates(folded)
	for _, d := range claimed {
		if !containsDate(sp.dates, d) {
			return &claimError{claimDate, d.String()}
		}
	}
	if len(claimed) > 0 && len(sp.deadlines) > 0 && deadlineWordsRE.MatchString(folded) {
		ok := false
		for _, d := range claimed {
			ok = ok || containsDate(sp.deadlines, d)
		}
		if !ok {
			return &claimError{claimDate, claimed[0].String() + " (date limite)"}
		}
	}
	words := " " + normalize(text) + " "
	for _, c := range offres.Communes {
		if mentions(words, c) && !sp.communes[c.Name] {
			return &claimError{claimCommune, c.Name}
		}
	}
	return checkStatus(folded, sp, all)
}

// checkStatus verifies an open or closed claim: every cited offer must be
// so today (one of them, for a sentence that cites nothing); an offer
// without a deadline contradicts nothing.
func checkStatus(folded string, sp *support, all bool) error {
	var claimOpen, claimClosed bool
	switch {
	case saysClosedNegRE.MatchString(folded):
		claimClosed = true
	case saysOpenNegRE.MatchString(folded):
		claimOpen = true
	default:
		claimClosed = saysClosedRE.MatchString(folded)
		for _, m := range saysOpenRE.FindAllString(folded, -1) {
			if !strings.HasSuffix(m, " a") && !strings.HasSuffix(m, " aux") && !strings.HasSuffix(m, " au") && !strings.HasSuffix(m, " to") { // « ouvert aux titulaires », « open to »
				claimOpen = true
			}
		}
	}
	if !claimOpen && !claimClosed {
		return nil
	}
	agree, disagree := 0, 0
	for _, st := range sp.statuses {
		switch {
		case st == offres.StatusUnknown:
			agree++
		case st.Closed() == claimClosed && claimOpen != claimClosed: // expired counts as closed
			agree++
		default:
			disagree++
		}
	}
	if disagree > 0 && (!all || agree == 0) {
		claim := "ouverte"
		if claimClosed {
			claim = "clôturée"
		}
		return &claimError{claimStatus, claim}
	}
	return nil
}

// foldClaims lower-cases and folds s, spaces of any width as one kind.
func foldClaims(s string) string {
	s = strings.NewReplacer("\u00a0", " ", "\u202f", " ", "’", "'").Replace(s)
	return offres.Fold(strings.ToLower(s))
}

// digits keeps the digits of a number written with group separators.
func digits(n string) string {
	return strings.TrimLeft(strings.NewReplacer(" ", "", ".", "", ",", "").Replace(n), "0")
}

// durations returns the durations of a folded text, as « N unit ».
func durations(folded string) []string {
	var out []string
	for _, m := range claimDurationRE.FindAllStringSubmatch(folded, -1) {
		n := m[1]
		if w, ok := numberWords[n]; ok {
			n = strconv.Itoa(w)
		} else if w, ok := englishNumberWords[n]; ok {
			n = strconv.Itoa(w)
		}
		unit := strings.TrimSuffix(m[2], "s")
		switch unit {
		case "annee", "year":
			unit = "an"
		case "moi", "month":
			unit = "mois"
		case "week":
			unit = "semaine"
		case "day":
			unit = "jour"
		case "hour":
			unit = "heure"
		}
		out = append(out, strings.TrimLeft(n, "0")+" "+unit)
	}
	return out
}

var englishNumberWords = map[string]int{"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "seven": 7,
	"eight": 8, "nine": 9, "ten": 10, "twelve": 12}

// dates returns the dates of a folded text; Year is 0 when not written.
func dates(folded string) []offres.Date {
	var out []offres.Date
	for _, m := range claimDateRE.FindAllStringSubmatch(folded, -1) {
		d, _ := strconv.Atoi(m[1])
		y, _ := strconv.Atoi(m[3])
		out = append(out, offres.Date{Year: y, Month: frenchMonthIndex[m[2]], Day: d})
	}
	for _, m := range claimDateEnRE.FindAllStringSubmatch(folded, -1) {
		d, _ := strconv.Atoi(m[1])
		y, _ := strconv.Atoi(m[3])
		out = append(out, offres.Date{Year: y, Month: frenchMonthIndex[m[2]], Day: d})
	}
	for _, m := range claimDateEnUSRE.FindAllStringSubmatch(folded, -1) {
		d, _ := strconv.Atoi(m[2])
		y, _ := strconv.Atoi(m[3])
		out = append(out, offres.Date{Year: y, Month: frenchMonthIndex[m[1]], Day: d})
	}
	for _, m := range claimSlashRE.FindAllStringSubmatch(folded, -1) {
		d, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		y, _ := strconv.Atoi(m[3])
		out = append(out, offres.Date{Year: y, Month: time.Month(mo), Day: d})
	}
	for _, m := range claimISORE.FindAllStringSubmatch(folded, -1) {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		out = append(out, offres.Date{Year: y, Month: time.Month(mo), Day: d})
	}
	return out
}

// containsDate reports whether d is among ds, a missing year matching any.
func containsDate(ds []offres.Date, d offres.Date) bool {
	for _, x := range ds {
		if x.Day == d.Day && x.Month == d.Month && (d.Year == 0 || x.Year == 0 || x.Year == d.Year) && x.Day != 0 {
			return true
		}
	}
	return false
}

// mentions reports whether words (normalize()d, between spaces) name the
// commune c by one of its spellings.
func mentions(words string, c offres.Commune) bool {
	for _, s := range append([]string{c.Name}, c.Variants...) {
		if n := normalize(s); n != "" && strings.Contains(words, " "+n+" ") {
			return true
		}
	}
	return false
}
