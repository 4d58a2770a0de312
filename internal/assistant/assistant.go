// Package assistant answers candidates' questions about the offers, in
// French, citing the clause of the offer each answer relies on: by
// extraction from the offers' fields and passages (the default, and the
// fallback), or by a language model whose answer must pass a citation check.
// It never presents a closed offer as open, says plainly when the offers do
// not answer, and explains the local-employment rules without deciding
// anyone's eligibility.
package assistant

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"offres/indexer"
	"offres/internal/offres"
	"offres/prompts"
	"offres/search"
)

// Searcher finds offers (search.Service).
type Searcher interface {
	Search(ctx context.Context, r search.Request) (offres.Result, error)
}

// Catalog reads offers.
type Catalog interface {
	Get(ctx context.Context, id string) (offres.Offer, error)
}

// LLM is a chat model that streams its answer (llm.Chat).
type LLM interface {
	Model() string
	Stream(ctx context.Context, msgs []offres.ChatMessage, onToken func(delta string) error) (offres.Completion, error)
}

// Answer modes.
const (
	ModeLLM        = "llm"
	ModeExtractive = "extractive"
)

// Bounds.
const (
	MaxQuestionLen = 500 // runes
	maxListed      = 10  // offers listed by a « quels postes » answer
	maxLLMOffers   = 4   // offers whose passages go to the model
)

// Request is a question.
type Request struct {
	Question       string              `json:"question"`
	ConversationID string              `json:"conversation_id,omitempty"`
	Filters        map[string][]string `json:"filters,omitempty"`
	// Client names who asks, for the token budgets (the API sets the
	// client's address or key); never read from the request's body.
	Client string `json:"-"`
}

// Validate checks the request; its errors are in French.
func (r Request) Validate() error {
	text := strings.TrimSpace(r.Question)
	switch {
	case !utf8.ValidString(text):
		return offres.Invalidf("la question n'est pas un texte UTF-8 valide")
	case text == "":
		return offres.Invalidf("posez une question")
	case utf8.RuneCountInString(text) > MaxQuestionLen:
		return offres.Invalidf("la question dépasse %d caractères", MaxQuestionLen)
	case r.ConversationID != "" && !validConversationID(r.ConversationID):
		return offres.Invalidf("conversation_id invalide : 8 à 64 lettres, chiffres, « - » ou « _ »")
	}
	for k := range r.Filters {
		if !containsString(offres.FacetNames, k) {
			return offres.Invalidf("filtre %q inconnu", k)
		}
	}
	return nil
}

// Answer is the assistant's answer.
type Answer struct {
	Answer string `json:"answer"`
	// Grounded is false when a model's answer failed the citation check
	// and the extractive answer replaced it; Notice then says so, in the
	// question's language.
	Grounded       bool       `json:"grounded"`
	Notice         string     `json:"notice,omitempty"`
	Citations      []Citation `json:"citations"`
	Offers         []string   `json:"offers"`
	ConversationID string     `json:"conversation_id"`
	Mode           string     `json:"mode"`
	// Question is the question as answered: a follow-up rewritten into a
	// standalone question.
	Question string `json:"question"`
	// Filters are those taken from the question and the request, applied
	// to the search.
	Filters map[string][]string `json:"filters"`
}

// Stream receives an answer as it is written: its text in pieces, and
// Reset when what was sent is withdrawn (a model's answer that failed the
// citation check), the extractive answer following.
type Stream struct {
	Token func(text string) error
	Reset func() error
}

// Options configure an assistant.
type Options struct {
	Now    func() time.Time
	LLM    LLM // nil: extractive answers only
	Logger *slog.Logger
	// ConversationTTL, MaxTurns, MaxConversations bound the conversations
	// (the Default* constants when zero).
	ConversationTTL  time.Duration
	MaxTurns         int
	MaxConversations int
	// TokensPerClientDay bounds the model's tokens spent on one client
	// (Request.Client) in a day in Nouméa (DefaultTokensPerClientDay when
	// zero, none when negative); TokensPerDay bounds them for all clients
	// (none when zero or negative); MaxPromptTokens bounds the estimated
	// prompt of one call (DefaultMaxPromptTokens when zero). Past a budget
	// the answers are extractive.
	TokensPerClientDay int
	TokensPerDay       int
	MaxPromptTokens    int
	// UndatedOpenDays is how long an offer without a deadline is open after
	// its publication, as the search counts it (search.undated_open_days;
	// offres.DefaultUndatedOpenDays when zero).
	UndatedOpenDays int
}

