package match

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"offres/internal/offres"
	"offres/search"
)

// Searcher finds the offers alike a profile (search.Service).
type Searcher interface {
	Resemble(ctx context.Context, text string, jobs search.Jobs, includeClosed bool, n int) (search.Likeness, error)
}

// Catalog reads offers.
type Catalog interface {
	Get(ctx context.Context, id string) (offres.Offer, error)
}

// Result is an offer ranked for a profile.
type Result struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	// DeadlineStatus says whether the offer is open (closed and expired
	// offers are ranked only when asked for).
	DeadlineStatus offres.DeadlineStatus `json:"deadline_status"`
	Score          *int                  `json:"score"`
	Explanation    Explanation           `json:"explanation"`
}

// Service ranks open offers for a profile.
type Service struct {
	search  Searcher
	catalog Catalog
	matcher *Matcher
	now     func() time.Time
}

// NewService returns the matching service.
func NewService(s Searcher, c Catalog, m *Matcher, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{search: s, catalog: c, matcher: m, now: now}
}

// candidates bounds the offers Rank returns.
const candidates = offres.MaxPageSize

// Weights of the rankings fused into the closeness of an offer to a
// profile (reciprocal rank fusion, constant rrfK): the profile's words,
// its meaning, the offers of its jobs; then, counted as a first rank times
// their weight, its title's closeness to the job titles the profile states
// (titleCloseness, 0–1) and its job in a ROME domain of the profile's
// (sameDomain). Measured on the matching sets (offres eval --match,
// docs/matching.md).
const (
	closenessWords   = 2.0
	closenessMeaning = 0.5
	closenessJob     = 1.0
	closenessTitle   = 1.0
	closenessDomain  = 0.5
	rrfK             = 60
)

// pool is how many offers each of the search's rankings proposes for
// scoring: at most three times this many are explained.
const pool = 100

// ValidateProfile checks a profile given to match or to store; its errors
// are in French. Its bounds (the number of items, the length of each, the
// size of the whole) bound the work of matching it.
func ValidateProfile(p *offres.Profile) error {
	switch {
	case !utf8.ValidString(p.Text):
		return offres.Invalidf("le texte du profil n'est pas de l'UTF-8 valide")
	case utf8.RuneCountInString(p.Text) > offres.MaxProfileText:
		return offres.Invalidf("le texte du profil dépasse %d caractères", offres.MaxProfileText)
	case strings.TrimSpace(p.Text) == "" && len(p.Skills) == 0 && len(p.JobTitles) == 0 && len(p.Diplomas) == 0:
		return offres.Invalidf("le profil est vide : collez un CV (text) ou décrivez-le (profile)")
	case len(p.Skills) > 200 || len(p.JobTitles) > 50 || len(p.Diplomas) > 50 || len(p.Communes) > 40 || len(p.Contracts) > 10:
		return offres.Invalidf("le profil a trop d'éléments")
	}
	if err := validateItems(p); err != nil {
		return err
	}
	for _, c := range p.Contracts {
		if _, ok := offres.ContractLabels[c]; !ok {
			return offres.Invalidf("type de contrat %q inconnu", c)
		}
	}
	for _, c := range p.Communes {
		if _, ok := offres.LookupCommune(c); !ok {
			return offres.Invalidf("commune %q inconnue", c)
		}
	}
	return nil
}

// validateItems checks the length of each structured item of a profile
// and the size of the whole (its text included).
func validateItems(p *offres.Profile) error {
	total := len(p.Text)
	check := func(what, v string) error {
		if !utf8.ValidString(v) {
			return offres.Invalidf("%s du profil n'est pas de l'UTF-8 valide", what)
		}
		if n := utf8.RuneCountInString(v); n > offres.MaxProfileItem {
			return offres.Invalidf("%s du profil dépasse %d caractères", what, offres.MaxProfileItem)
		}
		total += len(v)
		return nil
	}
	if err := check("le nom", p.Name); err != nil {
		return err
	}
	lists := []struct {
		what  string
		items []string
	}{{"une compétence", p.Skills}, {"un intitulé de poste", p.JobTitles}, {"une commune", p.Communes}, {"un type de contrat", p.Contracts}}
	for _, l := range lists {
		for _, v := range l.items {
			if err := check(l.what, v); err != nil {
				return err
			}
		}
	}
	for _, d := range p.Diplomas {
		if err := check("un diplôme", d.Label); err != nil {
			return err
		}
	}
	if total > offres.MaxProfileBytes {
		return offres.Invalidf("le profil est trop volumineux (%d ko au plus, texte et éléments compris)", offres.MaxProfileBytes>>10)
	}
	return nil
}

