package vectors

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
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
