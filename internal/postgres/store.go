package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	pgxvec "github.com/pgvector/pgvector-go/pgx"

	"offres/internal/offres"
)

// Defaults of Options.
const (
	DefaultMaxConns       = 8
	DefaultConnectTimeout = 5 * time.Second
)

// writeLockKey is the transaction-level advisory lock every catalogue write
// (Put, Delete) takes before drawing from offers_seq. Writers thus commit in
// seq order, and a reader of Changes never sees seq n+1 committed while n is
// still to come, which would make a replica that follows the cursor skip n
// for good. Catalogue writes are batched imports and single deletes: taking
// turns costs little.
const writeLockKey int64 = 0x6f66667265730002

// Log keys.
const logKeyMigration = "migration"

// Options configure a Store.
type Options struct {
	// MaxConns is the size of the connection pool (DefaultMaxConns when zero).
	MaxConns int32
	// ConnectTimeout bounds each connection attempt, dial to authentication.
	// When zero, the URL's connect_timeout applies, else
	// DefaultConnectTimeout.
	ConnectTimeout time.Duration
	// Logger receives the migrations applied (discarded when nil).
	Logger *slog.Logger
}

// Store is the offers catalogue in PostgreSQL: offers, their change cursor,
// the pending marks of the derived indexes, and the chunks.
type Store struct {
	pool *pgxpool.Pool
}

// Change is one entry of the change cursor: the offer ID was stored (Deleted
// false) or deleted (Deleted true), and Seq orders it among all changes.
// Only the latest change of each id is listed.
type Change struct {
	Seq     int64
	ID      string
	Deleted bool
}

// Open connects to the database at url, applies the schema migrations it
// lacks and returns the store. An unreachable server gives an error wrapping
// ErrUnreachable, after at most the connect timeout per host; a
// malformed url, one wrapping offres.ErrInvalid.
func Open(ctx context.Context, url string, opts Options) (*Store, error) {
	if opts.MaxConns <= 0 {
		opts.MaxConns = DefaultMaxConns
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// pgconn's parse errors mask the password.
		return nil, fmt.Errorf("database url: %w: %w", offres.ErrInvalid, err)
	}
	cfg.MaxConns = opts.MaxConns
	switch {
	case opts.ConnectTimeout > 0:
		cfg.ConnConfig.ConnectTimeout = opts.ConnectTimeout
	case cfg.ConnConfig.ConnectTimeout == 0:
		cfg.ConnConfig.ConnectTimeout = DefaultConnectTimeout
	}
	if _, ok := cfg.ConnConfig.RuntimeParams["application_name"]; !ok {
		cfg.ConnConfig.RuntimeParams["application_name"] = "offres"
	}
	ms, err := embeddedMigrations()
	if err != nil {
		return nil, err
	}

	// Migrate on a connection of its own: the pool's connections register
	// the pgvector types when they connect, which needs the extension that
	// the first migration creates.
	conn, err := pgx.ConnectConfig(ctx, cfg.ConnConfig)
	if err != nil {
		return nil, wrap(ctx, "connect to database", err)
	}
	err = migrate(ctx, conn, ms, opts.Logger)
	if err == nil {
		checkVectorVersion(ctx, conn, opts.Logger)
	}
	closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
	conn.Close(closeCtx)
	cancel()
	if err != nil {
		return nil, wrap(ctx, "migrate schema", err)
	}

	cfg.AfterConnect = pgxvec.RegisterTypes
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, wrap(ctx, "connect to database", err)
	}
	s := &Store{pool: pool}
	if err := s.Ping(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the pool, waiting for the connections in use to be released.
// It returns nil; the error is there to match the embedded catalogue.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Ping checks that the database answers within ctx; an error wraps
// ErrUnreachable, a deadline of ctx that passed included: a database that
// does not answer in time is taken for down.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("ping database: %w: %w", ErrUnreachable, err)
	}
	return nil
}