// Match ranks the open offers for a profile, best first, at most limit.
func (s *Service) Match(ctx context.Context, p *offres.Profile, limit int) (Ranking, error) {
	return s.Rank(ctx, p, limit, false)
}

// Rank ranks the offers for a profile, closed ones too with includeClosed
// (for evaluations on past offers).
func (s *Service) Rank(ctx context.Context, p *offres.Profile, limit int, includeClosed bool) (Ranking, error) {
	if err := ValidateProfile(p); err != nil {
		return Ranking{}, err
	}
	if limit <= 0 || limit > candidates {
		limit = 10
	}
	// Candidates: the offers alike the whole profile by its words, by its
	// meaning, and those of its jobs by its words.
	a := s.matcher.Analyze(p) // once, whatever the number of offers
	like, err := s.search.Resemble(ctx, profileDocument(p), jobsOf(a.Occupations()), includeClosed, pool)
	if err != nil {
		return Ranking{}, fmt.Errorf("match: %w", err)
	}
	order, closeness := closenessOrder(like)
	ex, err := s.explainAll(ctx, a, order)
	if err != nil {
		return Ranking{}, err
	}
	out, fams := ex.results, ex.families
	jobByTitle(out, like, closeness, ex)
	closer(out, closeness, a.titles, ex.domain)
	// Without a job named in the profile, the offers closest to it vote
	// for their family (see votedFamily).
	voted, share := "", 0.0
	if !slices.ContainsFunc(a.Occupations(), func(o Occupation) bool { return o.From != inferredFrom }) {
		voted, share = votedFamily(out, fams)
	}
	// The same job first, then the closeness to the profile; or, when the
	// profile names no job, the voted family first. The score is not an
	// order: it favours the offers that state few requirements, and
	// sorting by it took nDCG@10 from 0.624 to 0.486 on the codes set and
	// from 0.694 to 0.598 on the CVs (offres eval --match, 2026-12-07).
	rank := func(r Result) int { return jobRank(r.Explanation) }
	if voted != "" {
		rank = func(r Result) int {
			if slices.Contains(fams[r.ID], voted) {
				return 1
			}
			return 0
		}
	}
	slices.SortStableFunc(out, func(a, b Result) int { return rank(b) - rank(a) })
	if len(out) > limit {
		out = out[:limit]
	}
	jobs := a.Occupations()
	if voted != "" && !slices.ContainsFunc(jobs, func(o Occupation) bool { return o.Code == voted }) {
		jobs = append([]Occupation{s.matcher.votedOccupation(voted, share)}, jobs...)
	}
	return Ranking{Matches: out, Jobs: jobs}, nil
}

// closenessOrder fuses the rankings of the offers alike a profile by
// reciprocal rank, the words weighing most (see docs/matching.md for the
// weights measured); it returns the offers, closest first, and their
// closeness.
func closenessOrder(like search.Likeness) ([]string, map[string]float64) {
	closeness := map[string]float64{}
	var ids []string
	for _, l := range []struct {
		ids    []string
		weight float64
	}{{like.Keyword, closenessWords}, {like.Semantic, closenessMeaning}, {like.Job, closenessJob}} {
		for r, id := range l.ids {
			if _, ok := closeness[id]; !ok {
				ids = append(ids, id)
			}
			closeness[id] += l.weight / float64(rrfK+r+1)
		}
	}
	slices.SortStableFunc(ids, func(a, b string) int { return cmp.Compare(closeness[b], closeness[a]) })
	return ids, closeness
}

