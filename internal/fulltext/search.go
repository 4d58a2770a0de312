package fulltext

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"offres/internal/offres"
)

// Highlighting.
const (
	fragmentSize         = 160 // bytes of text around the matches
	maxFragmentsPerField = 3
)

// Search runs the query: text relevance, filters, facets, sort, page, and
// highlights. It honours ctx; a malformed query returns offres.ErrInvalid.
func (ix *Index) Search(ctx context.Context, q offres.Query) (offres.Result, error) {
	if err := ix.normalize(&q); err != nil {
		return offres.Result{}, err
	}
	reader, err := ix.reader()
	if err != nil {
		return offres.Result{}, fmt.Errorf("search: %w", err)
	}
	defer reader.Close()

	texts := ix.textQuery(q.Text, q.Fuzzy, len(q.Occupations) > 0, snapshotTerms{ctx, reader}).withOccupations(q.Occupations, q.OccupationFamilies)
	filter, key, err := ix.filterOf(&q)
	if err != nil {
		return offres.Result{}, err
	}
	if len(q.IDs) > 0 {
		highlight := texts.any
		if highlight == nil {
			highlight = texts.all
		}
		return ix.searchIDs(ctx, reader, q, highlight, filter, key)
	}
	text, strict := texts.ranking()
	res, err := ix.run(ctx, q, text, filter)
	if err != nil {
		return offres.Result{}, err
	}

	out := offres.Result{
		Total:      int(res.Total),
		ExactTotal: int(res.Total),
		Page:       q.Page,
		Limit:      q.Limit,
		Hits:       make([]offres.Hit, 0, len(res.Hits)),
		Facets:     facetValues(res.Facets, q.Today, q.UndatedOpenDays),
	}
	if len(res.Hits) == 0 {
		return out, nil
	}
	if err := ix.fillHits(ctx, reader, &out, q, text, res.Hits); err != nil {
		return offres.Result{}, err
	}
	if strict == nil {
		out.ExactTotal = out.Total
		return out, nil
	}
	// The offers with every term (or the job) are the exact matches; the
	// others have some of the words only: no reason of theirs is a match.
	ids := make([]string, len(out.Hits))
	for i, h := range out.Hits {
		ids[i] = h.ID
	}
	exact, total, err := ix.strictAmong(ctx, strict, filter, ids, true)
	if err != nil {
		return offres.Result{}, err
	}
	out.ExactTotal = total
	for i := range out.Hits {
		if !exact[out.Hits[i].ID] {
			out.Hits[i].MatchedBy = slices.DeleteFunc(out.Hits[i].MatchedBy, func(m string) bool {
				return m == offres.MatchTitle || m == offres.MatchKeyword
			})
		}
	}
	return out, nil
}

// Passing returns which of ids pass q's filters, and its deadline rule
// (closed and expired offers left out unless asked for).
func (ix *Index) Passing(ctx context.Context, q offres.Query, ids []string) (map[string]bool, error) {
	q.IDs = nil
	if err := ix.normalize(&q); err != nil {
		return nil, err
	}
	filter, _, err := ix.filterOf(&q)
	if err != nil {
		return nil, err
	}
	return ix.among(ctx, ids, filter)
}

// among returns which of ids match filter (all of them when it is nil).
func (ix *Index) among(ctx context.Context, ids []string, filter query.Query) (map[string]bool, error) {
	out := make(map[string]bool, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	reader, err := ix.reader()
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	defer reader.Close()
	req := bleve.NewSearchRequestOptions(&query.BooleanQuery{Must: ix.snaps.docIDs(reader, ids), Filter: filter}, len(ids), 0, false)
	res, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		return nil, searchError(ctx, err)
	}
	for _, h := range res.Hits {
		out[h.ID] = true
	}
	return out, nil
}

