package lsa

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"

	"offres/internal/offres"
)

// Defaults of Options.
const (
	DefaultDimensions      = 256
	DefaultMinDF           = 2
	DefaultMaxFeatures     = 1 << 15
	DefaultNgramMin        = 3
	DefaultNgramMax        = 5
	DefaultNgramShare      = 0.5
	DefaultOversampling    = 10
	DefaultPowerIterations = 2
	DefaultSeed            = 0x6f66667265730001 // "offres", 1
)

// Bounds of Options.
const (
	MaxDimensions  = 1024
	MaxMaxFeatures = 1 << 20
)

// Options configure Train. Zero fields take the defaults.
type Options struct {
	// Dimensions of the latent space (default 256). The model has fewer
	// when the corpus cannot support them: at most one per 10 documents
	// (but up to 8 for any corpus), one per feature, and none for a
	// singular value that is numerically zero.
	Dimensions int
	// MinDF is the fewest documents a feature must occur in to be kept
	// (default 2; 1 when the corpus has fewer than 10 texts).
	MinDF int
	// MaxFeatures caps the vocabulary: the features of highest document
	// frequency are kept (default 32,768). The model holds MaxFeatures ×
	// Dimensions float32s: 32 MiB with the defaults.
	MaxFeatures int
	// NgramMin and NgramMax bound the character n-grams of each stem, in
	// runes, markers included (default 3 and 5). NgramMax < 0: words only.
	NgramMin, NgramMax int
	// NgramShare is the share of a text vector's squared norm given to its
	// n-grams, the rest going to its words (default 0.5). It must be in
	// (0, 1); words only is NgramMax < 0.
	NgramShare float64
	// Oversampling is the number of extra random directions of the
	// randomized SVD (default 10), PowerIterations its power iterations
	// (default 2; negative: none). One would save a fifth of a training,
	// and holds the evaluation sets, but not the demo corpus's semantic
	// ranking nor the recall of the int8 rows (tried on 2026-12-07).
	Oversampling, PowerIterations int
	// ClassicFoldIn makes vectors the textbook LSA fold-in q̂ = qᵀ V_k Σ_k⁻¹
	// (coordinates of U, every latent dimension weighing the same). By
	// default they are that fold-in rescaled by Σ_k, q̂ Σ_k = qᵀ V_k: the
	// coordinates Deerwester et al. compare documents with, where the
	// dimensions weigh what they explain. On the France Travail offers the
	// default is markedly better (see the package tests).
	ClassicFoldIn bool
	// Seed of the random projection (default DefaultSeed). A model depends
	// only on its texts, in order, and its options.
	Seed uint64
	// Corpus is the number of texts the training texts are a sample of,
	// recorded in the model (Model.Corpus) so that its user can tell how
	// much the corpus has changed since; 0: the texts are the corpus.
	Corpus int
}

// Validate checks the options; each error wraps offres.ErrInvalid.
func (o Options) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("lsa options: "+format+": %w", append(args, offres.ErrInvalid)...))
	}
	if o.Dimensions < 0 || o.Dimensions > MaxDimensions {
		bad("Dimensions %d is out of [0, %d]", o.Dimensions, MaxDimensions)
	}
	if o.MinDF < 0 {
		bad("MinDF is negative (%d)", o.MinDF)
	}
	if o.MaxFeatures < 0 || o.MaxFeatures > MaxMaxFeatures {
		bad("MaxFeatures %d is out of [0, %d]", o.MaxFeatures, MaxMaxFeatures)
	}
	if o.NgramMin < 0 || o.NgramMin > 16 || o.NgramMax > 16 || (o.NgramMax > 0 && o.NgramMin > o.NgramMax) {
		bad("n-gram lengths [%d, %d] are not within [1, 16]", o.NgramMin, o.NgramMax)
	}
	if o.NgramShare < 0 || o.NgramShare >= 1 || math.IsNaN(o.NgramShare) {
		bad("NgramShare %g is out of (0, 1)", o.NgramShare)
	}
	if o.Oversampling < 0 {
		bad("Oversampling is negative (%d)", o.Oversampling)
	}
	if o.Corpus < 0 {
		bad("Corpus is negative (%d)", o.Corpus)
	}
	if o.PowerIterations > 10 {
		bad("PowerIterations %d is more than 10", o.PowerIterations)
	}
	return errors.Join(errs...)
}

