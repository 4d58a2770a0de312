package vectors

// dot returns the dot product of a and b, which have the same length.
//
// The loop is unrolled by 8 into four independent accumulators: the
// additions of one step do not wait on those of the previous one, and the
// reslicing up front lets the compiler drop the bounds checks. Measured on
// 256 dimensions (BenchmarkDot): about 2× faster than the plain loop, and
// no faster with eight accumulators or an unroll by 16.
func dot(a, b []float32) float32 {
	n := len(a)
	b = b[:n]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i <= n-8; i += 8 {
		aa := a[i : i+8 : i+8]
		bb := b[i : i+8 : i+8]
		s0 += aa[0]*bb[0] + aa[4]*bb[4]
		s1 += aa[1]*bb[1] + aa[5]*bb[5]
		s2 += aa[2]*bb[2] + aa[6]*bb[6]
		s3 += aa[3]*bb[3] + aa[7]*bb[7]
	}
	for ; i < n; i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// dotPlain is the reference loop, kept for tests and BenchmarkDot.
func dotPlain(a, b []float32) float32 {
	var s float32
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}