// strictAmong returns which of ids match strict (and filter), and, when
// total is set, how many offers in all do.
func (ix *Index) strictAmong(ctx context.Context, strict, filter query.Query, ids []string, total bool) (map[string]bool, int, error) {
	n := 0
	if total {
		count := bleve.NewSearchRequestOptions(&query.BooleanQuery{Must: strict, Filter: filter}, 0, 0, false)
		res, err := ix.bi.SearchInContext(ctx, count)
		if err != nil {
			return nil, 0, searchError(ctx, err)
		}
		n = int(res.Total)
	}
	exact := make(map[string]bool, len(ids))
	if len(ids) == 0 || total && n == 0 {
		return exact, n, nil
	}
	reader, err := ix.reader()
	if err != nil {
		return nil, 0, fmt.Errorf("search: %w", err)
	}
	defer reader.Close()
	// The ids drive the search, and strict is checked for their offers
	// only, unscored: only which of them match counts.
	check := strict
	if filter != nil {
		check = query.NewConjunctionQuery([]query.Query{filter, strict})
	}
	req := bleve.NewSearchRequestOptions(&query.BooleanQuery{Must: ix.snaps.docIDs(reader, ids), Filter: check}, len(ids), 0, false)
	page, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		return nil, 0, searchError(ctx, err)
	}
	for _, h := range page.Hits {
		exact[h.ID] = true
	}
	return exact, n, nil
}

// fillHits appends to out the hits of the matches, with their highlights
// for text (none when nil).
func (ix *Index) fillHits(ctx context.Context, reader index.IndexReader, out *offres.Result, q offres.Query, text query.Query, matches search.DocumentMatchCollection) error {
	if len(matches) == 0 {
		return nil
	}
	var locations map[string]search.FieldTermLocationMap
	var queryTerms map[string]bool
	if text != nil {
		queryTerms = make(map[string]bool)
		for _, t := range ix.analyzeQuery(q.Text) {
			queryTerms[t.term] = true
		}
		ids := make([]string, len(matches))
		for i, h := range matches {
			ids[i] = h.ID
		}
		var err error
		if locations, err = ix.matchLocations(ctx, reader, text, ids); err != nil {
			return err
		}
	}
	for _, dm := range matches {
		doc, err := reader.Document(dm.ID)
		if err != nil {
			return fmt.Errorf("search: load %q: %w", dm.ID, err)
		}
		if doc == nil { // deleted since the search
			out.Total--
			continue
		}
		locs := locations[dm.ID]
		if text != nil {
			locs = ix.bodyLocations(doc, queryTerms, locs)
		}
		out.Hits = append(out.Hits, ix.hit(dm, doc, q, locs))
	}
	return nil
}

