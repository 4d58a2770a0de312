package lsa

import (
	"context"
	"fmt"
	"math"
	"math/bits"
	"runtime"
	"sync"
)

// ModelPrefix starts every model id; the format version follows it.
const ModelPrefix = "offres-lsa"

// Model is a trained LSA model. It is immutable, hence safe for concurrent
// use.
type Model struct {
	an         analyzer
	ngramShare float32 // share of a text vector's squared norm given to n-grams
	docs       int     // training documents
	corpus     int     // texts the training documents stand for (Options.Corpus)
	classic    bool    // proj is V_k Σ_k⁻¹ rather than V_k

	ids   []uint32  // the vocabulary: feature ids, ascending; the column of a feature is its index
	idf   []float32 // per column
	sigma []float32 // singular values, descending
	dims  int
	proj  []float32 // len(ids) × dims, row-major: V_k, or V_k Σ_k⁻¹ when classic

	vocab vocabulary // feature id → column
	name  string     // ModelPrefix-v<version>-<8 hex>
	pool  sync.Pool  // *scratch
}

// scratch holds the buffers of one Embed call.
type scratch struct {
	ids  []uint32 // feature occurrences
	tf   []int32  // per column: its occurrences in the text; zero between texts
	seen []uint64 // a bit per column: the text has it; zero between texts
	vec  []entry
	acc  []float64
}

// entry is one non-zero of a weighted text vector.
type entry struct {
	col  int32
	v    float32
	kind uint32 // kindWord or kindNgram
}

// Model returns the model's id, "offres-lsa-v2-" and the first 8 hex
// digits of the SHA-256 of its serialised form: store it next to vectors,
// so that vectors of different models are never compared.
func (m *Model) Model() string { return m.name }

// Dimensions returns the length of the vectors.
func (m *Model) Dimensions() int { return m.dims }

// Features returns the size of the vocabulary (hashed features kept).
func (m *Model) Features() int { return len(m.ids) }

