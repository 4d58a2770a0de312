package fulltext

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search/query"

	"offres/internal/offres"
)

// Relevance tuning. The field boosts are in textFields.
const (
	// fuzzyWeight scales the typo-tolerant variants of a term, further
	// divided by 1 + their edit distance; an exact match also matches the
	// variant at distance 0, so exact matches outrank fuzzy ones.
	fuzzyWeight = 0.5
	// synonymWeight scales the lexicon alternatives we add ourselves, as
	// bleve halves the boost of its own synonym matches.
	synonymWeight = 0.5
	// allTermsBoost weighs the clause that requires every term, so that
	// offers matching all the terms rank above those matching some.
	allTermsBoost = 1.0
	// titleTermsBoost weighs the clause that requires every term in the
	// title: "technicien réseaux" puts "Technicien réseaux et télécoms"
	// above an "Administrateur réseaux" of the technicien cadre.
	titleTermsBoost = 1.0
	// romeBoost weighs the clause of the occupations a query names, so
	// that an offer of the job outranks one that merely has the words.
	romeBoost = 6.0
	// romeFamilyBoost weighs the clause of the families of those
	// occupations (neighbouring jobs).
	romeFamilyBoost = 2.0
	// idBoost makes an exact reference search put the offer first.
	idBoost = 100.0
	// maxQueryTerms bounds the terms of a query (offres.MaxQueryLen bounds
	// its length already); further terms are ignored.
	maxQueryTerms = 24
	// fuzzyBelowDocs: a term gets fuzzy variants when it occurs in fewer
	// offers than this.
	fuzzyBelowDocs = 3
	// maxFuzzyTerms bounds the fuzzy variants of a term, per field.
	maxFuzzyTerms = 16
)

// fuzziness returns the edit distance tolerated for a term of n runes: none
// under 5, 1 from 5, 2 from 9.
func fuzziness(n int) int {
	switch {
	case n >= 9:
		return 2
	case n >= 5:
		return 1
	}
	return 0
}

// queryTerm is one distinct analyzed term of the user's text.
type queryTerm struct {
	term string
	// fuzziness is that of the shorter of the word as typed and its stem:
	// "infirmeir" (9 runes, stem "infirmei") gets 1, which finds "infirmier"
	// (stem "infirmi") without letting "infirmier" reach "information"
	// (stem "inform", two edits away).
	fuzziness int
}

// analyzeQuery returns the distinct analyzed terms of text, in order.
func (ix *Index) analyzeQuery(text string) []queryTerm {
	var terms []queryTerm
	for _, tok := range ix.analyzer.Analyze([]byte(text)) {
		t := string(tok.Term)
		if slices.ContainsFunc(terms, func(q queryTerm) bool { return q.term == t }) {
			continue
		}
		word := text[tok.Start:tok.End]
		if i := strings.LastIndexAny(word, "'’"); i >= 0 { // elided article
			word = word[i+1:]
		}
		n := min(utf8.RuneCountInString(word), utf8.RuneCountInString(t))
		terms = append(terms, queryTerm{term: t, fuzziness: fuzziness(n)})
		if len(terms) == maxQueryTerms {
			break
		}
	}
	return terms
}

// termIndex is what textQuery asks of the index.
type termIndex interface {
	// docFreq tells in how many offers a term occurs, in any text field.
	docFreq(term string) uint64
	// fuzzy returns the terms of the text fields within fuzziness edits of
	// term, closest first, at most maxFuzzyTerms per field; term itself
	// comes first in each field, even when the field does not have it, for
	// bleve to expand its synonyms.
	fuzzy(term string, fuzziness int) []fuzzyTerm
}

// fuzzyTerm is a term of the index close to a query term.
type fuzzyTerm struct {
	field, term string
	distance    int
}

// textQueries are the two readings of the user's text.
type textQueries struct {
	// all requires every term (each with its fuzzy variants and lexicon
	// alternatives): what a search box is expected to do.
	all query.Query
	// any requires one term, the offers matching more ranking first: the
	// fallback when no offer has all the terms. Nil when it would not
	// differ from all.
	any query.Query
}

