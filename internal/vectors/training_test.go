package vectors

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// trainingFixture is an index of n clustered rows, just past its
// threshold, whose training calls hook at each stage.
func trainingFixture(t *testing.T, n int, hook func(ix *Index, stage string), opts Options) (*Index, *clustered, map[string]Item) {
	t.Helper()
	const dims, nOffers = 16, 500
	r := rand.New(rand.NewPCG(31, 31))
	c := newClustered(r, dims, 30, 0.6)
	items := c.items(n, nOffers)
	opts.ANNThreshold = n - 1
	ix := NewWithOptions("m", dims, opts)
	ix.trainHook = func(stage string) { hook(ix, stage) }
	live := map[string]Item{}
	for _, it := range items {
		live[it.ID] = it
	}
	mustPut(t, ix, items[:n-1])
	mustPut(t, ix, items[n-1:]) // past the threshold: the training starts
	return ix, c, live
}

// settled waits for the training and checks the lists and the search
// against the exact search over the live items.
func settled(t *testing.T, ix *Index, c *clustered, live map[string]Item) {
	t.Helper()
	waitTraining(t, ix)
	if ix.Len() != len(live) {
		t.Fatalf("%d passages, want %d", ix.Len(), len(live))
	}
	checkIVF(t, ix)
	left := slices.Collect(maps.Values(live))
	lists := len(ix.ann.lists)
	ix.opts.Probes = lists // every list: the approximate search is exact
	for range 20 {
		q := c.vec()
		if got, want := search(t, ix, q, 10, -1, nil), bruteForce(left, q, 10, -1, nil); !slices.Equal(got, want) {
			t.Fatalf("got  %v\nwant %v", got, want)
		}
	}
}

// TestTrainingOutgrowsSlab writes, while a training runs, more rows than
// the spare eighth of the slab it allocated for them: the training must
// still complete, with every row in its list (it panicked: « slice bounds
// out of range »).
func TestTrainingOutgrowsSlab(t *testing.T) {
	const n = 4000
	var added int
	ix, c, live := trainingFixture(t, n, func(ix *Index, stage string) {
		if stage != stageSlab {
			return
		}
		// A quarter more rows: twice the slab's spare eighth, not enough
		// to double the index and start another training.
		var more []Item
		for i := range n / 4 {
			more = append(more, Item{ID: fmt.Sprintf("new%d#p", i), OfferID: fmt.Sprintf("new%d", i%50), Vector: nil})
		}
		added = len(more)
		ix.putDuringTraining(t, more)
	}, Options{})
	waitTraining(t, ix)
	for _, it := range ix.snapshot() {
		live[it.ID] = it
	}
	if added == 0 {
		t.Fatal("the hook was not called")
	}
	settled(t, ix, c, live)
}

// TestTrainingAfterDeletes deletes a third of the offers while a training
// runs, after its slab was sized: the training completes on the rows left.
func TestTrainingAfterDeletes(t *testing.T) {
	const n = 4000
	deleted := 0
	ix, c, live := trainingFixture(t, n, func(ix *Index, stage string) {
		if stage != stageSlab {
			return
		}
		for o := 0; o < 500; o += 3 {
			deleted += ix.DeleteOffer(fmt.Sprintf("o%d", o))
		}
	}, Options{})
	waitTraining(t, ix)
	for id, it := range live {
		var o int
		fmt.Sscanf(it.OfferID, "o%d", &o)
		if o%3 == 0 {
			delete(live, id)
		}
	}
	if deleted == 0 || ix.Len() != len(live) {
		t.Fatalf("deleted %d, %d left, want %d", deleted, ix.Len(), len(live))
	}
	settled(t, ix, c, live)
}

