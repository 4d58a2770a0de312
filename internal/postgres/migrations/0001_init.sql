-- 0001: the offers catalogue, its change cursor, the pending marks of the
-- derived indexes, and the chunks with their embeddings.
--
-- Ids are opaque source references ("3134-25-0308/SR", "PS 2026/ é"): they
-- use the "C" collation, so they compare and sort byte-wise, as in the
-- embedded catalogue, and ORDER BY id walks the primary key.

-- pgvector is not a trusted extension: creating it takes a superuser. Where
-- the role running offres is not one, the DBA creates it beforehand and this
-- statement does nothing.
CREATE EXTENSION IF NOT EXISTS vector;

-- offers_seq orders every change of the catalogue: each insert, update and
-- delete takes the next value, so a replica follows the catalogue with
-- "what changed after seq N" (Store.Changes).
CREATE SEQUENCE offers_seq;

CREATE TABLE offers (
    id         text COLLATE "C" PRIMARY KEY,
    doc        jsonb       NOT NULL,
    hash       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    seq        bigint      NOT NULL DEFAULT nextval('offers_seq')
);
CREATE UNIQUE INDEX offers_by_seq ON offers (seq);

-- A deleted offer leaves a tombstone, so that replicas see the deletion in
-- the change cursor. Storing the offer again removes it.
CREATE TABLE offer_tombstones (
    id         text COLLATE "C" PRIMARY KEY,
    seq        bigint      NOT NULL,
    deleted_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX offer_tombstones_by_seq ON offer_tombstones (seq);

-- The ids written or deleted whose derived indexes may not have caught up
-- yet: marked in the transaction that writes or deletes the offer, settled
-- once the indexes have it.
CREATE TABLE pending (
    id text COLLATE "C" PRIMARY KEY
);

-- Chunks are the passages of an offer that are embedded and retrieved. The
-- embedding column has no fixed dimension, as models differ; so no HNSW
-- index here: an HNSW index needs one, and the semantic layer creates it per
-- model (a partial index on an expression cast to vector(n), WHERE model = …).
CREATE TABLE chunks (
    id           text COLLATE "C" PRIMARY KEY,
    offer_id     text COLLATE "C" NOT NULL REFERENCES offers (id) ON DELETE CASCADE,
    kind         text NOT NULL,
    heading      text,
    text         text NOT NULL,
    content_hash text NOT NULL,
    model        text,
    embedding    vector
);
CREATE INDEX chunks_by_offer ON chunks (offer_id);
