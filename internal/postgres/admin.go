package postgres

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5"

	"offres/internal/offres"
)

var databaseNameRE = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// CreateDatabase creates an empty database on the server of adminURL and
// returns the URL of the new database: for tests of packages that run on
// PostgreSQL (each gets a database of its own) and for setting up
// deployments. The name must be a plain lower-case identifier.
func CreateDatabase(ctx context.Context, adminURL, name string) (string, error) {
	if !databaseNameRE.MatchString(name) {
		return "", fmt.Errorf("database name %q: want a lower-case identifier: %w", name, offres.ErrInvalid)
	}
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return "", wrap(ctx, "connect", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", wrap(ctx, "create database", err)
	}
	return databaseURL(adminURL, name)
}

// DropDatabase drops a database, closing its connections.
func DropDatabase(ctx context.Context, adminURL, name string) error {
	if !databaseNameRE.MatchString(name) {
		return fmt.Errorf("database name %q: want a lower-case identifier: %w", name, offres.ErrInvalid)
	}
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return wrap(ctx, "connect", err)
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	return wrap(ctx, "drop database", err)
}

// databaseURL returns the connection string u pointed at database name; it
// takes URLs (postgres://…) and keyword/value strings (host=… dbname=…).
func databaseURL(u, name string) (string, error) {
	if !strings.HasPrefix(u, "postgres://") && !strings.HasPrefix(u, "postgresql://") {
		return u + " dbname=" + name, nil // the last setting of a keyword wins
	}
	p, err := url.Parse(u)
	if err != nil {
		return "", fmt.Errorf("database url: %w", offres.ErrInvalid)
	}
	p.Path = "/" + name
	return p.String(), nil
}
