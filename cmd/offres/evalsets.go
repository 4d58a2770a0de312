package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"

	"offres/indexer"
	"offres/internal/engine"
	"offres/internal/eval"
	"offres/internal/fulltext"
	"offres/internal/offres"
	"offres/search"
)

// baselineLabel is the label of the BM25 baseline's runs.
const baselineLabel = "bm25 baseline"

// evalModes are the engine's modes every set is run in.
var evalModes = []string{offres.ModeKeyword, offres.ModeSemantic, offres.ModeHybrid}

// setsOutput is how runEvalSets prints its results: Markdown tables by
// default.
type setsOutput struct {
	json     bool // the figures as JSON
	perQuery bool // every graded query's nDCG@10, as TSV
	pool     int  // > 0: the judging pools of that depth instead of the figures
}

// runEvalSets runs the committed query sets in dir in every mode and with
// the BM25 baseline, over --data or, when offersPath is set, over a
// temporary data directory those offers are imported into.
func runEvalSets(ctx context.Context, c *common, dir, offersPath string, out setsOutput, e env) error {
	sets, err := eval.LoadSearchSets(dir)
	if err != nil {
		return err
	}
	eng, _, closeEng, err := openWithOffers(ctx, c, offersPath, e)
	if err != nil {
		return err
	}
	defer closeEng()
	base, n, err := newBaseline(ctx, eng)
	if err != nil {
		return err
	}
	defer base.Close()
	runners := setRunners(eng, base)
	if out.pool > 0 {
		for _, set := range sets {
			pool, err := eval.Pool(ctx, set, runners, out.pool)
			if err != nil {
				return err
			}
			for i := range pool {
				if h := &pool[i].Hit; h.Title == "" { // the baseline's hits are ids
					if o, err := eng.Get(ctx, h.ID); err == nil {
						h.Title, h.Employer = o.Title, o.Employer
					}
				}
			}
			if err := eval.WritePool(e.stdout, pool); err != nil {
				return err
			}
		}
		return nil
	}
	results, err := evalSets(ctx, runners, sets)
	if err != nil {
		return err
	}
	switch {
	case out.json:
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(results)
	case out.perQuery:
		return eval.WritePerQuery(e.stdout, results)
	}
	fmt.Fprintf(e.stdout, "model %s, %d offers, closed offers included\n\n", eng.Model(), n)
	return eval.WriteSetsMarkdown(e.stdout, results)
}

// openWithOffers opens the engine over --data or, when offersPath is set,
// over a temporary data directory those offers are imported into; close
// closes it and removes that directory.
func openWithOffers(ctx context.Context, c *common, offersPath string, e env) (eng *engine.Engine, log *slog.Logger, close func(), err error) {
	tmp := ""
	if offersPath != "" {
		if tmp, err = os.MkdirTemp("", "offres-eval-"); err != nil {
			return nil, nil, nil, err
		}
		c.cfg.Data = tmp
	}
	cleanup := func() {
		if tmp != "" {
			os.RemoveAll(tmp)
		}
	}
	if eng, log, err = c.open(ctx, e); err != nil {
		cleanup()
		return nil, nil, nil, err
	}
	close = func() { eng.Close(); cleanup() }
	if offersPath != "" {
		if err := importOffers(ctx, eng, offersPath, c.titlesOnly); err != nil {
			close()
			return nil, nil, nil, err
		}
	}
	return eng, log, close, nil
}

// importOffers imports the offer files or folders at path and brings the
// vectors up to date; with titlesOnly, without the ROME codes their source
// gives.
func importOffers(ctx context.Context, eng *engine.Engine, path string, titlesOnly bool) error {
	files, err := indexer.Files([]string{path})
	if err != nil {
		return err
	}
	im := eng.Importer()
	im.IgnoreSourceCodes = titlesOnly
	if _, err := im.ImportFiles(ctx, files); err != nil {
		return err
	}
	return eng.Refresh(ctx)
}

// setRunners returns the runs of the search sets: every mode of eng, and
// the BM25 baseline base built from eng's offers.
func setRunners(eng *engine.Engine, base *fulltext.Baseline) []eval.Runner {
	var runners []eval.Runner
	for _, mode := range evalModes {
		runners = append(runners, eval.Runner{Label: mode, Search: modeSearch(eng.Search(), mode), Flags: true})
	}
	return append(runners, eval.Runner{Label: baselineLabel, Search: baselineSearch(base)})
}

// evalSets runs every set with every runner.
func evalSets(ctx context.Context, runners []eval.Runner, sets []eval.SearchSet) ([]eval.SetResult, error) {
	var results []eval.SetResult
	for _, set := range sets {
		res, err := eval.RunSet(ctx, set, runners)
		if err != nil {
			return nil, err
		}
		results = append(results, res)
	}
	return results, nil
}

// newBaseline indexes every offer of eng in a BM25 baseline.
func newBaseline(ctx context.Context, eng *engine.Engine) (*fulltext.Baseline, int, error) {
	base, err := fulltext.NewBaseline()
	if err != nil {
		return nil, 0, err
	}
	var batch []offres.Offer
	n := 0
	flush := func() error {
		n += len(batch)
		err := base.Add(ctx, batch)
		batch = batch[:0]
		return err
	}
	err = eng.Scan(ctx, func(o offres.Offer) error {
		if batch = append(batch, o); len(batch) == 500 {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		base.Close()
		return nil, 0, err
	}
	return base, n, nil
}

// baselineSearch searches the baseline; its hits match by their words.
func baselineSearch(base *fulltext.Baseline) eval.HitsFunc {
	return func(ctx context.Context, text string, k int) ([]offres.Hit, error) {
		ids, err := base.Search(ctx, text, k)
		if err != nil {
			return nil, err
		}
		hits := make([]offres.Hit, len(ids))
		for i, id := range ids {
			hits[i] = offres.Hit{ID: id, MatchedBy: []string{offres.ModeKeyword}}
		}
		return hits, nil
	}
}

// modeSearch searches svc in mode, closed offers included, paging until k
// hits or the end of the results.
func modeSearch(svc *search.Service, mode string) eval.HitsFunc {
	return func(ctx context.Context, text string, k int) ([]offres.Hit, error) {
		var hits []offres.Hit
		for page := 1; len(hits) < k && page <= offres.MaxPage; page++ {
			res, err := svc.Search(ctx, search.Request{Text: text, Mode: mode, IncludeClosed: true, Page: page, Limit: offres.MaxPageSize})
			if err != nil {
				return nil, err
			}
			if res.Mode != mode {
				return nil, fmt.Errorf("mode %s ran as %s (no embedding model?)", mode, res.Mode)
			}
			hits = append(hits, res.Hits...)
			if len(res.Hits) < offres.MaxPageSize {
				break
			}
		}
		return hits[:min(k, len(hits))], nil
	}
}
