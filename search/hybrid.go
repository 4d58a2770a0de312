package search

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"

	"offres/internal/offres"
)

// Semantic finds the passages of offers close to a query in an embedding
// space.
type Semantic interface {
	// EmbedQuery returns the vector of a query, or nil when the query has
	// no semantic signal (no word the model knows).
	EmbedQuery(ctx context.Context, text string) ([]float32, error)
	// Passages returns the k passages most similar to q with a similarity
	// of at least minScore, best first; allowed, when not nil, restricts
	// them to these offers.
	Passages(ctx context.Context, q []float32, k int, minScore float32, allowed map[string]bool) ([]PassageHit, error)
	// Best returns, for each offer that has passages, the one most similar
	// to q.
	Best(ctx context.Context, q []float32, offerIDs []string) (map[string]offres.PassageMatch, error)
	// OfferVector returns the vector of an offer (the normalised mean of
	// its passages'); offres.ErrNotFound when it has none.
	OfferVector(ctx context.Context, offerID string) ([]float32, error)
}

// Defaults of the hybrid search options.
const (
	DefaultKeywordCandidates = 1000
	DefaultSemanticPassages  = 300
	// DefaultRelatedRatio is the least share of the query's best semantic
	// similarity that an offer found by meaning alone must reach.
	DefaultRelatedRatio = 0.8
	// DefaultMinSimilarity is the semantic cut-off: passages less similar
	// to the query than this are not results. Measured on the evaluation
	// set (docs/search.md) for the built-in model.
	DefaultMinSimilarity = 0.25
	// maxAllowed bounds the offers a filtered semantic search is
	// restricted to beforehand; a filter that lets more through is applied
	// afterwards only.
	maxAllowed = 20_000
)

// HybridOptions tune semantic and hybrid search. Zero fields take the
// defaults.
type HybridOptions struct {
	Fuse FuseOptions
	// MinSimilarity is the semantic cut-off (DefaultMinSimilarity).
	MinSimilarity float32
	// RelatedRatio is the share of the query's best semantic similarity
	// below which an offer found by meaning alone is dropped
	// (DefaultRelatedRatio).
	RelatedRatio float32
	// KeywordCandidates bounds the keyword ranking that is fused: hybrid
	// totals and facets count at most this many keyword matches.
	KeywordCandidates int
	// SemanticPassages is the number of nearest passages fetched.
	SemanticPassages int
}

func (o HybridOptions) withDefaults() HybridOptions {
	if o.MinSimilarity == 0 {
		o.MinSimilarity = DefaultMinSimilarity
	}
	if o.RelatedRatio <= 0 {
		o.RelatedRatio = DefaultRelatedRatio
	}
	if o.KeywordCandidates <= 0 {
		o.KeywordCandidates = DefaultKeywordCandidates
	}
	if o.SemanticPassages <= 0 {
		o.SemanticPassages = DefaultSemanticPassages
	}
	return o
}

// mode returns the mode a request runs in: keyword when semantic search
// cannot help (no text, or no semantic layer).
func (s *Service) mode(r Request, q offres.Query) (string, error) {
	mode := r.Mode
	switch mode {
	case "":
		mode = offres.ModeHybrid
	case offres.ModeKeyword, offres.ModeSemantic, offres.ModeHybrid:
	default:
		return "", offres.Invalidf("mode %q inconnu : utilisez keyword, semantic ou hybrid", r.Mode)
	}
	if q.Text == "" || s.semantic == nil {
		return offres.ModeKeyword, nil
	}
	return mode, nil
}

