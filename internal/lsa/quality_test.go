package lsa

import (
	"context"
	"math"
	"strings"
	"testing"
	"unicode"

	"offres/internal/offres"
)

// nearestSameShare returns the share of the items whose nearest other item
// (by sim, ties to the lower index) has the same label. Items whose best
// similarity is 0 (no signal) count as misses.
func nearestSameShare(n int, labels []string, sim func(i, j int) float64) float64 {
	hits := 0
	for i := range n {
		best, bestJ := 0.0, -1
		for j := range n {
			if j == i {
				continue
			}
			if s := sim(i, j); s > best {
				best, bestJ = s, j
			}
		}
		if bestJ >= 0 && labels[bestJ] == labels[i] {
			hits++
		}
	}
	return float64(hits) / float64(n)
}

func dot32(a, b []float32) float64 {
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}

// tfidfWords is the baseline: plain TF-IDF over folded words (no stop
// words, no stems, no n-grams), sublinear tf, smooth idf, cosine.
func tfidfWords(texts []string) []map[string]float64 {
	docs := make([]map[string]float64, len(texts))
	df := map[string]int{}
	for i, t := range texts {
		tf := map[string]float64{}
		for _, w := range strings.FieldsFunc(offres.Fold(t), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r)
		}) {
			if len(w) > 1 {
				tf[w]++
			}
		}
		for w := range tf {
			df[w]++
		}
		docs[i] = tf
	}
	n := float64(len(texts))
	for _, d := range docs {
		var norm float64
		for w, c := range d {
			d[w] = (1 + math.Log(c)) * (math.Log((1+n)/(1+float64(df[w]))) + 1)
			norm += d[w] * d[w]
		}
		for w := range d {
			d[w] /= math.Sqrt(norm)
		}
	}
	return docs
}

func sparseCos(a, b map[string]float64) float64 {
	if len(a) > len(b) {
		a, b = b, a
	}
	var s float64
	for w, v := range a {
		s += v * b[w]
	}
	return s
}

// TestNearestNeighbourROME trains on the France Travail offers and checks
// that an offer's nearest other offer shares its ROME code more often with
// the LSA vectors than with plain TF-IDF over words.
//
//	go test ./internal/lsa/ -run NearestNeighbourROME -v
func TestNearestNeighbourROME(t *testing.T) {
	offers := franceTravail(t)
	texts := make([]string, len(offers))
	labels := make([]string, len(offers))
	for i, o := range offers {
		texts[i], labels[i] = o.text(), o.RomeCode
	}
	base := tfidfWords(texts)
	baseShare := nearestSameShare(len(texts), labels, func(i, j int) float64 { return sparseCos(base[i], base[j]) })

	ctx := context.Background()
	m, err := Train(ctx, texts, Options{})
	if err != nil {
		t.Fatal(err)
	}
	vecs, err := m.Embed(ctx, texts)
	if err != nil {
		t.Fatal(err)
	}
	share := nearestSameShare(len(texts), labels, func(i, j int) float64 { return dot32(vecs[i], vecs[j]) })
	t.Logf("%d offers, model %s (%d dims, %d features): nearest neighbour with the same ROME code: LSA %.1f%%, TF-IDF words %.1f%%",
		len(texts), m.Model(), m.Dimensions(), m.Features(), 100*share, 100*baseShare)
	if share < baseShare+0.02 {
		t.Errorf("LSA %.1f%% is not clearly above the TF-IDF baseline %.1f%%", 100*share, 100*baseShare)
	}
}
