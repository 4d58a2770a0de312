package vectors

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// The approximate index is an IVF-flat index, like pgvector's IVFFlat and
// faiss's IndexIVFFlat: spherical k-means partitions the rows into lists
// around centroids, and a search scores the query against the centroids,
// then exactly against the rows of the nearest lists. A list holds row
// numbers; each training renumbers the rows list by list, so that a list
// is one stretch of the slab.
//
// Training starts with the write that takes the index past
// Options.ANNThreshold rows, and again when the index has doubled or halved
// since. That write copies a sample of the rows; a goroutine runs k-means
// on it, assigns every row to its list, copies the rows into a new slab in
// list order and swaps it in. Until then, searches use the previous lists,
// or the exact scan. The training holds up writes only to copy the sample,
// to copy a chunk of rows at a time, and to build the new slab; it holds up
// searches only for the swap of a few pointers. It needs memory for a
// second slab while it builds one. Measured by BenchmarkTrain at 100,000
// rows of 256 dimensions on two cores busy with other work: 3 to 5 s of
// training in the background; the write that starts it takes 8 to 11 ms;
// a writer waits at most about 40 ms, a reader 0.03 ms.
//
// Writes keep the lists up to date: a new or changed row goes to the list
// of its nearest centroid, computed before taking the lock that holds up
// searches; a delete takes the row out of its list and renumbers the row
// moved into its place.
//
// Determinism: the sample depends on which passages the index holds, not
// on their order; k-means starts from a fixed seed and sums in a fixed
// order, whatever the number of goroutines; ties go to the lower list and
// then, as in the exact search, to the lower passage id. So the same
// writes give the same lists, and a query the same hits, once the training
// is done (WaitTraining).

// Options tune an Index. The zero value gives the defaults.
type Options struct {
	// ANNThreshold is the number of passages above which a search uses the
	// approximate index instead of scoring every row. 0 means
	// DefaultANNThreshold; a negative value means never.
	ANNThreshold int
	// Lists is the number of inverted lists (k-means centroids) the
	// approximate index partitions the rows into. 0 means the square root
	// of the number of rows when the index is trained.
	Lists int
	// Probes is the number of lists, those whose centroids are nearest the
	// query, that a search scores. 0 means DefaultProbes(lists). More probes
	// give a better recall and a slower search.
	Probes int
	// OnPanic, when set, is called with the value and the stack of a panic
	// recovered in the background training of the approximate index. The
	// training is then abandoned and searches scan every row until the
	// next training (when the index has doubled or halved); the process
	// goes on.
	OnPanic func(recovered any, stack []byte)
}

// DefaultANNThreshold is the default Options.ANNThreshold. An exact search
// over 50,000 passages of 256 dimensions takes a few milliseconds on two
// cores (BenchmarkSearch): below that, the approximate search is not worth
// its training and its loss of recall.
const DefaultANNThreshold = 50_000

// DefaultProbes is the number of lists a search probes when Options.Probes
// is 0: the square root of the number of lists, as pgvector advises for its
// IVFFlat index, and at least 24. A search then scores about n^¾ rows of n.
// The floor is measured on real passages of the built-in model, which
// cluster less than synthetic data: with √lists probes, recall@10 against
// the exact scan was 0.88 at 8,400 passages (92 lists, 10 probes), 0.968
// with 24 probes (engine.TestScaleIVFUnderChurn); at 445,000 passages (667
// lists) √lists = 26 probes gave 0.963.
func DefaultProbes(lists int) int {
	return min(lists, max(24, int(math.Round(math.Sqrt(float64(lists))))))
}

// The training of the approximate index.
const (
	// samplePerList is the number of sampled rows k-means is trained on per
	// list (faiss warns below 39).
	samplePerList = 40
	// kmeansIters bounds the k-means iterations; it stops earlier when
	// fewer than one sampled row in a thousand changes list.
	kmeansIters = 10
	// trainChunk is how many rows the training copies at a time, holding
	// up writes, to assign them to lists holding no lock: 1 MB at 256
	// dimensions.
	trainChunk = 1024
	// catchUpRounds bounds the rounds in which the training assigns the
	// rows written while it ran, holding no lock; catchUpDone is the number
	// of such rows few enough to assign while building the lists, holding
	// up writes.
	catchUpRounds, catchUpDone = 4, 256
	// kmeansSeed seeds the choice of the initial centroids.
	kmeansSeed = 0x5eed_1f0
)

