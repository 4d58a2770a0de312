package engine

import (
	"fmt"
	"runtime/debug"
)

// Log keys of a recovered panic.
const (
	logKeyTask  = "task"
	logKeyStack = "stack"
)

// recovered logs a panic recovered in a background task of the engine,
// with its stack, and counts it (BackgroundPanics, the metric
// offres_background_panics_total): a bug in background work must not end
// the process that serves searches.
func (e *Engine) recovered(task string, v any, stack []byte) {
	e.panics.Add(1)
	e.log.Error("background task panicked: recovered", logKeyTask, task, logKeyErr, fmt.Sprint(v), logKeyStack, string(stack))
}

// guard runs one round of a background task, recovering a panic in it:
// the loop that calls it goes on with its next round.
func (e *Engine) guard(task string, round func()) {
	defer func() {
		if v := recover(); v != nil {
			e.recovered(task, v, debug.Stack())
		}
	}()
	round()
}

// BackgroundPanics returns the number of panics recovered in the engine's
// background work (the training of the vector index, following the
// database, retrying what failed) since it opened.
func (e *Engine) BackgroundPanics() uint64 { return e.panics.Load() }
