// Deadline filters: time spans and statuses.

package assistant

import (
	"strconv"
	"strings"
	"sync"
	"time"

	"offres/internal/offres"
)

type span int

const (
	spanDays     span = iota // « dans les 15 jours »: a number of days
	spanSoon                 // « bientôt »: closing_soon, no day count
	spanWeek                 // « cette semaine »: 7 days
	spanMonth                // « ce mois-ci »: the days left in the month
	spanTomorrow             // « demain »: 1 day
	spanTwoWeeks             // « la semaine prochaine »: 14 days
	spanDate                 // « avant le 31 décembre », « avant Noël »: the days until that date
)

// spanNames are the sections of words/deadline.txt of each time span.
var spanNames = map[span]string{spanSoon: "soon", spanWeek: "week", spanMonth: "month", spanTomorrow: "tomorrow",
	spanTwoWeeks: "two_weeks"}

var timeExprs = sync.OnceValue(func() *matcher[span] {
	m := newMatcher[span](nil)
	for _, s := range []span{spanSoon, spanWeek, spanMonth, spanTomorrow, spanTwoWeeks} {
		m.add(s, words("deadline.txt", spanNames[s])...)
	}
	return m
})

// closingCues are the words that make a time expression about the deadline
// (« qui ferment cette semaine », « date limite proche »).
var closingCues = sync.OnceValue(func() *matcher[bool] {
	return newMatcher[bool](nil).add(true, words("deadline.txt", "closing_cues")...)
})

// statusPhrases say which offers to keep without a time span. Plural forms
// only: a singular (« l'offre est-elle encore ouverte ? ») asks the deadline
// of one offer.
var statusPhrases = sync.OnceValue(func() *matcher[[]string] {
	return newMatcher[[]string](nil).
		add([]string{string(offres.StatusClosed)}, words("deadline.txt", "status_closed")...).
		add([]string{string(offres.StatusOpen), string(offres.StatusClosingSoon)}, words("deadline.txt", "status_open")...).
		add([]string{string(offres.StatusClosingSoon)}, words("deadline.txt", "status_closing_soon")...)
})

var numberWords = map[string]int{"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5,
	"six": 6, "sept": 7, "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "quinze": 15, "vingt": 20, "trente": 30}

// numericSpan reads « dans les 15 prochains jours », « sous 2 semaines »,
// « d'ici 10 jours » at i: the number of days and the tokens read.
func (p *parser) numericSpan(i int) (days, n int) {
	toks := p.toks
	j := i
	free := func(j int) bool { return j < len(toks) && toks[j].free() && !toks[j].quoted }
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

// dateSpan reads « avant le 31 décembre », « d'ici le 15 janvier 2027 »,
// « avant Noël », « avant la fin de l'année », « avant fin janvier » at i:
// the days from today to that date (its next occurrence when no year is
// given; « avant » leaves the date itself out), and the tokens read; n is 0 when there is no such date, or no
// today to count from.
func (p *parser) dateSpan(i int) (days, n int) {
	toks := p.toks
	key := func(j int) string {
		if j < len(toks) && toks[j].free() && !toks[j].quoted {
			return toks[j].key
		}
		return ""
	}
	j, before := i, 0
	switch {
	case key(j) == "avant":
		j, before = j+1, 1 // before that day: the day before is the last
	case key(j) == "d'" && key(j+1) == "ici":
		j += 2
	default:
		return 0, 0
	}
	if p.today.IsZero() || p.today.Day == 0 {
		return 0, 0
	}
	today := time.Date(p.today.Year, p.today.Month, p.today.Day, 0, 0, 0, 0, time.UTC)
	year := today.Year()
	var end time.Time
	switch {
	case key(j) == "noel":
		end, j = time.Date(year, time.December, 25, 0, 0, 0, 0, time.UTC), j+1
	case key(j) == "la" && key(j+1) == "fin" && key(j+2) == "de" && key(j+3) == "l'" && key(j+4) == "annee":
		end, j = time.Date(year, time.December, 31, 0, 0, 0, 0, time.UTC), j+5
	case key(j) == "fin" && frenchMonthIndex[key(j+1)] != 0:
		end, j = time.Date(year, frenchMonthIndex[key(j+1)]+1, 0, 0, 0, 0, 0, time.UTC), j+2
	default:
		if key(j) == "le" {
			j++
		}
		day, err := strconv.Atoi(strings.TrimSuffix(key(j), "er"))
		month := frenchMonthIndex[key(j+1)]
		if err != nil || day < 1 || day > 31 || month == 0 {
			return 0, 0
		}
		end, j = time.Date(year, month, day, 0, 0, 0, 0, time.UTC), j+2
		if y, err := strconv.Atoi(key(j)); err == nil && y >= year && y <= year+5 {
			end, j = time.Date(y, month, day, 0, 0, 0, 0, time.UTC), j+1
		}
	}
	if end.Before(today) {
		end = end.AddDate(1, 0, 0) // « avant Noël » on 28 December: next year's
	}
	days = int(end.Sub(today).Hours()/24) - before
	if days < 1 || days > 366*5 {
		return 0, 0
	}
	return days, j - i
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
		if d, n := p.dateSpan(i); n > 0 {
			timeAt, timeLen, days, kind = i, n, d, spanDate
			break
		}
		if ph, ok := timeExprs().at(p.toks, i, nil); ok {
			if p.superlative(i, ph.val) {
				p.mark(i-1, i+len(ph.keys), tagIntent) // part of the comparison, not of the subject
				continue
			}
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
			if ph, ok := closingCues().at(p.toks, i, nil); ok {
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
		if ph, ok := statusPhrases().at(p.toks, i, func(ph phrase[[]string], i int) bool {
			return !p.openTo(i+len(ph.keys)) && !p.first(i+len(ph.keys))
		}); ok {
			p.mark(i, i+len(ph.keys), offres.FacetDeadline)
			p.addFilter(offres.FacetDeadline, ph.val...)
			return
		}
	}
}

// superlative reports whether a « soon » word at i is a superlative
// (« la date limite la plus proche », « le plus proche »): it compares
// deadlines, it does not bound them.
func (p *parser) superlative(i int, s span) bool {
	return s == spanSoon && i > 0 && p.toks[i-1].key == "plus"
}

// openTo reports whether the token at i makes « ouvert » mean « open to
// someone » (« ouvert aux contractuels »): a free « à », « au » or « aux »
// (« ouvertes à Nouméa » has its « à » taken by the commune).
func (p *parser) openTo(i int) bool {
	return i < len(p.toks) && p.toks[i].free() && openToWords[p.toks[i].key]
}

var openToWords = set("a", "aux", "au", "to")

// first reports whether the token at i makes a status word a comparison of
// deadlines (« which closes first », « closes earliest »), not a status.
func (p *parser) first(i int) bool {
	return i < len(p.toks) && firstWords[p.toks[i].key]
}

var firstWords = set("first", "earliest", "premier", "premiere")
