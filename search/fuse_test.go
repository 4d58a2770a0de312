package search

import (
	"slices"
	"testing"
)

func ids(fs []Fused) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.ID
	}
	return out
}

func TestFuse(t *testing.T) {
	for _, tc := range []struct {
		name              string
		keyword, semantic []string
		exact             map[string]bool
		opts              FuseOptions
		want              []string
	}{
		{name: "keyword only", keyword: []string{"a", "b", "c"}, want: []string{"a", "b", "c"}},
		{name: "semantic only", semantic: []string{"x", "y"}, want: []string{"x", "y"}},
		{name: "both lists beat one", keyword: []string{"a", "b"}, semantic: []string{"b", "c"}, want: []string{"b", "a", "c"}},
		{name: "equal ranks tie by id", keyword: []string{"b"}, semantic: []string{"a"}, want: []string{"a", "b"}},
		{
			name: "semantic weight", keyword: []string{"a", "b"}, semantic: []string{"c"},
			opts: FuseOptions{SemanticWeight: 3}, want: []string{"c", "a", "b"},
		},
		{
			name: "exact match is never pushed down", keyword: []string{"ref", "a"}, semantic: []string{"a", "s1", "s2"},
			exact: map[string]bool{"ref": true}, want: []string{"ref", "a", "s1", "s2"},
		},
		{
			name: "exact matches keep keyword order", keyword: []string{"e2", "x", "e1"}, semantic: []string{"e1", "x"},
			exact: map[string]bool{"e1": true, "e2": true}, want: []string{"e2", "e1", "x"},
		},
		{name: "duplicate ids count once", keyword: []string{"a", "a", "b"}, semantic: []string{"b"}, want: []string{"b", "a"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := tc.opts
			if opts.KeywordWeight == 0 {
				opts.KeywordWeight = 1 // the arithmetic of RRF, not the default weights
			}
			got := Fuse(tc.keyword, tc.semantic, tc.exact, opts)
			if !slices.Equal(ids(got), tc.want) {
				t.Fatalf("Fuse = %v, want %v (%+v)", ids(got), tc.want, got)
			}
		})
	}
}

func TestFuseScoresAndRanks(t *testing.T) {
	got := Fuse([]string{"a", "b"}, []string{"b"}, nil, FuseOptions{K: 10, KeywordWeight: 1})
	b := got[0]
	if b.ID != "b" || b.KeywordRank != 2 || b.SemanticRank != 1 {
		t.Fatalf("b = %+v", b)
	}
	if want := 1.0/12 + 1.0/11; b.Score != want {
		t.Fatalf("score %v, want %v", b.Score, want)
	}
	if a := got[1]; a.SemanticRank != 0 || a.Score != 1.0/11 {
		t.Fatalf("a = %+v", a)
	}
}

func TestOfferRanking(t *testing.T) {
	hits := []PassageHit{
		{"o1#missions-1", "o1", 0.9},
		{"o2#summary-1", "o2", 0.8},
		{"o1#profil-1", "o1", 0.7},
		{"o3#summary-1", "o3", 0.2},
	}
	got, best := OfferRanking(hits, 0.3)
	if !slices.Equal(got, []string{"o1", "o2"}) {
		t.Fatalf("ranking %v", got)
	}
	if best["o1"].PassageID != "o1#missions-1" {
		t.Fatalf("best passage of o1: %+v", best["o1"])
	}
	if _, ok := best["o3"]; ok {
		t.Fatal("o3 is under the cut-off")
	}
}

// TestEvidenceFirst: the offers with evidence (the job a search names, or
// every word) come first, each part in its fused order.
func TestEvidenceFirst(t *testing.T) {
	fused := []Fused{{ID: "near1"}, {ID: "job1"}, {ID: "near2"}, {ID: "job2"}, {ID: "job3"}}
	got := evidenceFirst(fused, map[string]bool{"job1": true, "job2": true, "job3": true})
	var order []string
	for _, f := range got {
		order = append(order, f.ID)
	}
	if want := []string{"job1", "job2", "job3", "near1", "near2"}; !slices.Equal(order, want) {
		t.Errorf("order %q, want %q", order, want)
	}
}
