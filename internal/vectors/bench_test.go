package vectors

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"
)

// BenchmarkSearch measures a top-10 search over random 256-dimension
// vectors, reporting the median and 99th percentile latency besides ns/op.
//
//	go test -run '^$' -bench BenchmarkSearch -benchtime 2000x ./vectors/
func BenchmarkSearch(b *testing.B) {
	const dims = 256
	for _, n := range []int{10_000, 50_000} {
		for _, filtered := range []bool{false, true} {
			name := fmt.Sprintf("n=%d", n)
			var allowed func(string) bool
			if filtered {
				// Half the offers, as a deadline or commune filter would.
				name += "/filter=half"
				allowed = func(offerID string) bool { return offerID[len(offerID)-1]%2 == 0 }
			}
			b.Run(name, func(b *testing.B) {
				r := rand.New(rand.NewPCG(uint64(n), 1))
				ix := New("bench", dims)
				if err := ix.Put(randItems(r, n, dims, n/10)); err != nil {
					b.Fatal(err)
				}
				queries := make([][]float32, 64)
				for i := range queries {
					queries[i] = randVec(r, dims)
				}
				ctx := context.Background()
				var lat []time.Duration
				b.ResetTimer()
				i := 0
				for b.Loop() {
					start := time.Now()
					if _, err := ix.Search(ctx, queries[i%len(queries)], 10, -1, allowed); err != nil {
						b.Fatal(err)
					}
					lat = append(lat, time.Since(start))
					i++
				}
				slices.Sort(lat)
				ms := func(q float64) float64 {
					return float64(lat[int(q*float64(len(lat)-1))]) / float64(time.Millisecond)
				}
				b.ReportMetric(ms(0.50), "p50-ms")
				b.ReportMetric(ms(0.99), "p99-ms")
			})
		}
	}
}

// BenchmarkANN compares the exact and the approximate search, top 10 over
// 100,000 passages of 256 dimensions, on clustered vectors (300 centres)
// and on uniform random ones, the approximate search's worst case. It
// reports the recall@10 of each against the exact search, and the median
// and 99th percentile latency.
//
//	go test -run '^$' -bench BenchmarkANN -benchtime 2000x ./vectors/
func BenchmarkANN(b *testing.B) {
	const n, dims = 100_000, 256
	for _, data := range []string{"clustered", "uniform"} {
		r := rand.New(rand.NewPCG(11, 11))
		var items []Item
		queries := make([][]float32, 200)
		if data == "clustered" {
			c := newClustered(r, dims, 300, 1.5)
			items = c.items(n, n/10)
			for i := range queries {
				queries[i] = c.vec()
			}
		} else {
			items = randItems(r, n, dims, n/10)
			for i := range queries {
				queries[i] = randVec(r, dims)
			}
		}
		exact := NewWithOptions("bench", dims, Options{ANNThreshold: -1})
		ann := New("bench", dims)
		for _, ix := range []*Index{exact, ann} {
			if err := ix.Put(items); err != nil {
				b.Fatal(err)
			}
		}
		if err := ann.WaitTraining(context.Background()); err != nil {
			b.Fatal(err)
		}
		items = nil
		half := func(offerID string) bool { return offerID[len(offerID)-1]%2 == 0 }
		for _, filter := range []string{"none", "half"} {
			var allowed func(string) bool
			if filter == "half" {
				allowed = half
			}
			truth := searchAll(b, exact, queries, 10, allowed)
			for _, mode := range []string{"exact", "ann"} {
				ix := exact
				if mode == "ann" {
					ix = ann
				}
				b.Run(fmt.Sprintf("%s/filter=%s/%s", data, filter, mode), func(b *testing.B) {
					benchSearch(b, ix, queries, allowed)
					b.ReportMetric(recall(searchAll(b, ix, queries, 10, allowed), truth), "recall@10")
				})
			}
		}
	}
}

// benchSearch times top-10 searches of the queries in turn, reporting the
// median and 99th percentile latency besides ns/op.
func benchSearch(b *testing.B, ix *Index, queries [][]float32, allowed func(string) bool) {
	ctx := context.Background()
	var lat []time.Duration
	i := 0
	for b.Loop() {
		start := time.Now()
		if _, err := ix.Search(ctx, queries[i%len(queries)], 10, -1, allowed); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
		i++
	}
	slices.Sort(lat)
	ms := func(q float64) float64 {
		return float64(lat[int(q*float64(len(lat)-1))]) / float64(time.Millisecond)
	}
	b.ReportMetric(ms(0.50), "p50-ms")
	b.ReportMetric(ms(0.99), "p99-ms")
}

// BenchmarkTrain measures the training of the approximate index over
// 100,000 clustered passages of 256 dimensions (316 lists), started by the
// Put that crosses the threshold, while a reader calls Len in a loop and,
// once that Put has returned, a writer replaces a passage every
// millisecond. It reports the time from that Put's return to the end of
// the training (train-ms); the Put's own time, which includes copying the
// training sample (put-ms); and the longest wait of the reader (read-ms),
// which is how long a search can be held up, and of the writer (write-ms).
// ns/op is the Put and the training.
//
//	go test -run '^$' -bench BenchmarkTrain -benchtime 3x ./vectors/
func BenchmarkTrain(b *testing.B) {
	const n, dims = 100_000, 256
	items := newClustered(rand.New(rand.NewPCG(12, 12)), dims, 300, 1.5).items(n, n/10)
	ctx := context.Background()
	var put, train, readWait, writeWait time.Duration
	// loop calls f until stop is closed, and returns its longest call.
	loop := func(stop <-chan struct{}, f func(i int)) time.Duration {
		var worst time.Duration
		for i := 0; ; i++ {
			select {
			case <-stop:
				return worst
			default:
			}
			start := time.Now()
			f(i)
			worst = max(worst, time.Since(start))
			time.Sleep(time.Millisecond)
		}
	}
	for b.Loop() {
		b.StopTimer()
		ix := NewWithOptions("bench", dims, Options{ANNThreshold: n - 1})
		if err := ix.Put(items[:n-1]); err != nil {
			b.Fatal(err)
		}
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Go(func() { readWait = max(readWait, loop(stop, func(int) { ix.Len() })) })
		b.StartTimer()
		start := time.Now()
		if err := ix.Put(items[n-1:]); err != nil {
			b.Fatal(err)
		}
		put += time.Since(start)
		wg.Go(func() {
			writeWait = max(writeWait, loop(stop, func(i int) {
				if err := ix.Put(items[i : i+1]); err != nil {
					b.Error(err)
				}
			}))
		})
		if err := ix.WaitTraining(ctx); err != nil {
			b.Fatal(err)
		}
		train += time.Since(start)
		b.StopTimer()
		close(stop)
		wg.Wait()
		if ix.ann == nil {
			b.Fatal("not trained")
		}
		b.StartTimer()
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(put)/float64(b.N), "put-ms")
	b.ReportMetric(ms(train-put)/float64(b.N), "train-ms")
	b.ReportMetric(ms(readWait), "read-ms")
	b.ReportMetric(ms(writeWait), "write-ms")
}