// textQuery builds the scoring queries of the user's text, or returns nil
// queries when the text has no searchable term. The text is analyzed, never
// parsed: no character has a special meaning.
//
// Each term becomes a clause: the term over the text fields, boosted by
// field, with its fuzzy variants when fuzzy and the term is rare in the
// index (a term found in many offers is no typo, and fuzzy matching is the
// most expensive part of a search). A lexicon member found in the text
// (« IDE », « infirmier diplômé d'État ») replaces the clauses of its terms
// by the disjunction of those clauses and of its multi-word alternatives
// (see synonyms.go).
//
// The all query is the conjunction of these clauses, plus, as a should
// clause, every term in the title. The any query is their disjunction
// (bleve scales a disjunction by the share of clauses that match), plus the
// conjunction of the clauses and the title clause, so that offers matching
// every term rank first. Both accept the exact reference: the offer whose
// id is the text comes first.
//
// A query that names a job (job: the ROME occupations it names are known)
// is looked for in the titles only: an offer of another job whose text
// mentions it (« travail en équipe avec les infirmiers ») is no match of
// « infirmier »; the offers of the job are found by their occupation
// (withOccupations) and by their titles.
func (ix *Index) textQuery(text string, fuzzy, job bool, idx termIndex) textQueries {
	if job {
		return ix.textQueryOver(text, false, textFields[:1], textFields[:1], idx)
	}
	return ix.textQueryOver(text, fuzzy, textFields, shortFields, idx)
}

// textQueryOver is textQuery over fields, the lexicon's alternatives over
// altFields.
func (ix *Index) textQueryOver(text string, fuzzy bool, fields, altFields []textField, idx termIndex) textQueries {
	terms := ix.analyzeQuery(text)
	strs := make([]string, len(terms))
	for i, t := range terms {
		strs[i] = t.term
	}

	clauses := make([]query.Query, 0, len(terms))
	for _, t := range terms {
		exact := fieldsQuery(fields, func(field string) query.Query {
			q := query.NewTermQuery(t.term)
			q.SetField(field)
			return q
		}, 1)
		f := t.fuzziness
		if !fuzzy || f == 0 || idx.docFreq(t.term) >= fuzzyBelowDocs {
			clauses = append(clauses, exact)
			continue
		}
		clauses = append(clauses, fuzzyQuery(exact, idx.fuzzy(t.term, f)))
	}
	expansions := ix.thes.expand(strs, queryWords(text))

	var title query.Query
	if len(terms) > 1 {
		inTitle := make([]query.Query, len(terms))
		for i, t := range terms {
			tq := query.NewTermQuery(t.term)
			tq.SetField(fieldTitle)
			inTitle[i] = tq
		}
		c := query.NewConjunctionQuery(inTitle)
		c.SetBoost(titleTermsBoost)
		title = c
	}

	var out textQueries
	if parts := allParts(clauses, expansions, altFields); len(parts) > 0 {
		var all query.Query = query.NewConjunctionQuery(parts)
		if len(parts) == 1 {
			all = parts[0]
		}
		if title != nil {
			bq := &query.BooleanQuery{Must: all, Should: query.NewDisjunctionQuery([]query.Query{title})}
			all = bq
		}
		out.all = all
	}
	if len(clauses) > 1 || (len(clauses) == 1 && len(expansions) > 0 && out.all == nil) {
		anyParts := slices.Clip(clauses)
		if len(clauses) > 1 {
			conj := query.NewConjunctionQuery(clauses)
			conj.SetBoost(allTermsBoost)
			anyParts = append(anyParts, conj, title)
		}
		for _, e := range expansions {
			anyParts = append(anyParts, alternativesQuery(e, altFields))
		}
		out.any = disjunction(anyParts)
	}
	if key := offres.FoldKey(text); key != "" && len(key) <= offres.MaxIDLen {
		withID := func(q query.Query) query.Query {
			if q == nil {
				return nil
			}
			id := query.NewTermQuery(key)
			id.SetField(fieldIDKey)
			id.SetBoost(idBoost)
			return query.NewDisjunctionQuery([]query.Query{id, q})
		}
		out.all, out.any = withID(out.all), withID(out.any)
	}
	return out
}

