package engine

import (
	"context"
	"errors"
)

// Sizes reads the sizes of the catalogue and the indexes, for the metrics:
// offers in the catalogue, documents in the local full-text index, and
// passages of the current embedding model. What could not be read is left
// out, and the error says what.
func (e *Engine) Sizes(ctx context.Context) (map[string]float64, error) {
	out := map[string]float64{}
	var errs []error
	if n, err := e.store.Count(ctx); err == nil {
		out["offers"] = float64(n)
	} else {
		errs = append(errs, err)
	}
	if n, err := e.text.Count(ctx); err == nil {
		out["fulltext_documents"] = float64(n)
	} else {
		errs = append(errs, err)
	}
	if model := e.Model(); model != "" {
		if n, err := e.store.PassageCount(ctx, model); err == nil {
			out["passages"] = float64(n)
		} else {
			errs = append(errs, err)
		}
	}
	return out, errors.Join(errs...)
}
