// Package postgres is the source of truth of the PostgreSQL storage mode
// (--database-url): the offers catalogue, with the same methods and meaning
// as the embedded one (boltstore), plus a change cursor that API replicas
// follow to keep their local indexes current, and the chunks with their
// pgvector embeddings. It is the only package that imports pgx and
// pgvector-go.
//
// Open applies the schema migrations embedded from migrations/ (0001_init.sql,
// …) that the database lacks, in order, each in its own transaction, and
// records them in schema_migrations. A transaction-level advisory lock
// (pg_advisory_xact_lock) serializes them across processes, so several
// replicas may start together on a fresh database.
//
// The tables:
//
//   - offers: one row per offer; doc is the offer as JSON, hash its
//     ContentHash, seq its place in the change cursor (from the offers_seq
//     sequence, drawn anew on every write).
//   - offer_tombstones: the deleted ids, with the seq of their deletion.
//   - pending: the ids written or deleted whose derived indexes may not have
//     caught up yet (as boltstore's pending bucket).
//   - chunks: the passages of an offer with their embedding (a pgvector
//     vector of any dimension), keyed by the model that made it and the
//     passage id; deleted with their offer.
//   - vector_models: the dimension of each model's vectors.
//   - embedding_models: the built-in embedding model's data, shared by the
//     processes of the database; at most one row is current.
//   - schema_migrations: the migrations applied.
//
// Ids use the "C" collation: they sort byte-wise, as in the embedded
// catalogue. Catalogue writes take turns on an advisory lock so that seq
// order is commit order and a follower of Changes never skips a change.
//
// The vector extension must be available on the server (pgvector ≥ 0.8.4 in
// production); creating it takes a superuser, so where offres does not run
// as one, the DBA runs CREATE EXTENSION vector beforehand.
package postgres