func (o Options) withDefaults(docs int) Options {
	if o.Dimensions == 0 {
		o.Dimensions = DefaultDimensions
	}
	if o.MinDF == 0 {
		o.MinDF = DefaultMinDF
		if docs < 10 {
			o.MinDF = 1
		}
	}
	if o.MaxFeatures == 0 {
		o.MaxFeatures = DefaultMaxFeatures
	}
	if o.NgramMax == 0 {
		o.NgramMax = DefaultNgramMax
		if o.NgramMin == 0 {
			o.NgramMin = DefaultNgramMin
		}
	}
	if o.NgramMax < 0 {
		o.NgramMin, o.NgramMax = 0, 0
	} else if o.NgramMin == 0 {
		o.NgramMin = min(DefaultNgramMin, o.NgramMax)
	}
	if o.NgramShare == 0 {
		o.NgramShare = DefaultNgramShare
	}
	if o.Oversampling == 0 {
		o.Oversampling = DefaultOversampling
	}
	if o.PowerIterations == 0 {
		o.PowerIterations = DefaultPowerIterations
	} else if o.PowerIterations < 0 {
		o.PowerIterations = 0
	}
	if o.Seed == 0 {
		o.Seed = DefaultSeed
	}
	return o
}

// Train builds a model of the texts: their TF-IDF matrix (one row per
// text), reduced by a randomized SVD (Halko, Martinsson and Tropp, 2011)
// to opts.Dimensions. The same texts in the same order with the same
// options give the same model, byte for byte, on a given platform. No text
// with a feature is an offres.ErrInvalid error.
func Train(ctx context.Context, texts []string, opts Options) (*Model, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if len(texts) == 0 {
		return nil, fmt.Errorf("lsa: train: no texts: %w", offres.ErrInvalid)
	}
	opts = opts.withDefaults(len(texts))
	an := analyzer{ngramMin: opts.NgramMin, ngramMax: opts.NgramMax}
	workers := runtime.GOMAXPROCS(0)

	// Features of each text.
	docs := make([][]termCount, len(texts))
	err := parallel(ctx, len(texts), workers, func(lo, hi int) {
		var ids []uint32
		for i := lo; i < hi; i++ {
			ids = an.features(texts[i], ids[:0])
			docs[i] = sortedCounts(ids, nil)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("lsa: train: %w", err)
	}

	// Vocabulary: document frequency ≥ MinDF, the MaxFeatures most frequent.
	df := map[uint32]int32{}
	for _, d := range docs {
		for _, tc := range d {
			df[tc.id]++
		}
	}
	type idDF struct {
		id uint32
		df int32
	}
	var kept []idDF
	for id, n := range df {
		if int(n) >= opts.MinDF {
			kept = append(kept, idDF{id, n})
		}
	}
	if len(kept) == 0 {
		return nil, fmt.Errorf("lsa: train: no feature occurs in %d of the %d texts: %w", opts.MinDF, len(texts), offres.ErrInvalid)
	}
	if len(kept) > opts.MaxFeatures {
		slices.SortFunc(kept, func(a, b idDF) int {
			if c := cmp.Compare(b.df, a.df); c != 0 {
				return c
			}
			return cmp.Compare(a.id, b.id)
		})
		kept = kept[:opts.MaxFeatures]
	}
	slices.SortFunc(kept, func(a, b idDF) int { return cmp.Compare(a.id, b.id) })

	m := &Model{
		an:         an,
		ngramShare: float32(opts.NgramShare),
		classic:    opts.ClassicFoldIn,
		docs:       len(texts),
		corpus:     max(opts.Corpus, len(texts)),
		ids:        make([]uint32, len(kept)),
		idf:        make([]float32, len(kept)),
		vocab:      newVocabulary(len(kept)),
	}
	n := float64(len(texts))
	for j, k := range kept {
		m.ids[j] = k.id
		m.idf[j] = float32(math.Log((1+n)/(1+float64(k.df))) + 1)
		m.vocab.add(k.id, int32(j))
	}

	// The TF-IDF matrix, one unit row per text (empty rows stay).
	nnz := 0 // an upper bound: the kept features are fewer
	for _, d := range docs {
		nnz += len(d)
	}
	var big offHeap
	defer big.free()
	a := &csr{rows: len(texts), cols: len(kept), ptr: make([]int, 1, len(texts)+1),
		idx: big.int32s(nnz)[:0], val: big.float32s(nnz)[:0]}
	var vec []entry
	for i, d := range docs {
		docs[i] = nil // let the counts go as the matrix grows
		vec = weigh(d, m.lookup, m.ngramShare, vec[:0])
		for _, e := range vec {
			a.idx = append(a.idx, e.col)
			a.val = append(a.val, e.v)
		}
		a.ptr = append(a.ptr, len(a.idx))
	}
	docs = nil
	if len(a.idx) == 0 {
		return nil, fmt.Errorf("lsa: train: no text has a kept feature: %w", offres.ErrInvalid)
	}

	sigma, proj, err := randomizedSVD(ctx, a, opts, workers, &big)
	if err != nil {
		return nil, fmt.Errorf("lsa: train: %w", err)
	}
	m.sigma, m.proj, m.dims = sigma, proj, len(sigma)
	if err := m.setName(); err != nil {
		return nil, fmt.Errorf("lsa: train: %w", err)
	}
	return m, nil
}

// csr is a sparse matrix in compressed sparse rows.
type csr struct {
	rows, cols int
	ptr        []int // row i is idx[ptr[i]:ptr[i+1]]
	idx        []int32
	val        []float32
}

// transpose returns the matrix's transpose, also in CSR: its rows are
// sorted by column, as a's are.
func (a *csr) transpose(big *offHeap) *csr {
	t := &csr{rows: a.cols, cols: a.rows, ptr: make([]int, a.cols+1), idx: big.int32s(len(a.idx)), val: big.float32s(len(a.val))}
	for _, j := range a.idx {
		t.ptr[j+1]++
	}
	for j := range a.cols {
		t.ptr[j+1] += t.ptr[j]
	}
	next := slices.Clone(t.ptr[:a.cols])
	for i := range a.rows {
		for p := a.ptr[i]; p < a.ptr[i+1]; p++ {
			j := a.idx[p]
			t.idx[next[j]] = int32(i)
			t.val[next[j]] = a.val[p]
			next[j]++
		}
	}
	return t
}

// mulDense returns a × x, x dense with a.cols rows, written over out (a.rows
// × x's columns, reused: the products of a training are hundreds of
// megabytes, and fresh ones doubled the peak memory). Each row of the result
// is one goroutine's, summed in column order: the result does not depend on
// the number of workers.
func (a *csr) mulDense(ctx context.Context, x, out *mat.Dense, workers int) (*mat.Dense, error) {
	_, l := x.Dims()
	out.Zero()
	xr, or := x.RawMatrix(), out.RawMatrix()
	err := parallel(ctx, a.rows, workers, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			dst := or.Data[i*or.Stride : i*or.Stride+l]
			for p := a.ptr[i]; p < a.ptr[i+1]; p++ {
				j := int(a.idx[p])
				floats.AddScaled(dst, float64(a.val[p]), xr.Data[j*xr.Stride:j*xr.Stride+l])
			}
		}
	})
	return out, err
}

