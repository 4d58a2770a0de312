package indexer

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"offres/internal/offres"
)

// monthNames lists, for each month, its folded French name and usual
// abbreviations.
var monthNames = [12][]string{
	{"janvier", "janv", "jan"},
	{"fevrier", "fevr", "fev"},
	{"mars"},
	{"avril", "avr"},
	{"mai"},
	{"juin"},
	{"juillet", "juil"},
	{"aout"},
	{"septembre", "sept", "sep"},
	{"octobre", "oct"},
	{"novembre", "nov"},
	{"decembre", "dec"},
}

// monthOf returns the month a folded name or abbreviation names.
func monthOf(name string) time.Month {
	for i, names := range monthNames {
		if slices.Contains(names, name) {
			return time.Month(i + 1)
		}
	}
	return 0
}

var monthPattern = func() string {
	var all []string
	for _, names := range monthNames {
		all = append(all, names...)
	}
	return strings.Join(all, "|")
}()

// frenchDateRE matches, on folded text, the date forms met in postings. The
// alternatives are tried left to right at each position, so a full date wins
// over the month-only form that it contains.
var frenchDateRE = regexp.MustCompile(
	`\b(\d{4})-(\d{1,2})-(\d{1,2})(?:t|\b)` + // 1-3: 2025-03-07, 2025-03-07T10:00
		`|\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})\b` + // 4-6: 07/03/2025, 7/3/25
		`|\b(\d{1,2})(?:er)?` + space + `(` + monthPattern + `)\.?` + space + `(\d{4})\b` + // 7-9: 1er mars 2025
		`|\b(` + monthPattern + `)\.?` + space + `(\d{4})\b`) // 10-11: mai 2025

// space matches spaces, including the no-break spaces of French typography.
const space = `[\s\x{00a0}\x{202f}]+`

// ParseFrenchDate finds the first date in s, in the forms French postings
// use: « vendredi 14 février 2025 », « 14 fevrier 2025 », « 1er mars 2025 »,
// « 07/03/2025 », « 7/3/25 », « 2025-03-07 », or a month alone
// (« Mai 2025 », giving a month-only Date). Candidates that do not exist in
// the calendar (« 31/02/2025 ») are skipped. It reports false when s holds
// no date, e.g. « dès que possible ».
func ParseFrenchDate(s string) (offres.Date, bool) {
	for _, m := range frenchDateRE.FindAllStringSubmatch(offres.Fold(s), -1) {
		if d, ok := dateOfMatch(m); ok {
			return d, true
		}
	}
	return offres.Date{}, false
}

func dateOfMatch(m []string) (offres.Date, bool) {
	var d offres.Date
	switch {
	case m[1] != "":
		d = offres.Date{Year: atoi(m[1]), Month: time.Month(atoi(m[2])), Day: atoi(m[3])}
	case m[4] != "":
		d = offres.Date{Year: fullYear(m[6]), Month: time.Month(atoi(m[5])), Day: atoi(m[4])}
	case m[7] != "":
		d = offres.Date{Year: atoi(m[9]), Month: monthOf(m[8]), Day: atoi(m[7])}
	default:
		d = offres.Date{Year: atoi(m[11]), Month: monthOf(m[10])}
	}
	// A day of 0 would read as month-only: « 0 mars 2025 » is no date.
	if m[10] == "" && d.Day == 0 {
		return offres.Date{}, false
	}
	if d.Validate() != nil {
		return offres.Date{}, false
	}
	return d, true
}

// fullYear reads a 4-digit year, or a 2-digit one as 20YY.
func fullYear(s string) int {
	y := atoi(s)
	if len(s) == 2 {
		y += 2000
	}
	return y
}

// atoi reads a short run of ASCII digits already matched by a pattern.
func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
