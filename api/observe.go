package api

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"regexp"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/gofiber/fiber/v2/middleware/recover"

	"offres/indexer"
)

// Metrics records what the API does and serves it (metrics.Registry).
type Metrics interface {
	ObserveRequest(route, method string, status int, d time.Duration)
	ObserveError(route, code string)
	ObserveImport(indexed, updated, unchanged, rejected int)
	// ObserveShed counts a request refused with 503 because the computed
	// requests queued could not be served within its deadline.
	ObserveShed(route string)
	Handler() http.Handler
}

// Log keys.
const (
	logKeyMethod    = "method"
	logKeyRoute     = "route"
	logKeyStatus    = "status"
	logKeyDuration  = "duration_ms"
	logKeyErr       = "err"
	logKeyRequestID = "request_id"
	logKeyStack     = "stack"
)

// headerRequestID carries the request id: set on every response, taken
// from the request only when a trusted proxy sent it.
const headerRequestID = "X-Request-Id"

const localsRequestID = "offres.request_id"

// localsRoute is the pattern of the route that matched the request.
const localsRoute = "offres.route"

// markRoute records the pattern of the route that matched, for the logs
// and the metrics.
func markRoute(pattern string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		c.Locals(localsRoute, pattern)
		return c.Next()
	}
}

// localsErrorCode is the error code handleError answered with, for the
// metrics.
const localsErrorCode = "offres.error_code"

var requestIDRE = regexp.MustCompile(`^[A-Za-z0-9._:-]{8,64}$`)

// requestID returns the id of the request: a trusted proxy's, when it
// sent a well-formed one, else a new random one.
func (s *server) requestID(c *fiber.Ctx) string {
	if s.isProxied(c) {
		if id := c.Get(headerRequestID); requestIDRE.MatchString(id) {
			return id
		}
	}
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// observe is the first middleware: it gives the request its id, renders
// the error of the handlers, then logs one JSON line and records the
// metrics. The line holds no personal data: the route's pattern, never the
// path or the query, and no client address.
func (s *server) observe(c *fiber.Ctx) error {
	start := time.Now()
	id := s.requestID(c)
	c.Locals(localsRequestID, id)
	c.Set(headerRequestID, id)
	if err := c.Next(); err != nil {
		if herr := s.handleError(c, err); herr != nil {
			return herr
		}
	}
	// A path no route matched is "unmatched": its own path would make a
	// series per path.
	route, _ := c.Locals(localsRoute).(string)
	if route == "" {
		route = "unmatched"
	}
	// A copy: fiber's strings point into a buffer the next request reuses,
	// and the metrics keep their labels.
	method := strings.Clone(c.Method())
	status := c.Response().StatusCode()
	elapsed := time.Since(start)
	s.opts.Logger.Info("request",
		logKeyRequestID, id,
		logKeyMethod, method,
		logKeyRoute, route,
		logKeyStatus, status,
		logKeyDuration, elapsed.Milliseconds())
	if s.Metrics != nil {
		s.Metrics.ObserveRequest(route, method, status, elapsed)
		if status >= 400 {
			code, _ := c.Locals(localsErrorCode).(string)
			if code == "" {
				code = codeOf(status)
			}
			s.Metrics.ObserveError(route, code)
		}
	}
	return nil
}

// recoverPanics turns a handler's panic into a 500 and a logged stack,
// so that one bad request never stops the server.
func (s *server) recoverPanics() fiber.Handler {
	return recover.New(recover.Config{
		EnableStackTrace: true,
		StackTraceHandler: func(c *fiber.Ctx, e any) {
			s.opts.Logger.Error("panic", logKeyRequestID, c.Locals(localsRequestID), logKeyRoute, c.Locals(localsRoute),
				logKeyErr, e, logKeyStack, string(debug.Stack()))
		},
	})
}

// metrics serves the Prometheus metrics.
func (s *server) metrics() fiber.Handler {
	if s.Metrics == nil {
		return func(c *fiber.Ctx) error { return fiber.ErrNotFound }
	}
	return adaptor.HTTPHandler(s.Metrics.Handler())
}

// observeImport records an import's outcome in the metrics.
func (s *server) observeImport(sum indexer.Summary) {
	if s.Metrics != nil {
		s.Metrics.ObserveImport(sum.Indexed, sum.Updated, sum.Unchanged, sum.Rejected)
	}
}
