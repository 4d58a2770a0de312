// Package eval measures search quality against judged queries: it reads
// queries (TSV) and TREC qrels, scores a ranking (nDCG@10 with graded gains,
// P@10, MRR@10, Recall@100), runs a whole query set through any search
// function and reports macro averages, and writes them as a line or a
// Markdown table comparing runs (keyword, semantic, hybrid…).
//
// It also builds the evaluation set of the repository from the shared data
// (set.go): France Travail offers labelled by ROME code, queried with ROME job
// titles that appear nowhere verbatim in the offers, so that matching the
// title word for word cannot answer them. The data stays outside the
// repository; cmd/offres-evalset writes the set.
//
// The metrics, readers and Run depend on the standard library and the root
// package only; the set builder also uses offres/indexer, so that the
// judged document ids are exactly the ids an import gives the offers.
package eval