// Assistant answers questions.
type Assistant struct {
	search  Searcher
	catalog Catalog
	llm     LLM
	rules   prompts.LocalEmployment
	convs   *conversations
	budget  *budget
	now     func() time.Time
	log     *slog.Logger
	undated int
}

// New returns an assistant over the search service and the catalogue.
func New(s Searcher, c Catalog, opts Options) (*Assistant, error) {
	rules, err := prompts.Rules()
	if err != nil {
		return nil, err
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.ConversationTTL <= 0 {
		opts.ConversationTTL = DefaultConversationTTL
	}
	if opts.MaxTurns <= 0 {
		opts.MaxTurns = DefaultMaxTurns
	}
	if opts.MaxConversations <= 0 {
		opts.MaxConversations = DefaultMaxConversations
	}
	if opts.TokensPerClientDay == 0 {
		opts.TokensPerClientDay = DefaultTokensPerClientDay
	}
	if opts.TokensPerDay == 0 {
		opts.TokensPerDay = -1
	}
	if opts.MaxPromptTokens == 0 {
		opts.MaxPromptTokens = DefaultMaxPromptTokens
	}
	if opts.UndatedOpenDays <= 0 {
		opts.UndatedOpenDays = offres.DefaultUndatedOpenDays
	}
	return &Assistant{
		search: s, catalog: c, llm: opts.LLM, rules: rules, now: opts.Now, log: opts.Logger, undated: opts.UndatedOpenDays,
		convs:  newConversations(opts.ConversationTTL, opts.MaxTurns, opts.MaxConversations, opts.Now),
		budget: newBudget(opts.TokensPerClientDay, opts.TokensPerDay, opts.MaxPromptTokens, opts.Now),
	}, nil
}

// Ask answers a question; stream, when its fields are set, receives the
// answer as it is written.
func (a *Assistant) Ask(ctx context.Context, req Request, stream Stream) (Answer, error) {
	if err := req.Validate(); err != nil {
		return Answer{}, err
	}
	text := strings.TrimSpace(req.Question)
	convID := req.ConversationID
	if convID == "" {
		convID = newConversationID()
	}
	today := offres.Today(a.now)
	q := Understand(text, today)
	if prev, ok := a.convs.last(convID); ok {
		rq, rewritten := Rewrite(text, prev.question, prev.offers, today)
		// A model that gives the follow-up back unchanged did not rewrite it:
		// the rules' rewriting then stands.
		if lq, ok := a.rewriteWithModel(ctx, req.Client, text, prev, today); ok && !(rewritten && strings.EqualFold(strings.TrimSpace(lq.Text), text)) {
			if lq.Reference == "" && rewritten && rq.Reference != "" {
				lq.Reference = rq.Reference // the offer the previous answer was about
			}
			q = lq
		} else if rewritten {
			q = rq
		}
	}
	if q.ListsCondition() {
		q.Intent = IntentList // the offers that state it
	}
	filters, err := mergeFilters(q.Filters, req.Filters)
	if err != nil {
		return Answer{}, err
	}
	q.Filters = filters

	found, err := a.retrieve(ctx, q, today)
	if err != nil {
		return Answer{}, err
	}
	found = a.openFirst(q, found, today)
	if q.ListsCondition() {
		found = stating(q, found) // both paths list those
	}
	ex := a.extract(q, found, today)
	ans := Answer{
		Answer: ex.text, Grounded: true, Citations: ex.citations, Offers: ex.offers,
		ConversationID: convID, Mode: ModeExtractive, Question: q.Text, Filters: filters,
	}
	if ans.Citations == nil {
		ans.Citations = []Citation{}
	}
	if ans.Offers == nil {
		ans.Offers = []string{}
	}
	if ans.Filters == nil {
		ans.Filters = map[string][]string{}
	}
	if a.llm != nil && len(found) > 0 {
		if out, ok := a.askLLM(ctx, req.Client, q, found, ex, today, stream); ok {
			ans.Answer, ans.Citations, ans.Mode = out.text, out.citations, ModeLLM
			ans.Offers = out.offers
		} else if ctx.Err() != nil {
			return Answer{}, ctx.Err()
		} else {
			ans.Grounded = !out.failedCheck
			if out.failedCheck {
				ans.Notice = rejectedNotice(q.Lang, out.rejected)
			}
			if out.streamed && stream.Reset != nil {
				if err := stream.Reset(); err != nil {
					return Answer{}, err
				}
			}
			if err := emit(stream, ans.Answer); err != nil {
				return Answer{}, err
			}
		}
	} else if err := emit(stream, ans.Answer); err != nil {
		return Answer{}, err
	}
	a.convs.add(convID, turn{question: q, offers: ans.Offers})
	return ans, nil
}

func emit(stream Stream, text string) error {
	if stream.Token == nil {
		return nil
	}
	return stream.Token(text)
}

// mergeFilters adds the request's filters to the question's, refusing
// unknown facets.
func mergeFilters(fromQuestion, fromRequest map[string][]string) (map[string][]string, error) {
	out := map[string][]string{}
	for k, vs := range fromQuestion {
		out[k] = append(out[k], vs...)
	}
	for k, vs := range fromRequest {
		known := false
		for _, f := range offres.FacetNames {
			known = known || f == k
		}
		if !known {
			return nil, offres.Invalidf("filtre %q inconnu", k)
		}
		for _, v := range vs {
			if !containsString(out[k], v) {
				out[k] = append(out[k], v)
			}
		}
	}
	return out, nil
}

func containsString(vs []string, v string) bool {
	for _, x := range vs {
		if x == v {
			return true
		}
	}
	return false
}

// found is an offer retrieved for a question, with its passage closest to
// it when the search had one.
type found struct {
	offer   offres.Offer
	passage *offres.PassageMatch
	// clause, for a list of the offers that state a condition, is the
	// clause that states it (stating).
	clause *clauseQuote
}

// retrieve finds the offers a question is about: the one it names, else
// those the search finds for its subject and filters. A factual question
// takes the offers matching its words; only when none does, offers close
// enough in meaning. A list takes open offers unless closed ones are asked
// for.
func (a *Assistant) retrieve(ctx context.Context, q Question, today offres.Date) ([]found, error) {
	if q.Compare {
		if out, ok, err := a.retrieveCompared(ctx, q); ok || err != nil {
			return out, err
		}
	}
	if q.Reference != "" {
		o, err := a.catalog.Get(ctx, q.Reference)
		if err == nil {
			return []found{{offer: o}}, nil
		}
		if !errors.Is(err, offres.ErrNotFound) {
			return nil, err
		}
	}
	subject := strings.TrimSpace(q.Subject)
	list := q.Intent == IntentList
	req := search.Request{Text: subject, Filters: q.Filters, Limit: 5}
	if q.ListsCondition() {
		req.Text = strings.TrimSpace(subject + " " + q.ConditionText) // the offers that state it
	}
	if list {
		// Candidates, closed and expired ones included: the answer lists the
		// open ones (at most maxListed) and counts the others.
		req.Limit = offres.MaxPageSize
		req.Mode = offres.ModeHybrid
		req.IncludeClosed = true
		req.Filters = withoutOpenFilter(q.Filters)
		if q.ClosingWithinDays > 0 {
			req.Sort = offres.SortDeadline // the soonest first: those the question asks for
		}
	} else {
		if subject == "" {
			return nil, nil // a factual question about nothing in particular
		}
		req.IncludeClosed = true
		req.Mode = offres.ModeKeyword
		req.Limit = factualCandidates
	}
	res, err := a.search.Search(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("assistant: search: %w", err)
	}
	var out, family []found
	for _, h := range res.Hits {
		// A list keeps the offers named by the words of the question (see
		// covers) or whose title is of the job family asked for: closeness
		// in meaning alone lists too much on a small corpus (measured on
		// the question set); a factual answer is about an offer named by
		// its subject.
		o, err := a.catalog.Get(ctx, h.ID)
		if errors.Is(err, offres.ErrNotFound) {
			continue // deleted since
		}
		if err != nil {
			return nil, err
		}
		if q.ClosingWithinDays > 0 && (h.DaysLeft == nil || *h.DaysLeft < 0 || *h.DaysLeft > q.ClosingWithinDays) {
			continue
		}
		switch {
		case subject == "" || covers(&o, subject) || (slices.Contains(h.MatchedBy, offres.MatchKeyword) && titleShares(&o, subject)):
			out = append(out, found{offer: o, passage: h.Passage})
		case list && q.Family != "" && Understand(h.Title, today).Family == q.Family:
			family = append(family, found{offer: o, passage: h.Passage})
		}
	}
	if !list && len(out) == 0 && len(names(subject)) > 0 {
		// No offer found has the name the question gives (« à Groslay »):
		// the offers of that name, those the subject names.
		byName, err := a.namedOffers(ctx, strings.Join(names(subject), " "), subject, q.Filters, factualCandidates, factualCandidates)
		if err != nil {
			return nil, fmt.Errorf("assistant: search: %w", err)
		}
		out = byName
	}
	if !list {
		// The offer the question names most fully first: « l'agent
		// d'entretien à Groslay » is the offer at Groslay (whose title says
		// « entretient »), not one ranked above it for « agent d'entretien ».
		// Then the offers whose commune is a name the question gives, before
		// those of a department of that name (« in Vienne »: the town, not
		// an offer at Poitiers, in the Vienne).
		// Each offer's keys once, not at every comparison of the sort.
		named := names(subject)
		type keys struct{ covered, inCommune int }
		key := make(map[string]keys, len(out))
		for _, f := range out {
			k := keys{}
			k.covered, _ = coverage(&f.offer, subject)
			for _, n := range named {
				if m, _ := subjectWords(f.offer.Location.Commune, n); m > 0 {
					k.inCommune = 1
					break
				}
			}
			key[f.offer.ID] = k
		}
		slices.SortStableFunc(out, func(a, b found) int {
			ka, kb := key[a.offer.ID], key[b.offer.ID]
			return cmp.Or(kb.covered-ka.covered, kb.inCommune-ka.inCommune)
		})
	}
	if list && (len(out) == 0 || isFamilyName(subject)) {
		// A field (« informatique », « santé »), or no offer named by the
		// words: the offers of the job family too. When a job is named
		// (« infirmier »), the others of its family (doctors,
		// physiotherapists) are not what was asked.
		if isFamilyName(subject) && q.Family != "" {
			// The field's own word is in few offers (« santé » is not in a
			// physiotherapist's): its jobs' words find them.
			more, err := a.familyOffers(ctx, q, today)
			if err != nil {
				return nil, err
			}
			for _, f := range more {
				if !slices.ContainsFunc(out, func(x found) bool { return x.offer.ID == f.offer.ID }) &&
					!slices.ContainsFunc(family, func(x found) bool { return x.offer.ID == f.offer.ID }) {
					family = append(family, f)
				}
			}
		}
		return append(out, family...), nil
	}
	return out, nil
}

// familyOffers returns the offers, closed ones too, that a keyword search
// for the words of a question's job family finds (within the question's
// filters) and whose title is of that family.
func (a *Assistant) familyOffers(ctx context.Context, q Question, today offres.Date) ([]found, error) {
	var text []rune
	for _, w := range familySeeds(q.Family) {
		if len(text)+len([]rune(w))+1 > offres.MaxQueryLen {
			break
		}
		text = append(append(text, ' '), []rune(w)...)
	}
	res, err := a.search.Search(ctx, search.Request{Text: strings.TrimSpace(string(text)), Filters: withoutOpenFilter(q.Filters),
		Limit: offres.MaxPageSize, IncludeClosed: true, Mode: offres.ModeKeyword})
	if err != nil {
		return nil, fmt.Errorf("assistant: search: %w", err)
	}
	var out []found
	for _, h := range res.Hits {
		if Understand(h.Title, today).Family != q.Family {
			continue
		}
		o, err := a.catalog.Get(ctx, h.ID)
		if errors.Is(err, offres.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, found{offer: o, passage: h.Passage})
	}
	return out, nil
}

// factualCandidates is how many offers a factual question's search
// proposes: the one it names may rank below others sharing its job's words.
const factualCandidates = 10

// isFamilyName reports whether the subject names a job family (« santé »,
// « informatique »): the name of one of Families, or its first word.
func isFamilyName(subject string) bool {
	key := foldKey(strings.TrimSpace(subject))
	for _, f := range Families {
		name := foldKey(f)
		if key == name || key == strings.Fields(name)[0] {
			return true
		}
	}
	return false
}

// withoutOpenFilter drops the « open » deadline filter of a list: the list
// keeps the open offers itself, and counts those that matched but are
// closed or expired.
func withoutOpenFilter(filters map[string][]string) map[string][]string {
	st := filters[offres.FacetDeadline]
	if !containsString(st, string(offres.StatusOpen)) || containsString(st, string(offres.StatusClosed)) {
		return filters
	}
	out := map[string][]string{}
	for k, v := range filters {
		if k != offres.FacetDeadline {
			out[k] = v
		}
	}
	return out
}

// covers reports whether what names the offer (title, cadre d'emploi,
// direction, employer, skills, reference, contract) has the significant words of the
// subject (every one of a short subject, two thirds of a longer one),
// allowing for plurals, feminines and inflections (a text word
// matches when its stem starts with the first six letters of the word's
// stem and is at most one letter longer than that stem, two for long stems): a factual answer must be
// about the offer asked for, not about one sharing a word with it.
func covers(o *offres.Offer, subject string) bool {
	matched, significant := coverage(o, subject)
	// Every word of a short subject; of a longer one, all but a third (a
	// verb the question understanding left in: « dépend », « pouvait »),
	// but not a name (« l'agent d'entretien à Groslay » is not an offer
	// elsewhere that says « agent d'entretien »).
	return matched == significant || (significant >= 3 && 3*matched >= 2*significant && len(missedNames(identity(o), subject)) == 0)
}

// coverage counts the significant words of the subject, and those of them
// what names the offer has (see covers).
func coverage(o *offres.Offer, subject string) (matched, significant int) {
	return subjectWords(identity(o), subject)
}

// identity is what names an offer: its title, cadre d'emploi, direction,
// employer, reference, place, short contract sections and skills.
func identity(o *offres.Offer) string {
	ident := []string{o.Title, o.CadreEmploi, o.Direction, o.Employer, o.ID, o.Location.Commune, o.Location.Province}
	for _, sec := range o.Sections {
		if strings.Contains(foldKey(sec.Heading), "contrat") && len(sec.Text) <= 200 {
			ident = append(ident, sec.Text) // « le remplacement en mathématiques »
		}
	}
	for _, sk := range o.Skills {
		ident = append(ident, sk.Label)
	}
	return strings.Join(ident, " ")
}

// names are the words of a subject written with a capital (not all of
// them: a question in capitals names nothing by its case), a place or an
// organisation the question names: « Groslay », « DNUM ».
func names(subject string) []string {
	var out []string
	fields := strings.Fields(subject)
	for _, w := range fields {
		r, _ := utf8.DecodeRuneInString(w)
		if unicode.IsUpper(r) && utf8.RuneCountInString(w) >= 3 {
			out = append(out, w)
		}
	}
	if len(out) == len(fields) {
		return nil
	}
	return out
}

// missedNames returns the names of the subject that text does not have.
func missedNames(text, subject string) []string {
	var out []string
	for _, n := range names(subject) {
		if m, _ := subjectWords(text, n); m == 0 {
			out = append(out, n)
		}
	}
	return out
}

// titleShares reports whether an offer's title has one of the significant
// words of the subject (as covers matches them). An offer that has every
// word of the subject (the search's keyword evidence) and one of them in
// its title is named by it, though its employer or its kind is said in its
// text only: « la thèse Cifre chez Safran » is the offer « Cifre :
// modélisation… », whose text says « thèse » and « Safran ».
func titleShares(o *offres.Offer, subject string) bool {
	matched, _ := subjectWords(o.Title, subject)
	return matched > 0
}

// titleSays reports whether an offer's title alone has every significant
// word of the subject (as covers matches them).
func titleSays(o *offres.Offer, subject string) bool {
	matched, significant := subjectWords(o.Title, subject)
	return significant > 0 && matched == significant
}

// subjectWords counts the significant words of subject, and those of them
// text has (see covers).
func subjectWords(text, subject string) (matched, significant int) {
	words := strings.Fields(normalize(text))
	for i, t := range words {
		if full, ok := saintAbbrev[t]; ok { // « ST DENIS » is Saint-Denis
			words[i] = full
		}
	}
	for _, w := range strings.Fields(normalize(subject)) {
		if len(w) < 3 || stopWord[w] {
			continue
		}
		significant++
		stem := lightStem(w)
		prefix := stem[:min(len(stem), 6)]
		tolerance := 1
		if len(stem) >= 7 {
			tolerance = 2
		}
		found := false
		for _, t := range words {
			if ts := lightStem(t); strings.HasPrefix(ts, prefix) && len(ts) <= len(stem)+tolerance || misspelt(w, t) {
				found = true
				break
			}
		}
		if found {
			matched++
		}
	}
	return matched, significant
}

// misspelt reports whether the question's word w is the offer's word t
// misspelt: one letter added, dropped, replaced or two neighbours swapped
// (oneTypo), or, in a word of eight letters or more that starts as t does,
// two edits (« devellopeur » for « développeur », not « technicien » for
// « mécanicien »). Both are folded.
func misspelt(w, t string) bool {
	if oneTypo(w, t) {
		return true
	}
	return len(w) >= 8 && len(t) >= 8 && w[:2] == t[:2] && editsWithin(w, t, 2)
}

// editsWithin reports whether a and b are at most limit insertions,
// deletions or substitutions apart (Levenshtein, on bytes).
func editsWithin(a, b string, limit int) bool {
	if d := len(a) - len(b); d > limit || -d > limit {
		return false
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			best = min(best, cur[j])
		}
		if best > limit {
			return false
		}
		prev, cur = cur, prev
	}
	return prev[len(b)] <= limit
}

