// Package indexer turns job-offer sources into offres.Offer values and writes
// them: format detection and parsing, normalisation (dates in Nouméa,
// communes, categories, contracts, residence years, sections), then batched,
// idempotent writes through the small Catalog and Index interfaces it
// declares.
//
// The formats (Format, told by DetectFormat from the file name and the
// first bytes):
//   - json: offres.Offer records, one object or an array
//   - ndjson: offres.Offer records, one object per line (.ndjson, .jsonl)
//   - francetravail: the results of France Travail's « Offres d'emploi v2 »
//     API (intitule, lieuTravail, romeCode…)
//   - jsonld: schema.org JobPosting JSON-LD, alone or in a @graph
//   - html: a web page: its JobPosting JSON-LD, else its text as a posting
//   - text: a French plain-text or Markdown posting (the seed's format)
//   - pepcsv: the Place de l'emploi public CSV export (pipe-delimited)
//   - emploinc: the emploi.gouv.nc CSV export (fields, no description)
//
// A record that cannot be read is rejected with its position (file and
// line or record) and the import goes on.
package indexer
