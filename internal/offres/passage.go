package offres

// Passage is a bounded piece of an offer's text: the unit that is embedded,
// retrieved and cited. An offer gives a summary passage (title and key
// facts), then one or more passages per section.
type Passage struct {
	// ID is stable while the offer's section layout is: the offer id, "#",
	// the kind and the ordinal of the passage within that kind
	// ("3134-25-0308/SR#profil-1").
	ID      string      `json:"id"`
	OfferID string      `json:"offer_id"`
	Kind    SectionKind `json:"kind"`
	Heading string      `json:"heading,omitempty"`
	Text    string      `json:"text"`
}

// SummaryKind marks the summary passage of an offer. It is not a section
// kind: offers never carry it in their sections.
const SummaryKind SectionKind = "summary"

// EmbeddedPassage is a passage with its vector in some embedding model.
type EmbeddedPassage struct {
	Passage
	Vector []float32
}
