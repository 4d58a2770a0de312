package fulltext

import (
	"context"
	"errors"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// phraseQuery matches a phrase of analyzed terms (nil at the gaps of stop
// words) without synonym expansion.
//
// It works around a bug of bleve v2.6.3: in a field with a synonym source, a
// phrase in which some terms have synonyms and others do not never matches
// (PhraseSearcher.expandFuzzyMatches keeps the locations of the terms that
// have synonyms only). The multi-word lexicon alternatives are such phrases
// ("direction du système d'information et du numérique": "numérique" has
// synonyms, "direction" has none), and they are synonyms already, so they
// are searched as plain phrases: the synonym map bleve puts in the context
// is hidden from the phrase searcher.
type phraseQuery struct {
	terms [][]string
	field string
	boost float64
}

var (
	_ query.BoostableQuery   = (*phraseQuery)(nil)
	_ query.FieldableQuery   = (*phraseQuery)(nil)
	_ query.ValidatableQuery = (*phraseQuery)(nil)
)

var errEmptyPhrase = errors.New("empty phrase")

func newPhraseQuery(terms [][]string, field string) *phraseQuery {
	return &phraseQuery{terms: terms, field: field, boost: 1}
}

func (q *phraseQuery) SetBoost(b float64) { q.boost = b }
func (q *phraseQuery) Boost() float64     { return q.boost }
func (q *phraseQuery) SetField(f string)  { q.field = f }
func (q *phraseQuery) Field() string      { return q.field }

func (q *phraseQuery) Validate() error {
	if len(q.terms) == 0 || len(q.terms[0]) == 0 {
		return errEmptyPhrase
	}
	return nil
}

func (q *phraseQuery) Searcher(ctx context.Context, r index.IndexReader, _ mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	ctx = context.WithValue(ctx, search.FieldTermSynonymMapKey, search.FieldTermSynonymMap{})
	return searcher.NewMultiPhraseSearcher(ctx, r, q.terms, 0, false, q.field, q.boost, options)
}
