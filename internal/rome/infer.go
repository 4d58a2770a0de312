package rome

import (
	"cmp"
	"math"
	"slices"
	"sync"
)

// BM25 parameters of InferCodes.
const (
	inferK1 = 1.2
	inferB  = 0.75
)

// codeIndex is a BM25 index of the historic codes' texts: label,
// definition, access texts and the labels of their appellations.
type codeIndex struct {
	codes    []int                // index in Taxonomy.codes, by document
	postings map[string][]posting // stem → documents
	lens     []float64
	avg      float64
}

type posting struct {
	doc int
	tf  float64
}

var inferIndexes sync.Map // *Taxonomy → *codeIndex

// inferIndex builds the code index of t once.
func (t *Taxonomy) inferIndex() *codeIndex {
	if ix, ok := inferIndexes.Load(t); ok {
		return ix.(*codeIndex)
	}
	texts := map[int][]string{}
	for i, r := range t.codes {
		p := t.byCode[t.parent(i)]
		texts[p] = append(texts[p], r.Label)
		texts[p] = append(texts[p], r.Definition...)
		texts[p] = append(texts[p], r.Access...)
	}
	for _, a := range t.appellations {
		p := t.byCode[t.parent(t.byCode[a.Code])]
		texts[p] = append(texts[p], a.Long)
	}
	ix := &codeIndex{postings: map[string][]posting{}}
	total := 0.0
	for i := range t.codes {
		if t.codes[i].Parent != "" {
			continue
		}
		doc := len(ix.codes)
		ix.codes = append(ix.codes, i)
		tf := map[string]float64{}
		n := 0.0
		for _, s := range texts[i] {
			for _, st := range contentStems(s) {
				tf[st]++
				n++
			}
		}
		for st, f := range tf {
			ix.postings[st] = append(ix.postings[st], posting{doc: doc, tf: f})
		}
		ix.lens = append(ix.lens, n)
		total += n
	}
	ix.avg = total / float64(max(1, len(ix.codes)))
	actual, _ := inferIndexes.LoadOrStore(t, ix)
	return actual.(*codeIndex)
}

// InferCodes returns the historic codes whose texts (label, definition,
// access texts, appellations) are closest to text by BM25, best first, at
// most k. Score is the code's share of the summed scores of the k: a
// confidence, high when one code stands out. It reads a CV that describes
// tasks without naming the job.
func (t *Taxonomy) InferCodes(text string, k int) []Match {
	ix := t.inferIndex()
	n := float64(len(ix.codes))
	scores := make([]float64, len(ix.codes))
	seen := map[string]bool{}
	for _, st := range contentStems(text) {
		if seen[st] {
			continue // each word of the text once: a CV repeats itself
		}
		seen[st] = true
		ps := ix.postings[st]
		if len(ps) == 0 {
			continue
		}
		idf := math.Log(1 + (n-float64(len(ps))+0.5)/(float64(len(ps))+0.5))
		for _, p := range ps {
			norm := inferK1 * (1 - inferB + inferB*ix.lens[p.doc]/ix.avg)
			scores[p.doc] += idf * p.tf * (inferK1 + 1) / (p.tf + norm)
		}
	}
	docs := make([]int, 0, len(scores))
	for d, s := range scores {
		if s > 0 {
			docs = append(docs, d)
		}
	}
	slices.SortFunc(docs, func(a, b int) int { return cmp.Compare(scores[b], scores[a]) })
	docs = docs[:min(k, len(docs))]
	sum := 0.0
	for _, d := range docs {
		sum += scores[d]
	}
	out := make([]Match, len(docs))
	for i, d := range docs {
		r := t.codes[ix.codes[d]]
		out[i] = Match{Code: r.Code, Specific: r.Code, Label: r.Label, Score: scores[d] / sum}
	}
	return out
}