// parallel runs fn over [0, n) cut in blocks of 64, on at most workers
// goroutines, and stops early when ctx is done.
func parallel(ctx context.Context, n, workers int, fn func(lo, hi int)) error {
	return parallelBlocks(ctx, n, 64, workers, fn)
}

// parallelBlocks runs fn over [0, n) cut in blocks, on at most workers
// goroutines, and stops early when ctx is done.
func parallelBlocks(ctx context.Context, n, block, workers int, fn func(lo, hi int)) error {
	var (
		mu   sync.Mutex
		next int
		wg   sync.WaitGroup
	)
	for range max(1, min(workers, (n+block-1)/block)) {
		wg.Go(func() {
			for ctx.Err() == nil {
				mu.Lock()
				lo := next
				next += block
				mu.Unlock()
				if lo >= n {
					return
				}
				fn(lo, min(lo+block, n))
			}
		})
	}
	wg.Wait()
	return ctx.Err()
}

// randomizedSVD returns the top singular values of a, descending, and
// V_k Σ_k⁻¹ (ClassicFoldIn) or V_k as float32s (a.cols × k, row-major). With l = k + oversampling
// random directions Ω: Y = A Ω, q power iterations Y = A (Aᵀ Y) with
// re-orthonormalisation after each product, Q = orth(Y); then B = Qᵀ A is
// small (l × cols): B Bᵀ = W Λ Wᵀ gives σ = √λ and V = Bᵀ W Σ⁻¹, so
// V Σ⁻¹ = Bᵀ W Σ⁻².
//
// Its matrices are big's.
func randomizedSVD(ctx context.Context, a *csr, opts Options, workers int, big *offHeap) ([]float32, []float32, error) {
	k := min(opts.Dimensions, max((a.rows+9)/10, min(a.rows, 8)), a.rows, a.cols)
	l := min(k+opts.Oversampling, a.rows, a.cols)
	at := a.transpose(big)

	// Two buffers for all the products: rows × l and cols × l; the random
	// directions Ω are the first content of the second.
	rng := rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15))
	z := mat.NewDense(a.cols, l, big.float64s(a.cols*l))
	omega := z.RawMatrix().Data
	for i := range omega {
		omega[i] = rng.NormFloat64()
	}
	y, err := a.mulDense(ctx, z, mat.NewDense(a.rows, l, big.float64s(a.rows*l)), workers)
	if err != nil {
		return nil, nil, err
	}
	q := orthonormalize(y, workers)
	// Each power iteration orthonormalises Y = A Aᵀ Q only, not Aᵀ Q in
	// between: Aᵀ Q is as tall as the vocabulary (32,768 rows, four times
	// a 8,000-passage sample), and orthonormalising it was two thirds of
	// a training (measured: BenchmarkTrain10k). With two iterations the
	// singular values are raised to the fifth power at most between two
	// orthonormalisations, far within float64's range and precision for a
	// TF-IDF matrix.
	for range opts.PowerIterations {
		if z, err = at.mulDense(ctx, q, z, workers); err != nil {
			return nil, nil, err
		}
		if y, err = a.mulDense(ctx, z, y, workers); err != nil {
			return nil, nil, err
		}
		q = orthonormalize(y, workers)
	}
	bt, err := at.mulDense(ctx, q, z, workers) // Bᵀ = Aᵀ Q, cols × l
	if err != nil {
		return nil, nil, err
	}
	g := gram(bt, workers) // B Bᵀ, l × l
	var eig mat.EigenSym
	if !eig.Factorize(g, true) {
		return nil, nil, errors.New("eigendecomposition did not converge")
	}
	lambda := eig.Values(nil) // ascending
	var w mat.Dense
	eig.VectorsTo(&w)

	// Keep the k largest, dropping singular values that are numerically 0.
	order := make([]int, 0, k)
	for i := len(lambda) - 1; i >= 0 && len(order) < k; i-- {
		if lambda[i] <= 0 || math.Sqrt(lambda[i]) <= 1e-6*math.Sqrt(lambda[len(lambda)-1]) {
			break
		}
		order = append(order, i)
	}
	if len(order) == 0 {
		return nil, nil, fmt.Errorf("the TF-IDF matrix is numerically zero: %w", offres.ErrInvalid)
	}
	k = len(order)
	sigma := make([]float32, k)
	wk := mat.NewDense(l, k, nil)
	for c, i := range order {
		sigma[c] = float32(math.Sqrt(lambda[i]))
		col := mat.Col(nil, i, &w)
		// Fix the sign of each vector (its largest component positive), so
		// that it does not depend on the eigensolver's arbitrary choice.
		if floats.Max(col) < -floats.Min(col) {
			floats.Scale(-1, col)
		}
		if opts.ClassicFoldIn {
			floats.Scale(1/lambda[i], col) // V Σ⁻¹ = Bᵀ W Σ⁻²
		} else {
			floats.Scale(1/math.Sqrt(lambda[i]), col) // V = Bᵀ W Σ⁻¹
		}
		wk.SetCol(c, col)
	}
	return sigma, project(bt, wk), nil
}

