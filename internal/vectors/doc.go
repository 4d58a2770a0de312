// Package vectors is the embedded vector store of the default storage mode:
// an in-memory nearest-neighbour index over the L2-normalised
// embeddings of passages of one model and dimension, plus the helpers the
// catalogue (boltstore) uses to persist vectors: their byte encoding and the
// content hash that keys the embedding cache.
//
// Up to Options.ANNThreshold passages (50,000 by default) the index is
// exact: a search computes one dot product per stored passage over one
// contiguous slab of int8 rows with a scale each (quant.go). With 256
// dimensions that is about 0.3 ms per 10,000 passages on one core with
// AVX2 (BenchmarkDot8), which is ample for the catalogue sizes of the
// embedded mode. Beyond it, a search is approximate: an IVF-flat index,
// trained in the background by k-means and kept up to date by every write,
// scores only the passages of the lists nearest the query (ann.go). It
// lives in memory only: at start-up it is trained again from the rows, as
// the rows are loaded again from the catalogue. Beyond what fits in
// memory, the PostgreSQL mode and its pgvector ANN index are the
// scale-out path.
//
// It depends on the standard library and the root domain only.
package vectors