// semanticSearch runs a semantic or hybrid search. An embedder or a vector
// store that fails degrades it to a keyword search, reported in the
// result's mode. The failures are logged at debug level: the semantic
// layer's owner reports its outages once, not at every search.
func (s *Service) semanticSearch(ctx context.Context, q offres.Query, mode string, collapse bool) (offres.Result, error) {
	qv, err := s.semantic.EmbedQuery(ctx, q.Text)
	if err != nil {
		if ctx.Err() != nil {
			return offres.Result{}, ctx.Err()
		}
		s.log.Debug("query embedding failed: keyword search instead", "err", err)
		return s.keywordSearch(ctx, q)
	}
	var kw offres.Ranking
	if mode == offres.ModeHybrid {
		if kw, err = s.index.Rank(ctx, q, s.hybrid.KeywordCandidates); err != nil {
			return offres.Result{}, err
		}
	}
	var semantic, meant []string
	if qv != nil {
		allowed, err := s.allowed(ctx, q)
		if err != nil {
			return offres.Result{}, err
		}
		hits, err := s.semantic.Passages(ctx, qv, s.hybrid.SemanticPassages, s.hybrid.MinSimilarity, allowed)
		if err != nil {
			if ctx.Err() != nil {
				return offres.Result{}, ctx.Err()
			}
			s.log.Debug("vector search failed: keyword search instead", "err", err)
			return s.keywordSearch(ctx, q)
		}
		// In the semantic mode there is no keyword ranking to tell: every
		// hit is flagged as found by meaning, and none is cut.
		noEvidence := mode == offres.ModeHybrid && len(kw.Evidence) == 0
		var best map[string]PassageHit
		meant, best = OfferRanking(hits, s.hybrid.MinSimilarity)
		semantic = s.related(meant, best, noEvidence)
		if noEvidence && len(q.Occupations) > 0 {
			if semantic, err = s.neighbours(ctx, q, semantic, kw.IDs); err != nil {
				return offres.Result{}, err
			}
		}
		if noEvidence {
			if kw.IDs, err = s.closePartials(ctx, q, kw.IDs, semantic); err != nil {
				return offres.Result{}, err
			}
		}
	}
	// The offers with lexical or occupation evidence: every word of the
	// query (or the job it names); not those with some of the words only.
	evidence := kw.Evidence
	if mode == offres.ModeHybrid && len(q.Occupations) == 0 {
		if evidence, err = s.statedOrMeant(ctx, q, evidence, meant); err != nil {
			return offres.Result{}, err
		}
	}
	fused := Fuse(kw.IDs, semantic, kw.Exact, s.hybrid.Fuse)
	if mode == offres.ModeHybrid {
		if fused, err = s.titledFirst(ctx, q, fused, kw.Evidence); err != nil {
			return offres.Result{}, err
		}
	}
	if len(q.Occupations) > 0 {
		fused = evidenceFirst(fused, evidence)
	}
	var dups map[string][]string
	if collapse {
		if fused, dups, err = s.collapse(ctx, q, fused, evidence); err != nil {
			return offres.Result{}, err
		}
	}
	res, err := s.page(ctx, q, fused, qv, evidence)
	addDuplicates(&res, dups)
	res.Mode = mode
	return res, err
}

// statedIndex is a KeywordIndex that tells which offers have every word
// of a search in the fields an offer states its job in (*fulltext.Index).
type statedIndex interface {
	Stated(ctx context.Context, q offres.Query, ids []string) (map[string]bool, error)
}

