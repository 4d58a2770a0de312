package vectors

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestDot(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 7, 8, 9, 15, 16, 17, 255, 256, 257, 1536} {
		a, b := randVec(r, n), randVec(r, n)
		var want float64
		for i := range a {
			want += float64(a[i]) * float64(b[i])
		}
		if got := dot(a, b); math.Abs(float64(got)-want) > 1e-4 {
			t.Errorf("n=%d: dot = %v, want %v", n, got, want)
		}
	}
}

func randVec(r *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(r.NormFloat64())
	}
	return v
}

var sink float32

func BenchmarkDot(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	x, y := randVec(r, 256), randVec(r, 256)
	b.Run("unrolled", func(b *testing.B) {
		for b.Loop() {
			sink += dot(x, y)
		}
	})
	b.Run("plain", func(b *testing.B) {
		for b.Loop() {
			sink += dotPlain(x, y)
		}
	})
}