// searchIDs is Search restricted to q.IDs, in their order (or in q.Sort's
// when it is not relevance): the offers among them that pass the filter,
// counted and faceted, then the page. text only highlights.
func (ix *Index) searchIDs(ctx context.Context, reader index.IndexReader, q offres.Query, text, filter query.Query, key string) (offres.Result, error) {
	ids := make([]string, 0, len(q.IDs))
	seen := make(map[string]bool, len(q.IDs))
	for _, id := range q.IDs {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	// The ids drive the search, and the offers' term and the filters are
	// checked for them only: with offersQuery as the Must clause, every
	// offer of the index was read and scored to keep those of ids. Every
	// hit scores the same either way, so the order of ties is the index's.
	bq := &query.BooleanQuery{Must: ix.snaps.docIDs(reader, ids), Filter: ix.offersFilter(filter, key)}
	if q.Sort != offres.SortRelevance {
		// Another order than the ranking: bleve sorts and pages.
		req := bleve.NewSearchRequestOptions(bq, q.Limit, (q.Page-1)*q.Limit, false)
		req.SortByCustom(sortOrder(q.Sort, false))
		req.Facets = facetRequests()
		res, err := ix.bi.SearchInContext(ctx, req)
		if err != nil {
			return offres.Result{}, searchError(ctx, err)
		}
		out := offres.Result{Total: int(res.Total), Page: q.Page, Limit: q.Limit, Hits: []offres.Hit{}, Facets: facetValues(res.Facets, q.Today, q.UndatedOpenDays)}
		if err := ix.fillHits(ctx, reader, &out, q, text, res.Hits); err != nil {
			return offres.Result{}, err
		}
		return out, nil
	}
	req := bleve.NewSearchRequestOptions(bq, len(ids), 0, false)
	req.Facets = facetRequests()
	res, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		return offres.Result{}, searchError(ctx, err)
	}
	passed := make(map[string]bool, len(res.Hits))
	for _, h := range res.Hits {
		passed[h.ID] = true
	}
	out := offres.Result{
		Total:  len(passed),
		Page:   q.Page,
		Limit:  q.Limit,
		Hits:   []offres.Hit{},
		Facets: facetValues(res.Facets, q.Today, q.UndatedOpenDays),
	}
	skip := (q.Page - 1) * q.Limit
	var page search.DocumentMatchCollection
	for _, id := range ids {
		if !passed[id] {
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		if len(page) == q.Limit {
			break
		}
		page = append(page, &search.DocumentMatch{ID: id})
	}
	if err := ix.fillHits(ctx, reader, &out, q, text, page); err != nil {
		return offres.Result{}, err
	}
	return out, nil
}

// exactCheck is how many of the first offers of a ranking Rank checks for
// an exact match: an offer whose reference or title is the query ranks
// among the first by keyword relevance (the title weighs most).
const exactCheck = 10

// Rank returns the ids of at most n offers matching q's text and filters,
// by keyword relevance (every term, or any of them when no offer has them
// all; all offers by recency when there is no text; likeness to all its
// words for a q.Document), and those among the
// first exactCheck whose reference or title is the query itself, after
// offres.FoldKey. It loads no document but those.
func (ix *Index) Rank(ctx context.Context, q offres.Query, n int) (offres.Ranking, error) {
	q.Page, q.Limit = 1, 1
	q.IDs = nil
	if err := ix.normalize(&q); err != nil {
		return offres.Ranking{}, err
	}
	if n <= 0 {
		return offres.Ranking{}, nil
	}
	reader, err := ix.reader()
	if err != nil {
		return offres.Ranking{}, fmt.Errorf("rank: %w", err)
	}
	defer reader.Close()
	var text, strict query.Query
	if q.Document {
		text = ix.documentQuery(q.Text)
	} else {
		texts := ix.textQuery(q.Text, q.Fuzzy, len(q.Occupations) > 0, snapshotTerms{ctx, reader}).withOccupations(q.Occupations, q.OccupationFamilies)
		text, strict = texts.ranking()
	}
	filter, _, err := ix.filterOf(&q)
	if err != nil {
		return offres.Ranking{}, err
	}
	if q.Document && len(q.Occupations)+len(q.OccupationFamilies) > 0 {
		if jobs := jobsQuery(q.Occupations, q.OccupationFamilies); filter == nil {
			filter = jobs
		} else {
			filter = query.NewConjunctionQuery([]query.Query{filter, jobs})
		}
	}
	q.Limit = n
	res, err := ix.rank(ctx, q, text, filter)
	if err != nil {
		return offres.Ranking{}, err
	}
	if ix.sameSnapshot(reader) {
		ix.snaps.remember(reader, res.Hits)
	}
	ids := make([]string, len(res.Hits))
	scores := make([]float64, len(res.Hits))
	for i, h := range res.Hits {
		ids[i], scores[i] = h.ID, h.Score
	}
	evidence := make(map[string]bool, len(res.Hits))
	if strict == nil {
		for _, id := range ids {
			evidence[id] = true
		}
	} else if evidence, _, err = ix.strictAmong(ctx, strict, filter, ids, false); err != nil {
		return offres.Ranking{}, err
	}
	exact := map[string]bool{}
	key := offres.FoldKey(q.Text)
	if q.Document {
		key = ""
	}
	for i, h := range res.Hits {
		if i >= exactCheck || key == "" {
			continue
		}
		if offres.FoldKey(h.ID) == key {
			exact[h.ID] = true
			continue
		}
		doc, err := reader.Document(h.ID)
		if err != nil {
			return offres.Ranking{}, fmt.Errorf("rank: load %q: %w", h.ID, err)
		}
		if doc != nil && offres.FoldKey(storedText(doc, fieldTitle)) == key {
			exact[h.ID] = true
		}
	}
	return offres.Ranking{IDs: ids, Scores: scores, Exact: exact, Evidence: evidence}, nil
}

// Filtered returns the ids of the offers that Rank(ctx, q, n) would rank,
// in no order, when there are at most n of them; ok is false, and ids nil,
// when there are more. It is for a set, where Rank's order costs: the
// filters drive the search (their postings are short), the text's query
// (or the offers' term) is checked for their offers only, and nothing is
// sorted, scored by a field or loaded.
func (ix *Index) Filtered(ctx context.Context, q offres.Query, n int) (ids []string, ok bool, err error) {
	q.Page, q.Limit = 1, 1
	q.IDs = nil
	if err := ix.normalize(&q); err != nil {
		return nil, false, err
	}
	if n <= 0 {
		return nil, false, nil
	}
	reader, err := ix.reader()
	if err != nil {
		return nil, false, fmt.Errorf("filtered: %w", err)
	}
	defer reader.Close()
	texts := ix.textQuery(q.Text, q.Fuzzy, len(q.Occupations) > 0, snapshotTerms{ctx, reader}).withOccupations(q.Occupations, q.OccupationFamilies)
	filter, key, err := ix.filterOf(&q)
	if err != nil {
		return nil, false, err
	}
	text, _ := texts.ranking()
	var bq *query.BooleanQuery
	switch {
	case filter == nil && text == nil:
		bq = &query.BooleanQuery{Must: offersQuery()}
	case filter == nil:
		bq = &query.BooleanQuery{Must: text}
	case text == nil:
		// The filter's offers, counted from the cache before any search.
		keep := ix.offersFilter(filter, key)
		if count, ok, err := keep.count(ctx, reader, ix.bi.Mapping()); err != nil {
			return nil, false, searchError(ctx, err)
		} else if ok && count > uint64(n) {
			return nil, false, nil
		}
		bq = &query.BooleanQuery{Must: keep}
	default:
		// The filter's searcher scores every offer the same: the result is
		// a set.
		bq = &query.BooleanQuery{Must: filter, Filter: text}
	}
	req := bleve.NewSearchRequestOptions(bq, n+1, 0, false)
	res, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		return nil, false, searchError(ctx, err)
	}
	if len(res.Hits) > n {
		return nil, false, nil
	}
	ids = make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return ids, true, nil
}

