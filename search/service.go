package search

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"offres/internal/offres"
)

// KeywordIndex is the full-text index the service searches and keeps current.
type KeywordIndex interface {
	Search(ctx context.Context, q offres.Query) (offres.Result, error)
	Upsert(ctx context.Context, offers []offres.Offer) error
	Delete(ctx context.Context, ids []string) error
	// Rank returns the ids of at most n offers matching q's text and
	// filters by relevance, and those whose reference or title is the query.
	Rank(ctx context.Context, q offres.Query, n int) (offres.Ranking, error)
	// Passing returns which of ids pass q's filters and deadline rule.
	Passing(ctx context.Context, q offres.Query, ids []string) (map[string]bool, error)
}

// Occupations tells the jobs of the ROME referential that a search or an
// offer's title names (*rome.Taxonomy).
type Occupations interface {
	QueryOccupations(text string) []offres.Occupation
	OfferOccupations(o *offres.Offer) []offres.Occupation
	// Appellations returns every job title of the referential with its
	// code, for the suggestions.
	Appellations() []offres.Occupation
	// Neighbours returns the codes of the jobs close to a code (its
	// family, and those its mobility leads to).
	Neighbours(code string) []string
	// JobWords returns the words of a search that name a trade in the
	// referential's job titles (« mécanicien », « comptable »; not
	// « agent », in too many of them).
	JobWords(text string) []string
}

// Options configure the service. The zero value is usable.
type Options struct {
	// Now gives the current time; deadlines are judged on its date in Nouméa.
	Now func() time.Time
	// SuggestLimit is the default number of suggestions (8 when zero).
	SuggestLimit int
	// Semantic, when not nil, enables semantic and hybrid search.
	Semantic Semantic
	Hybrid   HybridOptions
	Logger   *slog.Logger
	// UndatedOpenDays is how long an offer without a deadline is open
	// after its publication (offres.DefaultUndatedOpenDays when zero).
	UndatedOpenDays int
	// Occupations, when not nil, understands the job a search names and
	// classifies the offers indexed without occupations.
	Occupations Occupations
}

// Service is the search capability of offres.
type Service struct {
	index    KeywordIndex
	suggest  *Suggester
	now      func() time.Time
	limit    int
	semantic Semantic
	hybrid   HybridOptions
	log      *slog.Logger
	occ      Occupations
	undated  int
	dups     *Duplicates
	gen      atomic.Uint64 // see Generation
}

// New returns a service over index. Call Load (or Upsert) to feed the
// suggester with the offers already indexed.
func New(index KeywordIndex, opts Options) *Service {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.SuggestLimit <= 0 {
		opts.SuggestLimit = 8
	}
	if opts.Logger == nil {
		opts.Logger = discardLogger
	}
	s := &Service{
		index: index, suggest: NewSuggester(), now: opts.Now, limit: opts.SuggestLimit,
		semantic: opts.Semantic, hybrid: opts.Hybrid.withDefaults(), log: opts.Logger,
		occ: opts.Occupations, undated: opts.UndatedOpenDays, dups: NewDuplicates(),
	}
	if s.occ != nil {
		s.suggest.SetJobs(s.occ.Appellations())
	}
	s.changed()
	return s
}

// Today is the current date in Nouméa.
func (s *Service) Today() offres.Date { return offres.Today(s.now) }

// Request is a search request as a client states it.
type Request struct {
	Text          string
	Filters       map[string][]string
	IncludeClosed bool
	Sort          string
	Page          int
	Limit         int
	// NoFuzzy disables typo tolerance.
	NoFuzzy bool
	// NoCollapse shows every near-duplicate offer instead of one per
	// cluster (see Duplicates).
	NoCollapse bool
	// Mode is offres.ModeKeyword, ModeSemantic or ModeHybrid (the default).
	Mode string
}

// Search validates the request and runs it.
func (s *Service) Search(ctx context.Context, r Request) (offres.Result, error) {
	q, err := s.query(r)
	if err != nil {
		return offres.Result{}, err
	}
	mode, err := s.mode(r, q)
	if err != nil {
		return offres.Result{}, err
	}
	var occs []offres.Occupation
	if s.occ != nil && q.Text != "" {
		occs = s.occ.QueryOccupations(q.Text)
		for _, o := range occs {
			q.Occupations = append(q.Occupations, o.Code)
			if o.Family != "" && !slices.Contains(q.OccupationFamilies, o.Family) {
				q.OccupationFamilies = append(q.OccupationFamilies, o.Family)
			}
		}
	}
	collapse := !r.NoCollapse && q.Text != ""
	var res offres.Result
	switch {
	case mode != offres.ModeKeyword:
		res, err = s.semanticSearch(ctx, q, mode, collapse)
	case q.Text != "":
		res, err = s.rankedKeywordSearch(ctx, q, collapse)
	default:
		res, err = s.keywordSearch(ctx, q)
	}
	res.Occupations = occs
	return res, err
}

