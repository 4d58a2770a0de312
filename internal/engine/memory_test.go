package engine

import (
	"context"
	"runtime/debug"
	"testing"
)

// gcPercent returns the garbage collector's target percentage.
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

// TestImportSessionLowersGC checks that an import session lowers the
// garbage collector's target percentage while it lasts, and that its end
// sets the process's back.
func TestImportSessionLowersGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	ctx := context.Background()
	e := openSmallSample(t, t.TempDir())
	defer e.Close()
	offers := demoOffers(t)[:2] // fewer passages than the sample: no training
	if ok, err := e.queueForSession(ctx, offers); err != nil || !ok {
		t.Fatalf("queueForSession = %t, %v", ok, err)
	}
	if p := gcPercent(); p != DefaultImportGCPercent {
		t.Fatalf("during the session, GOGC = %d, want %d", p, DefaultImportGCPercent)
	}
	if _, err := e.endSession(ctx); err != nil {
		t.Fatal(err)
	}
	if p := gcPercent(); p != 100 {
		t.Fatalf("after the session, GOGC = %d, want 100 back", p)
	}
}

func TestLowerGCKeepsALowerSetting(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(30))
	restore := lowerGC(50)
	if p := gcPercent(); p != 30 {
		t.Fatalf("GOGC = %d, want 30 kept", p)
	}
	restore()
	if p := gcPercent(); p != 30 {
		t.Fatalf("after restore, GOGC = %d, want 30", p)
	}
	debug.SetGCPercent(100)
	restore = lowerGC(-1)
	if p := gcPercent(); p != 100 {
		t.Fatalf("with a negative setting, GOGC = %d, want 100 kept", p)
	}
	restore()
}

// TestImportWaitsForTraining checks that the batch that starts the
// training of the built-in model returns once the model is trained: the
// import does not go on beside the training.
func TestImportWaitsForTraining(t *testing.T) {
	ctx := context.Background()
	e := openSmallSample(t, t.TempDir())
	defer e.Close()
	offers := demoOffers(t)
	if passageCount(offers) < 120 {
		t.Fatalf("%d passages: fewer than the sample, no training", passageCount(offers))
	}
	if ok, err := e.queueForSession(ctx, offers); err != nil || !ok {
		t.Fatalf("queueForSession = %t, %v", ok, err)
	}
	e.sessMu.Lock()
	s := e.session
	started, training := s.started, s.training
	e.sessMu.Unlock()
	if !started || training {
		t.Fatalf("after the batch that filled the sample: started %t, training %t; want the training started and over", started, training)
	}
	if _, err := e.endSession(ctx); err != nil {
		t.Fatal(err)
	}
}