// resolve returns the options with the defaults filled in. It panics on a
// negative Lists or Probes.
func (o Options) resolve() Options {
	if o.Lists < 0 || o.Probes < 0 {
		panic("vectors: negative Options.Lists or Options.Probes")
	}
	switch {
	case o.ANNThreshold == 0:
		o.ANNThreshold = DefaultANNThreshold
	case o.ANNThreshold < 0:
		o.ANNThreshold = math.MaxInt
	}
	return o
}

// ivf is an inverted-file index: each row is in the list of its nearest
// centroid, and a search scores only the rows of the lists nearest the
// query. Every write keeps it up to date, holding Index.wmu and Index.mu.
type ivf struct {
	q     *quantiser
	lists [][]int32 // list → its rows, in no order
	// minCos is, for each list, the least similarity between its centroid
	// and a row that was put in it (deletes leave it): no row of the list
	// is further from the centroid, which bounds the scores it can hold.
	minCos []float32
	list   []int32 // row → its list
	slot   []int32 // row → its index in its list
}

// quantiser is a set of centroids, unit vectors, one per list. It is
// immutable once trained.
type quantiser struct {
	dims      int
	centroids []float32
}

// assigned is a row's list and its similarity to the list's centroid.
type assigned struct {
	list int32
	cos  float32
}

func (q *quantiser) lists() int { return len(q.centroids) / q.dims }

func (q *quantiser) centroid(l int) []float32 {
	return q.centroids[l*q.dims : (l+1)*q.dims : (l+1)*q.dims]
}

// nearest returns the list whose centroid is the most similar to v, the
// first on ties.
func (q *quantiser) nearest(v []float32) assigned {
	a := assigned{cos: float32(math.Inf(-1))}
	for l := range q.lists() {
		if s := dot(v, q.centroid(l)); s > a.cos {
			a = assigned{int32(l), s}
		}
	}
	return a
}

// nearestAll returns the nearest list of each of the n vectors, in
// parallel when it is worth it.
func (q *quantiser) nearestAll(n int, vec func(i int) []float32) []assigned {
	out := make([]assigned, n)
	parallel(n, n*len(q.centroids), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			out[i] = q.nearest(vec(i))
		}
	})
	return out
}

// parallel calls f on parts of [0, n) from GOMAXPROCS goroutines, or on
// all of it from this one when the work, in multiply-adds, is too small
// to share.
// A panic in one of the goroutines is raised again in the caller's, so
// that the caller's recover sees it.
func parallel(n, work int, f func(lo, hi int)) {
	parts := min(runtime.GOMAXPROCS(0), n, work/minShardFloats)
	if parts <= 1 {
		f(0, n)
		return
	}
	var wg sync.WaitGroup
	var once sync.Once
	var raised any
	for p := range parts {
		wg.Go(func() {
			defer func() {
				if v := recover(); v != nil {
					once.Do(func() { raised = v })
				}
			}()
			f(p*n/parts, (p+1)*n/parts)
		})
	}
	wg.Wait()
	if raised != nil {
		panic(raised)
	}
}

// add puts row r, new or just unlisted, in list a.list. A new row must be
// the next one.
func (v *ivf) add(r int, a assigned) {
	if r == len(v.list) {
		v.list, v.slot = append(v.list, 0), append(v.slot, 0)
	}
	v.list[r], v.slot[r] = a.list, int32(len(v.lists[a.list]))
	v.lists[a.list] = append(v.lists[a.list], int32(r))
	v.minCos[a.list] = min(v.minCos[a.list], a.cos)
}

// unlist takes row r out of its list, which moves the list's last row
// into its slot.
func (v *ivf) unlist(r int) {
	l, s := v.list[r], v.slot[r]
	rows := v.lists[l]
	moved := rows[len(rows)-1]
	rows[s] = moved
	v.slot[moved] = s
	v.lists[l] = rows[:len(rows)-1]
}

