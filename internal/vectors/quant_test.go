package vectors

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestDot8 checks dot8 (the assembly on amd64 with AVX2, the Go loop
// elsewhere) and dot8Go against a float64 sum, at lengths around the
// blocks of 8 and 32 the assembly works in.
func TestDot8(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 7, 8, 9, 31, 32, 33, 40, 255, 256, 257, 1536} {
		a := randVec(r, n)
		c := make([]int8, n)
		var want float64
		for i := range c {
			c[i] = int8(r.IntN(255) - 127)
			want += float64(a[i]) * float64(c[i])
		}
		for name, f := range map[string]func([]float32, []int8) float32{"dot8": dot8, "dot8Go": dot8Go} {
			if got := f(a, c); math.Abs(float64(got)-want) > 1e-3*max(1, math.Abs(want)) {
				t.Errorf("n=%d: %s = %v, want %v", n, name, got, want)
			}
		}
	}
	t.Logf("assembly used: %v", hasDot8Asm)
}

// TestQuantisedScores checks the error of the int8 rows: a score differs
// from the float32 cosine by less than 0.005 (at 256 dimensions, about
// 10⁻³ typically), a row's vector is a unit vector, and quantising a row's
// vector again gives the same codes and scale (Put of a vector read back
// from the index changes nothing).
func TestQuantisedScores(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, dims := range []int{4, 64, 256, 1536} {
		worst := 0.0
		for range 200 {
			v, _ := Normalize(randVec(r, dims))
			q, _ := Normalize(randVec(r, dims))
			// Half the queries close to v, where the ranking matters.
			if r.IntN(2) == 0 {
				for i := range q {
					q[i] = v[i] + 0.3*q[i]
				}
				q, _ = Normalize(q)
			}
			s := slab{dims: dims}
			s.add(v)
			got, want := float64(s.score(q, 0)), float64(dot(q, v))
			worst = max(worst, math.Abs(got-want))
			back := s.vec(nil, 0)
			var norm float64
			for _, x := range back {
				norm += float64(x) * float64(x)
			}
			if math.Abs(norm-1) > 1e-5 {
				t.Fatalf("dims %d: a row's vector has norm² %v", dims, norm)
			}
			again := slab{dims: dims}
			again.add(back)
			if !slices.Equal(again.codes, s.codes) || again.scales[0] != s.scales[0] {
				t.Fatalf("dims %d: quantising a row's vector again changed it", dims)
			}
		}
		if worst > 0.005 {
			t.Errorf("dims %d: a score is %v off the float32 cosine", dims, worst)
		}
		t.Logf("dims %d: worst score error %.5f", dims, worst)
	}
	var s slab
	s.dims = 3
	s.add([]float32{0, 0, 0})
	if s.scales[0] != 0 || s.score([]float32{1, 0, 0}, 0) != 0 {
		t.Error("a zero vector does not score 0")
	}
}

// BenchmarkDot8 compares a row's score, int8 codes against a float32
// query, with dot over float32 rows, at 256 dimensions.
func BenchmarkDot8(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	x, y := randVec(r, 256), randVec(r, 256)
	c := make([]int8, 256)
	quantise(c, y)
	b.Run("float32", func(b *testing.B) {
		for b.Loop() {
			sink += dot(x, y)
		}
	})
	b.Run("int8", func(b *testing.B) {
		for b.Loop() {
			sink += dot8(x, c)
		}
	})
	b.Run("int8-go", func(b *testing.B) {
		for b.Loop() {
			sink += dot8Go(x, c)
		}
	})
}
