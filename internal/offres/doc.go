// Package offres holds the domain of the offres service: job offers of the
// Province Sud (New Caledonia), the search queries and results over them, and
// the errors every adapter maps to. It imports only the standard library;
// each external dependency lives in its own package (fulltext for bleve,
// boltstore for bbolt, api for fiber, …).
package offres