// statedOrMeant returns, of the offers with every word of a search, those
// that have them where an offer states its job and requirements (title,
// skills, employer, direction) or whose meaning is close to the search
// (meant: above the semantic cut-off): words found in the body only, and
// nothing else about the offer close to them, were mentioned in passing
// (« biodiversité » in a commune's presentation of its policies, atop a
// street cleaner's offer). The others are shown as partial matches.
func (s *Service) statedOrMeant(ctx context.Context, q offres.Query, evidence map[string]bool, meant []string) (map[string]bool, error) {
	si, ok := s.index.(statedIndex)
	if !ok || len(evidence) == 0 {
		return evidence, nil
	}
	out := make(map[string]bool, len(evidence))
	for _, id := range meant {
		if evidence[id] {
			out[id] = true
		}
	}
	ids := outside(evidence, out) // the others: is the search stated in them?
	if len(ids) == 0 {
		return out, nil
	}
	stated, err := si.Stated(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	maps.Copy(out, stated)
	return out, nil
}

// statedOrClose is statedOrMeant for the keyword mode, which has no
// semantic ranking: an offer with every word of a search in its body only
// is evidence when its passage closest to the search by meaning clears the
// semantic cut-off.
func (s *Service) statedOrClose(ctx context.Context, q offres.Query, evidence map[string]bool) (map[string]bool, error) {
	si, ok := s.index.(statedIndex)
	if !ok || len(evidence) == 0 || s.semantic == nil || len(q.Occupations) > 0 {
		return evidence, nil
	}
	out, err := si.Stated(ctx, q, outside(evidence, nil))
	if err != nil {
		return nil, err
	}
	ids := outside(evidence, out) // the others: is one of their passages close?
	if len(ids) == 0 {
		return out, nil
	}
	qv, err := s.semantic.EmbedQuery(ctx, q.Text)
	if err != nil || qv == nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return evidence, nil // the words alone, as before the model
	}
	// Scored in memory among the passages of those offers only; as many
	// as they may have above the cut-off.
	allowed := make(map[string]bool, len(ids))
	for _, id := range ids {
		allowed[id] = true
	}
	hits, err := s.semantic.Passages(ctx, qv, 16*len(ids), s.hybrid.MinSimilarity, allowed)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return evidence, nil
	}
	for _, h := range hits {
		out[h.OfferID] = true
	}
	return out, nil
}

// outside returns the offers of evidence not in kept.
func outside(evidence, kept map[string]bool) []string {
	var ids []string
	for id := range evidence {
		if !kept[id] {
			ids = append(ids, id)
		}
	}
	return ids
}

// titledIndex is a KeywordIndex that tells which offers have every word of
// a search in their title (*fulltext.Index).
type titledIndex interface {
	Titled(ctx context.Context, q offres.Query, ids []string) (map[string]bool, error)
}

// titledFirst puts first, in a hybrid or keyword search (the semantic mode
// stays meaning only), the offers whose title has every word of the search (or says the job it names, with the lexicon's alternatives): what
// a candidate sees first of an offer says what they asked for, where the
// others merely mention it, or are of the job by a code their source gives
// loosely (« Chef de cellule secrétariat-courrier » coded as a DRH's job).
// On the natural-language set, hybrid nDCG@10 0.732 → 0.760 and P@5 0.834
// → 0.863, keyword 0.735 → 0.760 and 0.817 → 0.851, no query losing more
// than the run-to-run noise (offres eval --sets --per-query, 2026-12-07);
// the title set within the noise.
//
// Those offers are among the evidence of the keyword ranking (every word
// anywhere, or the job): only they are looked at.
func (s *Service) titledFirst(ctx context.Context, q offres.Query, fused []Fused, evidence map[string]bool) ([]Fused, error) {
	ti, ok := s.index.(titledIndex)
	if !ok || len(evidence) == 0 {
		return fused, nil
	}
	titled, err := ti.Titled(ctx, q, slices.Collect(maps.Keys(evidence)))
	if err != nil {
		return nil, err
	}
	return evidenceFirst(fused, titled), nil
}

// evidenceFirst puts the offers with evidence first, each part in its
// order. A query that names a job (« ripeur », « aide-soignante ») asks for
// that job: its offers, and those with every word of the query, come before
// the offers found by meaning only, however close (the title set: hybrid
// nDCG@10 0.697 → 0.928, docs/search.md).
func evidenceFirst(fused []Fused, evidence map[string]bool) []Fused {
	slices.SortStableFunc(fused, func(a, b Fused) int {
		switch ea, eb := evidence[a.ID], evidence[b.ID]; {
		case ea && !eb:
			return -1
		case eb && !ea:
			return 1
		}
		return 0
	})
	return fused
}

