// Package analytics counts what the portal's visitors search for and what
// they open, without keeping anything about the visitors themselves.
//
// The widget reports two kinds of events: a search (its text and how many
// offers it found) and a click on a result (the search's text, the offer id
// and its rank). The store keeps, per day in Nouméa, the normalised text of
// each query with its numbers of searches, searches without result and
// clicks, and the number of clicks per offer id. Nothing else: no IP
// address, no session, cookie or user agent, no time finer than the day. A
// query that looks like personal data (an e-mail address, a phone, identity
// or bank number, a date of birth) is dropped before anything is counted,
// and so is a query longer than a search box's usual text.
//
// Counts live in memory and are written to a JSON snapshot (atomically, at
// an interval and at Close), so a crash loses at most the last interval.
package analytics

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"offres/internal/offres"
)

// Event types.
const (
	TypeSearch = "search"
	TypeClick  = "click"
)

// Bounds of an event.
const (
	// MaxQueryLen bounds the query an event may carry (the search API's own
	// bound); longer is invalid.
	MaxQueryLen = offres.MaxQueryLen
	// MaxKeptQueryLen bounds the queries that are counted: a longer one is
	// more likely pasted text than a search, and is dropped.
	MaxKeptQueryLen = 100
	// MaxResults bounds the result count of a search event.
	MaxResults = 1_000_000
	// MaxPosition bounds the rank of a clicked result (page × size).
	MaxPosition = offres.MaxPage * offres.MaxPageSize
)

// Event is one report of the widget.
type Event struct {
	// Type is TypeSearch or TypeClick.
	Type string `json:"type"`
	// Query is the search's text, as typed.
	Query string `json:"query"`
	// Results is the number of offers a search found (search events).
	Results int `json:"results"`
	// OfferID is the offer clicked (click events).
	OfferID string `json:"offer_id,omitempty"`
	// Position is the 1-based rank of the clicked offer (click events).
	Position int `json:"position,omitempty"`
}

// Validate checks an event's shape; its messages are in French, for the
// developers of portals.
func (e Event) Validate() error {
	if !utf8.ValidString(e.Query) || utf8.RuneCountInString(e.Query) > MaxQueryLen {
		return offres.Invalidf("query : texte invalide ou de plus de %d caractères", MaxQueryLen)
	}
	switch e.Type {
	case TypeSearch:
		if strings.TrimSpace(e.Query) == "" {
			return offres.Invalidf("une recherche (type search) doit avoir une query")
		}
		if e.Results < 0 || e.Results > MaxResults {
			return offres.Invalidf("results doit être compris entre 0 et %d", MaxResults)
		}
		if e.OfferID != "" || e.Position != 0 {
			return offres.Invalidf("une recherche (type search) n'a ni offer_id ni position")
		}
	case TypeClick:
		if e.OfferID == "" || len(e.OfferID) > offres.MaxIDLen || !utf8.ValidString(e.OfferID) {
			return offres.Invalidf("un clic (type click) doit avoir un offer_id valide")
		}
		if e.Position < 1 || e.Position > MaxPosition {
			return offres.Invalidf("position doit être comprise entre 1 et %d", MaxPosition)
		}
		if e.Results != 0 {
			return offres.Invalidf("un clic (type click) n'a pas de results")
		}
	default:
		return offres.Invalidf("type d'événement inconnu %q : search ou click", e.Type)
	}
	return nil
}

// Normalize returns the form of a query that is counted (lower case, runs
// of spaces reduced to one) and the key it is counted under (accents and
// punctuation folded: « Nouméa » and « noumea » are one query). ok is false
// when the query is to be dropped: empty, too long, or personal-looking.
// Both forms are stored, so both are checked: the key turns any punctuation
// into spaces, and « 27,12!34 » becomes the phone number « 27 12 34 ».
func Normalize(q string) (text, key string, ok bool) {
	text = strings.Join(strings.Fields(strings.ToLower(q)), " ")
	if text == "" || utf8.RuneCountInString(text) > MaxKeptQueryLen || LooksPersonal(text) {
		return "", "", false
	}
	key = offres.FoldKey(text)
	if key == "" || LooksPersonal(key) {
		return "", "", false
	}
	return text, key, true
}

var (
	// A run of digits with spaces, dots, dashes or slashes between them.
	digitRun = regexp.MustCompile(`\d(?:[ .\-/]?\d)*`)
	// A full date, such as a date of birth: 12/05/1987, 12.05.87.
	fullDate = regexp.MustCompile(`(?:^|\D)\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{2}|\d{4})(?:\D|$)`)
)

// LooksPersonal reports whether a query looks like it carries personal
// data rather than a job search: an e-mail address (any « @ »), a phone
// number (« 27 12 34 », « 06.12.34.56.78 », « +687 … », six digits or more
// in a row), an identity or bank number (fifteen digits or more), a full
// date. Offer references (« 3134-25-0308/SR », « PS-2026-0655 ») are kept:
// their groups have four digits. Names cannot be recognised this way; the
// report shows only counts, and the store keeps only the text.
func LooksPersonal(q string) bool {
	if strings.Contains(q, "@") || fullDate.MatchString(q) {
		return true
	}
	total := 0
	for _, run := range digitRun.FindAllString(q, -1) {
		groups := strings.FieldsFunc(run, func(r rune) bool { return r < '0' || r > '9' })
		digits := 0
		// Phone and identity numbers are written in groups of 1 to 3
		// digits, some of 2 (« 27 12 34 », « 1 85 05 78 006 084 »);
		// amounts in groups of 3 (« 300 000 »).
		short, pairs := true, false
		for _, g := range groups {
			digits += len(g)
			if len(g) > 3 {
				short = false
			}
			if len(g) == 2 {
				pairs = true
			}
			if len(g) >= 6 {
				return true
			}
		}
		total += digits
		if len(groups) >= 2 && short && pairs && digits >= 6 {
			return true
		}
	}
	return total >= 15
}
