package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"

	"offres/internal/offres"
)

// ErrUnreachable marks the errors of a database that could not be reached,
// dropped the connection or refused it for now (shutting down, out of
// connections). It wraps offres.ErrUnavailable, so that the API answers 503;
// testing for it rather than for offres.ErrUnavailable tells the database's
// outages from those of other dependencies.
var ErrUnreachable error = unreachableError{}

type unreachableError struct{}

func (unreachableError) Error() string { return "database unreachable" }
func (unreachableError) Unwrap() error { return offres.ErrUnavailable }

// wrap prefixes err with what was being done and, when the database could
// not be reached or dropped the connection, marks it ErrUnreachable so that
// callers (the API) may answer 503 and retry. Errors of the caller's own
// context are left as they are: the caller gave up, the database did not
// fail.
func wrap(ctx context.Context, op string, err error) error {
	if err == nil {
		return nil
	}
	if ctx.Err() == nil && unavailable(err) {
		return fmt.Errorf("%s: %w: %w", op, ErrUnreachable, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// unavailable reports whether err means the server is down, unreachable,
// shutting down or out of connections, as opposed to a bad query or bad
// data, or a configuration the server refused (wrong password, no such
// database), which retrying will not fix.
func unavailable(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch {
		case strings.HasPrefix(pgErr.Code, "08"): // connection exception
			return true
		case pgErr.Code == "57P01", pgErr.Code == "57P02", pgErr.Code == "57P03": // shutting down, starting up
			return true
		case pgErr.Code == "53300": // too many connections
			return true
		}
		return false
	}
	var connectErr *pgconn.ConnectError
	if errors.As(err, &connectErr) {
		return true
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		return true
	}
	if pgconn.Timeout(err) {
		return true
	}
	for _, target := range []error{io.EOF, io.ErrUnexpectedEOF, net.ErrClosed, syscall.ECONNREFUSED, syscall.ECONNRESET, syscall.EPIPE} {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}