// rank is run without facets.
func (ix *Index) rank(ctx context.Context, q offres.Query, text, filter query.Query) (*bleve.SearchResult, error) {
	scoring := text
	if scoring == nil {
		scoring = offersQuery()
	}
	bq := &query.BooleanQuery{Must: scoring, Filter: filter}
	req := bleve.NewSearchRequestOptions(bq, q.Limit, 0, false)
	req.SortByCustom(sortOrder(q.Sort, text != nil))
	res, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		return nil, searchError(ctx, err)
	}
	return res, nil
}

// storedText returns the stored text of a field of doc.
func storedText(doc index.Document, field string) string {
	var out string
	doc.VisitFields(func(f index.Field) {
		if tf, ok := f.(index.TextField); ok && f.Name() == field {
			out = tf.Text()
		}
	})
	return out
}

// bodyLocations adds to locs where the body of doc holds a term of the
// query or a term the query matched in the other fields of doc (its
// synonyms and typo variants found there). The body has no term vectors, so
// it is scanned here, for the page's hits only: a word is analyzed only when
// its folded form starts like one of the terms (analyzed terms are folded
// words with a suffix cut off), which keeps a long body cheap.
func (ix *Index) bodyLocations(doc index.Document, queryTerms map[string]bool, locs search.FieldTermLocationMap) search.FieldTermLocationMap {
	var body string
	doc.VisitFields(func(f index.Field) {
		if tf, ok := f.(index.TextField); ok && f.Name() == fieldText {
			body = tf.Text()
		}
	})
	targets := make(map[string]bool, len(queryTerms))
	for t := range queryTerms {
		targets[t] = true
	}
	for _, tl := range locs {
		for t := range tl {
			targets[t] = true
		}
	}
	if body == "" || len(targets) == 0 {
		return locs
	}
	prefixes := make(map[string]bool, len(targets))
	for t := range targets {
		prefixes[t[:min(len(t), candidatePrefix)]] = true
	}
	found := search.TermLocationMap{}
	pos := uint64(0)
	var folded []byte
	for start := 0; start < len(body); {
		r, size := utf8.DecodeRuneInString(body[start:])
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			start += size
			continue
		}
		end := start + size
		for end < len(body) {
			r, size := utf8.DecodeRuneInString(body[end:])
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				break
			}
			end += size
		}
		pos++
		word := body[start:end]
		// Only the first bytes of the folded word are compared.
		folded = offres.AppendFoldPrefix(folded[:0], word, candidatePrefix)
		if prefixes[string(folded)] {
			for _, tok := range ix.analyzer.Analyze([]byte(word)) {
				if term := string(tok.Term); targets[term] {
					found[term] = append(found[term], &search.Location{
						Pos: pos, Start: uint64(start + tok.Start), End: uint64(start + tok.End),
					})
				}
			}
		}
		start = end
	}
	if len(found) == 0 {
		return locs
	}
	if locs == nil {
		locs = search.FieldTermLocationMap{}
	}
	locs[fieldText] = found
	return locs
}