// projectRows is the number of rows of Bᵀ W that project computes at once.
const projectRows = 512

// project returns bt × wk as float32s, row-major. The product is computed
// by blocks of rows, each turned into float32s at once: the whole product
// in float64 was the largest matrix of a training (the vocabulary × k).
// Each element of a block is the same sum, in the same order, as in the
// whole product (gonum's Mul sums over the inner dimension in order, row
// by row): the same float32s.
func project(bt, wk *mat.Dense) []float32 {
	rows, _ := bt.Dims()
	l, k := wk.Dims()
	proj := make([]float32, rows*k)
	var p mat.Dense
	for lo := 0; lo < rows; lo += projectRows {
		hi := min(lo+projectRows, rows)
		p.Reset()
		p.Mul(bt.Slice(lo, hi, 0, l), wk)
		raw := p.RawMatrix()
		for r := range hi - lo {
			out := proj[(lo+r)*k : (lo+r+1)*k]
			for c, v := range raw.Data[r*raw.Stride : r*raw.Stride+k] {
				out[c] = float32(v)
			}
		}
	}
	return proj
}

// orthonormalize returns an orthonormal basis of the columns of y (rows ≥
// columns), overwriting y. It runs CholeskyQR2 (Fukaya et al., 2014): Y ←
// Y R⁻¹ with R the Cholesky factor of YᵀY, twice, the second pass fixing
// the orthogonality the first loses to rounding. It is made of matrix
// products, several times faster than a Householder QR on the tall
// matrices of the randomized SVD (measured: BenchmarkTrain). When YᵀY is
// not numerically positive definite (Y of deficient rank), it falls back to
// Householder.
func orthonormalize(y *mat.Dense, workers int) *mat.Dense {
	for range 2 {
		if !choleskyQR(y, workers) {
			return householderQR(y)
		}
	}
	return y
}