// closer adds to the closeness of each ranked offer that of its title to
// the job titles a profile states (titleStems), and the weight of a job in
// a ROME domain of the profile's (domain), and orders them again by
// closeness. An offer's title says its job in a few words, as a CV's job
// titles do; the profile's words, hundreds, drown them: a mechanic's CV
// that says « poids lourds » twice and « Mécanicien » twice found the truck
// drivers' offers first. The domain brings the close jobs the mobility
// links miss (a teacher's CV, the pedagogical coordinators' offers).
func closer(ranked []Result, closeness map[string]float64, titles [][]string, domain map[string]bool) {
	for _, r := range ranked {
		closeness[r.ID] += closenessTitle * titleCloseness(titles, r.Title) / (rrfK + 1)
		if domain[r.ID] {
			closeness[r.ID] += closenessDomain / (rrfK + 1)
		}
	}
	slices.SortStableFunc(ranked, func(a, b Result) int { return cmp.Compare(closeness[b.ID], closeness[a.ID]) })
}

// jobByTitle gives the offers of the profile's job whose job title is one
// the profile states (statesTitle) the closeness the offers of its job get
// when the job ranking misses them: that ranking's term at their rank by
// the profile's words, and the job's domain. Their source files them
// elsewhere: « juriste marchés publics » under K2307 (urban cleanliness),
// for a CV that says « Juriste marchés publics ». Without it, the « Juriste »
// offers of K1903 ranked before them (the procurement lawyer's nDCG@10
// 0.750, with it 0.820; the CVs 0.833 → 0.836, the other sets unchanged,
// offres eval --match, 2026-12-07).
func jobByTitle(ranked []Result, like search.Likeness, closeness map[string]float64, ex explained) {
	for _, r := range ranked {
		if !ex.stated[r.ID] || jobRank(r.Explanation) != 1 || slices.Contains(like.Job, r.ID) {
			continue
		}
		if k := slices.Index(like.Keyword, r.ID); k >= 0 {
			closeness[r.ID] += closenessJob / float64(rrfK+k+1)
		}
		ex.domain[r.ID] = true
	}
}

// explained are offers explained for a profile.
type explained struct {
	results  []Result
	families map[string][]string // each offer's ROME families
	domain   map[string]bool     // the offers of a ROME domain of the profile's jobs (sameDomain)
	stated   map[string]bool     // the offers whose job title the profile states (statesTitle)
}

// explainAll explains the offers of ids for an analysed profile, in order
// (those deleted meanwhile left out), checking the request's deadline
// between offers.
func (s *Service) explainAll(ctx context.Context, a *Analyzed, ids []string) (explained, error) {
	today := offres.Today(s.now)
	ex := explained{results: make([]Result, 0, len(ids)), families: map[string][]string{}, domain: map[string]bool{}, stated: map[string]bool{}}
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return explained{}, fmt.Errorf("match: %w", err)
		}
		o, err := s.catalog.Get(ctx, id)
		if errors.Is(err, offres.ErrNotFound) {
			continue
		}
		if err != nil {
			return explained{}, err
		}
		e := s.matcher.ExplainAnalyzed(a, &o, today)
		ex.results = append(ex.results, Result{ID: o.ID, Title: o.Title, DeadlineStatus: s.matcher.status(&o, today), Score: e.Score, Explanation: e})
		for _, oc := range o.Occupations {
			ex.families[o.ID] = append(ex.families[o.ID], cmp.Or(oc.Family, oc.Code))
		}
		if s.matcher.rome != nil && len(a.occupations) > 0 {
			tj := s.matcher.offerTitle(o.Title)
			codes, families := s.matcher.offerCodes(&o, tj)
			ex.domain[o.ID] = sameDomain(a.occupations, codes, families)
			ex.stated[o.ID] = statesTitle(a.titles, tj.job)
		}
	}
	return ex, nil
}

// Ranking is the offers ranked for a profile and the jobs the ranking
// relied on: those read in the profile, or the family its closest offers
// share (From « offres les plus proches »), first.
type Ranking struct {
	Matches []Result     `json:"matches"`
	Jobs    []Occupation `json:"jobs"`
}

// votedFrom is the From of a job voted by the offers closest to a profile.
const votedFrom = "offres les plus proches"

// Voting for a profile's family: its voteWindow closest offers vote for
// the historic codes of their occupations, the i-th (from 0) with weight
// 1/(i+1); a family that gets at least voteMajority of the votes is the
// profile's. A CV that describes tasks without naming its job is most
// often closest to offers of that job: with the vote, nDCG@10 on the codes
// set rose from 0.742 to 0.793 (its « tâches » profiles 0.607 → 0.713), the
// CVs 0.762 → 0.759, with --titles-only 0.613 → 0.612 (offres eval --match,
// 2026-12-07).
const (
	voteWindow   = 10
	voteMajority = 0.5
)

