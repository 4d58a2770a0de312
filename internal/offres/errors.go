package offres

import (
	"errors"
	"fmt"
)

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
	// ErrForbidden: valid credentials that do not allow this.
	ErrForbidden = errors.New("forbidden")
)

// UserError is an error whose message is written for the people who use
// offres (candidates, recruiters, portal developers), in French. Kind is one
// of the sentinels above, so errors.Is works through it.
type UserError struct {
	Kind    error
	Message string
}

func (e *UserError) Error() string { return e.Message }

// Unwrap returns the error kind.
func (e *UserError) Unwrap() error { return e.Kind }

// Invalidf returns a UserError of kind ErrInvalid with a French message.
func Invalidf(format string, args ...any) error {
	return &UserError{Kind: ErrInvalid, Message: fmt.Sprintf(format, args...)}
}
