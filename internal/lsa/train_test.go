package lsa

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestProjectIsTheWholeProduct: the projection computed by blocks of rows
// is, bit for bit, the float32s of the whole product (what Train computed
// before, at twice the memory).
func TestProjectIsTheWholeProduct(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, size := range []struct{ rows, l, k int }{
		{1, 3, 2}, {projectRows - 1, 20, 17}, {projectRows, 40, 33}, {3*projectRows + 7, 266, 256},
	} {
		bt := mat.NewDense(size.rows, size.l, nil)
		wk := mat.NewDense(size.l, size.k, nil)
		for _, m := range []*mat.Dense{bt, wk} {
			raw := m.RawMatrix()
			for i := range raw.Data {
				raw.Data[i] = rng.NormFloat64()
			}
		}
		var p mat.Dense
		p.Mul(bt, wk)
		got := project(bt, wk)
		for r := range size.rows {
			for c := range size.k {
				if want := float32(p.At(r, c)); got[r*size.k+c] != want {
					t.Fatalf("%+v: [%d,%d] = %v, want %v", size, r, c, got[r*size.k+c], want)
				}
			}
		}
	}
}