// Hashes returns the content hash of each id already stored.
func (s *Store) Hashes(ctx context.Context, ids []string) (map[string]string, error) {
	out := make(map[string]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT id, hash FROM offers WHERE id = ANY($1)`, ids)
	if err != nil {
		return nil, wrap(ctx, "read hashes", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, hash string
		if err := rows.Scan(&id, &hash); err != nil {
			return nil, wrap(ctx, "read hashes", err)
		}
		out[id] = hash
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(ctx, "read hashes", err)
	}
	return out, nil
}

// Put stores offers in one transaction and marks them pending. Each stored
// offer takes a new seq, and a tombstone of its id is removed. Of two offers
// with the same id, the last wins.
func (s *Store) Put(ctx context.Context, offers []offres.Offer) error {
	if len(offers) == 0 {
		return ctx.Err()
	}
	b := &pgx.Batch{}
	b.Queue(`SELECT pg_advisory_xact_lock($1)`, writeLockKey)
	for i := range offers {
		o := &offers[i]
		doc, err := json.Marshal(o)
		if err != nil {
			return fmt.Errorf("put offer %q: %w", o.ID, err)
		}
		b.Queue(`INSERT INTO offers (id, doc, hash, seq) VALUES ($1, $2, $3, nextval('offers_seq'))
			ON CONFLICT (id) DO UPDATE
			SET doc = excluded.doc, hash = excluded.hash, updated_at = now(), seq = excluded.seq`,
			o.ID, doc, o.ContentHash())
		b.Queue(`DELETE FROM offer_tombstones WHERE id = $1`, o.ID)
		b.Queue(`INSERT INTO pending (id) VALUES ($1) ON CONFLICT DO NOTHING`, o.ID)
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		return tx.SendBatch(ctx, b).Close()
	})
	return wrap(ctx, "put offers", err)
}

// Get returns one offer, or an error wrapping offres.ErrNotFound.
func (s *Store) Get(ctx context.Context, id string) (offres.Offer, error) {
	var doc []byte
	err := s.pool.QueryRow(ctx, `SELECT doc FROM offers WHERE id = $1`, id).Scan(&doc)
	if errors.Is(err, pgx.ErrNoRows) {
		return offres.Offer{}, fmt.Errorf("offer %q: %w", id, offres.ErrNotFound)
	}
	if err != nil {
		return offres.Offer{}, wrap(ctx, fmt.Sprintf("get offer %q", id), err)
	}
	var o offres.Offer
	if err := json.Unmarshal(doc, &o); err != nil {
		return offres.Offer{}, fmt.Errorf("offer %q: %w", id, err)
	}
	return o, nil
}

// Delete removes one offer (and its chunks), leaves a tombstone and marks it
// pending, in one transaction; or returns an error wrapping
// offres.ErrNotFound.
func (s *Store) Delete(ctx context.Context, id string) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, writeLockKey); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM offers WHERE id = $1`, id)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return offres.ErrNotFound
		}
		_, err = tx.Exec(ctx, `INSERT INTO offer_tombstones (id, seq) VALUES ($1, nextval('offers_seq'))
			ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, deleted_at = now()`, id)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO pending (id) VALUES ($1) ON CONFLICT DO NOTHING`, id)
		return err
	})
	if errors.Is(err, offres.ErrNotFound) {
		return fmt.Errorf("offer %q: %w", id, offres.ErrNotFound)
	}
	return wrap(ctx, fmt.Sprintf("delete offer %q", id), err)
}

// Count returns the number of offers stored.
func (s *Store) Count(ctx context.Context) (int, error) {
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM offers`).Scan(&n); err != nil {
		return 0, wrap(ctx, "count offers", err)
	}
	return n, nil
}

// Scan calls fn for every offer in id order (byte-wise), stopping at the
// first error. Rows are read from the connection as fn consumes them, not
// loaded beforehand; fn may call the store, on another connection of the
// pool.
func (s *Store) Scan(ctx context.Context, fn func(offres.Offer) error) error {
	return s.ScanModified(ctx, func(o offres.Offer, _ time.Time) error { return fn(o) })
}