// lightStem drops a plural and a final e; a plural in « -aux » is the
// singular in « -al » (« animaux » and « santé animale »).
func lightStem(w string) string {
	if len(w) > 4 && strings.HasSuffix(w, "aux") {
		return w[:len(w)-3] + "al"
	}
	return strings.TrimSuffix(strings.TrimRight(w, "sx"), "e")
}

// saintAbbrev are the abbreviations of « saint » in place names.
var saintAbbrev = map[string]string{"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}

var stopWord = map[string]bool{"chez": true, "les": true, "des": true, "pour": true, "une": true, "dans": true, "avec": true,
	"sur": true, "aux": true, "par": true, "poste": true, "postes": true, "offre": true, "offres": true, "emploi": true,
	"est": true, "sont": true, "faut": true, "peut": true, "pouvait": true, "doit": true, "fera": true,
	"recherche": true, "cherche": true, "depend": true, "propose": true, "qui": true, "que": true, "quel": true}

// passagesOf returns the passages of an offer, the summary first.
func passagesOf(o *offres.Offer) []offres.Passage {
	return indexer.Chunk(o, indexer.ChunkOptions{})
}

// offerText is all the text of an offer's passages: what a quote from it
// must occur in.
func offerText(o *offres.Offer) string {
	var b strings.Builder
	for _, p := range passagesOf(o) {
		b.WriteString(p.Heading + "\n" + p.Text + "\n")
	}
	return b.String()
}

// rewriteWithModel has the model rewrite a follow-up into a standalone
// question; false when there is no model, it fails, or its question is
// unusable (the rules then rewrite).
func (a *Assistant) rewriteWithModel(ctx context.Context, client, followUp string, prev turn, today offres.Date) (Question, bool) {
	if a.llm == nil {
		return Question{}, false
	}
	var titles []string
	for _, id := range prev.offers {
		if len(titles) == 5 {
			break
		}
		if o, err := a.catalog.Get(ctx, id); err == nil {
			titles = append(titles, fmt.Sprintf("%s (%s)", o.Title, o.ID))
		}
	}
	prompt, err := prompts.RenderRewrite(prompts.RewriteData{Previous: prev.question.Text, PreviousOffers: strings.Join(titles, " ; "), Question: followUp})
	if err != nil {
		a.log.Error("rewrite prompt", "err", err)
		return Question{}, false
	}
	comp, err := a.chat(ctx, client, []offres.ChatMessage{{Role: offres.RoleUser, Content: prompt}}, nil)
	if err != nil {
		a.log.Warn("follow-up not rewritten by the model: rules instead", "err", err)
		return Question{}, false
	}
	text, _, _ := strings.Cut(strings.TrimSpace(comp.Text), "\n")
	text = strings.Trim(strings.TrimSpace(text), "«»\"")
	text = strings.TrimSpace(text)
	if text == "" || utf8.RuneCountInString(text) > MaxQuestionLen {
		return Question{}, false
	}
	q := Understand(text, today)
	q.Text = text
	return q, true
}