// deleteRow follows Index.deleteRow: row r goes, and the last row becomes
// row r.
func (v *ivf) deleteRow(r, last int) {
	v.unlist(r)
	if r != last {
		l, s := v.list[last], v.slot[last]
		v.lists[l][s] = int32(r)
		v.list[r], v.slot[r] = l, s
	}
	v.list, v.slot = v.list[:last], v.slot[:last]
}

// trainJob is a training of the approximate index in the background.
type trainJob struct {
	lists  int
	sample []float32 // the rows k-means is trained on, owned by the job
	// dirty holds the ids of the passages written, or moved by a delete,
	// since the job started: their lists are computed again before the
	// swap. It is guarded by Index.wmu.
	dirty map[string]struct{}
	stop  atomic.Bool   // set when the job is superseded or abandoned
	done  chan struct{} // closed when the job's goroutine returns
}

// touch records that passage id was written, for the training in
// progress. The caller holds wmu.
func (ix *Index) touch(id string) {
	if ix.job != nil {
		ix.job.dirty[id] = struct{}{}
	}
}

// maybeTrain starts or drops the approximate index after a write, by the
// number of rows: it is trained when the index grows past the threshold,
// trained again when the index has doubled or halved since, and dropped
// when the index falls to half the threshold. Between half the threshold
// and the threshold it is kept up to date but searches are exact, so that
// an index hovering around the threshold is not trained again and again.
// The caller holds wmu.
func (ix *Index) maybeTrain() {
	n := len(ix.ids)
	switch {
	case ix.trainedAt == 0:
		if n > ix.opts.ANNThreshold {
			ix.startTraining()
		}
	case n <= ix.opts.ANNThreshold/2:
		ix.mu.Lock()
		if ix.job != nil {
			ix.job.stop.Store(true)
		}
		ix.ann, ix.job, ix.trainedAt = nil, nil, 0
		ix.mu.Unlock()
	case n > ix.opts.ANNThreshold && (n >= 2*ix.trainedAt || 2*n <= ix.trainedAt):
		ix.startTraining()
	}
}

// startTraining copies a sample of the rows and trains the approximate
// index on it in a new goroutine, superseding any training in progress.
// Until the new index is swapped in, searches use the previous one, or the
// exact scan. The caller holds wmu: the copy holds up writes, not
// searches.
func (ix *Index) startTraining() {
	n := len(ix.ids)
	lists := ix.opts.Lists
	if lists == 0 {
		lists = int(math.Round(math.Sqrt(float64(n))))
	}
	sample := ix.sample(samplePerList * lists)
	lists = max(1, min(lists, len(sample)/ix.dims))
	j := &trainJob{lists: lists, sample: sample, dirty: map[string]struct{}{}, done: make(chan struct{})}
	ix.mu.Lock()
	if ix.job != nil {
		ix.job.stop.Store(true)
	}
	ix.job, ix.trainedAt = j, n
	ix.mu.Unlock()
	go ix.train(j)
}

// sample returns a copy of about size rows, all of them when size ≥ the
// number of rows. The rows are chosen, and ordered, by a hash of their ids,
// so that the sample depends on which passages the index holds but not on
// the order they came in. The caller holds mu or wmu.
func (ix *Index) sample(size int) []float32 {
	type pick struct {
		h uint64
		r int
	}
	n := len(ix.ids)
	cut := uint64(math.MaxUint64)
	if size < n {
		cut = uint64(float64(size) / float64(n) * (1 << 64))
	}
	picks := make([]pick, 0, min(n, size+size/8))
	for r, id := range ix.ids {
		if h := idHash(id); h <= cut {
			picks = append(picks, pick{h, r})
		}
	}
	if len(picks) < min(n, size)/2 { // bad luck, or ids made to collide
		picks = picks[:0]
		for r, id := range ix.ids {
			picks = append(picks, pick{idHash(id), r})
		}
	}
	slices.SortFunc(picks, func(a, b pick) int {
		if a.h != b.h {
			if a.h < b.h {
				return -1
			}
			return 1
		}
		return strings.Compare(ix.ids[a.r], ix.ids[b.r])
	})
	out := make([]float32, 0, len(picks)*ix.dims)
	for _, p := range picks {
		out = ix.data.vec(out, p.r)
	}
	return out
}

