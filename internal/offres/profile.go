package offres

import "time"

// Profile is a candidate's profile: personal data, kept only by recruiters
// who hold a key, never shown in public search, suggestions, analytics or
// the assistant's prompts. It never holds a residence history: the
// local-employment condition is the employer's to judge.
type Profile struct {
	ID string `json:"id,omitempty"`
	// Text is a CV as pasted or extracted from an uploaded file.
	Text string `json:"text,omitempty"`
	// The structured part, all optional.
	Name            string    `json:"name,omitempty"`
	Skills          []string  `json:"skills,omitempty"`
	Diplomas        []Diploma `json:"diplomas,omitempty"`
	ExperienceYears float64   `json:"experience_years,omitempty"`
	JobTitles       []string  `json:"job_titles,omitempty"`
	Communes        []string  `json:"communes,omitempty"`  // where the candidate wants to work
	Contracts       []string  `json:"contracts,omitempty"` // Contract* constants accepted
	AvailableFrom   Date      `json:"available_from,omitzero"`
	// Set by the service.
	Owner     string    `json:"-"` // the recruiter key that stored it
	CreatedAt time.Time `json:"created_at,omitzero"`
}

// Diploma is a diploma of a profile.
type Diploma struct {
	Label string `json:"label"`
	// Level is the number of years after the baccalauréat (0 for the bac,
	// -1 below it: CAP, BEP), as French offers state it (« bac+3 »).
	Level int `json:"level"`
}

// Bounds of a profile: its text and each of its structured items in runes,
// the whole (text and items) in bytes of UTF-8. They bound the work of
// matching a profile and the room a stored one takes.
const (
	MaxProfileText  = 100_000
	MaxProfileItem  = 200
	MaxProfileBytes = 256 << 10
)

// MaxProfilesPerKey bounds the profiles one API key may store, by default.
const MaxProfilesPerKey = 1000
