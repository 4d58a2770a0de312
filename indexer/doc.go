// Package indexer turns job-offer sources into offres.Offer values and writes
// them: format detection and parsing (own JSON/NDJSON, France Travail API
// JSON, schema.org JobPosting JSON-LD or HTML, French text postings, the Place
// de l'emploi public CSV export), normalisation (dates in Nouméa, communes,
// categories, contracts, residence years, sections), then batched,
// idempotent writes through the small Catalog and Index interfaces it
// declares.
package indexer