// rankedKeywordSearch is the keyword mode of a search with words: the
// keyword ranking (at most HybridOptions.KeywordCandidates offers, as in a
// hybrid search) with the titled offers first, the evidence told as in a
// hybrid search (statedOrClose), and, with collapse, one offer per cluster
// of near-duplicates.
func (s *Service) rankedKeywordSearch(ctx context.Context, q offres.Query, collapse bool) (offres.Result, error) {
	kw, err := s.index.Rank(ctx, q, s.hybrid.KeywordCandidates)
	if err != nil {
		return offres.Result{}, err
	}
	fused := make([]Fused, len(kw.IDs))
	for i, id := range kw.IDs {
		fused[i] = Fused{ID: id, Score: kw.Scores[i], KeywordRank: i + 1, Exact: kw.Exact[id]}
	}
	if fused, err = s.titledFirst(ctx, q, fused, kw.Evidence); err != nil {
		return offres.Result{}, err
	}
	evidence, err := s.statedOrClose(ctx, q, kw.Evidence)
	if err != nil {
		return offres.Result{}, err
	}
	// The keyword ranking passed the filters already.
	var dups map[string][]string
	if collapse {
		fused, dups = Collapse(fused, s.dups.Cluster, evidence)
	}
	res, err := s.page(ctx, q, fused, nil, evidence)
	addDuplicates(&res, dups)
	res.Mode = offres.ModeKeyword
	return res, err
}

// collapse keeps one offer per cluster of near-duplicates among those of
// the ranking that pass q's filters (a duplicate may be open where the
// offer it would collapse into is closed, or in the commune filtered on),
// a member with evidence kept over one without (Collapse).
func (s *Service) collapse(ctx context.Context, q offres.Query, fused []Fused, evidence map[string]bool) ([]Fused, map[string][]string, error) {
	ids := make([]string, len(fused))
	for i, f := range fused {
		ids[i] = f.ID
	}
	passing, err := s.index.Passing(ctx, q, ids)
	if err != nil {
		return nil, nil, err
	}
	kept := slices.DeleteFunc(slices.Clone(fused), func(f Fused) bool { return !passing[f.ID] })
	out, dups := Collapse(kept, s.dups.Cluster, evidence)
	return out, dups, nil
}

// addDuplicates gives the hits of res the duplicates collapsed into them.
func addDuplicates(res *offres.Result, dups map[string][]string) {
	for i := range res.Hits {
		if d := dups[res.Hits[i].ID]; len(d) > 0 {
			res.Hits[i].Duplicates = len(d)
			res.Hits[i].DuplicateIDs = d
		}
	}
}

// related returns the offers of a semantic ranking (ids, their best passages), best first. When no
// offer matches the words or the job of the query (noEvidence), it drops
// those far below the query's best: a semantic neighbour must then be about
// as close to the query as its closest offer (HybridOptions.RelatedRatio),
// not merely above the absolute cut-off, or a query the corpus cannot
// answer gets all its least bad neighbours. When offers do match, their
// neighbours are kept down to the absolute cut-off: « santé » matches a
// nurse's offer by its words and a physiotherapist's by meaning, at half
// the nurse's similarity (the assistant's question set, l06).
func (s *Service) related(ids []string, best map[string]PassageHit, noEvidence bool) []string {
	if len(ids) == 0 || !noEvidence {
		return ids
	}
	floor := best[ids[0]].Score * s.hybrid.RelatedRatio
	var kept []string
	for _, id := range ids {
		if best[id].Score >= floor {
			kept = append(kept, id)
		}
	}
	return kept
}

