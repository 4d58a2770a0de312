package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// The database tests run against a real PostgreSQL with pgvector, never a
// fake: scripts/test.sh starts a throwaway cluster and sets the URL.
const (
	envDatabaseURL     = "OFFRES_TEST_DATABASE_URL"
	envRequireDatabase = "OFFRES_REQUIRE_DATABASE"
)

// adminURL returns the URL of the test server, skipping the test when there
// is none, or failing it when a database is required (CI).
func adminURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv(envDatabaseURL)
	if u == "" {
		msg := envDatabaseURL + " is not set: no PostgreSQL with pgvector to test against (scripts/test.sh starts one)"
		if os.Getenv(envRequireDatabase) == "1" {
			t.Fatal(msg + "; " + envRequireDatabase + "=1 requires it")
		}
		t.Skip(msg)
	}
	return u
}

// newDatabase creates an empty database of its own for the test, dropped
// when the test ends, and returns its URL.
func newDatabase(t *testing.T) string {
	t.Helper()
	admin := adminURL(t)
	var b [6]byte
	rand.Read(b[:])
	name := "offres_test_" + hex.EncodeToString(b[:])

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("connect to %s: %v", envDatabaseURL, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, admin)
		if err != nil {
			t.Errorf("drop test database %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	return withDatabase(t, admin, name)
}

// withDatabase returns the connection string u pointed at database name. It
// takes URLs (postgres://…) and keyword/value strings (host=… dbname=…).
func withDatabase(t *testing.T, u, name string) string {
	t.Helper()
	if !strings.HasPrefix(u, "postgres://") && !strings.HasPrefix(u, "postgresql://") {
		return u + " dbname=" + name // the last setting of a keyword wins
	}
	p, err := url.Parse(u)
	if err != nil {
		t.Fatalf("%s: %v", envDatabaseURL, err)
	}
	p.Path = "/" + name
	return p.String()
}

// openStore opens a store on a fresh database, closed when the test ends.
func openStore(t *testing.T) (*Store, string) {
	t.Helper()
	dbURL := newDatabase(t)
	s, err := Open(t.Context(), dbURL, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, dbURL
}