// ScanModified is Scan with the time each offer was last stored with a
// new content (updated_at; an unchanged re-import does not store it).
func (s *Store) ScanModified(ctx context.Context, fn func(offres.Offer, time.Time) error) error {
	rows, err := s.pool.Query(ctx, `SELECT id, doc, updated_at FROM offers ORDER BY id`)
	if err != nil {
		return wrap(ctx, "scan offers", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var doc []byte
		var modified time.Time
		if err := rows.Scan(&id, &doc, &modified); err != nil {
			return wrap(ctx, "scan offers", err)
		}
		var o offres.Offer
		if err := json.Unmarshal(doc, &o); err != nil {
			return fmt.Errorf("offer %q: %w", id, err)
		}
		if err := fn(o, modified); err != nil {
			return err
		}
	}
	return wrap(ctx, "scan offers", rows.Err())
}

// Deleted reports whether id was deleted from the catalogue (and not
// stored again since): whether it has a tombstone.
func (s *Store) Deleted(ctx context.Context, id string) (bool, error) {
	var deleted bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM offer_tombstones WHERE id = $1)`, id).Scan(&deleted)
	if err != nil {
		return false, wrap(ctx, fmt.Sprintf("tombstone of %q", id), err)
	}
	return deleted, nil
}

// Pending returns the ids written or deleted since they were last settled,
// in id order.
func (s *Store) Pending(ctx context.Context) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT id FROM pending ORDER BY id`)
	if err != nil {
		return nil, wrap(ctx, "read pending", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, wrap(ctx, "read pending", err)
	}
	return ids, nil
}

// Settle records that the derived indexes have caught up with these ids.
func (s *Store) Settle(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := s.pool.Exec(ctx, `DELETE FROM pending WHERE id = ANY($1)`, ids)
	return wrap(ctx, "settle pending", err)
}

// Changes lists, in seq order, at most limit changes with a seq greater than
// after: the offers stored and the offers deleted since. A follower starts
// from 0 and passes the Seq of the last change it applied. A stored offer
// appears once, with the seq of its latest write; an id deleted and stored
// again appears as stored.
func (s *Store) Changes(ctx context.Context, after int64, limit int) ([]Change, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("changes: limit %d is not positive: %w", limit, offres.ErrInvalid)
	}
	rows, err := s.pool.Query(ctx, `
		SELECT seq, id, deleted FROM (
			SELECT seq, id, false AS deleted FROM offers WHERE seq > $1
			UNION ALL
			SELECT seq, id, true FROM offer_tombstones WHERE seq > $1
		) c
		ORDER BY seq
		LIMIT $2`, after, limit)
	if err != nil {
		return nil, wrap(ctx, "read changes", err)
	}
	changes, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Change, error) {
		var c Change
		err := row.Scan(&c.Seq, &c.ID, &c.Deleted)
		return c, err
	})
	if err != nil {
		return nil, wrap(ctx, "read changes", err)
	}
	return changes, nil
}

// ChangeHead returns the seq of the latest change, 0 when there is none: a
// follower that loads every offer can start following from it.
func (s *Store) ChangeHead(ctx context.Context) (int64, error) {
	var head int64
	err := s.pool.QueryRow(ctx, `SELECT greatest(
		(SELECT coalesce(max(seq), 0) FROM offers),
		(SELECT coalesce(max(seq), 0) FROM offer_tombstones))`).Scan(&head)
	return head, wrap(ctx, "change head", err)
}

// RecommendedVector is the oldest pgvector release recommended in
// production; an older one works (the tests run on Debian's 0.8.0) but is
// warned about at start.
const RecommendedVector = "0.8.4"

// checkVectorVersion warns when the vector extension is older than
// RecommendedVector.
func checkVectorVersion(ctx context.Context, conn *pgx.Conn, log *slog.Logger) {
	var v string
	if err := conn.QueryRow(ctx, "SELECT extversion FROM pg_extension WHERE extname = 'vector'").Scan(&v); err != nil {
		log.Warn("pgvector version unknown", "err", err)
		return
	}
	if VersionBefore(v, RecommendedVector) {
		log.Warn("pgvector is older than the release recommended in production", "version", v, "recommended", RecommendedVector)
	}
}

// VersionBefore reports whether version a (« 0.8.0 ») comes before b,
// comparing numeric parts; a part that is not a number counts as 0.
func VersionBefore(a, b string) bool {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := range max(len(pa), len(pb)) {
		var x, y int
		if i < len(pa) {
			x, _ = strconv.Atoi(pa[i])
		}
		if i < len(pb) {
			y, _ = strconv.Atoi(pb[i])
		}
		if x != y {
			return x < y
		}
	}
	return false
}