// neighbours keeps, of the offers found by meaning for a query that names
// a job no offer is of, those that share a word with the query (partial,
// an offer of the keyword ranking: « Electricien de maintenance » for
// « électricien bâtiment »), those of a neighbouring job (the job's
// family, or a job ROME's mobility leads to: « aide-soignante » without
// such an offer shows a nurse's), and those whose job is unknown; it drops
// the offers of another known job that merely happen to be the least far
// by meaning (« coiffeuse » showed a biodiversity officer, a developer).
// Without the referential, the ids are kept.
func (s *Service) neighbours(ctx context.Context, q offres.Query, ids, partial []string) ([]string, error) {
	if s.occ == nil || len(ids) == 0 {
		return ids, nil
	}
	passing, err := s.ofNeighbourJobs(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	// An offer whose job is unknown (no occupation) is not known to be
	// another job: it stays.
	known := map[string]bool{}
	if c, ok := s.index.(classifiedIndex); ok {
		if known, err = c.Classified(ctx, ids); err != nil {
			return nil, err
		}
	}
	shares := make(map[string]bool, len(partial))
	for _, id := range partial {
		shares[id] = true
	}
	return slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return known[id] && !passing[id] && !shares[id] }), nil
}

// ofNeighbourJobs returns which of ids are offers of a job neighbouring
// one the query names (rome.Neighbours: its family, the families its
// mobility leads to) and pass its filters; none without the referential.
func (s *Service) ofNeighbourJobs(ctx context.Context, q offres.Query, ids []string) (map[string]bool, error) {
	if s.occ == nil || len(ids) == 0 {
		return map[string]bool{}, nil
	}
	var codes []string
	for _, c := range q.Occupations {
		for _, n := range s.occ.Neighbours(c) {
			if !slices.Contains(codes, n) {
				codes = append(codes, n)
			}
		}
	}
	nq := q
	nq.Text = ""
	nq.Filters = maps.Clone(q.Filters)
	if nq.Filters == nil {
		nq.Filters = map[string][]string{}
	}
	nq.Filters[offres.FacetRome] = codes // the user's own rome filter applies to the page
	if len(codes) == 0 {
		nq.Filters[offres.FacetRome] = []string{"-"} // matches nothing
	}
	return s.index.Passing(ctx, nq, ids)
}

// domainIndex is a KeywordIndex that tells which offers have a job, and
// which have one of some grand domains of the referential
// (*fulltext.Index).
type domainIndex interface {
	classifiedIndex
	InDomains(ctx context.Context, ids []string, domains []string) (map[string]bool, error)
}

// ofJobWords returns which of ids have in their title the first word of
// the search that names a trade (Occupations.JobWords: « mécanicien »,
// « comptable », « administrateur »; not « agent », in too many job
// titles), and, when the search names a job, are of its field (its grand
// domain, or no known job): offers of a close job, for a search no offer
// matches in full (« Mécanicien auto polyvalent » for « mécanicien poids
// lourds », « Gestionnaire budgétaire et comptable » for « comptable
// fournisseurs »; not « Architecte applicatif » for « architecte
// d'intérieur »). A word of the body is not enough (« temps plein » for
// « métier en plein air »), nor a qualifier (« sous » of « plongeur
// sous-marin » in « Sous-directeur »). They keep their fused order:
// putting them before the offers close by meaning lost more than it won
// (docs/search.md).
func (s *Service) ofJobWords(ctx context.Context, q offres.Query, ids []string) (map[string]bool, error) {
	ti, ok := s.index.(titledIndex)
	if !ok || s.occ == nil || len(ids) == 0 {
		return map[string]bool{}, nil
	}
	words := s.occ.JobWords(q.Text)
	if len(words) == 0 {
		return map[string]bool{}, nil
	}
	hq := q
	hq.Text, hq.Occupations, hq.OccupationFamilies = words[0], nil, nil
	titled, err := ti.Titled(ctx, hq, ids)
	if err != nil || len(q.Occupations) == 0 || len(titled) == 0 {
		return titled, err
	}
	di, ok := s.index.(domainIndex)
	if !ok {
		return titled, nil
	}
	var domains []string
	for _, c := range q.Occupations {
		if d := c[:min(1, len(c))]; d != "" && !slices.Contains(domains, d) {
			domains = append(domains, d)
		}
	}
	found := slices.Collect(maps.Keys(titled))
	same, err := di.InDomains(ctx, found, domains)
	if err != nil {
		return nil, err
	}
	known, err := di.Classified(ctx, found)
	if err != nil {
		return nil, err
	}
	maps.DeleteFunc(titled, func(id string, _ bool) bool { return known[id] && !same[id] })
	return titled, nil
}

