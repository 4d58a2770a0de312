package engine

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
)

// syncBuffer is a log sink safe for the engine's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestBackgroundPanics: a panic in a round of background work, or in the
// vector index's training (reported through the ANN options the engine
// gives the semantic layer), is recovered, logged with its stack and
// counted; the engine goes on serving searches.
func TestBackgroundPanics(t *testing.T) {
	var logs syncBuffer
	e, err := Open(context.Background(), Options{
		Dir: t.TempDir(), Now: fixedNow,
		Logger: slog.New(slog.NewJSONHandler(&logs, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	e.guard("test round", func() { panic("boom in a round") })
	if e.BackgroundPanics() != 1 {
		t.Fatalf("BackgroundPanics = %d after a panicking round, want 1", e.BackgroundPanics())
	}
	onPanic := e.sem.ANNOptions().OnPanic
	if onPanic == nil {
		t.Fatal("the engine gives the vector index no OnPanic")
	}
	onPanic("boom in training", []byte("goroutine 7 [running]:\nvectors.(*Index).regroup"))
	if e.BackgroundPanics() != 2 {
		t.Fatalf("BackgroundPanics = %d after a training panic, want 2", e.BackgroundPanics())
	}
	out := logs.String()
	for _, want := range []string{`"task":"test round"`, `"err":"boom in a round"`, `recover_test.go`, `"task":"vector index training"`, `vectors.(*Index).regroup`} {
		if !strings.Contains(out, want) {
			t.Errorf("the log lacks %s:\n%s", want, out)
		}
	}
	if n := searchTotal(t, e, "infirmier"); n != 0 {
		t.Errorf("an empty engine finds %d offers", n)
	}
}
