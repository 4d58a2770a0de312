// Package fulltext is the full-text index of the offers, on bleve: the only
// package of the module that imports bleve.
//
// # Analysis
//
// Text is analyzed for French (see newAnalyzer): elision, lower case,
// accent folding, folded stop words and light stemming, so that
// "evenement" finds "événement", "infirmiers" and "infirmière" find
// "infirmier", and "l’infirmier" finds "infirmier".
//
// # Fields and ranking
//
// The title, skills, body (description and sections) and a meta field
// (employer, direction, cadre d'emploi, commune, contract, reference) are
// searched with query-time boosts, title highest, scored with BM25. The
// user's text is analyzed, never parsed: each term is searched over the
// fields (with its synonyms and, on rare terms when the query asks for it,
// its typo variants), and an offer must match every term; only when no
// offer does are the offers matching some of them returned, those matching
// more first. An exact reference puts its offer first (see textQuery).
//
// # Synonyms
//
// The lexicon of package lexicon is wired into bleve's synonym support for
// one-word synonyms (programmeur ↔ développeur), and completed by a
// query-time expansion for the multi-word ones (IDE ↔ infirmier diplômé
// d'État), which bleve does not support; see synonyms.go. The synonym
// definitions live in the index; they are indexed again when the lexicon
// changes.
//
// # Filters, facets, sort, highlights
//
// Search follows offres.Query: filters on the facets (OR within a facet,
// AND across), closed offers left out unless asked for, facet counts on the
// filtered result, sort by relevance, deadline or publication, pages, and
// highlights of the page's hits with <mark> around HTML-escaped text.
//
// # Storage
//
// Open keeps the index in a directory and reports one that is unusable
// with ErrCorrupt, so that the caller can delete it and rebuild it from its
// source of truth; OpenMemory keeps it in memory.
package fulltext