func (s *Service) query(r Request) (offres.Query, error) {
	text := strings.TrimSpace(r.Text)
	if !utf8.ValidString(text) {
		return offres.Query{}, offres.Invalidf("la requête n'est pas un texte UTF-8 valide")
	}
	if utf8.RuneCountInString(text) > offres.MaxQueryLen {
		return offres.Query{}, offres.Invalidf("la requête dépasse %d caractères", offres.MaxQueryLen)
	}
	q := offres.Query{
		Text:          text,
		IncludeClosed: r.IncludeClosed,
		Sort:          r.Sort,
		Page:          r.Page,
		Limit:         r.Limit,
		Fuzzy:         !r.NoFuzzy,
		Today:         s.Today(),
	}
	q.UndatedOpenDays = s.undated

	switch q.Sort {
	case "":
		q.Sort = offres.SortRelevance
	case offres.SortRelevance, offres.SortDeadline, offres.SortPublished:
	default:
		return q, offres.Invalidf("tri %q inconnu : utilisez relevance, deadline ou published", r.Sort)
	}
	if q.Page == 0 {
		q.Page = 1
	}
	if q.Page < 1 || q.Page > offres.MaxPage {
		return q, offres.Invalidf("page %d invalide : entre 1 et %d", r.Page, offres.MaxPage)
	}
	if q.Limit == 0 {
		q.Limit = offres.DefaultLimit
	}
	if q.Limit < 1 || q.Limit > offres.MaxPageSize {
		return q, offres.Invalidf("limit %d invalide : entre 1 et %d", r.Limit, offres.MaxPageSize)
	}
	if len(r.Filters) > 0 {
		q.Filters = make(map[string][]string, len(r.Filters))
		for name, values := range r.Filters {
			if !isFacet(name) {
				return q, offres.Invalidf("filtre %q inconnu", name)
			}
			for _, v := range values {
				v = strings.TrimSpace(v)
				if v == "" || len(v) > offres.MaxQueryLen || !utf8.ValidString(v) {
					return q, offres.Invalidf("valeur invalide pour le filtre %s", name)
				}
				q.Filters[name] = append(q.Filters[name], v)
			}
			if len(q.Filters[name]) > offres.MaxFacetSize {
				return q, offres.Invalidf("le filtre %s accepte au plus %d valeurs", name, offres.MaxFacetSize)
			}
		}
	}
	return q, nil
}

func isFacet(name string) bool {
	for _, f := range offres.FacetNames {
		if f == name {
			return true
		}
	}
	return false
}

// Suggest completes a prefix of at least two characters.
func (s *Service) Suggest(ctx context.Context, prefix string, limit int) ([]offres.Suggestion, error) {
	prefix = strings.TrimSpace(prefix)
	switch n := utf8.RuneCountInString(prefix); {
	case !utf8.ValidString(prefix):
		return nil, offres.Invalidf("le préfixe n'est pas un texte UTF-8 valide")
	case n < 2:
		return nil, offres.Invalidf("saisissez au moins 2 caractères")
	case n > offres.MaxSuggestLen:
		return nil, offres.Invalidf("le préfixe dépasse %d caractères", offres.MaxSuggestLen)
	}
	if limit == 0 {
		limit = s.limit
	}
	if limit < 1 || limit > 20 {
		return nil, offres.Invalidf("limit %d invalide : entre 1 et 20", limit)
	}
	out := s.suggest.Suggest(prefix, limit)
	if out == nil {
		out = []offres.Suggestion{}
	}
	return out, nil
}

// Upsert indexes offers and updates the suggestions. It satisfies
// indexer.Index, so imports keep both current.
func (s *Service) Upsert(ctx context.Context, offers []offres.Offer) error {
	defer s.changed()
	offers = s.classify(offers)
	if err := s.index.Upsert(ctx, offers); err != nil {
		return err
	}
	s.suggest.Add(offers)
	s.dups.Add(offers)
	return nil
}

// classify gives the offers stored without occupations (imported before the
// referential was there) theirs, on copies: the catalogue is left as it is.
func (s *Service) classify(offers []offres.Offer) []offres.Offer {
	if s.occ == nil {
		return offers
	}
	var out []offres.Offer
	for i, o := range offers {
		if len(o.Occupations) > 0 {
			continue
		}
		if out == nil {
			out = slices.Clone(offers)
		}
		out[i].Occupations = s.occ.OfferOccupations(&o)
	}
	if out == nil {
		return offers
	}
	return out
}

// Delete removes offers from the index and the suggestions.
func (s *Service) Delete(ctx context.Context, ids []string) error {
	defer s.changed()
	if err := s.index.Delete(ctx, ids); err != nil {
		return err
	}
	s.suggest.Remove(ids)
	s.dups.Remove(ids)
	return nil
}

// generations numbers the writes of every service of the process, so that
// no two states of any index share a generation.
var generations atomic.Uint64

// changed gives the index a new generation (after a write, even a failed
// one: part of a batch may be in).
func (s *Service) changed() { s.gen.Store(generations.Add(1)) }

// Generation identifies the state of the index: it changes with every
// write, so a cache of results keyed by it never serves a deleted or an
// outdated offer.
func (s *Service) Generation() uint64 { return s.gen.Load() }

// Learn feeds the suggester offers that are already indexed (at start-up).
func (s *Service) Learn(offers []offres.Offer) {
	offers = s.classify(offers)
	s.suggest.Add(offers)
	s.dups.Add(offers)
}
