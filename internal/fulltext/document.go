package fulltext

import (
	"cmp"
	"context"
	"slices"

	"github.com/blevesearch/bleve/v2/search/query"

	"offres/internal/offres"
)

// maxDocumentTerms bounds the distinct terms of a document query (a CV),
// its most frequent ones kept: a profile of offres.MaxProfileText runes
// has a few thousand words, a few hundred distinct ones.
const maxDocumentTerms = 256

// maxDocumentTF bounds how much a term a document repeats weighs.
const maxDocumentTF = 3

// documentFields are the fields a document query reads, with their
// boosts: a profile's words name jobs and skills, rarely an employer.
var documentFields = []textField{
	{fieldTitle, 2},
	{fieldSkills, 1.5},
	{fieldText, 1},
}

// documentQuery returns the query of the offers alike a document (a
// profile): every distinct analyzed term of text optional, boosted by how
// often the document says it (at most three times), in the title, skills
// and body. It is plain BM25 over the whole document, with the index's
// analysis (folding, stemming, elision) and without typo tolerance or
// phrase matching: a CV's words are many and rarely mistyped; nil when
// text has no term.
func (ix *Index) documentQuery(text string) query.Query {
	freq := map[string]int{}
	var order []string
	for _, tok := range ix.analyzer.Analyze([]byte(text)) {
		t := string(tok.Term)
		if freq[t] == 0 {
			order = append(order, t)
		}
		freq[t]++
	}
	if len(order) == 0 {
		return nil
	}
	// The most frequent first, the document's order among equals.
	slices.SortStableFunc(order, func(a, b string) int { return cmp.Compare(freq[b], freq[a]) })
	order = order[:min(len(order), maxDocumentTerms)]
	qs := make([]query.Query, 0, len(documentFields))
	for _, f := range documentFields {
		terms := make([]query.Query, len(order))
		for i, t := range order {
			q := query.NewTermQuery(t)
			q.SetField(f.name)
			q.SetBoost(f.boost * float64(min(freq[t], maxDocumentTF)))
			terms[i] = q
		}
		d := query.NewDisjunctionQuery(terms)
		qs = append(qs, d)
	}
	return query.NewDisjunctionQuery(qs)
}

// jobsQuery matches the offers of given ROME codes (an occupation's own
// code) or of given historic codes (an occupation's family), for a
// document query restricted to a profile's jobs.
func jobsQuery(codes, families []string) query.Query {
	qs := make([]query.Query, 0, len(codes)+len(families))
	for field, values := range map[string][]string{fieldRomeKey: codes, fieldRomeFamily: families} {
		for _, v := range values {
			tq := query.NewTermQuery(offres.FoldKey(v))
			tq.SetField(field)
			qs = append(qs, tq)
		}
	}
	return query.NewDisjunctionQuery(qs)
}

// InDomains returns which of ids have an occupation in one of the grand
// domains of ROME given (a code's first letter: « A », « M »).
func (ix *Index) InDomains(ctx context.Context, ids []string, domains []string) (map[string]bool, error) {
	qs := make([]query.Query, len(domains))
	for i, d := range domains {
		p := query.NewPrefixQuery(offres.FoldKey(d))
		p.SetField(fieldRomeFamily)
		qs[i] = p
	}
	return ix.among(ctx, ids, query.NewDisjunctionQuery(qs))
}

// Classified returns which of ids have an occupation (a ROME code): the
// others' job is unknown (their title named none, their source gave no
// code).
func (ix *Index) Classified(ctx context.Context, ids []string) (map[string]bool, error) {
	known := query.NewTermRangeQuery("0", "") // every code: letters and digits sort from "0"
	known.SetField(fieldRomeKey)
	return ix.among(ctx, ids, known)
}
