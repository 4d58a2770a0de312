package offres

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxPosts bounds the number of posts of one offer.
const MaxPosts = 1000

// Offer is one job offer, whatever its source format.
type Offer struct {
	// ID is the source reference, kept verbatim: it may contain "/", spaces
	// or accents ("3134-25-0308/SR").
	ID          string `json:"id"`
	Title       string `json:"title"`
	Employer    string `json:"employer,omitempty"`
	Direction   string `json:"direction,omitempty"`
	Category    string `json:"category,omitempty"` // "A", "B", "C" or "" when unknown
	CadreEmploi string `json:"cadre_emploi,omitempty"`
	// ContractType is one of the Contract* constants, or "" when unknown.
	ContractType   string   `json:"contract_type,omitempty"`
	Location       Location `json:"location,omitzero"`
	PublishedAt    Date     `json:"published_at,omitzero"`
	Deadline       Date     `json:"deadline,omitzero"`
	StartDate      Date     `json:"start_date,omitzero"`
	ResidenceYears int      `json:"residence_years,omitempty"`
	// Posts is the number of posts the offer fills, 0 when not stated.
	Posts       int       `json:"posts,omitempty"`
	Description string    `json:"description,omitempty"`
	Sections    []Section `json:"sections,omitempty"`
	Skills      []Skill   `json:"skills,omitempty"`
	// RomeCode is the ROME code the source gives, if any.
	RomeCode string `json:"rome_code,omitempty"`
	// RomeAppellation is the code (« code OGR ») of the ROME appellation
	// the source gives, if any.
	RomeAppellation string `json:"rome_appellation,omitempty"`
	// Occupations are the offer's jobs in the ROME referential, found at
	// import from RomeCode and the title (indexer.Classifier).
	Occupations []Occupation `json:"occupations,omitempty"`
	URL         string       `json:"url,omitempty"`
	Source      string       `json:"source,omitempty"`
}

// Location is where the job is.
type Location struct {
	Commune  string   `json:"commune,omitempty"`
	Province string   `json:"province,omitempty"`
	Lat      *float64 `json:"lat,omitempty"`
	Lon      *float64 `json:"lon,omitempty"`
}

// IsZero reports whether nothing is known of the location.
func (l Location) IsZero() bool {
	return l.Commune == "" && l.Province == "" && l.Lat == nil && l.Lon == nil
}

// Section is one titled part of an offer's text.
type Section struct {
	Kind    SectionKind `json:"kind"`
	Heading string      `json:"heading,omitempty"`
	Text    string      `json:"text"`
}

// SectionKind classifies a section.
type SectionKind string

// The section kinds.
const (
	SectionMissions     SectionKind = "missions"
	SectionProfil       SectionKind = "profil"
	SectionConditions   SectionKind = "conditions"
	SectionRemuneration SectionKind = "remuneration"
	SectionContact      SectionKind = "contact"
	SectionOther        SectionKind = "other"
)

// Valid reports whether k is one of the known kinds.
func (k SectionKind) Valid() bool {
	switch k {
	case SectionMissions, SectionProfil, SectionConditions, SectionRemuneration, SectionContact, SectionOther:
		return true
	}
	return false
}

// Skill is a competence asked for by an offer.
type Skill struct {
	Label    string `json:"label"`
	Required bool   `json:"required"`
}

// Contract types, normalised across sources.
const (
	ContractTitulaire   = "titulaire"   // fonctionnaire (public service, statutory)
	ContractContractuel = "contractuel" // public-service contract agent
	ContractCDI         = "cdi"
	ContractCDD         = "cdd"
	ContractInterim     = "interim"
	ContractStage       = "stage"
	ContractAlternance  = "alternance"
	ContractAutre       = "autre"
)

// ContractLabels gives the French label of each contract type.
var ContractLabels = map[string]string{
	ContractTitulaire:   "Titulaire",
	ContractContractuel: "Contractuel",
	ContractCDI:         "CDI",
	ContractCDD:         "CDD",
	ContractInterim:     "Intérim",
	ContractStage:       "Stage",
	ContractAlternance:  "Alternance",
	ContractAutre:       "Autre",
}

// Limits on an offer's fields, so that one record cannot exhaust memory.
const (
	MaxIDLen    = 200
	MaxTitleLen = 500
	MaxTextLen  = 200_000
)

