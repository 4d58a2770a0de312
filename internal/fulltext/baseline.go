package fulltext

import (
	"context"
	"fmt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"offres/internal/offres"
)

// baselineTitleBoost is the one boost of the baseline: a title match
// weighs twice a body match.
const baselineTitleBoost = 2

// Baseline is the reference the evaluation compares the search with: a
// plain BM25 index of the offers' title and full text, held in memory,
// analysed by bleve's standard French analyzer (no synonyms, no folding
// beyond it, no fuzziness), queried with every word optional (OR). It is
// what any full-text engine gives out of the box; the search must beat it.
// It is safe for concurrent use.
type Baseline struct {
	bi bleve.Index
}

// baselineDoc is what the baseline indexes of an offer.
type baselineDoc struct {
	Title string `json:"title"`
	Text  string `json:"text"`
}

// NewBaseline returns an empty baseline index.
func NewBaseline() (*Baseline, error) {
	im := mapping.NewIndexMapping()
	im.ScoringModel = index.BM25Scoring
	im.DefaultAnalyzer = fr.AnalyzerName
	doc := mapping.NewDocumentStaticMapping()
	for _, name := range []string{"title", "text"} {
		fm := mapping.NewTextFieldMapping()
		fm.Analyzer = fr.AnalyzerName
		fm.Store = false
		fm.IncludeTermVectors = false
		doc.AddFieldMappingsAt(name, fm)
	}
	im.DefaultMapping = doc
	bi, err := bleve.NewUsing("", im, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("create baseline index: %w", err)
	}
	return &Baseline{bi: bi}, nil
}

// Add indexes offers (an offer already there is replaced).
func (b *Baseline) Add(ctx context.Context, offers []offres.Offer) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	batch := b.bi.NewBatch()
	for i := range offers {
		o := &offers[i]
		if err := batch.Index(o.ID, baselineDoc{Title: o.Title, Text: o.FullText()}); err != nil {
			return fmt.Errorf("baseline: offer %s: %w", o.ID, err)
		}
	}
	return b.bi.Batch(batch)
}

// Search returns the ids of the k best offers for text, best first.
func (b *Baseline) Search(ctx context.Context, text string, k int) ([]string, error) {
	title := query.NewMatchQuery(text)
	title.SetField("title")
	title.SetBoost(baselineTitleBoost)
	title.SetOperator(query.MatchQueryOperatorOr)
	body := query.NewMatchQuery(text)
	body.SetField("text")
	body.SetOperator(query.MatchQueryOperatorOr)
	req := bleve.NewSearchRequestOptions(query.NewDisjunctionQuery([]query.Query{title, body}), k, 0, false)
	res, err := b.bi.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("baseline search %q: %w", text, err)
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return ids, nil
}

// Close releases the index.
func (b *Baseline) Close() error { return b.bi.Close() }