// ranking returns the query that ranks the offers, and the one the exact
// matches answer (nil when it is the same): offers are ranked as BM25 ranks
// them over the terms, the offers with every term first (the any reading,
// which boosts them), so that an offer with most of the words of a long
// query is not lost; those with every term (or the job the query names) are
// the exact matches.
func (t textQueries) ranking() (rank, strict query.Query) {
	switch {
	case t.any == nil:
		return t.all, nil
	case t.all == nil:
		return t.any, query.NewMatchNoneQuery()
	}
	return t.any, t.all
}

// withOccupations adds the occupations a query names (ROME codes) and
// their families (historic codes): an offer of the job matches even without
// the words (« éboueuse » finds « Ripeur ») and is an exact match, whether
// the offer is coded with the detailed code or only with its family; an
// offer of a neighbouring job of the family ranks above one with the words
// alone, without being an exact match.
func (t textQueries) withOccupations(codes, families []string) textQueries {
	if len(codes) == 0 {
		return t
	}
	terms := func(field string, values []string, boost float64) query.Query {
		// The boost goes on each term: bleve (v2.6) ignores the boost of
		// a disjunction or a conjunction.
		qs := make([]query.Query, len(values))
		for i, v := range values {
			tq := query.NewTermQuery(offres.FoldKey(v))
			tq.SetField(field)
			tq.SetBoost(boost)
			qs[i] = tq
		}
		return query.NewDisjunctionQuery(qs)
	}
	job := terms(fieldRomeKey, append(slices.Clone(codes), families...), romeBoost)
	or := func(qs ...query.Query) query.Query {
		qs = slices.DeleteFunc(qs, func(q query.Query) bool { return q == nil })
		return disjunction(qs)
	}
	all := t.all
	t.all = or(all, job)
	if len(families) > 0 {
		family := terms(fieldRomeFamily, families, romeFamilyBoost)
		if t.any == nil {
			t.any = or(all, job, family)
		} else {
			t.any = or(t.any, job, family)
		}
	} else if t.any != nil {
		t.any = or(t.any, job)
	}
	return t
}

// allParts returns the required clauses of the all query: the term clauses,
// those of the terms a lexicon member covers joined with the member's
// alternatives over altFields (the longest members first; a member
// overlapping one already placed is left to the any query), and the
// acronyms found among the raw words.
//
// The words of a member of several terms may be anywhere in an offer, but
// an everyday expression (the input of a one-way group: « travailler avec
// des enfants ») matches as itself or an alternative, phrases over
// altFields: its words scattered in a text mean something else
// (« travailler » in the missions, « garde d'enfants » in a temporary-work
// agency's benefits), and the body, indexed without positions, cannot tell
// a phrase.
func allParts(clauses []query.Query, expansions []expansion, altFields []textField) []query.Query {
	type span struct{ start, n int }
	alts := map[span][]query.Query{}
	expressions := map[span]bool{}
	var spans []span
	var parts []query.Query
	for _, e := range expansions {
		if e.n == 0 {
			parts = append(parts, alternativesQuery(e, altFields))
			continue
		}
		sp := span{e.start, e.n}
		if _, ok := alts[sp]; !ok {
			spans = append(spans, sp)
		}
		alts[sp] = append(alts[sp], alternativesQuery(e, altFields))
		if e.n > 1 && !e.self.target {
			expressions[sp] = true
		}
	}
	slices.SortStableFunc(spans, func(a, b span) int { return b.n - a.n })
	covered := make([]bool, len(clauses))
	at := map[int]query.Query{}
	for _, sp := range spans {
		if slices.Contains(covered[sp.start:sp.start+sp.n], true) {
			continue
		}
		for i := sp.start; i < sp.start+sp.n; i++ {
			covered[i] = true
		}
		var words []query.Query
		switch {
		case expressions[sp]:
		case sp.n > 1:
			words = []query.Query{query.NewConjunctionQuery(slices.Clone(clauses[sp.start : sp.start+sp.n]))}
		default:
			words = []query.Query{clauses[sp.start]}
		}
		at[sp.start] = query.NewDisjunctionQuery(append(words, alts[sp]...))
	}
	for i := range clauses {
		if q, ok := at[i]; ok {
			parts = append(parts, q)
		} else if !covered[i] {
			parts = append(parts, clauses[i])
		}
	}
	return parts
}

