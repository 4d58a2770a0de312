package offres

import "errors"

// The closed set of error kinds. Adapters wrap them with %w; the API maps
// them to HTTP statuses in one place.
var (
	// ErrNotFound: the offer (or other resource) does not exist.
	ErrNotFound = errors.New("not found")
	// ErrInvalid: the input is malformed or out of bounds.
	ErrInvalid = errors.New("invalid input")
	// ErrUnauthorized: missing or wrong credentials.
	ErrUnauthorized = errors.New("unauthorized")
	// ErrUnavailable: a dependency is down; the caller may retry.
	ErrUnavailable = errors.New("unavailable")
)
