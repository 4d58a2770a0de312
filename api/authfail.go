package api

import (
	"errors"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"offres/internal/offres"
)

// Throttling of failed credentials: a client (s.clientIP) whose admin
// tokens or API keys were refused AuthFailuresPerMinute times in a minute
// is answered 429 on every authenticated route until the minute ends,
// without its credentials being looked at, so guessing a token costs a
// minute per few attempts. A legitimate client behind the same address
// waits that minute too.
const maxAuthClients = 10_000 // clients tracked at once; beyond, the expired are dropped

type authFailures struct {
	mu      sync.Mutex
	max     int
	window  time.Duration
	now     func() time.Time
	clients map[string]*failureWindow
}

type failureWindow struct {
	start time.Time
	count int
}

func newAuthFailures(perMinute int) *authFailures {
	return &authFailures{max: perMinute, window: time.Minute, now: time.Now, clients: map[string]*failureWindow{}}
}

// blocked reports whether client has spent its failures of the minute.
func (a *authFailures) blocked(client string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	w := a.clients[client]
	return w != nil && a.now().Sub(w.start) < a.window && w.count >= a.max
}

// fail records a refused credential of client.
func (a *authFailures) fail(client string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	w := a.clients[client]
	if w == nil || now.Sub(w.start) >= a.window {
		if w == nil && len(a.clients) >= maxAuthClients {
			a.prune(now)
		}
		w = &failureWindow{start: now}
		a.clients[client] = w
	}
	w.count++
}

// prune drops the windows that ended; when every one is current, all of
// them (memory stays bounded; a flood of addresses only resets counts).
func (a *authFailures) prune(now time.Time) {
	for k, w := range a.clients {
		if now.Sub(w.start) >= a.window {
			delete(a.clients, k)
		}
	}
	if len(a.clients) >= maxAuthClients {
		clear(a.clients)
	}
}

// throttleAuth guards an authenticated route: 429 for a client over its
// failures, and every 401 of the route's checks counted.
func (s *server) throttleAuth(c *fiber.Ctx) error {
	client := s.clientIP(c)
	if s.authFails.blocked(client) {
		return c.Status(fiber.StatusTooManyRequests).JSON(errorBody{Error: errorDetail{Code: "rate_limited",
			Message: "trop d'échecs d'authentification depuis cette adresse : réessayez dans une minute"}})
	}
	presented := len(c.Request().Header.Peek(fiber.HeaderAuthorization)) > 0
	err := c.Next()
	if presented && errors.Is(err, offres.ErrUnauthorized) { // a missing credential is no guess
		s.authFails.fail(client)
	}
	return err
}
