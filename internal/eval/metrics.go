package eval

import (
	"math"
	"slices"
)

// Metrics are the scores of one ranking, or their mean over queries.
type Metrics struct {
	NDCG10    float64 // nDCG@10, gain 2^grade−1, log2 discount
	P5        float64 // precision@5: relevant among the first 5, over 5
	P10       float64 // precision@10: relevant among the first 10, over 10
	MRR10     float64 // reciprocal rank of the first relevant doc within 10
	Recall100 float64 // relevant in the first 100, over all relevant
}

// Score scores one ranking against the judgements of its query (doc id →
// grade; grade > 0 is relevant). A doc id ranked twice keeps its first rank:
// the later copies take their place in the ranking but gain nothing.
func Score(ranked []string, rel map[string]int) Metrics {
	return Metrics{
		NDCG10:    NDCG(ranked, rel, 10),
		P5:        Precision(ranked, rel, 5),
		P10:       Precision(ranked, rel, 10),
		MRR10:     ReciprocalRank(ranked, rel, 10),
		Recall100: Recall(ranked, rel, 100),
	}
}

// grades returns the grade earned at each of the first k ranks (at most
// len(ranked)): the doc's grade the first time it appears, 0 for unjudged
// docs and repeats.
func grades(ranked []string, rel map[string]int, k int) []int {
	ranked = ranked[:min(max(k, 0), len(ranked))]
	g := make([]int, len(ranked))
	seen := make(map[string]bool, len(ranked))
	for i, id := range ranked {
		if seen[id] {
			continue
		}
		seen[id] = true
		g[i] = max(rel[id], 0)
	}
	return g
}

// dcg is the discounted cumulative gain of grades in rank order.
func dcg(g []int) float64 {
	var sum float64
	for i, grade := range g {
		if grade > 0 {
			sum += (math.Exp2(float64(grade)) - 1) / math.Log2(float64(i+2))
		}
	}
	return sum
}

// NDCG is nDCG@k: the DCG of the first k ranks over that of the ideal
// ranking of the judged docs. It is 0 when no doc is relevant.
func NDCG(ranked []string, rel map[string]int, k int) float64 {
	ideal := make([]int, 0, len(rel))
	for _, grade := range rel {
		if grade > 0 {
			ideal = append(ideal, grade)
		}
	}
	slices.SortFunc(ideal, func(a, b int) int { return b - a })
	idcg := dcg(ideal[:min(max(k, 0), len(ideal))])
	if idcg == 0 {
		return 0
	}
	return dcg(grades(ranked, rel, k)) / idcg
}

// Precision is P@k: the relevant docs among the first k ranks, over k (a
// ranking shorter than k is not excused).
func Precision(ranked []string, rel map[string]int, k int) float64 {
	if k <= 0 {
		return 0
	}
	return float64(hits(grades(ranked, rel, k))) / float64(k)
}

// ReciprocalRank is 1/rank of the first relevant doc within the first k
// ranks, 0 when there is none; its mean over queries is MRR@k.
func ReciprocalRank(ranked []string, rel map[string]int, k int) float64 {
	for i, grade := range grades(ranked, rel, k) {
		if grade > 0 {
			return 1 / float64(i+1)
		}
	}
	return 0
}

// Recall is Recall@k: the relevant docs among the first k ranks, over all
// relevant docs; 0 when no doc is relevant.
func Recall(ranked []string, rel map[string]int, k int) float64 {
	total := relevant(rel)
	if total == 0 {
		return 0
	}
	return float64(hits(grades(ranked, rel, k))) / float64(total)
}

// hits counts the ranks with a positive grade.
func hits(g []int) int {
	n := 0
	for _, grade := range g {
		if grade > 0 {
			n++
		}
	}
	return n
}

// relevant counts the docs with a positive grade.
func relevant(rel map[string]int) int {
	n := 0
	for _, grade := range rel {
		if grade > 0 {
			n++
		}
	}
	return n
}