// idHash is FNV-1a followed by the splitmix64 finaliser, which spreads the
// last bytes of the id into the high bits that sample compares.
func idHash(id string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(id); i++ {
		h ^= uint64(id[i])
		h *= 1099511628211
	}
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	return h ^ h>>31
}

// train is the goroutine of a training job. It trains the centroids on the
// job's sample; assigns every row to its list, a chunk at a time, holding
// wmu only to copy the chunk; assigns again, the same way, the rows written
// in the meantime, until they are few; then, holding wmu, regroups the
// rows. It holds up searches only for regroup's swap, and writes for the
// copy of a chunk, and for regroup.
func (ix *Index) train(j *trainJob) {
	defer close(j.done)
	defer ix.recoverTraining(j)
	q := trainQuantiser(j.sample, ix.dims, j.lists, &j.stop)
	j.sample = nil
	if q == nil {
		return
	}
	d := ix.dims
	got := assignments{fresh: map[string]assigned{}}
	for lo := 0; ; lo += trainChunk {
		if j.stop.Load() {
			return
		}
		ids, vecs := ix.copyRows(lo, lo+trainChunk)
		if len(ids) == 0 {
			break
		}
		for i, a := range q.nearestAll(len(ids), func(i int) []float32 { return vecs[i*d : (i+1)*d] }) {
			got.seen = append(got.seen, seenRow{ids[i], a})
		}
	}
	// The slab the rows are to be copied into, allocated now and each of
	// its pages written once, so that the copy, holding up writes, does not
	// fault them in: fresh from the system, they made it 3 times slower.
	ix.mu.RLock()
	size := max(ix.data.cap(), ix.data.len()+ix.data.len()/8)
	ix.mu.RUnlock()
	spare := newSlab(d, size)
	spare.codes, spare.scales = spare.codes[:size*d], spare.scales[:size]
	for i := 0; i < len(spare.codes); i += 4096 {
		spare.codes[i] = 0
	}
	for i := 0; i < len(spare.scales); i += 1024 {
		spare.scales[i] = 0
	}
	ix.hook(stageSlab)
	for round := 1; ; round++ {
		ids, vecs, done := ix.catchUp(j, q, &got, spare, round)
		if done {
			return
		}
		for i, a := range q.nearestAll(len(ids), func(i int) []float32 { return vecs[i*d : (i+1)*d] }) {
			got.fresh[ids[i]] = a
		}
	}
}

// copyRows returns a copy of the ids and vectors of rows [lo, hi), or of
// those of them the index still has, holding wmu.
func (ix *Index) copyRows(lo, hi int) ([]string, []float32) {
	ix.wmu.Lock()
	defer ix.wmu.Unlock()
	hi = min(hi, len(ix.ids))
	if lo >= hi {
		return nil, nil
	}
	return slices.Clone(ix.ids[lo:hi]), ix.data.rows(make([]float32, 0, (hi-lo)*ix.dims), lo, hi)
}

// catchUp is a round of train after the rows were assigned: holding wmu,
// it either regroups the rows, when few were written since (or after
// catchUpRounds rounds), or copies the rows written since, to assign them
// holding no lock. done is true when the training is over: regrouped, or
// superseded.
func (ix *Index) catchUp(j *trainJob, q *quantiser, got *assignments, spare slab, round int) (ids []string, vecs []float32, done bool) {
	ix.wmu.Lock()
	defer ix.wmu.Unlock()
	if ix.job != j {
		return nil, nil, true
	}
	if len(j.dirty) <= catchUpDone || round > catchUpRounds {
		ix.hook(stageRegroup)
		ix.regroup(q, got, j.dirty, spare)
		return nil, nil, true
	}
	for id := range j.dirty {
		if r, ok := ix.row[id]; ok {
			ids = append(ids, id)
			vecs = ix.data.vec(vecs, r)
		}
	}
	j.dirty = map[string]struct{}{}
	return ids, vecs, false
}

