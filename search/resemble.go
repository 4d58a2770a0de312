package search

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"offres/internal/offres"
)

// Likeness is what Resemble finds of a document: the offers alike it by
// their words (BM25 over all the document's words) and by meaning (its
// embedding's closest passages), each best first; Job holds those of the
// jobs asked for, by their words.
type Likeness struct {
	Keyword  []string
	Semantic []string
	Job      []string
}

// Jobs are ROME jobs: the offers of Codes (an occupation's own code) and
// those of Families (historic codes: every job of the family).
type Jobs struct {
	Codes, Families []string
}

// Resemble ranks the offers alike a document — a profile, a CV — of up to
// offres.MaxProfileText runes: at most n by their words, n by meaning and,
// when jobs are given, n of those jobs by their words; open ones only
// unless includeClosed. A search reads a few words; a CV
// says its job, its tasks and its skills in hundreds, all of which count
// here. The semantic ranking is empty without a semantic layer or when it
// fails (logged at debug level, as searches do).
func (s *Service) Resemble(ctx context.Context, text string, jobs Jobs, includeClosed bool, n int) (Likeness, error) {
	text = strings.TrimSpace(text)
	switch {
	case !utf8.ValidString(text):
		return Likeness{}, offres.Invalidf("le profil n'est pas un texte UTF-8 valide")
	case utf8.RuneCountInString(text) > offres.MaxProfileText:
		return Likeness{}, offres.Invalidf("le profil dépasse %d caractères", offres.MaxProfileText)
	case text == "" || n <= 0:
		return Likeness{}, nil
	}
	q := offres.Query{Text: text, Document: true, IncludeClosed: includeClosed, Today: s.Today(), UndatedOpenDays: s.undated}
	kw, err := s.index.Rank(ctx, q, n)
	if err != nil {
		return Likeness{}, fmt.Errorf("resemble: %w", err)
	}
	out := Likeness{Keyword: kw.IDs}
	if len(jobs.Codes)+len(jobs.Families) > 0 {
		jq := q
		jq.Occupations, jq.OccupationFamilies = jobs.Codes, jobs.Families
		job, err := s.index.Rank(ctx, jq, n)
		if err != nil {
			return Likeness{}, fmt.Errorf("resemble: %w", err)
		}
		out.Job = job.IDs
	}
	if s.semantic == nil {
		return out, nil
	}
	qv, err := s.semantic.EmbedQuery(ctx, text)
	if err != nil || qv == nil {
		if ctx.Err() != nil {
			return Likeness{}, ctx.Err()
		}
		s.log.Debug("profile embedding failed: words only", "err", err)
		return out, nil
	}
	hits, err := s.semantic.Passages(ctx, qv, s.hybrid.SemanticPassages, s.hybrid.MinSimilarity, nil)
	if err != nil {
		if ctx.Err() != nil {
			return Likeness{}, ctx.Err()
		}
		s.log.Debug("vector search failed: words only", "err", err)
		return out, nil
	}
	ids, _ := OfferRanking(hits, s.hybrid.MinSimilarity)
	passing, err := s.index.Passing(ctx, q, ids)
	if err != nil {
		return Likeness{}, fmt.Errorf("resemble: %w", err)
	}
	for _, id := range ids {
		if passing[id] && len(out.Semantic) < n {
			out.Semantic = append(out.Semantic, id)
		}
	}
	return out, nil
}