// classifiedIndex is a KeywordIndex that tells which offers have an
// occupation (*fulltext.Index).
type classifiedIndex interface {
	Classified(ctx context.Context, ids []string) (map[string]bool, error)
}

// closePartials returns, of a partial keyword ranking (no offer has every
// word of the search), the offers that agree with it beyond a shared word
// (agreeing): close by meaning too, or — needing no agreement by meaning,
// the referential relates them — of a neighbouring job of the one the
// search names (ofNeighbourJobs), or titled with its trade (ofJobWords).
func (s *Service) closePartials(ctx context.Context, q offres.Query, partial, semantic []string) ([]string, error) {
	near := map[string]bool{}
	var err error
	if len(q.Occupations) > 0 {
		if near, err = s.ofNeighbourJobs(ctx, q, partial); err != nil {
			return nil, err
		}
	}
	titled, err := s.ofJobWords(ctx, q, partial)
	if err != nil {
		return nil, err
	}
	maps.Copy(near, titled)
	return agreeing(partial, semantic, near), nil
}

// agreeing keeps, of a partial keyword ranking (offers with some of the
// query's words only), the offers that the semantic ranking holds too, and
// those in near: a shared word alone (« temps plein » for « métier en plein
// air ») does not make a result; a shared word and a meaning as close as the
// best do, and the offer is flagged as found by meaning; so does, for a
// search naming a job no offer is of, an offer of a neighbouring job
// (« Data Scientist » for « statisticien »: without it, nothing was shown).
func agreeing(partial, semantic []string, near map[string]bool) []string {
	in := make(map[string]bool, len(semantic))
	for _, id := range semantic {
		in[id] = true
	}
	var kept []string
	for _, id := range partial {
		if in[id] || near[id] {
			kept = append(kept, id)
		}
	}
	return kept
}

// filteredIndex is a KeywordIndex that tells the offers a query lets
// through as a set, more cheaply than their ranking (*fulltext.Index).
type filteredIndex interface {
	// Filtered returns the ids of the offers Rank(ctx, q, n) would rank,
	// in any order, and false (no ids) when there are more than n.
	Filtered(ctx context.Context, q offres.Query, n int) (ids []string, ok bool, err error)
}

// allowed returns the offers a filtered search may return, when the filters
// let few enough through to restrict the vector search to them beforehand;
// nil otherwise (the filters then apply to the fused set only).
func (s *Service) allowed(ctx context.Context, q offres.Query) (map[string]bool, error) {
	if len(q.Filters) == 0 {
		return nil, nil
	}
	fq := q
	fq.Text = ""
	var ids []string
	if f, ok := s.index.(filteredIndex); ok {
		found, few, err := f.Filtered(ctx, fq, maxAllowed)
		if err != nil || !few {
			return nil, err
		}
		ids = found
	} else {
		r, err := s.index.Rank(ctx, fq, maxAllowed+1)
		if err != nil || len(r.IDs) > maxAllowed {
			return nil, err
		}
		ids = r.IDs
	}
	set := make(map[string]bool, len(ids))
	for _, id := range ids {
		set[id] = true
	}
	return set, nil
}