// TestTrainingPanicRecovered makes the training panic while it holds the
// writers' lock: the panic is reported to Options.OnPanic with its stack,
// the process goes on, the index scans every row, writes and searches
// work, and the next training builds the approximate index again.
func TestTrainingPanicRecovered(t *testing.T) {
	const n = 4000
	var panics atomic.Int32
	var stack atomic.Value
	first := true
	ix, c, live := trainingFixture(t, n, func(ix *Index, stage string) {
		if stage == stageRegroup && first {
			first = false
			panic("injected")
		}
	}, Options{OnPanic: func(v any, s []byte) {
		if v != "injected" {
			t.Errorf("recovered %v, want the injected panic", v)
		}
		stack.Store(string(s))
		panics.Add(1)
	}})
	waitTraining(t, ix)
	if panics.Load() != 1 {
		t.Fatalf("OnPanic called %d times, want 1", panics.Load())
	}
	if s, _ := stack.Load().(string); !strings.Contains(s, "regroup") && !strings.Contains(s, "catchUp") {
		t.Errorf("the stack does not show where the training panicked:\n%s", s)
	}
	ix.mu.RLock()
	ann := ix.ann
	ix.mu.RUnlock()
	if ann != nil {
		t.Fatal("the approximate index of a failed training is kept")
	}
	// Writes go on (the writers' lock was released) and searches are exact.
	extra := c.items(10, 7)
	for i := range extra {
		extra[i].ID = "extra" + extra[i].ID
		live[extra[i].ID] = extra[i]
	}
	mustPut(t, ix, extra)
	left := slices.Collect(maps.Values(live))
	for range 10 {
		q := c.vec()
		if got, want := search(t, ix, q, 10, -1, nil), bruteForce(left, q, 10, -1, nil); !slices.Equal(got, want) {
			t.Fatalf("got  %v\nwant %v", got, want)
		}
	}
	// The next training (the index doubled) succeeds.
	more := c.items(n+10, 300)
	for i := range more {
		more[i].ID = "more" + more[i].ID
		live[more[i].ID] = more[i]
	}
	mustPut(t, ix, more)
	settled(t, ix, c, live)
}

// putDuringTraining writes items from a training's hook: the vectors are
// drawn here so that the caller need not know the fixture's generator.
func (ix *Index) putDuringTraining(t *testing.T, items []Item) {
	t.Helper()
	r := rand.New(rand.NewPCG(32, 32))
	for i := range items {
		v := make([]float32, ix.dims)
		for d := range v {
			v[d] = float32(r.NormFloat64())
		}
		items[i].Vector = v
	}
	for lo := 0; lo < len(items); lo += 100 {
		mustPut(t, ix, items[lo:min(lo+100, len(items))])
	}
}

// snapshot returns the index's rows as items.
func (ix *Index) snapshot() []Item {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	out := make([]Item, len(ix.ids))
	for r, id := range ix.ids {
		out[r] = Item{ID: id, OfferID: ix.offers[r], Vector: slices.Clone(ix.vec(r))}
	}
	return out
}

func waitTraining(t *testing.T, ix *Index) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := ix.WaitTraining(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestSearchOffersDuringRegroup searches a set of offers while a training
// regroups the rows: the rows' numbers it reads are renumbered under the
// write lock (the race detector saw them written without it).
func TestSearchOffersDuringRegroup(t *testing.T) {
	const n = 3000
	done, stopped := make(chan struct{}), make(chan struct{})
	started := false
	ix, _, _ := trainingFixture(t, n, func(ix *Index, stage string) {
		if stage != stageRegroup || started {
			return
		}
		started = true
		// The hook holds the writers' lock: the rows are stable here.
		offers := map[string]bool{}
		for _, o := range ix.offers[:50] {
			offers[o] = true
		}
		q := ix.vec(0)
		go func() {
			defer close(stopped)
			for {
				select {
				case <-done:
					return
				default:
				}
				if _, err := ix.SearchOffers(context.Background(), q, 10, -1, offers); err != nil {
					t.Error(err)
					return
				}
			}
		}()
		time.Sleep(20 * time.Millisecond) // the searches run while regroup renumbers
	}, Options{})
	waitTraining(t, ix)
	close(done)
	if !started {
		t.Fatal("the regroup stage was not reached")
	}
	<-stopped
}
