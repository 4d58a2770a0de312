package vectors

import "math"

// The rows of an Index are stored quantised to int8 with one scale per row,
// as in faiss's SQ8 or Qdrant's scalar quantisation: a unit vector v is kept
// as codes c, v's components scaled so that the largest in magnitude is
// ±127 and rounded, and the scale 1/‖c‖, so that the row's vector c/‖c‖ is
// again a unit vector. That is 1 byte per component and 4 per row instead
// of 4 per component: 260 bytes instead of 1,024 at 256 dimensions. A search
// reads a quarter of the memory it read, which is what bounded the scan.
//
// A row's vector is the quantised one: its angle to v is at most a few
// thousandths of a radian at 256 dimensions (the rounding error of each
// component is at most half a step of max|v|/127), so a score differs from
// the cosine with v by about 10⁻³ (TestQuantisedScores), and the search's
// recall@10 against the float32 scan is measured on real passages of the
// built-in model by engine.TestQuantisedRecall. Everything else (the IVF's
// centroids, assignments and bounds, the scores searches return) works on
// the quantised vectors, so the IVF's bound on a list's scores holds as
// before: they are unit vectors.

// slab holds the rows of an Index: row r's vector is
// codes[r*dims:(r+1)*dims] × scales[r].
type slab struct {
	dims   int
	codes  []int8
	scales []float32
}

func newSlab(dims, capacity int) slab {
	return slab{dims: dims, codes: make([]int8, 0, capacity*dims), scales: make([]float32, 0, capacity)}
}

// len returns the number of rows.
func (s *slab) len() int { return len(s.scales) }

// cap returns the number of rows the slab holds without growing.
func (s *slab) cap() int { return min(cap(s.scales), cap(s.codes)/s.dims) }

// code returns row r's codes.
func (s *slab) code(r int) []int8 {
	return s.codes[r*s.dims : (r+1)*s.dims : (r+1)*s.dims]
}

// add appends the unit vector v, quantised.
func (s *slab) add(v []float32) {
	n := len(s.codes)
	s.codes = append(s.codes, make([]int8, s.dims)...)
	s.scales = append(s.scales, quantise(s.codes[n:n+s.dims], v))
}

// set replaces row r by the unit vector v, quantised.
func (s *slab) set(r int, v []float32) {
	s.scales[r] = quantise(s.code(r), v)
}

// copyRow copies row src of from into row dst of s.
func (s *slab) copyRow(dst int, from *slab, src int) {
	copy(s.code(dst), from.code(src))
	s.scales[dst] = from.scales[src]
}

// truncate keeps the first n rows.
func (s *slab) truncate(n int) {
	s.codes, s.scales = s.codes[:n*s.dims], s.scales[:n]
}

// clone returns a copy of the slab without spare capacity.
func (s *slab) clone() slab {
	return slab{dims: s.dims, codes: append([]int8(nil), s.codes...), scales: append([]float32(nil), s.scales...)}
}

// vec appends row r's vector to dst and returns it.
func (s *slab) vec(dst []float32, r int) []float32 {
	sc := s.scales[r]
	for _, c := range s.code(r) {
		dst = append(dst, float32(c)*sc)
	}
	return dst
}

// rows appends the vectors of rows [lo, hi) to dst and returns it.
func (s *slab) rows(dst []float32, lo, hi int) []float32 {
	for r := lo; r < hi; r++ {
		dst = s.vec(dst, r)
	}
	return dst
}

// score returns the dot product of the unit query q with row r's vector.
func (s *slab) score(q []float32, r int) float32 {
	return dot8(q, s.code(r)) * s.scales[r]
}

// quantise writes the codes of v into c, which has v's length, and returns
// the scale that makes them a unit vector (0 when v is all zeros).
func quantise(c []int8, v []float32) float32 {
	var m float32
	for _, x := range v {
		m = max(m, float32(math.Abs(float64(x))))
	}
	if m == 0 {
		clear(c)
		return 0
	}
	k := 127 / float64(m)
	var norm float64
	for i, x := range v {
		q := math.Round(float64(x) * k)
		c[i] = int8(q)
		norm += q * q
	}
	return float32(1 / math.Sqrt(norm))
}

// dot8 returns the dot product of a and the codes c, which have the same
// length: with AVX2 and FMA on amd64 (dot8_amd64.s), eight components at a
// time; else dot8Go.
func dot8(a []float32, c []int8) float32 {
	n := len(a)
	c = c[:n]
	if !hasDot8Asm || n < 8 {
		return dot8Go(a, c)
	}
	m := n &^ 7
	s := dot8Asm(&a[0], &c[0], m)
	if m < n {
		s += dot8Go(a[m:], c[m:])
	}
	return s
}

// dot8Go is dot's loop (unrolled by 8 into four accumulators) over int8
// codes converted on the fly.
func dot8Go(a []float32, c []int8) float32 {
	n := len(a)
	c = c[:n]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i <= n-8; i += 8 {
		aa := a[i : i+8 : i+8]
		cc := c[i : i+8 : i+8]
		s0 += aa[0]*float32(cc[0]) + aa[4]*float32(cc[4])
		s1 += aa[1]*float32(cc[1]) + aa[5]*float32(cc[5])
		s2 += aa[2]*float32(cc[2]) + aa[6]*float32(cc[6])
		s3 += aa[3]*float32(cc[3]) + aa[7]*float32(cc[7])
	}
	for ; i < n; i++ {
		s0 += a[i] * float32(c[i])
	}
	return (s0 + s1) + (s2 + s3)
}

// quantised returns the vector a row holds for the unit vector v: v
// quantised, then scaled back (what slab.vec returns, and slab.add keeps
// when given it: its codes are v's again).
func quantised(v []float32) []float32 {
	s := slab{dims: len(v)}
	s.add(v)
	return s.vec(make([]float32, 0, len(v)), 0)
}
