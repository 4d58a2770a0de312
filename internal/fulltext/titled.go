package fulltext

import (
	"context"
	"fmt"

	"offres/internal/offres"
)

// Titled returns which of ids have every term of q's text in their title
// (each term, or an alternative of the lexicon: « DRH » is in « Directrice
// des ressources humaines »), among those passing q's filters: the offers
// whose title says what was searched. Typos are not forgiven here: a
// title that says it with other letters is no such evidence.
func (ix *Index) Titled(ctx context.Context, q offres.Query, ids []string) (map[string]bool, error) {
	return ix.inFields(ctx, q, ids, textFields[:1])
}

// Stated returns which of ids have every term of q's text in their title,
// skills, employer or direction — the short fields an offer states its job
// and requirements in —, not only in its body, where anything is mentioned
// in passing (an employer's presentation of its policies).
func (ix *Index) Stated(ctx context.Context, q offres.Query, ids []string) (map[string]bool, error) {
	return ix.inFields(ctx, q, ids, shortFields)
}

// inFields returns which of ids have every term of q's text (or a lexicon
// alternative) in fields, and pass q's filters.
func (ix *Index) inFields(ctx context.Context, q offres.Query, ids []string, fields []textField) (map[string]bool, error) {
	q.IDs = nil
	if err := ix.normalize(&q); err != nil {
		return nil, err
	}
	if len(ids) == 0 || q.Text == "" || q.Document {
		return map[string]bool{}, nil
	}
	reader, err := ix.reader()
	if err != nil {
		return nil, fmt.Errorf("text in fields: %w", err)
	}
	defer reader.Close()
	all := ix.textQueryOver(q.Text, false, fields, fields, snapshotTerms{ctx, reader}).all
	if all == nil {
		return map[string]bool{}, nil
	}
	filter, _, err := ix.filterOf(&q)
	if err != nil {
		return nil, err
	}
	titled, _, err := ix.strictAmong(ctx, all, filter, ids, false)
	return titled, err
}
