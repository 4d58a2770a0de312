package assistant

import (
	"context"
	"errors"
	"slices"
	"strings"

	"offres/internal/offres"
	"offres/search"
)

// connectors separate the offers a comparison names (« entre le
// développeur web et l'administrateur »).
var connectors = set("et", "ou", "and", "or", "vs", "versus", "contre")

// retrieveCompared finds the offers a comparison names: the references it
// quotes, else one offer for each of two groups of its words, split at a
// run boundary or a connector (the first split whose both sides name an
// offer). ok is false when it finds fewer than two.
func (a *Assistant) retrieveCompared(ctx context.Context, q Question) ([]found, bool, error) {
	refs := q.References
	for _, w := range strings.Fields(q.Subject) {
		if len(w) >= 5 && strings.Trim(w, "0123456789") == "" {
			refs = append(refs, w) // an id of digits only, quoted without « offre »
		}
	}
	if len(refs) >= 2 {
		var out []found
		for _, ref := range refs {
			o, err := a.catalog.Get(ctx, ref)
			if errors.Is(err, offres.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, false, err
			}
			out = append(out, found{offer: o})
		}
		return out, len(out) >= 2, nil
	}
	segments := comparisonSegments(q.Runs)
	for k := 1; k < len(segments); k++ {
		left, err := a.namedOffer(ctx, strings.Join(segments[:k], " "), nil)
		if err != nil || left == nil {
			if err != nil {
				return nil, false, err
			}
			continue
		}
		right, err := a.namedOffer(ctx, strings.Join(segments[k:], " "), nil)
		if err != nil {
			return nil, false, err
		}
		if right != nil && right.offer.ID != left.offer.ID {
			return []found{*left, *right}, true, nil
		}
	}
	return nil, false, nil
}

// comparisonSegments splits the runs of a subject at its connectors.
func comparisonSegments(runs []string) []string {
	var out []string
	for _, run := range runs {
		var cur []string
		for _, word := range strings.Fields(run) {
			if connectors[foldKey(word)] {
				if len(cur) > 0 {
					out = append(out, strings.Join(cur, " "))
				}
				cur = nil
				continue
			}
			cur = append(cur, word)
		}
		if len(cur) > 0 {
			out = append(out, strings.Join(cur, " "))
		}
	}
	return out
}

// namedOffer returns the offer a subject names (the first keyword hit whose
// title, employer… have its words), or nil.
func (a *Assistant) namedOffer(ctx context.Context, subject string, filters map[string][]string) (*found, error) {
	named, err := a.namedOffers(ctx, subject, subject, filters, 5, 1)
	if err != nil || len(named) == 0 {
		return nil, err
	}
	return &named[0], nil
}

// namedOffers returns, of the first n offers a keyword search for text
// finds (closed ones too), at most most that subject names (covers).
func (a *Assistant) namedOffers(ctx context.Context, text, subject string, filters map[string][]string, n, most int) ([]found, error) {
	res, err := a.search.Search(ctx, search.Request{Text: text, Filters: filters, Limit: n, IncludeClosed: true, Mode: offres.ModeKeyword})
	if err != nil {
		return nil, err
	}
	var out []found
	for _, h := range res.Hits {
		o, err := a.catalog.Get(ctx, h.ID)
		if errors.Is(err, offres.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if covers(&o, subject) {
			if out = append(out, found{offer: o, passage: h.Passage}); len(out) == most {
				break
			}
		}
	}
	return out, nil
}

// extractComparison answers a comparison: what each offer states of the
// value asked (the pay by default), then which offers state it, and for
// deadlines which closes first.
func (a *Assistant) extractComparison(w *writer, q Question, offers []found, today offres.Date) extracted {
	intent := q.Intent
	if intent == IntentOther || intent == IntentList {
		intent = IntentSalary
	}
	w.comparing = true
	var stating []string
	for i := range offers {
		o := &offers[i].offer
		if i > 0 {
			w.printf("\n")
		}
		w.printf("- ")
		a.answerAbout(w, intent, q.Asked, o, offers[i].passage, today)
		if states(o, intent) {
			stating = append(stating, "« "+o.Title+" »")
		}
	}
	w.printf("\n")
	w.comparing = false
	switch {
	case intent == IntentDeadline:
		a.firstToClose(w, offers)
	case len(stating) == 0:
		w.say("%s Aucune des offres comparées ne le précise : elles ne peuvent pas être comparées sur ce point.",
			"%s None of the offers compared states it: they cannot be compared on this point.", w.refusal())
	case len(stating) < len(offers):
		w.say("Seule l'offre %s le précise ; les autres ne le précisent pas.", "Only the offer %s states it; the others do not.", strings.Join(stating, ", "))
	default:
		w.say("Toutes les offres comparées le précisent : comparez les clauses citées.", "Every offer compared states it: compare the clauses quoted.")
	}
	return w.done()
}

// states reports whether the offer states what intent asks.
func states(o *offres.Offer, intent Intent) bool {
	switch intent {
	case IntentDeadline:
		return !o.Deadline.IsZero()
	case IntentEmployer:
		return strings.TrimSpace(o.Employer) != ""
	case IntentSalary:
		for _, s := range o.Sections {
			if s.Kind == offres.SectionRemuneration && strings.TrimSpace(s.Text) != "" {
				return true
			}
		}
		_, _, ok := matchingSentence(o, salaryRE, offres.SectionRemuneration)
		return ok
	}
	if c, ok := clauseKinds[intent]; ok {
		return len(findClauses(o, c)) > 0
	}
	return true
}

// firstToClose says which of the offers closes first.
func (a *Assistant) firstToClose(w *writer, offers []found) {
	var dated []*offres.Offer
	for i := range offers {
		if !offers[i].offer.Deadline.IsZero() {
			dated = append(dated, &offers[i].offer)
		}
	}
	if len(dated) == 0 {
		w.say("Aucune des offres comparées ne donne de date limite.", "None of the offers compared gives a deadline.")
		return
	}
	first := slices.MinFunc(dated, func(x, y *offres.Offer) int { return x.Deadline.Compare(y.Deadline) })
	w.say("L'offre qui ferme le plus tôt est « %s », le %s.", "The offer that closes first is « %s », on %s.", first.Title, w.date(first.Deadline))
}
