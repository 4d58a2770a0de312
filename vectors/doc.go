// Package vectors is the embedded vector store of the default storage mode:
// an in-memory, exact nearest-neighbour index over the L2-normalised
// embeddings of passages of one model and dimension, plus the helpers the
// catalogue (boltstore) uses to persist vectors: their byte encoding and the
// content hash that keys the embedding cache.
//
// The index is exact: a search computes one dot product per stored passage
// over one contiguous []float32 slab. With 256 dimensions that is about a
// millisecond per 10,000 passages on one core, which is ample for the
// catalogue sizes of the embedded mode (a few thousand offers, about ten
// passages each). Beyond that, the PostgreSQL mode and its pgvector ANN
// index are the scale-out path.
//
// It depends on the standard library and the root domain only.
package vectors
