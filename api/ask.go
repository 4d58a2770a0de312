package api

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"

	"offres/internal/assistant"
	"offres/internal/offres"
)

// Assistant answers questions (assistant.Assistant).
type Assistant interface {
	Ask(ctx context.Context, req assistant.Request, stream assistant.Stream) (assistant.Answer, error)
}

// askLimiter bounds the requests of each client to the costly routes:
// answering costs a search and, with a model, tokens; matching scores fifty
// offers.
func (s *server) askLimiter() fiber.Handler {
	return rateLimit(s.opts.AskPerMinute, s.clientIP,
		"trop de demandes en peu de temps : réessayez dans une minute")
}

// keyLimiter bounds the requests of each API key; the admin token, which
// has no key, shares one budget.
func (s *server) keyLimiter() fiber.Handler {
	return rateLimit(s.opts.KeyPerMinute, func(c *fiber.Ctx) string { return "key:" + keyOf(c).ID },
		"trop de demandes avec cette clé en peu de temps : réessayez dans une minute")
}

// rateLimit allows perMinute requests per key a minute, answering 429
// with message past it. The counts are the process's own.
func rateLimit(perMinute int, key func(*fiber.Ctx) string, message string) fiber.Handler {
	return limiter.New(limiter.Config{
		Max:          perMinute,
		Expiration:   time.Minute,
		KeyGenerator: key,
		LimitReached: func(c *fiber.Ctx) error {
			return c.Status(fiber.StatusTooManyRequests).JSON(errorBody{Error: errorDetail{Code: "rate_limited", Message: message}})
		},
	})
}

func (s *server) ask(c *fiber.Ctx) error {
	if s.Assistant == nil {
		return &offres.UserError{Kind: offres.ErrUnavailable, Message: "l'assistant n'est pas disponible"}
	}
	var req assistant.Request
	if err := json.Unmarshal(c.Body(), &req); err != nil {
		return offres.Invalidf("corps JSON invalide : attendu {\"question\": \"…\"}")
	}
	if err := req.Validate(); err != nil {
		return err
	}
	// The client's address (from a trusted proxy's X-Forwarded-For) for
	// the token budgets; a copy, as fiber reuses its buffers.
	req.Client = s.clientIP(c)
	if !strings.Contains(c.Get(fiber.HeaderAccept), "text/event-stream") {
		ctx, cancel := s.ctx(c, s.opts.AskTimeout)
		defer cancel()
		ans, err := s.Assistant.Ask(ctx, req, assistant.Stream{})
		if err != nil {
			return err
		}
		return c.JSON(ans)
	}
	// Server-Sent Events: "token" events with the text as it is written,
	// "reset" when what was sent is withdrawn, then "citations" and "done"
	// (the whole answer); "error" instead when it fails. A client that goes
	// away makes the next write fail, which cancels the answer and the
	// model's call.
	c.Set(fiber.HeaderContentType, "text/event-stream; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Set("X-Accel-Buffering", "no")
	ctx, cancel := context.WithTimeout(context.Background(), s.opts.AskTimeout)
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		defer cancel()
		var mu sync.Mutex // the answer's events and the keep-alives
		write := func(s string) error {
			mu.Lock()
			defer mu.Unlock()
			w.WriteString(s)
			if err := w.Flush(); err != nil {
				cancel() // the client went away
				return err
			}
			return nil
		}
		send := func(event string, v any) error {
			b, err := json.Marshal(v)
			if err != nil {
				return err
			}
			return write(fmt.Sprintf("event: %s\ndata: %s\n\n", event, b))
		}
		// A comment line every AskKeepAlive: proxies keep the stream open
		// while the model thinks, and a client that went away is noticed
		// even when no token comes.
		go func() {
			t := time.NewTicker(s.opts.AskKeepAlive)
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
					if write(": keep-alive\n\n") != nil {
						return
					}
				}
			}
		}()
		ans, err := s.Assistant.Ask(ctx, req, assistant.Stream{
			Token: func(text string) error { return send("token", map[string]string{"text": text}) },
			Reset: func() error { return send("reset", map[string]string{}) },
		})
		if err != nil {
			if ctx.Err() == nil {
				s.opts.Logger.Warn("ask failed", logKeyErr, err)
				send("error", errorDetail{Code: "internal", Message: "la réponse n'a pas pu être produite"})
			}
			return
		}
		if send("citations", ans.Citations) == nil {
			send("done", ans)
		}
	})
	return nil
}