// fuzzyQuery returns the disjunction of exact and of the fuzzy variants of
// its term, each weighted by fuzzyWeight / (1 + its edit distance), as
// bleve's fuzzy queries do. The variants are found once per search and
// searched as terms: a bleve fuzzy query builds its Levenshtein automaton
// again wherever it appears in the query tree, and again to look up
// synonyms; that was half the time of a search with a typo.
func fuzzyQuery(exact query.Query, variants []fuzzyTerm) query.Query {
	if len(variants) == 0 {
		return exact
	}
	boost := make(map[string]float64, len(textFields))
	for _, f := range textFields {
		boost[f.name] = f.boost
	}
	qs := make([]query.Query, 0, len(variants))
	for _, v := range variants {
		q := query.NewTermQuery(v.term)
		q.SetField(v.field)
		q.SetBoost(boost[v.field] * fuzzyWeight / float64(1+v.distance))
		qs = append(qs, q)
	}
	return query.NewDisjunctionQuery([]query.Query{exact, query.NewDisjunctionQuery(qs)})
}

// fieldsQuery returns the disjunction of one query per field of fields,
// each boosted by its field's boost times weight.
func fieldsQuery(fields []textField, build func(field string) query.Query, weight float64) query.Query {
	qs := make([]query.Query, len(fields))
	for i, f := range fields {
		q := build(f.name)
		q.(query.BoostableQuery).SetBoost(f.boost * weight)
		qs[i] = q
	}
	return query.NewDisjunctionQuery(qs)
}

// alternativesQuery returns the disjunction of a lexicon member found in the
// query and of its alternatives, as phrases, over fields (the short text
// fields, or the title alone).
// The member itself is there so that an offer with the words of the query
// matches this clause as well as one with an alternative (bleve scales a
// disjunction by the share of its parts that match). A phrase counts as one
// term: its boost is divided by its length.
//
// The body is left out: phrases of common words over long texts cost most
// of the search time, and titles, skills, employers and directions are
// where job titles and acronyms matter; one-word synonyms still reach the
// body through bleve.
func alternativesQuery(e expansion, fields []textField) query.Query {
	qs := make([]query.Query, 0, len(e.alts)+1)
	for _, m := range append([]*member{e.self}, e.alts...) {
		if len(m.terms) == 0 { // an acronym that analyzes to nothing
			continue
		}
		qs = append(qs, fieldsQuery(fields, func(field string) query.Query {
			if len(m.phrase) == 1 && len(m.phrase[0]) == 1 {
				q := query.NewTermQuery(m.phrase[0][0])
				q.SetField(field)
				return q
			}
			return newPhraseQuery(m.phrase, field)
		}, synonymWeight/float64(len(m.terms))))
	}
	return disjunction(qs)
}

func disjunction(qs []query.Query) query.Query {
	if len(qs) == 1 {
		return qs[0]
	}
	return query.NewDisjunctionQuery(qs)
}

// offersQuery matches every offer, and not the synonym definitions that
// share the index.
func offersQuery() query.Query {
	q := query.NewTermQuery(kindOffer)
	q.SetField(fieldKind)
	return q
}

// dayRange is a range of day keys [min, max); "" is unbounded.
type dayRange struct{ min, max string }

// statusFilter is the set of offers of a deadline status: when dated is
// set, those whose deadline day is in deadlines; when undated is set, those
// without a deadline whose publication day is in published.
type statusFilter struct {
	dated     bool
	deadlines dayRange
	undated   bool
	published dayRange
}

// statusRange returns the offers of a status, today, an offer without a
// deadline being open for undatedDays after its publication (expired
// then; unknown when its publication day is unknown too).
func statusRange(status offres.DeadlineStatus, today offres.Date, undatedDays int) (statusFilter, bool) {
	t, soon := dayKey(today), addDays(today, offres.ClosingSoonDays+1)
	cutoff := undatedCutoff(today, undatedDays)
	switch status {
	case offres.StatusClosed:
		return statusFilter{dated: true, deadlines: dayRange{"", t}}, true
	case offres.StatusClosingSoon:
		return statusFilter{dated: true, deadlines: dayRange{t, soon}}, true
	case offres.StatusOpen:
		return statusFilter{dated: true, deadlines: dayRange{soon, noDeadline}, undated: true, published: dayRange{cutoff, noDeadline}}, true
	case offres.StatusExpired:
		return statusFilter{undated: true, published: dayRange{"", cutoff}}, true
	case offres.StatusUnknown:
		return statusFilter{undated: true, published: dayRange{noDeadline, ""}}, true
	}
	return statusFilter{}, false
}

