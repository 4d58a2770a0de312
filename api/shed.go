package api

import (
	"context"
	"errors"
	"math"
	"runtime"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/sync/semaphore"
)

// Load shedding. The computed routes (a search the cache does not hold,
// similar offers, a matching, a recruiter's candidates) take one of a few
// slots, as many as the cores can serve at once; the others wait their
// turn in order (golang.org/x/sync/semaphore: FIFO, cancelled by the
// request's context). A request that would wait longer than its deadline
// allows is refused at once with 503 and Retry-After, instead of queueing
// until its deadline: the client learns at once, the queue stays short,
// and the requests already admitted keep their latency. The cheap routes
// (suggestions, health, readiness, metrics, the widget's files, cached
// searches) take no slot and keep answering.
//
// The wait is estimated from the queue: a slot frees every service/slots
// on average, where service is the recent mean time a request holds its
// slot (an exponentially weighted mean, so it follows the load: under
// contention each request holds its slot longer, and the estimate grows
// with it). A waiting request gives up, with the same 503, once it could no
// longer be served before its deadline; its wait then counts as a service,
// so that a queue that stalls sheds sooner.

// Defaults of the admission control.
const (
	// initialService is the service time assumed before the first
	// request is measured: a computed hybrid search at 10,000 offers.
	initialService = 10 * time.Millisecond
	// serviceWeight is the weight of each new measure in the mean.
	serviceWeight = 0.1
	// maxQueuePerSlot bounds the waiting requests whatever the estimate
	// (a very fast service would otherwise let thousands wait).
	maxQueuePerSlot = 256
)

// admission admits the expensive requests (see above).
type admission struct {
	sem     *semaphore.Weighted
	slots   int64
	waiting atomic.Int64
	service atomic.Int64 // mean time a request holds its slot, in ns
}

// newAdmission returns an admission control of slots slots; 0: twice the
// cores Go uses (a search waits a little on storage too), negative: none
// (nil).
func newAdmission(slots int) *admission {
	if slots < 0 {
		return nil
	}
	if slots == 0 {
		slots = 2 * runtime.GOMAXPROCS(0)
	}
	a := &admission{sem: semaphore.NewWeighted(int64(slots)), slots: int64(slots)}
	a.service.Store(int64(initialService))
	return a
}

// overloadError is a request refused because it could not be served in
// time; it answers 503 with Retry-After.
type overloadError struct {
	retryAfter time.Duration
}

func (e *overloadError) Error() string {
	return "overloaded: retry after " + e.retryAfter.String()
}

// acquire admits a request whose deadline is ctx's, waiting its turn; it
// returns the function that gives the slot back, or an *overloadError when
// the wait would not let it end before its deadline (at once, or once it
// has waited as long as it could).
func (a *admission) acquire(ctx context.Context) (func(), error) {
	if a == nil {
		return func() {}, nil
	}
	if !a.sem.TryAcquire(1) {
		wait := a.estimate()
		service := time.Duration(a.service.Load())
		// The latest a request may start and still end before its
		// deadline: a service before it, and a margin for the services
		// longer than the mean (a fifth of the time left, at least a
		// service).
		startBy := time.Now().Add(time.Duration(math.MaxInt64 / 2))
		if d, ok := ctx.Deadline(); ok {
			startBy = d.Add(-service - max(service, time.Until(d)/5))
		}
		if time.Now().Add(wait).After(startBy) || a.waiting.Load() >= a.slots*maxQueuePerSlot {
			return nil, &overloadError{retryAfter: wait}
		}
		// Wait no longer than that: past it, the request answers 503,
		// before its deadline.
		wctx, cancel := context.WithDeadline(ctx, startBy)
		a.waiting.Add(1)
		start := time.Now()
		err := a.sem.Acquire(wctx, 1)
		a.waiting.Add(-1)
		cancel()
		if err != nil {
			// The queue moved slower than measured: count the wait as
			// a service, so that the next requests are shed sooner.
			a.observe(time.Since(start))
			return nil, &overloadError{retryAfter: a.estimate()}
		}
	}
	start := time.Now()
	return func() {
		a.observe(time.Since(start))
		a.sem.Release(1)
	}, nil
}

// estimate is how long a request arriving now would wait for a slot.
func (a *admission) estimate() time.Duration {
	return time.Duration((a.waiting.Load() + 1) * a.service.Load() / a.slots)
}

// observe adds a measured service time to the mean.
func (a *admission) observe(d time.Duration) {
	for {
		old := a.service.Load()
		next := int64(float64(old)*(1-serviceWeight) + float64(d)*serviceWeight)
		if a.service.CompareAndSwap(old, max(next, 1)) {
			return
		}
	}
}

// admit runs the admission of an expensive request in a handler: it
// returns the function that releases its slot, or the error that answers
// 503.
func (s *server) admit(ctx context.Context, c *fiber.Ctx) (func(), error) {
	release, err := s.admission.acquire(ctx)
	if err != nil && s.Metrics != nil {
		route, _ := c.Locals(localsRoute).(string)
		s.Metrics.ObserveShed(route)
	}
	return release, err
}

// retryAfter sets the Retry-After header of an overloaded answer, in whole
// seconds (at least one), and reports whether err is one.
func retryAfter(c *fiber.Ctx, err error) bool {
	var oe *overloadError
	if !errors.As(err, &oe) {
		return false
	}
	secs := int64(math.Ceil(oe.retryAfter.Seconds()))
	c.Set(fiber.HeaderRetryAfter, strconv.FormatInt(max(secs, 1), 10))
	return true
}
