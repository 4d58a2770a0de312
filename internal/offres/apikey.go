package offres

import "time"

// Roles of API keys.
const (
	// RoleRecruiter may store, read, list and delete its own profiles and
	// rank them for an offer.
	RoleRecruiter = "recruiter"
	// RoleAnalyst may read the search analytics, and no profile.
	RoleAnalyst = "analyst"
)

// Roles lists the roles a key may have.
var Roles = []string{RoleRecruiter, RoleAnalyst}

// APIKey is a key given to a recruiter (or an analyst) by an admin. Only
// the hash of its secret is kept.
type APIKey struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Role      string    `json:"role"`
	Hash      string    `json:"hash"` // hex SHA-256 of the secret
	CreatedAt time.Time `json:"created_at"`
}