// undatedCutoff is the key of the first publication day of an offer
// without a deadline still open today.
func undatedCutoff(today offres.Date, undatedDays int) string {
	if undatedDays <= 0 {
		undatedDays = offres.DefaultUndatedOpenDays
	}
	return addDays(today, -undatedDays)
}

// contains reports whether the deadline facet's term of an offer (its
// deadline day, followed for an undated offer by its publication day) is
// in the set.
func (f statusFilter) contains(term string) bool {
	if len(term) > len(noDeadline) && term[:len(noDeadline)] == noDeadline {
		if !f.undated {
			return false
		}
		published := term[len(noDeadline):]
		if published == noDay {
			published = noDeadline
		}
		return f.published.contains(published)
	}
	return f.dated && f.deadlines.contains(term)
}

func (r dayRange) contains(key string) bool {
	return (r.min == "" || key >= r.min) && (r.max == "" || key < r.max)
}

// query returns the filter of the offers of the set.
func (f statusFilter) query() query.Query {
	var qs []query.Query
	if f.dated {
		qs = append(qs, f.deadlines.query(fieldDeadlineNum))
	}
	if f.undated {
		qs = append(qs, query.NewConjunctionQuery([]query.Query{
			dayRange{min: noDeadline}.query(fieldDeadlineNum),
			f.published.query(fieldPublishedNum),
		}))
	}
	return disjunction(qs)
}

// query returns the filter of the offers whose day, in field, is in r.
func (r dayRange) query(field string) query.Query {
	var min, max *float64
	if r.min != "" {
		n := keyNumber(r.min)
		min = &n
	}
	if r.max != "" {
		n := keyNumber(r.max)
		max = &n
	}
	q := query.NewNumericRangeQuery(min, max)
	q.SetField(field)
	return q
}

// deadlineStatuses are the buckets of the deadline_status facet, in display
// order.
var deadlineStatuses = []offres.DeadlineStatus{offres.StatusOpen, offres.StatusClosingSoon, offres.StatusClosed, offres.StatusExpired, offres.StatusUnknown}

// filterQuery returns the conjunction of the query's filters (OR within a
// facet, AND across), with the closed offers excluded unless asked for, or
// nil when nothing is filtered.
func filterQuery(q *offres.Query) (query.Query, error) {
	var conj []query.Query
	wantClosed := q.IncludeClosed
	names := make([]string, 0, len(q.Filters))
	for name := range q.Filters {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		values := q.Filters[name]
		if !slices.Contains(offres.FacetNames, name) {
			return nil, fmt.Errorf("unknown filter %q: %w", name, offres.ErrInvalid)
		}
		if len(values) == 0 {
			continue
		}
		var alts []query.Query
		for _, v := range values {
			if name == offres.FacetDeadline {
				r, ok := statusRange(offres.DeadlineStatus(v), q.Today, q.UndatedOpenDays)
				if !ok {
					continue // unknown value: matches nothing
				}
				wantClosed = wantClosed || offres.DeadlineStatus(v).Closed()
				alts = append(alts, r.query())
				continue
			}
			tq := query.NewTermQuery(filterKey(name, v))
			tq.SetField(name + keySuffix)
			alts = append(alts, tq)
		}
		if len(alts) == 0 {
			alts = append(alts, query.NewMatchNoneQuery())
		}
		conj = append(conj, disjunction(alts))
	}
	if !wantClosed {
		// Neither closed nor expired.
		conj = append(conj, statusFilter{
			dated:     true,
			deadlines: dayRange{dayKey(q.Today), noDeadline},
			undated:   true,
			published: dayRange{undatedCutoff(q.Today, q.UndatedOpenDays), ""},
		}.query())
	}
	switch len(conj) {
	case 0:
		return nil, nil
	case 1:
		return conj[0], nil
	}
	return query.NewConjunctionQuery(conj), nil
}
