package api

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/cors"

	"offres/internal/analytics"
	"offres/internal/offres"
)

// Analytics counts the widget's events and reports them (analytics.Store).
type Analytics interface {
	Record(client string, events []analytics.Event) (counted, dropped int)
	Report(days, limit int) (analytics.Report, error)
}

var _ Analytics = (*analytics.Store)(nil)

// Bounds of POST /api/v1/events.
const (
	eventsPath      = "/api/v1/events"
	maxEventsBody   = 16 << 10
	maxEventsPerReq = 50
)

// routeLimiter returns the rate limiter of a limited route: the events
// route has its own, looser budget.
func (s *server) routeLimiter(r route) fiber.Handler {
	if r.path == eventsPath {
		return rateLimit(s.opts.EventsPerMinute, s.clientIP,
			"trop d'événements en peu de temps : réessayez dans une minute")
	}
	return s.askLimiter()
}

// eventsBody is the body of POST /api/v1/events.
type eventsBody struct {
	Events []analytics.Event `json:"events"`
}

// postEvents counts the searches and clicks the widget reports. Nothing of
// the request but the events' fields reaches the store; an event whose
// query looks personal is dropped, a click on an offer that does not exist
// too.
func (s *server) postEvents(c *fiber.Ctx) error {
	if s.Analytics == nil {
		return &offres.UserError{Kind: offres.ErrUnavailable, Message: "les statistiques ne sont pas activées"}
	}
	mt, _, _ := strings.Cut(strings.ToLower(c.Get(fiber.HeaderContentType)), ";")
	switch strings.TrimSpace(mt) {
	case fiber.MIMEApplicationJSON, fiber.MIMETextPlain: // text/plain: navigator.sendBeacon
	default:
		return &offres.UserError{Kind: offres.ErrInvalid, Message: "type de contenu attendu : application/json"}
	}
	if len(c.Body()) > maxEventsBody {
		return fiber.NewError(fiber.StatusRequestEntityTooLarge)
	}
	dec := json.NewDecoder(bytes.NewReader(c.Body()))
	dec.DisallowUnknownFields()
	var body eventsBody
	if err := dec.Decode(&body); err != nil || dec.More() {
		return offres.Invalidf("corps JSON invalide : attendu {\"events\": [{\"type\": \"search\", \"query\": \"…\", \"results\": 3}, …]}")
	}
	if len(body.Events) == 0 || len(body.Events) > maxEventsPerReq {
		return offres.Invalidf("entre 1 et %d événements par envoi", maxEventsPerReq)
	}
	ctx, cancel := s.ctx(c, s.opts.RequestTimeout)
	defer cancel()
	kept := body.Events[:0]
	unknown := 0
	for i, e := range body.Events {
		if err := e.Validate(); err != nil {
			var ue *offres.UserError
			if errors.As(err, &ue) {
				return offres.Invalidf("événement %d : %s", i+1, ue.Message)
			}
			return err
		}
		if e.Type == analytics.TypeClick {
			if _, err := s.Offers.Get(ctx, e.OfferID); err != nil {
				if errors.Is(err, offres.ErrNotFound) {
					unknown++
					continue
				}
				return err
			}
		}
		kept = append(kept, e)
	}
	counted, dropped := 0, 0
	if len(kept) > 0 {
		counted, dropped = s.Analytics.Record(s.clientIP(c), kept)
	}
	return c.Status(fiber.StatusAccepted).JSON(fiber.Map{"counted": counted, "dropped": dropped + unknown})
}

// getAnalytics reports popular queries, queries without result,
// click-through and the most opened offers of the last days.
func (s *server) getAnalytics(c *fiber.Ctx) error {
	if s.Analytics == nil {
		return &offres.UserError{Kind: offres.ErrUnavailable, Message: "les statistiques ne sont pas activées"}
	}
	days, err := intParam(c, "days")
	if err != nil {
		return err
	}
	limit, err := intParam(c, "limit")
	if err != nil {
		return err
	}
	r, err := s.Analytics.Report(days, limit)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(r)
}

// requireAnalyst lets through the admin token or a key of role analyst.
func (s *server) requireAnalyst(c *fiber.Ctx) error {
	token, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
	token = strings.TrimSpace(token)
	if !ok || token == "" {
		return &offres.UserError{Kind: offres.ErrUnauthorized, Message: "jeton d'administration ou clé d'analyste manquant"}
	}
	if s.adminValid {
		sum := sha256.Sum256([]byte(token))
		if subtle.ConstantTimeCompare(sum[:], s.adminHash[:]) == 1 {
			return c.Next()
		}
	}
	if s.Recruiters == nil {
		return &offres.UserError{Kind: offres.ErrUnauthorized, Message: "jeton d'administration invalide"}
	}
	ctx, cancel := s.ctx(c, s.opts.RequestTimeout)
	defer cancel()
	k, err := s.Recruiters.Authenticate(ctx, token)
	if errors.Is(err, offres.ErrUnavailable) {
		return err // the keys cannot be read now: 503, not a bad key
	}
	if err != nil {
		return &offres.UserError{Kind: offres.ErrUnauthorized, Message: "jeton d'administration ou clé d'API invalide"}
	}
	if k.Role != offres.RoleAnalyst {
		return &offres.UserError{Kind: offres.ErrForbidden, Message: "cette clé n'a pas le rôle « " + offres.RoleAnalyst + " »"}
	}
	c.Locals(localsKey, k)
	return c.Next()
}

// corsMiddleware lets the pages of the given origins call the public
// routes from the browser (the widget on a portal of another host). No
// credentials: the public routes need none.
func corsMiddleware(origins []string) fiber.Handler {
	return cors.New(cors.Config{
		AllowOrigins: strings.Join(origins, ","),
		AllowMethods: "GET,POST,HEAD",
		AllowHeaders: "Content-Type,Accept",
		MaxAge:       600,
	})
}

// CheckCORSOrigins validates the origins allowed to call the API from a
// browser: "*", or http(s)://host[:port], with "*." before the host for its
// subdomains. main calls it once at start-up.
func CheckCORSOrigins(origins []string) error {
	for _, o := range origins {
		if o == "*" {
			if len(origins) > 1 {
				return errors.New("CORS origins: \"*\" allows every origin and must stand alone")
			}
			continue
		}
		u, err := url.Parse(strings.Replace(o, "://*.", "://", 1))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
			(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || strings.Contains(u.Host, "*") {
			return fmt.Errorf("CORS origin %q: want \"*\" or scheme://host[:port], such as https://emploi.province-sud.nc", o)
		}
	}
	return nil
}