// page returns the requested page of a fused ranking, with totals and
// facets over the fused set that passes q's filters, the fused scores and
// each hit's passage closest to qv.
func (s *Service) page(ctx context.Context, q offres.Query, fused []Fused, qv []float32, evidence map[string]bool) (offres.Result, error) {
	if len(fused) == 0 {
		return offres.Result{Page: q.Page, Limit: q.Limit, Hits: []offres.Hit{}, Facets: map[string][]offres.FacetValue{}}, nil
	}
	scores := make(map[string]float64, len(fused))
	q.IDs = make([]string, len(fused))
	for i, f := range fused {
		q.IDs[i] = f.ID
		scores[f.ID] = f.Score
	}
	semantic := make(map[string]bool, len(fused))
	for _, f := range fused {
		if f.SemanticRank > 0 {
			semantic[f.ID] = true
		}
	}
	res, err := s.index.Search(ctx, q)
	if err != nil {
		return res, err
	}
	// The keyword ranking, where the evidence comes from, passed the
	// filters already: the exact total counts the offers of the ranking
	// (collapsed, when it is) with evidence.
	res.ExactTotal = 0
	for _, f := range fused {
		if evidence[f.ID] {
			res.ExactTotal++
		}
	}
	res.ExactTotal = min(res.ExactTotal, res.Total)
	if len(res.Hits) == 0 {
		return res, nil
	}
	ids := make([]string, len(res.Hits))
	for i := range res.Hits {
		h := &res.Hits[i]
		h.Score = scores[h.ID]
		h.MatchedBy = matchedBy(h.MatchedBy, evidence[h.ID], semantic[h.ID])
		ids[i] = h.ID
	}
	if qv == nil {
		return res, nil
	}
	best, err := s.semantic.Best(ctx, qv, ids)
	if err != nil {
		if ctx.Err() != nil {
			return offres.Result{}, ctx.Err()
		}
		s.log.Warn("best passages unavailable", "err", err)
		return res, nil
	}
	for i := range res.Hits {
		if p, ok := best[res.Hits[i].ID]; ok {
			res.Hits[i].Passage = &p
		}
	}
	return res, nil
}

// keywordSearch runs q on the full-text index alone.
func (s *Service) keywordSearch(ctx context.Context, q offres.Query) (offres.Result, error) {
	res, err := s.index.Search(ctx, q)
	res.Mode = offres.ModeKeyword
	return res, err
}

// MaxSimilar bounds the similar offers asked for.
const MaxSimilar = 20

// Similar returns the open offers closest to an offer (closed ones too with
// includeClosed), best first, without the offer itself.
func (s *Service) Similar(ctx context.Context, id string, limit int, includeClosed bool) (offres.Result, error) {
	if limit == 0 {
		limit = 5
	}
	if limit < 1 || limit > MaxSimilar {
		return offres.Result{}, offres.Invalidf("limit %d invalide : entre 1 et %d", limit, MaxSimilar)
	}
	if s.semantic == nil {
		return offres.Result{}, &offres.UserError{Kind: offres.ErrUnavailable, Message: "la recherche sémantique n'est pas disponible"}
	}
	v, err := s.semantic.OfferVector(ctx, id)
	if err != nil {
		if errors.Is(err, offres.ErrNotFound) {
			return offres.Result{}, &offres.UserError{Kind: offres.ErrNotFound, Message: fmt.Sprintf("aucune offre %q", id)}
		}
		return offres.Result{}, err
	}
	hits, err := s.semantic.Passages(ctx, v, s.hybrid.SemanticPassages, s.hybrid.MinSimilarity, nil)
	if err != nil {
		return offres.Result{}, err
	}
	ranking, _ := OfferRanking(hits, s.hybrid.MinSimilarity)
	fused := make([]Fused, 0, len(ranking))
	for i, other := range ranking {
		if other != id {
			fused = append(fused, Fused{ID: other, Score: float64(len(ranking) - i), SemanticRank: i + 1})
		}
	}
	q := offres.Query{IncludeClosed: includeClosed, Sort: offres.SortRelevance, Page: 1, Limit: limit, Today: s.Today(), UndatedOpenDays: s.undated}
	res, err := s.page(ctx, q, fused, v, nil)
	res.Mode = offres.ModeSemantic
	return res, err
}

// discardLogger is the logger of a service given none.
var discardLogger = slog.New(slog.DiscardHandler)