// Embed returns one unit vector per text, in the order of texts: the
// text's TF-IDF vector q folded into the latent space, qᵀ V_k Σ_k⁻¹, then
// rescaled by Σ_k (so qᵀ V_k; not with Options.ClassicFoldIn) and
// L2-normalised. A text none of whose features the model knows (an empty
// text, punctuation, stop words only, a vocabulary never seen in training)
// gives the zero vector: callers must read it as "no semantic signal" and
// not rank by it (its cosine with anything is 0, not a similarity).
// Embed checks ctx every few hundred texts.
func (m *Model) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	if len(texts) <= embedBlock { // a query: no goroutine
		s := m.getScratch()
		defer m.pool.Put(s)
		for i, t := range texts {
			out[i] = m.embed(t, s)
		}
		return out, nil
	}
	// Many texts: blocks on every core (each text's vector depends on it
	// alone, so the result does not depend on the split).
	err := parallelBlocks(ctx, len(texts), embedBlock, runtime.GOMAXPROCS(0), func(lo, hi int) {
		s := m.getScratch()
		defer m.pool.Put(s)
		for i := lo; i < hi; i++ {
			out[i] = m.embed(texts[i], s)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("lsa: embed: %w", err)
	}
	return out, nil
}

// embedBlock is the number of texts an Embed goroutine takes at a time.
const embedBlock = 64

func (m *Model) getScratch() *scratch {
	if s, ok := m.pool.Get().(*scratch); ok {
		return s
	}
	return &scratch{tf: make([]int32, len(m.ids)), seen: make([]uint64, (len(m.ids)+63)/64), acc: make([]float64, m.dims)}
}

func (m *Model) embed(text string, s *scratch) []float32 {
	s.ids = m.an.features(text, s.ids[:0])
	s.vec = m.weighText(s.ids, s, s.vec[:0])
	out := make([]float32, m.dims)
	if len(s.vec) == 0 {
		return out
	}
	acc := s.acc[:m.dims]
	clear(acc)
	for _, e := range s.vec {
		row := m.proj[int(e.col)*m.dims : (int(e.col)+1)*m.dims]
		row = row[:len(acc)] // one bounds check for the loop
		v := float64(e.v)
		// Four at a time: the same sums in the same order, with fewer
		// bounds checks and loop branches (the hot loop of an import).
		j := 0
		for ; j+4 <= len(acc); j += 4 {
			a, p := acc[j:j+4:j+4], row[j:j+4:j+4]
			a[0] += v * float64(p[0])
			a[1] += v * float64(p[1])
			a[2] += v * float64(p[2])
			a[3] += v * float64(p[3])
		}
		for ; j < len(acc); j++ {
			acc[j] += v * float64(row[j])
		}
	}
	var norm float64
	for _, a := range acc {
		norm += a * a
	}
	if norm == 0 || math.IsNaN(norm) {
		return out
	}
	inv := 1 / math.Sqrt(norm)
	for j, a := range acc {
		out[j] = float32(a * inv)
	}
	return out
}

func (m *Model) lookup(id uint32) (int32, float32, bool) {
	c, ok := m.vocab.find(id)
	if !ok {
		return 0, 0, false
	}
	return c, m.idf[c], true
}

// weighText is weigh over the feature occurrences of a text, for Embed:
// the occurrences the model knows are counted per column (s.tf), the
// columns marked in a bitmap (s.seen) and read from it in order; both are
// zero again on return. Columns are numbered in the order of the feature
// ids, so the entries come in the order weigh gives them, with the same
// weights: the same vectors, bit for bit, for less than half the work of
// counting every feature in a map and sorting the counts (measured:
// BenchmarkEmbedPassages).
func (m *Model) weighText(ids []uint32, s *scratch, dst []entry) []entry {
	tf, seen := s.tf, s.seen
	for _, id := range ids {
		if c, ok := m.vocab.find(id); ok {
			tf[c]++
			seen[c>>6] |= 1 << (c & 63)
		}
	}
	var norm [2]float64
	for i, word := range seen {
		if word == 0 {
			continue
		}
		seen[i] = 0
		for ; word != 0; word &= word - 1 {
			c := int32(i<<6 | bits.TrailingZeros64(word))
			w := (1 + float32(math.Log(float64(tf[c])))) * m.idf[c]
			tf[c] = 0
			kind := m.ids[c] & 1
			dst = append(dst, entry{c, w, kind})
			norm[kind] += float64(w) * float64(w)
		}
	}
	return scaleParts(dst, norm, m.ngramShare)
}

// weigh turns the sorted counts of a text into its TF-IDF vector, keeping
// the features lookup knows: weight (1 + ln tf) × idf, then the word part
// and the n-gram part are each L2-normalised and scaled so that the n-grams
// hold ngramShare of the squared norm (all of it, or none, when the other
// part is empty). The vector is a unit vector, or empty.
func weigh(tcs []termCount, lookup func(uint32) (int32, float32, bool), ngramShare float32, dst []entry) []entry {
	var norm [2]float64
	for _, tc := range tcs {
		col, idf, ok := lookup(tc.id)
		if !ok {
			continue
		}
		w := (1 + float32(math.Log(float64(tc.tf)))) * idf
		dst = append(dst, entry{col, w, tc.id & 1})
		norm[tc.id&1] += float64(w) * float64(w)
	}
	return scaleParts(dst, norm, ngramShare)
}

// scaleParts scales the word part and the n-gram part of a weighted text
// vector, of squared norms norm, as weigh says.
func scaleParts(dst []entry, norm [2]float64, ngramShare float32) []entry {
	if len(dst) == 0 {
		return dst
	}
	var scale [2]float64
	switch {
	case norm[kindWord] == 0:
		scale[kindNgram] = 1 / math.Sqrt(norm[kindNgram])
	case norm[kindNgram] == 0:
		scale[kindWord] = 1 / math.Sqrt(norm[kindWord])
	default:
		scale[kindWord] = math.Sqrt(1-float64(ngramShare)) / math.Sqrt(norm[kindWord])
		scale[kindNgram] = math.Sqrt(float64(ngramShare)) / math.Sqrt(norm[kindNgram])
	}
	for i := range dst {
		dst[i].v = float32(float64(dst[i].v) * scale[dst[i].kind])
	}
	return dst
}

// Docs returns the number of texts the model was trained on.
func (m *Model) Docs() int { return m.docs }

// Corpus returns the number of texts the training texts stood for: a
// sample's whole corpus (Options.Corpus), or Docs.
func (m *Model) Corpus() int { return m.corpus }

// vocabulary maps the model's feature ids to their columns: an open-addressing
// hash table, a few times faster than a Go map on the hot path of Embed (one
// look-up per feature occurrence). Feature ids are hashes already; a
// multiplicative hash of them picks the slot.
type vocabulary struct {
	shift uint32
	keys  []uint32
	cols  []int32 // -1: an empty slot
}

// newVocabulary returns an empty vocabulary with room for n features, at
// most half full.
func newVocabulary(n int) vocabulary {
	bits := uint32(1)
	for 1<<bits < 2*n {
		bits++
	}
	v := vocabulary{shift: 32 - bits, keys: make([]uint32, 1<<bits), cols: make([]int32, 1<<bits)}
	for i := range v.cols {
		v.cols[i] = -1
	}
	return v
}

func (v *vocabulary) slot(id uint32) uint32 { return (id * 0x9e3779b1) >> v.shift }

// add maps id to col; false when id is there already.
func (v *vocabulary) add(id uint32, col int32) bool {
	mask := uint32(len(v.keys) - 1)
	for i := v.slot(id); ; i = (i + 1) & mask {
		switch {
		case v.cols[i] < 0:
			v.keys[i], v.cols[i] = id, col
			return true
		case v.keys[i] == id:
			return false
		}
	}
}

// find returns the column of id.
func (v *vocabulary) find(id uint32) (int32, bool) {
	if len(v.keys) == 0 {
		return 0, false
	}
	mask := uint32(len(v.keys) - 1)
	for i := v.slot(id); ; i = (i + 1) & mask {
		c := v.cols[i]
		if c < 0 {
			return 0, false
		}
		if v.keys[i] == id {
			return c, true
		}
	}
}
