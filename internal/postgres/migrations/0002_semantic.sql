-- 0002: what the semantic layer needs of the database, so that the engine
-- runs on PostgreSQL as it does on the embedded store.

-- Chunks are kept per embedding model: while a retrained model embeds every
-- offer, the passages of the model it replaces keep serving, under the same
-- passage ids. So the key is (model, id), and a chunk always has a model
-- (PutPassages always gave one; a row without could belong to no vector
-- space, and is dropped).
DELETE FROM chunks WHERE model IS NULL;
ALTER TABLE chunks ALTER COLUMN model SET NOT NULL;
ALTER TABLE chunks DROP CONSTRAINT chunks_pkey;
ALTER TABLE chunks ADD PRIMARY KEY (model, id);

-- An offer's chunks are replaced per model (PutPassages).
DROP INDEX chunks_by_offer;
CREATE INDEX chunks_by_offer ON chunks (offer_id, model);

-- The embedding cache (CachedVectors) looks vectors up by the content hash of
-- their text, within a model.
CREATE INDEX chunks_by_hash ON chunks (model, content_hash) WHERE embedding IS NOT NULL;

-- The dimension of each model's vectors, set by its first PutPassages and
-- checked by the next ones: the HNSW index and the searches cast the
-- embeddings of a model to vector(dims), which one vector of another
-- dimension would break. DropModel removes the row.
CREATE TABLE vector_models (
    model text PRIMARY KEY,
    dims  int  NOT NULL CHECK (dims BETWEEN 1 AND 16000)
);
INSERT INTO vector_models (model, dims)
SELECT model, min(vector_dims(embedding)) FROM chunks
WHERE embedding IS NOT NULL
GROUP BY model;

-- The built-in embedding model (lsa's binary format), shared by every
-- process of the database: the one that trains it stores it, then makes it
-- current; the others poll the current name and load the data when it
-- changes. At most one row is current.
CREATE TABLE embedding_models (
    name       text        PRIMARY KEY,
    data       bytea       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    current    boolean     NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX embedding_models_one_current ON embedding_models (current) WHERE current;