// Validate checks the invariants every stored offer holds.
func (o *Offer) Validate() error {
	switch {
	case strings.TrimSpace(o.ID) == "":
		return fmt.Errorf("missing id: %w", ErrInvalid)
	case len(o.ID) > MaxIDLen:
		return fmt.Errorf("id longer than %d bytes: %w", MaxIDLen, ErrInvalid)
	case strings.TrimSpace(o.Title) == "":
		return fmt.Errorf("offer %q: missing title: %w", o.ID, ErrInvalid)
	case len(o.Title) > MaxTitleLen:
		return fmt.Errorf("offer %q: title longer than %d bytes: %w", o.ID, MaxTitleLen, ErrInvalid)
	case strings.TrimSpace(o.Description) == "" && len(o.Sections) == 0:
		return fmt.Errorf("offer %q: missing description: %w", o.ID, ErrInvalid)
	case o.Category != "" && o.Category != "A" && o.Category != "B" && o.Category != "C":
		return fmt.Errorf("offer %q: category %q is not A, B or C: %w", o.ID, o.Category, ErrInvalid)
	case o.ContractType != "" && ContractLabels[o.ContractType] == "":
		return fmt.Errorf("offer %q: unknown contract type %q: %w", o.ID, o.ContractType, ErrInvalid)
	case o.ResidenceYears < 0 || o.ResidenceYears > 30:
		return fmt.Errorf("offer %q: residence_years %d out of range: %w", o.ID, o.ResidenceYears, ErrInvalid)
	case o.Posts < 0 || o.Posts > MaxPosts:
		return fmt.Errorf("offer %q: posts %d out of range: %w", o.ID, o.Posts, ErrInvalid)
	}
	if !utf8.ValidString(o.ID) || !utf8.ValidString(o.Title) || !utf8.ValidString(o.Description) {
		return fmt.Errorf("offer %q: text is not valid UTF-8: %w", o.ID, ErrInvalid)
	}
	size := len(o.Description)
	for i, s := range o.Sections {
		if !s.Kind.Valid() {
			return fmt.Errorf("offer %q: section %d: unknown kind %q: %w", o.ID, i+1, s.Kind, ErrInvalid)
		}
		if !utf8.ValidString(s.Text) || !utf8.ValidString(s.Heading) {
			return fmt.Errorf("offer %q: section %d: text is not valid UTF-8: %w", o.ID, i+1, ErrInvalid)
		}
		size += len(s.Text)
	}
	if size > MaxTextLen {
		return fmt.Errorf("offer %q: text longer than %d bytes: %w", o.ID, MaxTextLen, ErrInvalid)
	}
	for _, d := range []Date{o.PublishedAt, o.Deadline, o.StartDate} {
		if err := d.Validate(); err != nil {
			return fmt.Errorf("offer %q: %w", o.ID, err)
		}
	}
	return nil
}

// ContentHash identifies the offer's content: two imports of the same offer
// give the same hash, so re-importing it is a no-op.
func (o *Offer) ContentHash() string {
	b, err := json.Marshal(o)
	if err != nil { // cannot happen: Offer has only marshalable fields
		panic(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

// FullText returns the offer's description and sections as one text, the
// way a reader sees it.
func (o *Offer) FullText() string {
	var b strings.Builder
	b.WriteString(o.Description)
	for _, s := range o.Sections {
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		if s.Heading != "" {
			b.WriteString(s.Heading)
			b.WriteString("\n")
		}
		b.WriteString(s.Text)
	}
	return b.String()
}

// DeadlineStatus says whether an offer is still open.
type DeadlineStatus string

// The deadline statuses. ClosingSoon means open and closing within
// ClosingSoonDays days.
const (
	StatusOpen        DeadlineStatus = "open"
	StatusClosingSoon DeadlineStatus = "closing_soon"
	StatusClosed      DeadlineStatus = "closed"
	StatusUnknown     DeadlineStatus = "unknown"
	// StatusExpired is an offer without a deadline published longer ago
	// than the undated window (DefaultUndatedOpenDays): presumably filled,
	// hidden like a closed offer unless asked for.
	StatusExpired DeadlineStatus = "expired"
)

// DefaultUndatedOpenDays is how long an offer without a deadline is open
// after its publication (the setting search.undated_open_days).
const DefaultUndatedOpenDays = 60

// ClosingSoonDays is the horizon of StatusClosingSoon.
const ClosingSoonDays = 7

// Status returns the deadline status of the offer on the given day, and the
// days left (0 on the last day, negative once closed; 0 when unknown). An
// offer is open through its deadline day; with a month-only deadline, through
// the end of that month.
//
// An offer without a deadline is open for DefaultUndatedOpenDays after its
// publication, then expired; unknown when its publication day is unknown
// too (StatusAt takes another window).
func (o *Offer) Status(today Date) (DeadlineStatus, int) {
	return DeadlineStatusAt(o.Deadline, o.PublishedAt, today, DefaultUndatedOpenDays)
}

// StatusAt is Status with undatedDays as the window of an offer without a
// deadline (DefaultUndatedOpenDays when not positive).
func (o *Offer) StatusAt(today Date, undatedDays int) (DeadlineStatus, int) {
	return DeadlineStatusAt(o.Deadline, o.PublishedAt, today, undatedDays)
}

// DeadlineStatusAt is Offer.StatusAt for a bare deadline and publication
// day. For an offer without a deadline the days are those left before it
// expires (negative once expired).
func DeadlineStatusAt(deadline, published, today Date, undatedDays int) (DeadlineStatus, int) {
	if !deadline.IsZero() {
		return DeadlineStatusOf(deadline, today)
	}
	if published.IsZero() {
		return StatusUnknown, 0
	}
	if undatedDays <= 0 {
		undatedDays = DefaultUndatedOpenDays
	}
	left := today.DaysUntil(published) + undatedDays
	if left < 0 {
		return StatusExpired, left
	}
	return StatusOpen, left
}

// Closed reports whether a status is that of an offer no longer open:
// closed (its deadline passed) or expired (undated and old).
func (s DeadlineStatus) Closed() bool { return s == StatusClosed || s == StatusExpired }

// DeadlineStatusOf is Offer.Status for a bare deadline.
func DeadlineStatusOf(deadline, today Date) (DeadlineStatus, int) {
	if deadline.IsZero() {
		return StatusUnknown, 0
	}
	last := deadline
	if last.Day == 0 {
		last = DateOf(deadline.Time().AddDate(0, 1, -1))
	}
	days := today.DaysUntil(last)
	switch {
	case days < 0:
		return StatusClosed, days
	case days <= ClosingSoonDays:
		return StatusClosingSoon, days
	default:
		return StatusOpen, days
	}
}
