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
)

// FacetNames lists the facets in display order.
var FacetNames = []string{FacetCommune, FacetCategory, FacetContract, FacetEmployer, FacetDirection, FacetDeadline}

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
	// IDs, when not empty, restricts the result to these offers, in this
	// order (the fused ranking of a hybrid search): the filters still
	// apply, Text then only highlights and Sort is ignored.
	IDs []string
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
	ID             string              `json:"id"`
	Title          string              `json:"title"`
	Score          float64             `json:"score"`
	Employer       string              `json:"employer,omitempty"`
	Direction      string              `json:"direction,omitempty"`
	Commune        string              `json:"commune,omitempty"`
	Category       string              `json:"category,omitempty"`
	ContractType   string              `json:"contract_type,omitempty"`
	Deadline       Date                `json:"deadline"`
	DeadlineStatus DeadlineStatus      `json:"deadline_status"`
	DaysLeft       *int                `json:"days_left"`
	PublishedAt    Date                `json:"published_at"`
	Highlights     map[string][]string `json:"highlights,omitempty"`
	// Passage is the offer's passage closest to the query, in semantic and
	// hybrid searches.
	Passage *PassageMatch `json:"passage,omitempty"`
	// MatchedBy says why the offer matched, a subset of "title",
	// "keyword", "rome" and "semantic"; ["semantic"] alone marks a hit
	// found by meaning only.
	MatchedBy []string `json:"matched_by,omitempty"`
}

// FacetValue is one value of a facet with its count.
type FacetValue struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// Result is a page of hits with totals and facets.
type Result struct {
	// Mode is the search mode that produced the result (ModeKeyword when
	// a semantic search was asked for but could not run).
	Mode   string                  `json:"mode,omitempty"`
	Total  int                     `json:"total"`
	Page   int                     `json:"page"`
	Limit  int                     `json:"limit"`
	Hits   []Hit                   `json:"hits"`
	Facets map[string][]FacetValue `json:"facets"`
}

// Suggestion is one completion of a typed prefix.
type Suggestion struct {
	Text string `json:"text"`
	Kind string `json:"kind"` // "title" or "term"
	// Count is the number of offers that carry it.
	Count int `json:"count"`
}
