package offres

// Sort orders of search results.
const (
	SortRelevance = "relevance"
	SortDeadline  = "deadline"  // soonest deadline first
	SortPublished = "published" // newest first
)

// Facet names, also the query parameters that filter on them.
const (
	FacetCommune   = "commune"
	FacetCategory  = "category"
	FacetContract  = "contract_type"
	FacetEmployer  = "employer"
	FacetDirection = "direction"
	FacetDeadline  = "deadline_status"
	// FacetRome is the occupation: the ROME code of the offer's job
	// (FacetValue.Label has its label).
	FacetRome = "rome"
)

// FacetNames lists the facets in display order.
var FacetNames = []string{FacetRome, FacetCommune, FacetCategory, FacetContract, FacetEmployer, FacetDirection, FacetDeadline}

// Bounds of a query.
const (
	MaxQueryLen   = 300
	MaxPageSize   = 50
	DefaultLimit  = 10
	MaxPage       = 100
	MaxFacetSize  = 50
	MaxSuggestLen = 100
)

// Query is a search request, already validated.
type Query struct {
	Text          string
	Filters       map[string][]string // facet name → accepted values (OR within, AND across)
	IncludeClosed bool
	Sort          string
	Page          int // 1-based
	Limit         int
	// Fuzzy enables typo tolerance on longer terms.
	Fuzzy bool
	// Today is the day in Nouméa against which deadlines are judged.
	Today Date
	// UndatedOpenDays is how long an offer without a deadline is open
	// after its publication (DefaultUndatedOpenDays when not positive).
	UndatedOpenDays int
	// Occupations are the ROME codes of the job the text names, when it
	// names one (« éboueuse » → K2303): offers of these codes match even
	// without the words, and rank above those that merely contain them.
	Occupations []string
	// OccupationFamilies are the historic codes of Occupations: offers of a
	// neighbouring job of the same family rank above those with the words
	// alone, below those of the job.
	OccupationFamilies []string
	// Document makes Text a document, a profile or a CV of up to
	// MaxProfileText runes, rather than the words of a search: offers are
	// ranked by likeness to all its words (fulltext.Index.Rank only), and
	// Occupations and OccupationFamilies, when set, restrict them to the
	// offers of these codes or of these historic codes.
	Document bool
	// IDs, when not empty, restricts the result to these offers, in this
	// order (the fused ranking of a hybrid search): the filters still
	// apply, Text then only highlights and Sort is ignored.
	IDs []string
}

// Ranking is the keyword ranking of a query: offer ids by relevance.
type Ranking struct {
	IDs []string
	// Scores are the offers' relevance scores, in the order of IDs.
	Scores []float64
	// Exact holds those among the first whose reference or title is the
	// query itself.
	Exact map[string]bool
	// Evidence holds the offers of the ranking that have every term of
	// the query, or are of the job it names: exact matches. The others
	// have some of the words only.
	Evidence map[string]bool
}

// Search modes.
const (
	ModeKeyword  = "keyword"
	ModeSemantic = "semantic"
	ModeHybrid   = "hybrid"
)

// PassageMatch is the passage of an offer closest to a query.
type PassageMatch struct {
	ID      string      `json:"id"`
	Kind    SectionKind `json:"kind"`
	Heading string      `json:"heading,omitempty"`
	Text    string      `json:"text"`
	// Score is the cosine similarity of the passage and the query.
	Score float64 `json:"score"`
}

// Hit is one offer in a result list.
type Hit struct {
	ID             string         `json:"id"`
	Title          string         `json:"title"`
	Score          float64        `json:"score"`
	Employer       string         `json:"employer,omitempty"`
	Direction      string         `json:"direction,omitempty"`
	Commune        string         `json:"commune,omitempty"`
	Category       string         `json:"category,omitempty"`
	ContractType   string         `json:"contract_type,omitempty"`
	Deadline       Date           `json:"deadline"`
	DeadlineStatus DeadlineStatus `json:"deadline_status"`
	DaysLeft       *int           `json:"days_left"`
	PublishedAt    Date           `json:"published_at"`
	// Occupations are the offer's ROME codes with their labels.
	Occupations []Occupation        `json:"rome,omitempty"`
	Highlights  map[string][]string `json:"highlights,omitempty"`
	// MatchedBy says why the offer is a result, a subset of MatchTitle,
	// MatchKeyword, MatchRome, MatchSemantic: a hit matched by
	// MatchSemantic alone is related by meaning only, not a match of the
	// words or the job searched for.
	// Null when the search had no text (a list by filters).
	MatchedBy []string `json:"matched_by"`
	// Passage is the offer's passage closest to the query, in semantic and
	// hybrid searches.
	Passage *PassageMatch `json:"passage,omitempty"`
	// Duplicates counts the near-identical offers (same title, employer
	// and text: reposted, or published for several sites) that this hit
	// stands for in the result, DuplicateIDs their ids.
	Duplicates   int      `json:"duplicates,omitempty"`
	DuplicateIDs []string `json:"duplicate_ids,omitempty"`
}

// Why a hit matched (Hit.MatchedBy).
const (
	MatchTitle    = "title"    // the query's words are in the title
	MatchKeyword  = "keyword"  // the query's words are in the offer
	MatchRome     = "rome"     // the offer is of the job the query names
	MatchSemantic = "semantic" // the offer is close in meaning
)

// Occupation is a job of the ROME referential: its code (« K2303 ») and
// label (« Ripeur / Ripeuse »).
type Occupation struct {
	Code  string `json:"code"`
	Label string `json:"label"`
	// Family is the historic code (one of 532) a detailed code belongs to
	// (M1856 « cybersécurité » → M1802); empty when Code is historic.
	Family string `json:"family,omitempty"`
}

// FacetValue is one value of a facet with its count.
type FacetValue struct {
	Value string `json:"value"`
	// Label is the value's label when the value is a code (the rome facet).
	Label string `json:"label,omitempty"`
	Count int    `json:"count"`
}

// Result is a page of hits with totals and facets.
type Result struct {
	// Mode is the search mode that produced the result (ModeKeyword when
	// a semantic search was asked for but could not run).
	Mode  string `json:"mode,omitempty"`
	Total int    `json:"total"`
	// ExactTotal counts the results with lexical or occupation evidence
	// (matched by title, keyword or rome); the others are related by
	// meaning only. It equals Total in the keyword mode.
	ExactTotal int `json:"exact_total"`
	// Occupations are the jobs of the ROME the query was understood to
	// name, if any.
	Occupations []Occupation            `json:"occupations,omitempty"`
	Page        int                     `json:"page"`
	Limit       int                     `json:"limit"`
	Hits        []Hit                   `json:"hits"`
	Facets      map[string][]FacetValue `json:"facets"`
}

// Suggestion is one completion of a typed prefix.
type Suggestion struct {
	Text string `json:"text"`
	// Kind is "title" (an offer's title), "metier" (a job title of the
	// ROME referential whose job has offers) or "term".
	Kind string `json:"kind"`
	// Count is the number of offers that carry it.
	Count int `json:"count"`
}