// candidatePrefix is how many bytes of a folded word must match the start
// of a term for bodyLocations to analyze the word.
const candidatePrefix = 3

// run searches the offers matching text (all offers when nil) and filter,
// with the page, sort and facets of q.
func (ix *Index) run(ctx context.Context, q offres.Query, text, filter query.Query) (*bleve.SearchResult, error) {
	scoring := text
	if scoring == nil {
		scoring = offersQuery()
	}
	// Built by hand: NewBooleanQuery would wrap scoring in a conjunction of
	// one, a layer every matching offer goes through.
	bq := &query.BooleanQuery{Must: scoring, Filter: filter}
	req := bleve.NewSearchRequestOptions(bq, q.Limit, (q.Page-1)*q.Limit, false)
	req.SortByCustom(sortOrder(q.Sort, text != nil))
	req.Facets = facetRequests()
	res, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		return nil, searchError(ctx, err)
	}
	return res, nil
}

// matchLocations returns where the text query matches in each of the hits,
// for highlighting. Asking for locations in the main search would read the
// term vectors of every matching offer; here only the page's are read.
func (ix *Index) matchLocations(ctx context.Context, reader index.IndexReader, text query.Query, ids []string) (map[string]search.FieldTermLocationMap, error) {
	q := query.NewConjunctionQuery([]query.Query{ix.snaps.docIDs(reader, ids), text})
	req := bleve.NewSearchRequestOptions(q, len(ids), 0, false)
	req.IncludeLocations = true
	res, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		return nil, searchError(ctx, err)
	}
	locs := make(map[string]search.FieldTermLocationMap, len(res.Hits))
	for _, h := range res.Hits {
		locs[h.ID] = h.Locations
	}
	return locs, nil
}

func searchError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return fmt.Errorf("search: %w", err)
}

// reader returns a reader of the current index snapshot.
func (ix *Index) reader() (index.IndexReader, error) {
	adv, err := ix.bi.Advanced()
	if err != nil {
		return nil, err
	}
	return adv.Reader()
}

// snapshotTerms answers textQuery from an index snapshot.
type snapshotTerms struct {
	ctx context.Context
	r   index.IndexReader
}

var _ termIndex = snapshotTerms{}

func (s snapshotTerms) docFreq(term string) uint64 {
	var n uint64
	for _, f := range textFields {
		tfr, err := s.r.TermFieldReader(s.ctx, []byte(term), f.name, false, false, false)
		if err != nil {
			continue
		}
		n += tfr.Count()
		_ = tfr.Close()
	}
	return n
}

func (s snapshotTerms) fuzzy(term string, fuzziness int) []fuzzyTerm {
	fr, ok := s.r.(index.IndexReaderFuzzy)
	if !ok {
		return nil
	}
	var out []fuzzyTerm
	for _, f := range textFields {
		dict, _, err := fr.FieldDictFuzzyAutomaton(f.name, term, fuzziness, "")
		if err != nil {
			continue
		}
		found := []fuzzyTerm{{field: f.name, term: term}}
		for e, err := dict.Next(); err == nil && e != nil; e, err = dict.Next() {
			if e.Term != term {
				found = append(found, fuzzyTerm{field: f.name, term: e.Term, distance: int(e.EditDistance)})
			}
		}
		_ = dict.Close()
		slices.SortStableFunc(found, func(a, b fuzzyTerm) int { return a.distance - b.distance })
		out = append(out, found[:min(len(found), maxFuzzyTerms)]...)
	}
	return out
}