// gramBlocks is the number of row blocks gram sums: fixed, so that the
// result does not depend on the number of workers.
const gramBlocks = 16

// gram returns YᵀY. gonum's Syrk runs on one core: the rows are cut in
// gramBlocks blocks whose products run in parallel, then are summed in
// order.
func gram(y *mat.Dense, workers int) *mat.SymDense {
	rows, cols := y.Dims()
	per := (rows + gramBlocks - 1) / gramBlocks
	parts := make([]*mat.SymDense, (rows+per-1)/per)
	// The context is the training's, checked by the products around.
	parallelBlocks(context.Background(), len(parts), 1, workers, func(lo, hi int) {
		for b := lo; b < hi; b++ {
			g := mat.NewSymDense(cols, nil)
			g.SymOuterK(1, y.Slice(b*per, min((b+1)*per, rows), 0, cols).T())
			parts[b] = g
		}
	})
	g := parts[0]
	for _, p := range parts[1:] {
		g.AddSym(g, p)
	}
	return g
}

// choleskyQR replaces y by Y R⁻¹, with R the Cholesky factor of YᵀY; false
// (y unchanged) when YᵀY is not positive definite.
func choleskyQR(y *mat.Dense, workers int) bool {
	g := gram(y, workers)
	var ch mat.Cholesky
	if !ch.Factorize(g) {
		return false
	}
	if cond := ch.Cond(); math.IsInf(cond, 0) || cond > 1e12 {
		return false
	}
	var r, rinv mat.TriDense
	ch.UTo(&r) // YᵀY = UᵀU: R = U
	if err := rinv.InverseTri(&r); err != nil {
		return false
	}
	// Y ← Y R⁻¹ in place (R⁻¹ is upper triangular), each row on its own:
	// blocks of rows in parallel.
	rows, cols := y.Dims()
	parallelBlocks(context.Background(), rows, 1024, workers, func(lo, hi int) {
		blas64.Trmm(blas.Right, blas.NoTrans, 1, rinv.RawTriangular(), y.Slice(lo, hi, 0, cols).(*mat.Dense).RawMatrix())
	})
	return true
}

// householderQR returns the thin Q of y's Householder QR, overwriting y.
func householderQR(y *mat.Dense) *mat.Dense {
	raw := y.RawMatrix()
	tau := make([]float64, raw.Cols)
	q1, q2 := make([]float64, 1), make([]float64, 1)
	lapack64.Geqrf(raw, tau, q1, -1)
	lapack64.Orgqr(raw, tau, q2, -1)
	work := make([]float64, max(int(q1[0]), int(q2[0]), raw.Cols))
	lapack64.Geqrf(raw, tau, work, len(work))
	lapack64.Orgqr(raw, tau, work, len(work))
	return y
}
