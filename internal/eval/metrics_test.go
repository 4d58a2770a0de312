package eval

import (
	"fmt"
	"math"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-6 }

func TestScore(t *testing.T) {
	twelve := map[string]int{}
	var twelveRanked []string
	for i := range 12 {
		id := fmt.Sprintf("d%02d", i)
		twelve[id] = 1
		twelveRanked = append(twelveRanked, id)
	}
	tests := []struct {
		name   string
		ranked []string
		rel    map[string]int
		want   Metrics
	}{
		{
			// DCG = (2²−1)/log2(3) + 1/log2(5) = 2.323466; ideal grades 2,1,1:
			// 3 + 1/log2(3) + 1/log2(4) = 4.130930.
			name:   "graded, relevant at ranks 2 and 4",
			ranked: []string{"c", "a", "x", "b"},
			rel:    map[string]int{"a": 2, "b": 1, "c": 0, "d": 1},
			want:   Metrics{NDCG10: 0.562455901550729, P10: 0.2, MRR10: 0.5, Recall100: 2.0 / 3},
		},
		{
			name:   "ideal ranking",
			ranked: []string{"a", "b", "d"},
			rel:    map[string]int{"a": 2, "b": 1, "c": 0, "d": 1},
			want:   Metrics{NDCG10: 1, P10: 0.3, MRR10: 1, Recall100: 1},
		},
		{
			// The grade-3 doc is missed: DCG 1, ideal 7 + 1/log2(3).
			name:   "highly relevant doc missed",
			ranked: []string{"a"},
			rel:    map[string]int{"a": 1, "b": 3},
			want:   Metrics{NDCG10: 0.1310456303875653, P10: 0.1, MRR10: 1, Recall100: 0.5},
		},
		{
			name:   "no relevant doc",
			ranked: []string{"a", "b"},
			rel:    map[string]int{"a": 0},
			want:   Metrics{},
		},
		{
			name:   "no result",
			ranked: nil,
			rel:    map[string]int{"a": 1},
			want:   Metrics{},
		},
		{
			// P@10 divides by 10 even when fewer results come back.
			name:   "fewer than k results",
			ranked: []string{"a"},
			rel:    map[string]int{"a": 1},
			want:   Metrics{NDCG10: 1, P10: 0.1, MRR10: 1, Recall100: 1},
		},
		{
			// The repeat of a takes rank 2 but gains nothing: gains 1,0,1 →
			// DCG 1 + 1/log2(4) = 1.5; ideal 1 + 1/log2(3).
			name:   "duplicates counted once",
			ranked: []string{"a", "a", "b"},
			rel:    map[string]int{"a": 1, "b": 1},
			want:   Metrics{NDCG10: 0.9197207891481876, P10: 0.2, MRR10: 1, Recall100: 1},
		},
		{
			name:   "relevant only past rank 10",
			ranked: []string{"x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "a"},
			rel:    map[string]int{"a": 1},
			want:   Metrics{NDCG10: 0, P10: 0, MRR10: 0, Recall100: 1},
		},
		{
			// The ideal DCG is cut at 10 too.
			name:   "more relevant docs than k",
			ranked: twelveRanked,
			rel:    twelve,
			want:   Metrics{NDCG10: 1, P10: 1, MRR10: 1, Recall100: 1},
		},
		{
			name:   "first relevant at rank 3",
			ranked: []string{"x", "y", "a", "b"},
			rel:    map[string]int{"a": 1, "b": 1, "c": 1, "d": 1},
			want:   Metrics{NDCG10: (0.5 + 1/math.Log2(5)) / (1 + 1/math.Log2(3) + 0.5 + 1/math.Log2(5)), P10: 0.2, MRR10: 1.0 / 3, Recall100: 0.5},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Score(tt.ranked, tt.rel)
			if !near(got.NDCG10, tt.want.NDCG10) || !near(got.P10, tt.want.P10) ||
				!near(got.MRR10, tt.want.MRR10) || !near(got.Recall100, tt.want.Recall100) {
				t.Errorf("Score = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestRecallDepth(t *testing.T) {
	var ranked []string
	for i := range 150 {
		ranked = append(ranked, fmt.Sprintf("d%d", i))
	}
	rel := map[string]int{"d5": 1, "d99": 1, "d100": 1, "d149": 1}
	if got := Recall(ranked, rel, 100); !near(got, 0.5) {
		t.Errorf("Recall@100 = %v, want 0.5 (d5 and d99 within the first 100)", got)
	}
	if got := Recall(ranked, rel, 150); !near(got, 1) {
		t.Errorf("Recall@150 = %v, want 1", got)
	}
}

func TestZeroAndNegativeK(t *testing.T) {
	rel := map[string]int{"a": 1}
	for _, k := range []int{0, -1} {
		if NDCG([]string{"a"}, rel, k) != 0 || Precision([]string{"a"}, rel, k) != 0 ||
			ReciprocalRank([]string{"a"}, rel, k) != 0 || Recall([]string{"a"}, rel, k) != 0 {
			t.Errorf("k=%d: want every metric 0", k)
		}
	}
}