// normalize checks q and fills its defaults.
func (ix *Index) normalize(q *offres.Query) error {
	q.Text = strings.TrimSpace(q.Text)
	switch {
	case !q.Document && utf8.RuneCountInString(q.Text) > offres.MaxQueryLen:
		return fmt.Errorf("query longer than %d characters: %w", offres.MaxQueryLen, offres.ErrInvalid)
	case utf8.RuneCountInString(q.Text) > offres.MaxProfileText:
		return fmt.Errorf("query longer than %d characters: %w", offres.MaxQueryLen, offres.ErrInvalid)
	case q.Page < 0 || q.Page > offres.MaxPage:
		return fmt.Errorf("page %d out of 1..%d: %w", q.Page, offres.MaxPage, offres.ErrInvalid)
	case q.Limit < 0 || q.Limit > offres.MaxPageSize:
		return fmt.Errorf("limit %d out of 1..%d: %w", q.Limit, offres.MaxPageSize, offres.ErrInvalid)
	}
	switch q.Sort {
	case "":
		q.Sort = offres.SortRelevance
	case offres.SortRelevance, offres.SortDeadline, offres.SortPublished:
	default:
		return fmt.Errorf("unknown sort %q: %w", q.Sort, offres.ErrInvalid)
	}
	if q.Page == 0 {
		q.Page = 1
	}
	if q.Limit == 0 {
		q.Limit = offres.DefaultLimit
	}
	if q.Today.IsZero() {
		q.Today = offres.Today(ix.opts.Now)
	} else if q.Today.MonthOnly() || q.Today.Validate() != nil {
		return fmt.Errorf("today %q is not a full date: %w", q.Today, offres.ErrInvalid)
	}
	return nil
}

// sortOrder returns the bleve sort for one of the offres.Sort* orders.
// Relevance without text is recency. Offers equal on every key keep the
// index order: a tie-break on ids would cost a stored-field read per
// matching offer.
func sortOrder(sort string, hasText bool) search.SortOrder {
	score := &search.SortScore{Desc: true}
	// See fieldDocValues: its smallest term orders by deadline, then
	// publication; its largest by publication, then deadline.
	deadline := &search.SortField{Field: fieldDocValues, Type: search.SortFieldAsString, Mode: search.SortFieldMin}
	published := &search.SortField{Field: fieldDocValues, Type: search.SortFieldAsString, Mode: search.SortFieldMax, Desc: true}
	switch {
	case sort == offres.SortDeadline:
		return search.SortOrder{deadline, score, &search.SortDocID{}}
	case sort == offres.SortPublished || !hasText:
		return search.SortOrder{published, score, &search.SortDocID{}}
	default:
		return search.SortOrder{score, deadline, &search.SortDocID{}}
	}
}

// maxFacetTerms bounds the distinct facet terms counted in
// fieldDocValues: more than any realistic index holds (the facet values,
// and a few hundred deadline days).
const maxFacetTerms = 1_000_000

// facetRequests asks for the counts of all the facet terms of
// fieldDocValues, which facetValues splits into the facets.
func facetRequests() bleve.FacetsRequest {
	fr := bleve.NewFacetRequest(fieldDocValues, maxFacetTerms)
	fr.SetPrefixFilter(facetPrefix)
	return bleve.FacetsRequest{fieldDocValues: fr}
}

