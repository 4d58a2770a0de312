package postgres

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"regexp"
	"slices"
	"strconv"

	"github.com/jackc/pgx/v5"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrateLockKey is the transaction-level advisory lock that serializes
// schema migrations across processes: two `offres serve` starting together
// on a fresh database take turns instead of racing. "offres" in ASCII, then
// 1; writeLockKey is 2.
const migrateLockKey int64 = 0x6f66667265730001

// migration is one schema change, applied once in its own transaction.
type migration struct {
	version int
	name    string
	sql     string
}

var migrationName = regexp.MustCompile(`^([0-9]+)_[a-z0-9_]+\.sql$`)

// loadMigrations reads the migrations of fsys (files named 0001_init.sql,
// 0002_….sql, …), sorted by version.
func loadMigrations(fsys fs.FS) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var ms []migration
	seen := make(map[int]string)
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		m := migrationName.FindStringSubmatch(e.Name())
		if m == nil {
			return nil, fmt.Errorf("migration %s: name is not NNNN_name.sql", e.Name())
		}
		v, err := strconv.Atoi(m[1])
		if err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: version must be a positive number", e.Name())
		}
		if other, ok := seen[v]; ok {
			return nil, fmt.Errorf("migrations %s and %s: same version %d", other, e.Name(), v)
		}
		seen[v] = e.Name()
		b, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", e.Name(), err)
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(b)})
	}
	slices.SortFunc(ms, func(a, b migration) int { return a.version - b.version })
	return ms, nil
}

// embeddedMigrations returns the migrations shipped in the binary.
func embeddedMigrations() ([]migration, error) {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	return loadMigrations(sub)
}

// migrate applies the migrations not applied yet, in order, each in its own
// transaction holding the migration lock, and records each one in
// schema_migrations in that same transaction. A migration another process
// applied while this one waited for the lock is skipped. Versions recorded
// in the database that this binary does not know (a newer binary migrated
// it) are left alone.
func migrate(ctx context.Context, conn *pgx.Conn, ms []migration, log *slog.Logger) error {
	applied := make(map[int]bool)
	err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, migrateLockKey); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    int PRIMARY KEY,
			applied_at timestamptz NOT NULL DEFAULT now()
		)`)
		if err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT version FROM schema_migrations`)
		if err != nil {
			return err
		}
		versions, err := pgx.CollectRows(rows, pgx.RowTo[int32])
		for _, v := range versions {
			applied[int(v)] = true
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	for _, m := range ms {
		if applied[m.version] {
			continue
		}
		done := false
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, migrateLockKey); err != nil {
				return err
			}
			err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = $1)`, m.version).Scan(&done)
			if err != nil || done {
				return err
			}
			// No arguments: pgx sends it with the simple protocol, which
			// runs a file of several statements.
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return err
			}
			_, err = tx.Exec(ctx, `INSERT INTO schema_migrations (version) VALUES ($1)`, m.version)
			return err
		})
		if err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
		if !done {
			log.Info("applied schema migration", logKeyMigration, m.name)
		}
	}
	return nil
}
