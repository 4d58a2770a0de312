package rome

import (
	"slices"

	"offres/internal/offres"
)

// Thresholds of the occupations of offers and queries. An offer's title
// is written by an employer and usually names its job plainly; a query is
// a few words typed by a candidate, that may name a job or not (« métier en
// plein air », « travailler avec des enfants »): it must match an
// appellation nearly word for word to be taken for one.
const (
	// offerMinScore is the least score of a title match that gives an
	// offer its occupation.
	offerMinScore = 0.8
	// queryMinScore is the least score of a match that makes a query name
	// a job.
	queryMinScore = 0.9
	// tieMargin keeps, beside the best match, the codes of matches at most
	// this far below it: a title shared by two jobs gets both.
	tieMargin = 0.03
	// maxOccupations bounds the occupations of an offer or a query.
	maxOccupations = 3
)

// OfferOccupations returns the occupations of an offer: the historic code
// of code, when the source gives a known one, then those of the title's
// best matches, each once, at most three.
func (t *Taxonomy) OfferOccupations(title, code string) []offres.Occupation {
	var out []offres.Occupation
	if info, ok := t.Code(code); ok {
		parent, _ := t.Code(info.Parent)
		out = append(out, offres.Occupation{Code: parent.Code, Label: parent.Label})
	}
	return t.bestOccupations(out, t.NormalizeTitle(title), offerMinScore)
}

// QueryOccupations returns the occupations a search names, when its words
// are those of an appellation (« ripeur », « aide-soignante », « ATSEM »,
// « ingénieur d'études informatique »), nil otherwise.
func (t *Taxonomy) QueryOccupations(text string) []offres.Occupation {
	return t.bestOccupations(nil, t.NormalizeTitle(text), queryMinScore)
}

// Appellations returns every job title of the referential (its long label)
// with the historic code of its job, in the export's order.
func (t *Taxonomy) Appellations() []offres.Occupation {
	out := make([]offres.Occupation, len(t.appellations))
	for i, a := range t.appellations {
		out[i] = offres.Occupation{Code: t.parent(t.byCode[a.Code]), Label: a.Long}
	}
	return out
}

// Label returns the label of a code, "" when it is unknown.
func (t *Taxonomy) Label(code string) string {
	info, _ := t.Code(code)
	return info.Label
}

// bestOccupations adds to out the historic codes of the matches scoring at
// least minScore and within tieMargin of the best, each once.
func (t *Taxonomy) bestOccupations(out []offres.Occupation, ms []Match, minScore float64) []offres.Occupation {
	if len(ms) == 0 || ms[0].Score < minScore {
		return out
	}
	floor := max(minScore, ms[0].Score-tieMargin)
	for _, m := range ms {
		if len(out) == maxOccupations || m.Score < floor {
			break
		}
		if !slices.ContainsFunc(out, func(o offres.Occupation) bool { return o.Code == m.Code }) {
			out = append(out, offres.Occupation{Code: m.Code, Label: m.Label})
		}
	}
	return out
}