// facetValues turns the facet term counts of fieldDocValues into the
// facets, keyed by offres.FacetNames: values by count, largest first (then
// by value), at most offres.MaxFacetSize; deadline days in status buckets.
func facetValues(results search.FacetResults, today offres.Date, undatedDays int) map[string][]offres.FacetValue {
	out := make(map[string][]offres.FacetValue, len(offres.FacetNames))
	for _, name := range offres.FacetNames {
		out[name] = []offres.FacetValue{}
	}
	fr := results[fieldDocValues]
	if fr == nil || fr.Terms == nil {
		return out
	}
	ranges := make([]statusFilter, len(deadlineStatuses))
	for i, s := range deadlineStatuses {
		ranges[i], _ = statusRange(s, today, undatedDays)
	}
	status := make([]int, len(deadlineStatuses))
	for _, t := range fr.Terms.Terms() {
		name, value, _ := strings.Cut(strings.TrimPrefix(t.Term, facetPrefix), facetSep)
		if name == offres.FacetRome {
			code, label, _ := strings.Cut(value, " ")
			out[name] = append(out[name], offres.FacetValue{Value: code, Label: label, Count: t.Count})
			continue
		}
		if name != offres.FacetDeadline {
			out[name] = append(out[name], offres.FacetValue{Value: value, Count: t.Count})
			continue
		}
		for i, r := range ranges {
			if r.contains(value) {
				status[i] += t.Count
				break
			}
		}
	}
	for _, name := range append([]string{offres.FacetRome}, termFacets...) {
		values := out[name]
		slices.SortFunc(values, func(a, b offres.FacetValue) int {
			if a.Count != b.Count {
				return b.Count - a.Count
			}
			return strings.Compare(a.Value, b.Value)
		})
		out[name] = values[:min(len(values), offres.MaxFacetSize)]
	}
	for i, s := range deadlineStatuses {
		if status[i] > 0 {
			out[offres.FacetDeadline] = append(out[offres.FacetDeadline], offres.FacetValue{Value: string(s), Count: status[i]})
		}
	}
	return out
}

// hit builds a Hit from the search match, the stored document and where
// the query matched it.
func (ix *Index) hit(dm *search.DocumentMatch, doc index.Document, q offres.Query, locs search.FieldTermLocationMap) offres.Hit {
	h := offres.Hit{ID: dm.ID, Score: dm.Score}
	doc.VisitFields(func(f index.Field) {
		tf, ok := f.(index.TextField)
		if !ok {
			return
		}
		switch f.Name() {
		case fieldTitle:
			h.Title = tf.Text()
		case offres.FacetEmployer:
			h.Employer = tf.Text()
		case offres.FacetDirection:
			h.Direction = tf.Text()
		case offres.FacetCommune:
			h.Commune = tf.Text()
		case offres.FacetCategory:
			h.Category = tf.Text()
		case offres.FacetContract:
			h.ContractType = tf.Text()
		case fieldDeadline:
			h.Deadline, _ = offres.ParseDate(tf.Text())
		case fieldPublished:
			h.PublishedAt, _ = offres.ParseDate(tf.Text())
		case fieldRome:
			code, rest, _ := strings.Cut(tf.Text(), " ")
			family, label, _ := strings.Cut(rest, " ")
			h.Occupations = append(h.Occupations, offres.Occupation{Code: code, Label: label, Family: family})
		}
	})
	status, days := offres.DeadlineStatusAt(h.Deadline, h.PublishedAt, q.Today, q.UndatedOpenDays)
	h.DeadlineStatus = status
	if !h.Deadline.IsZero() {
		h.DaysLeft = &days
	}
	if q.Text != "" {
		h.MatchedBy = matchedBy(locs, h.Occupations, q.Occupations, q.OccupationFamilies)
	}
	if len(locs) > 0 {
		dm.Locations = locs
		for _, field := range highlightFields {
			if len(dm.Locations[field]) == 0 {
				continue
			}
			frags := ix.highlighter.BestFragmentsInField(dm, doc, field, maxFragmentsPerField)
			if len(frags) > 0 {
				if h.Highlights == nil {
					h.Highlights = make(map[string][]string, len(highlightFields))
				}
				h.Highlights[field] = frags
			}
		}
	}
	return h
}

// matchedBy says why a keyword hit matched: the query's words in its title
// (MatchTitle) or elsewhere (MatchKeyword), where it matched; its job among
// those the query names, or their family when it is coded with the family
// only (MatchRome).
func matchedBy(locs search.FieldTermLocationMap, have []offres.Occupation, asked, families []string) []string {
	out := []string{}
	if len(locs[fieldTitle]) > 0 {
		out = append(out, offres.MatchTitle)
	}
	for _, f := range textFields {
		if len(locs[f.name]) > 0 {
			out = append(out, offres.MatchKeyword)
			break
		}
	}
	for _, o := range have {
		// The job asked, or an offer coded with the job's family only.
		if slices.Contains(asked, o.Code) || o.Family == "" && slices.Contains(families, o.Code) {
			out = append(out, offres.MatchRome)
			break
		}
	}
	return out
}