// recoverTraining, deferred by train, turns a panic of the training into a
// call of Options.OnPanic: the job is dropped, and so is the approximate
// index, which a failed training may have left inconsistent, so that
// searches scan every row until the next training. It must not be
// called holding wmu or mu: every lock train takes is released by a defer.
func (ix *Index) recoverTraining(j *trainJob) {
	v := recover()
	if v == nil {
		return
	}
	stack := debug.Stack()
	ix.wmu.Lock()
	ix.mu.Lock()
	if ix.job == j {
		ix.ann, ix.job = nil, nil
	}
	ix.mu.Unlock()
	ix.wmu.Unlock()
	if ix.opts.OnPanic != nil {
		ix.opts.OnPanic(v, stack)
	}
}

// The stages of a training at which a test hook is called.
const (
	stageSlab    = "slab"    // the new slab allocated, no lock held
	stageRegroup = "regroup" // about to regroup, holding wmu
)

// hook calls the test hook, if any, at a stage of the training.
func (ix *Index) hook(stage string) {
	if ix.trainHook != nil {
		ix.trainHook(stage)
	}
}

// assignments is what a training has computed of the rows' lists.
type assignments struct {
	seen  []seenRow           // row → its id and list, when copied
	fresh map[string]assigned // passage id → its list, when copied again
}

type seenRow struct {
	id string
	a  assigned
}

// of returns row r's list, or false when it is to be computed: the row
// was written since it was copied, or is not where it was (a delete moved
// it, which counts as a write).
func (got *assignments) of(r int, id string, written map[string]struct{}) (assigned, bool) {
	if _, ok := written[id]; ok {
		return assigned{}, false
	}
	if a, ok := got.fresh[id]; ok {
		return a, true
	}
	if r < len(got.seen) && got.seen[r].id == id {
		return got.seen[r].a, true
	}
	return assigned{}, false
}

// regroup renumbers the rows list by list, so that a search reads each
// list from one stretch of memory rather than a row here and a row there,
// about twice as fast (BenchmarkANN); and swaps in the approximate index
// of the rows with the quantiser q. It takes each row's list from got,
// except for the rows written since, whose lists it computes, and copies
// the rows into slab when it is large enough. The caller holds wmu; the
// write lock is taken only for the swap. The rows written afterwards are
// appended, out of their lists' stretches, until the next training.
func (ix *Index) regroup(q *quantiser, got *assignments, written map[string]struct{}, spare slab) {
	n := len(ix.ids)
	as := make([]assigned, n)
	for r, id := range ix.ids {
		a, ok := got.of(r, id, written)
		if !ok {
			a = q.nearest(ix.vec(r))
		}
		as[r] = a
	}
	starts := make([]int, q.lists()+1)
	for _, a := range as {
		starts[a.list+1]++
	}
	for l := range q.lists() {
		starts[l+1] += starts[l]
	}
	// The new slab keeps spare capacity, so that the next write does not
	// copy it again.
	// More rows may have been written during the training than the slab
	// has room for: then a new one is allocated.
	var data slab
	if spare.len() >= n {
		data = spare
		data.truncate(n)
	} else {
		data = newSlab(ix.dims, max(n+n/8, ix.data.cap()))
		data.codes, data.scales = data.codes[:n*ix.dims], data.scales[:n]
	}
	ids := make([]string, n, max(n, cap(ix.ids)))
	offers := make([]string, n, max(n, cap(ix.offers)))
	v := &ivf{
		q:      q,
		lists:  make([][]int32, q.lists()),
		minCos: make([]float32, q.lists()),
		list:   make([]int32, 0, n),
		slot:   make([]int32, 0, n),
	}
	for l := range v.lists {
		v.lists[l] = make([]int32, 0, starts[l+1]-starts[l])
		v.minCos[l] = 1
	}
	from := make([]int, n) // new row → old row, by list then old row
	next := starts[:q.lists()]
	for r, a := range as {
		from[next[a.list]] = r
		next[a.list]++
	}
	for nr, r := range from {
		data.copyRow(nr, &ix.data, r)
		ids[nr], offers[nr] = ix.ids[r], ix.offers[r]
		v.add(nr, as[r])
	}
	// Searches read ix.row (SearchOffers, under the read lock): it is
	// renumbered in a new map, swapped with the rest.
	row := make(map[string]int, len(ix.row))
	for nr, id := range ids {
		row[id] = nr
	}
	ix.mu.Lock()
	ix.data, ix.ids, ix.offers, ix.row = data, ids, offers, row
	ix.ann, ix.job = v, nil
	ix.mu.Unlock()
}

