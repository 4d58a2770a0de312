package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"offres/internal/engine"
	"offres/internal/eval"
	"offres/internal/match"
	"offres/internal/offres"
)

// defaultMatchSets is where the committed matching sets are, from the
// repository's root.
const defaultMatchSets = "internal/eval/testdata/match"

// matchingLabel is the label of the matching service's runs.
const matchingLabel = "matching"

// runEvalMatch runs the committed matching sets (eval.LoadMatchSets: the
// profiles of every ROME code of the shared offers, hand-judged CVs) with
// the matching service and with the BM25 baseline given the same profile
// text, and the explanation set, over --data or the offers of offersPath
// imported into a temporary data directory. Closed and expired offers
// count: the evaluation is on past offers.
func runEvalMatch(ctx context.Context, c *common, dir, offersPath string, out setsOutput, e env) error {
	if dir == "" {
		dir = defaultMatchSets
	}
	if offersPath != "" {
		tmp, err := os.MkdirTemp("", "offres-eval-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		c.cfg.Data = tmp
	}
	eng, _, err := c.open(ctx, e)
	if err != nil {
		return err
	}
	defer eng.Close()
	if offersPath != "" {
		if err := importOffers(ctx, eng, offersPath, c.titlesOnly); err != nil {
			return err
		}
	}
	results, n, err := evalMatch(ctx, eng, match.New(eng.Rome()).WithUndatedOpenDays(eng.UndatedOpenDays()), dir, c.now)
	if err != nil {
		return err
	}
	if out.json {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(results)
	}
	if out.perQuery {
		return eval.WritePerQuery(e.stdout, results)
	}
	fmt.Fprintf(e.stdout, "%d offers, closed and expired offers included; the baseline is given the profile's text\n\n", n)
	return eval.WriteSetsMarkdown(e.stdout, results)
}

// evalMatch runs the matching sets of dir with the matching service of eng
// and m and with a BM25 baseline, then the explanation set of dir; it
// returns the results and the number of offers.
func evalMatch(ctx context.Context, eng *engine.Engine, m *match.Matcher, dir string, now func() time.Time) ([]eval.SetResult, int, error) {
	sets, err := eval.LoadMatchSets(dir)
	if err != nil {
		return nil, 0, err
	}
	base, n, err := newBaseline(ctx, eng)
	if err != nil {
		return nil, 0, err
	}
	defer base.Close()
	svc := match.NewService(eng.Search(), eng, m, now)
	runners := []eval.Runner{
		{Label: matchingLabel, Search: matchSearch(svc)},
		{Label: baselineLabel, Search: baselineSearch(base)},
	}
	var results []eval.SetResult
	for _, set := range sets {
		res, err := eval.RunSet(ctx, set, runners)
		if err != nil {
			return nil, 0, err
		}
		results = append(results, res)
	}
	pairs, err := eval.LoadPairs(filepath.Join(dir, "explain"))
	if err != nil {
		return nil, 0, err
	}
	if len(pairs) > 0 {
		rep := eval.RunExplain(pairs, pairStatus(m, offres.Today(now)))
		results = append(results, eval.ExplainResult("explain", matchingLabel, rep))
	}
	return results, n, nil
}

// matchSearch ranks offers for a profile text, closed and expired ones too.
func matchSearch(svc *match.Service) eval.HitsFunc {
	return func(ctx context.Context, text string, k int) ([]offres.Hit, error) {
		res, err := svc.Rank(ctx, &offres.Profile{Text: text}, k, true)
		if err != nil {
			return nil, err
		}
		hits := make([]offres.Hit, len(res.Matches))
		for i, r := range res.Matches {
			hits[i] = offres.Hit{ID: r.ID}
		}
		return hits, nil
	}
}

// pairStatus gives the status m gives the requirement of a pair, compared
// with its profile text: the first required item of the pair's kind in the
// explanation of an offer built around the requirement, "none" when the
// offer is read as asking nothing of that kind.
func pairStatus(m *match.Matcher, today offres.Date) eval.ExplainFunc {
	return func(p eval.ExplainPair) string {
		o := pairOffer(p)
		ex := m.Explain(&offres.Profile{Text: p.Profile}, &o, today)
		for _, it := range ex.Items {
			if it.Kind == p.Kind && it.Required {
				return it.Status
			}
		}
		return "none"
	}
}

// pairOffer is an offer asking the requirement of a pair.
func pairOffer(p eval.ExplainPair) offres.Offer {
	o := offres.Offer{ID: "pair-" + p.ID, Title: "Poste"}
	switch p.Kind {
	case match.KindSkill:
		o.Skills = []offres.Skill{{Label: p.Requirement, Required: true}}
	case match.KindJob:
		o.Title = p.Requirement
	default:
		o.Description = p.Requirement
		o.Sections = []offres.Section{{Kind: offres.SectionProfil, Text: p.Requirement}}
	}
	return o
}
