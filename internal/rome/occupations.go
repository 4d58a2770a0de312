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
	// offerAgreedScore is the least score of a title match that gives an
	// offer with no other occupation that match's job when the offer's text
	// agrees: its family is among the agreedCandidates codes whose texts
	// the offer's is closest to (InferCodes).
	offerAgreedScore = 0.5
	agreedCandidates = 3
	// agreedTextBytes bounds the text read for the agreement: the start of
	// an offer says its job, the rest its conditions.
	agreedTextBytes = 4000
)

// OfferOccupations returns the occupations of an offer: those of the codes
// its source gives, when known — its ROME code, the code of its
// appellation (Place de l'emploi public's « Code_OGR ») — then those of its
// title's best matches (the detailed code of each appellation), each once,
// at most three. An offer left without any, whose title names its job less
// plainly (« Dératiseur » for « Dératiseur désinfecteur », « Conducteur de
// balayeuse permis C »), gets its title's best match when the offer's text
// agrees (offerAgreedScore): what a source without codes — the Province's
// own offers, emploi.gouv.nc — needs most.
func (t *Taxonomy) OfferOccupations(o *offres.Offer) []offres.Occupation {
	var out []offres.Occupation
	if oc, ok := t.occupation(o.RomeCode); ok {
		out = append(out, oc)
	}
	if j, ok := t.byApp[o.RomeAppellation]; ok {
		if oc, ok := t.occupation(t.appellations[j].Code); ok && !slices.ContainsFunc(out, func(x offres.Occupation) bool { return x.Code == oc.Code }) {
			out = append(out, oc)
		}
	}
	ms := t.NormalizeTitle(o.Title)
	out = t.bestOccupations(out, ms, offerMinScore)
	if len(out) > 0 || len(ms) == 0 || ms[0].Score < offerAgreedScore {
		return out
	}
	family := ms[0].Code
	text := o.FullText()
	if len(text) > agreedTextBytes {
		text = text[:agreedTextBytes] // a word cut in two is one word missed
	}
	for _, m := range t.InferCodes(o.Title+"\n"+text, agreedCandidates) {
		if m.Code == family {
			if oc, ok := t.occupation(ms[0].Specific); ok {
				out = append(out, oc)
			}
			break
		}
	}
	return out
}

// QueryOccupations returns the occupations a search names, when its words
// are those of an appellation (« ripeur », « aide-soignante », « ATSEM »,
// « ingénieur d'études informatique »), nil otherwise.
func (t *Taxonomy) QueryOccupations(text string) []offres.Occupation {
	return t.bestOccupations(nil, t.NormalizeTitle(text), queryMinScore)
}

// Appellations returns every job title of the referential (its long label)
// with the code of its job, in the export's order.
func (t *Taxonomy) Appellations() []offres.Occupation {
	out := make([]offres.Occupation, len(t.appellations))
	for i, a := range t.appellations {
		out[i] = offres.Occupation{Code: a.Code, Label: a.Long}
	}
	return out
}

// Label returns the label of a code, "" when it is unknown.
func (t *Taxonomy) Label(code string) string {
	info, _ := t.Code(code)
	return info.Label
}

// occupation returns the occupation of a code, historic or detailed.
func (t *Taxonomy) occupation(code string) (offres.Occupation, bool) {
	info, ok := t.Code(code)
	if !ok {
		return offres.Occupation{}, false
	}
	o := offres.Occupation{Code: info.Code, Label: info.Label}
	if info.Parent != info.Code {
		o.Family = info.Parent
	}
	return o, true
}

// bestOccupations adds to out the detailed codes of the matches scoring at
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
		if o, ok := t.occupation(m.Specific); ok && !slices.ContainsFunc(out, func(x offres.Occupation) bool { return x.Code == o.Code }) {
			out = append(out, o)
		}
	}
	return out
}

// Neighbours returns the codes of the jobs close to code: every code of its
// family (its historic code and the detailed ones under it) and of the
// families ROME's mobility leads to from it or from its family; nil when
// code is unknown. An offer of one of them is a job a candidate for code
// could take.
func (t *Taxonomy) Neighbours(code string) []string {
	info, ok := t.Code(code)
	if !ok {
		return nil
	}
	families := []string{info.Parent}
	mobility := info.Mobility
	if parent, ok := t.Code(info.Parent); ok && info.Parent != code {
		mobility = append(slices.Clone(mobility), parent.Mobility...)
	}
	for _, m := range mobility {
		if mi, ok := t.Code(m); ok && !slices.Contains(families, mi.Parent) {
			families = append(families, mi.Parent)
		}
	}
	var out []string
	for i, r := range t.codes {
		if slices.Contains(families, t.parent(i)) {
			out = append(out, r.Code)
		}
	}
	return out
}