// Approximate reports whether searches use the approximate index: the
// index holds more than Options.ANNThreshold passages and a training
// completed.
func (ix *Index) Approximate() bool {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.ann != nil && len(ix.ids) > ix.opts.ANNThreshold
}

// WaitTraining waits until no training of the approximate index is in
// progress, or ctx is done. Searches do not need it: until a training
// completes, they use the previous approximate index, or the exact scan.
// It lets a caller that has just loaded a large index start with the
// approximate search, and tests see a settled index.
func (ix *Index) WaitTraining(ctx context.Context) error {
	for {
		ix.mu.RLock()
		j := ix.job
		ix.mu.RUnlock()
		if j == nil {
			return nil
		}
		select {
		case <-j.done:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// trainQuantiser runs spherical k-means on the sample, rows of dims unit
// vectors, for k centroids: Lloyd's iterations, the centroids starting at
// sampled rows picked with a fixed seed, an emptied list restarting at the
// row furthest from its centroid. The result depends on the sample only,
// not on the number of goroutines. It returns nil when stop is set.
func trainQuantiser(sample []float32, dims, k int, stop *atomic.Bool) *quantiser {
	m := len(sample) / dims
	row := func(i int) []float32 { return sample[i*dims : (i+1)*dims : (i+1)*dims] }
	q := &quantiser{dims: dims, centroids: make([]float32, k*dims)}
	rng := rand.New(rand.NewPCG(kmeansSeed, uint64(m)))
	for l, i := range rng.Perm(m)[:k] {
		copy(q.centroid(l), row(i))
	}
	best := make([]assigned, m)
	for i := range best {
		best[i].list = -1
	}
	sums := make([]float64, k*dims)
	sizes := make([]int, k)
	for it := range kmeansIters {
		if stop.Load() {
			return nil
		}
		var changed atomic.Int64
		parallel(m, m*k*dims, func(lo, hi int) {
			n := 0
			for i := lo; i < hi; i++ {
				a := q.nearest(row(i))
				if a.list != best[i].list {
					n++
				}
				best[i] = a
			}
			changed.Add(int64(n))
		})
		if it > 0 && changed.Load() <= int64(m/1000) {
			break
		}
		clear(sums)
		clear(sizes)
		for i, a := range best {
			sizes[a.list]++
			s := sums[int(a.list)*dims : (int(a.list)+1)*dims]
			for c, x := range row(i) {
				s[c] += float64(x)
			}
		}
		var empty []int
		for l := range k {
			if sizes[l] == 0 {
				empty = append(empty, l)
				continue
			}
			s := sums[l*dims : (l+1)*dims]
			var norm float64
			for _, x := range s {
				norm += x * x
			}
			if norm == 0 {
				continue // rows that cancel out: keep the centroid
			}
			inv := 1 / math.Sqrt(norm)
			for c, x := range s {
				q.centroids[l*dims+c] = float32(x * inv)
			}
		}
		if len(empty) > 0 {
			far := make([]int, m)
			for i := range far {
				far[i] = i
			}
			slices.SortStableFunc(far, func(a, b int) int {
				switch {
				case best[a].cos < best[b].cos:
					return -1
				case best[a].cos > best[b].cos:
					return 1
				}
				return 0
			})
			for e, l := range empty {
				copy(q.centroid(l), row(far[e]))
			}
		}
	}
	return q
}

// searchANN is the approximate search: it scores the query against the
// centroids, then the rows of the Probes nearest lists, then, while it has
// fewer than k hits, of twice as many lists, until it has probed them all:
// a filter or a minimum score never costs hits that the exact search
// would return. Lists that cannot hold a row scoring minScore, by the
// bound of their minCos, are not probed. The caller holds the read lock.
func (ix *Index) searchANN(ctx context.Context, qn []float32, k int, minScore float32, allowed func(string) bool) ([]Hit, error) {
	v := ix.ann
	nl := v.q.lists()
	scores := make([]float32, nl)
	order := make([]int32, 0, nl)
	for l := range nl {
		if len(v.lists[l]) == 0 {
			continue
		}
		scores[l] = dot(qn, v.q.centroid(l))
		if minScore > -1 && maxScore(scores[l], v.minCos[l]) < minScore {
			continue
		}
		order = append(order, int32(l))
	}
	slices.SortFunc(order, func(a, b int32) int {
		switch {
		case scores[a] > scores[b]:
			return -1
		case scores[a] < scores[b]:
			return 1
		}
		return int(a - b)
	})

	probes := ix.opts.Probes
	if probes == 0 {
		probes = DefaultProbes(nl)
	}
	top := topK{k: k, ids: ix.ids}
	for done, batch := 0, probes; done < len(order) && len(top.heap) < k; done, batch = done+batch, done+batch {
		lists := order[done:min(done+batch, len(order))]
		rows := 0
		for _, l := range lists {
			rows += len(v.lists[l])
		}
		// Split the lists into shards of about as many rows.
		shards := max(1, min(runtime.GOMAXPROCS(0), rows*ix.dims/minShardCodes, len(lists)))
		cuts := make([]int, 0, shards+1)
		cuts = append(cuts, 0)
		acc := 0
		for i, l := range lists {
			acc += len(v.lists[l])
			if acc*shards >= len(cuts)*rows && len(cuts) < shards {
				cuts = append(cuts, i+1)
			}
		}
		cuts = append(cuts, len(lists))
		err := gather(ctx, &top, len(cuts)-1, func(s int, t *topK) error {
			return ix.scanLists(ctx, t, qn, lists[cuts[s]:cuts[s+1]], minScore, allowed)
		})
		if err != nil {
			return nil, err
		}
	}
	return top.hits(ix.offers), nil
}

// scanLists scores the rows of the lists into top. The caller holds the
// read lock.
func (ix *Index) scanLists(ctx context.Context, top *topK, qn []float32, lists []int32, minScore float32, allowed func(string) bool) error {
	seen := 0
	for _, l := range lists {
		for _, r := range ix.ann.lists[l] {
			if seen++; seen%cancelEvery == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			if allowed != nil && !allowed(ix.offers[r]) {
				continue
			}
			s := ix.data.score(qn, int(r))
			if s < minScore {
				continue
			}
			top.offer(s, int(r))
		}
	}
	return nil
}

// boundSlack widens the angles maxScore works with, in radians, to cover
// the rounding of float32 dot products near 1, where acos is steep.
const boundSlack = 0.01

// maxScore bounds the score of the query against a row of a list: the
// angle between query and row is at least the angle between query and
// centroid less the widest angle between centroid and row (the triangle
// inequality on the sphere).
func maxScore(centroidScore, minCos float32) float32 {
	toCentroid := math.Acos(clamp1(float64(centroidScore))) - boundSlack
	radius := math.Acos(clamp1(float64(minCos))) + boundSlack
	if toCentroid <= radius {
		return 1
	}
	return float32(math.Cos(toCentroid - radius))
}

func clamp1(x float64) float64 { return max(-1, min(1, x)) }

// gather runs scan on parts of the index, in parallel when there are
// several, and merges what they keep into top.
func gather(ctx context.Context, top *topK, parts int, scan func(part int, t *topK) error) error {
	if parts <= 1 {
		return scan(0, top)
	}
	tops := make([]topK, parts)
	errs := make([]error, parts)
	var wg sync.WaitGroup
	for p := range parts {
		tops[p] = topK{k: top.k, ids: top.ids}
		wg.Go(func() { errs[p] = scan(p, &tops[p]) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return ctx.Err()
	}
	for _, t := range tops {
		for _, c := range t.heap {
			top.offer(c.score, c.row)
		}
	}
	return nil
}