// votedFamily returns the family most of the first offers of a closeness
// ranking share and its share of the votes, "" when none has the
// majority; fams holds each offer's families.
func votedFamily(ranked []Result, fams map[string][]string) (string, float64) {
	votes := map[string]float64{}
	total := 0.0
	for i, r := range ranked[:min(voteWindow, len(ranked))] {
		w := 1 / float64(i+1)
		total += w
		for _, f := range slices.Compact(slices.Sorted(slices.Values(fams[r.ID]))) {
			votes[f] += w
		}
	}
	best, bestVotes := "", 0.0
	for f, v := range votes {
		if v > bestVotes || (v == bestVotes && f < best) {
			best, bestVotes = f, v
		}
	}
	if total == 0 || bestVotes < voteMajority*total {
		return "", 0
	}
	return best, bestVotes / total
}

func scoreOf(r Result) int {
	if r.Score == nil {
		return -1
	}
	return *r.Score
}

// jobsOf are the offers that are a profile's jobs: those of their
// families (historic codes). Restricting them to the jobs' own codes
// (« comptable », M1203, without the payroll jobs of its family, M1507)
// measured lower: nDCG@10 0.742 → 0.737 on the codes set, 0.763 → 0.756 on
// the CVs (offres eval --match, 2026-12-07); the order puts the same job
// first anyway.
func jobsOf(occ []Occupation) search.Jobs {
	var j search.Jobs
	for _, o := range occ {
		j.Families = append(j.Families, o.Code)
	}
	return j
}

// profileDocument is the text of a profile: its job titles, skills and
// diplomas, then its text, within offres.MaxProfileText runes (the
// search's bound on a document).
func profileDocument(p *offres.Profile) string {
	doc := strings.Join(append(profileItems(p), p.Text), "\n")
	if utf8.RuneCountInString(doc) > offres.MaxProfileText {
		doc = string([]rune(doc)[:offres.MaxProfileText])
	}
	return doc
}

// Candidate is a stored profile ranked for an offer.
type Candidate struct {
	ProfileID   string      `json:"profile_id"`
	Name        string      `json:"name,omitempty"`
	Score       *int        `json:"score"`
	Explanation Explanation `json:"explanation"`
}

// Candidates ranks profiles for an offer, best first.
func (s *Service) Candidates(ctx context.Context, offerID string, profiles []offres.Profile) ([]Candidate, error) {
	o, err := s.catalog.Get(ctx, offerID)
	if err != nil {
		return nil, err
	}
	today := offres.Today(s.now)
	out := make([]Candidate, 0, len(profiles))
	for i := range profiles {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		ex := s.matcher.Explain(&profiles[i], &o, today)
		out = append(out, Candidate{ProfileID: profiles[i].ID, Name: profiles[i].Name, Score: ex.Score, Explanation: ex})
	}
	slices.SortStableFunc(out, func(a, b Candidate) int {
		if c := jobRank(b.Explanation) - jobRank(a.Explanation); c != 0 {
			return c
		}
		return scoreOf(Result{Score: b.Score}) - scoreOf(Result{Score: a.Score})
	})
	return out, nil
}

// jobRank orders explanations by their job requirement: 2 the offer's
// job title written in the profile (« Gestionnaire de scolarité », a title
// the referential lacks, for a CV whose older line « Agent administratif »
// it knows: heldout2's scolarité manager 0.361 → 0.476, the set 0.683 →
// 0.697, the codes set 0.803 → 0.801, the other sets unchanged, offres eval
// --match, 2026-12-07), 1 the same job (the same ROME code), 0 otherwise. Offers of the same family of jobs, or
// of a job the ROME's mobility links to, rank by their closeness to the
// profile among the others: a family holds distinct jobs (M1203 holds the
// accountant and the payroll manager), and ranking them right after the
// same job took nDCG@10 on the CVs from 0.763 to 0.747 for 0.004 on the
// codes set (offres eval --match, 2026-12-07).
func jobRank(ex Explanation) int {
	for _, it := range ex.Items {
		if it.Kind == KindJob && it.Status == Matched && it.strength == agreeSame {
			if it.Note == noteOfferTitle {
				return 2
			}
			return 1
		}
	}
	return 0
}
