package api

import (
	"bytes"
	"cmp"
	_ "embed"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"offres/internal/offres"
	"offres/search"
)

func (s *server) healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}

// degradable is an Offers that can serve with a dependency down.
type degradable interface {
	// Degraded names the dependencies that are down ("database",
	// "embedder") while searches are still served.
	Degraded() []string
}

// readyz answers 503 when the process cannot serve at all, 200 otherwise:
// "ready", or "degraded" with the dependencies that are down. A degraded
// replica still answers searches (from its local index, in keyword mode):
// it stays in its load balancer's rotation, and as all replicas share the
// database, taking them out would leave nothing to serve.
func (s *server) readyz(c *fiber.Ctx) error {
	ctx, cancel := s.ctx(c, s.opts.RequestTimeout)
	defer cancel()
	if err := s.Offers.Ready(ctx); err != nil {
		s.opts.Logger.Warn("not ready", logKeyErr, err)
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable", "storage": s.Offers.Storage()})
	}
	if d, ok := s.Offers.(degradable); ok {
		if down := d.Degraded(); len(down) > 0 {
			return c.JSON(fiber.Map{"status": "degraded", "storage": s.Offers.Storage(), "down": down})
		}
	}
	return c.JSON(fiber.Map{"status": "ready", "storage": s.Offers.Storage()})
}

//go:embed openapi.json
var openapiJSON []byte

func (s *server) openapi(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(openapiJSON)
}

// searchRequest reads the query parameters of a search (/search and its
// feed, /search.atom); the search service validates them.
func searchRequest(c *fiber.Ctx) (search.Request, error) {
	// Copies: fiber's strings point into its request buffer, reused after the handler.
	r := search.Request{Text: strings.Clone(c.Query("q")), Sort: strings.Clone(c.Query("sort")), Mode: strings.Clone(c.Query("mode"))}
	var err error
	if r.Limit, err = intParam(c, "limit"); err != nil {
		return r, err
	}
	if r.Page, err = intParam(c, "page"); err != nil {
		return r, err
	}
	if r.IncludeClosed, err = boolParam(c, "include_closed", false); err != nil {
		return r, err
	}
	fuzzy, err := boolParam(c, "fuzzy", true)
	if err != nil {
		return r, err
	}
	r.NoFuzzy = !fuzzy
	collapse, err := boolParam(c, "collapse", true)
	if err != nil {
		return r, err
	}
	r.NoCollapse = !collapse
	for _, f := range offres.FacetNames {
		for _, v := range c.Context().QueryArgs().PeekMulti(f) {
			if r.Filters == nil {
				r.Filters = map[string][]string{}
			}
			r.Filters[f] = append(r.Filters[f], string(v))
		}
	}
	return r, nil
}

func (s *server) search(c *fiber.Ctx) error {
	r, err := searchRequest(c)
	if err != nil {
		return err
	}
	var key string
	if s.cache != nil && !s.degraded() {
		key = s.cache.key(c, s.Offers.Today().String(), s.Search.Generation())
		if body, ok := s.cache.get(key); ok {
			c.Set(headerCache, "hit")
			c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
			return c.Send(body)
		}
	}
	ctx, cancel := s.ctx(c, s.opts.RequestTimeout)
	defer cancel()
	release, err := s.admit(ctx, c)
	if err != nil {
		return err
	}
	res, err := s.Search.Search(ctx, r)
	release()
	if err != nil {
		return err
	}
	if key == "" {
		return c.JSON(res)
	}
	body, err := json.Marshal(res)
	if err != nil {
		return err
	}
	// A result in another mode than asked (hybrid answered in keyword
	// mode while the vectors were out of reach) is not kept.
	if asked := cmp.Or(r.Mode, offres.ModeHybrid); res.Mode == asked && !s.degraded() {
		s.cache.put(key, body)
	}
	c.Set(headerCache, "miss")
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(body)
}

// headerCache says whether a search came from the cache: hit or miss.
const headerCache = "X-Cache"

// degraded reports whether a dependency of the searches is down.
func (s *server) degraded() bool {
	d, ok := s.Offers.(degradable)
	return ok && len(d.Degraded()) > 0
}

func (s *server) similar(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	limit, err := intParam(c, "limit")
	if err != nil {
		return err
	}
	closed, err := boolParam(c, "include_closed", false)
	if err != nil {
		return err
	}
	ctx, cancel := s.ctx(c, s.opts.RequestTimeout)
	defer cancel()
	if _, err := s.Offers.Get(ctx, id); err != nil {
		return err
	}
	release, err := s.admit(ctx, c)
	if err != nil {
		return err
	}
	defer release()
	res, err := s.Search.Similar(ctx, id, limit, closed)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

func (s *server) suggest(c *fiber.Ctx) error {
	limit, err := intParam(c, "limit")
	if err != nil {
		return err
	}
	ctx, cancel := s.ctx(c, s.opts.RequestTimeout)
	defer cancel()
	out, err := s.Search.Suggest(ctx, strings.Clone(c.Query("q")), limit)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"suggestions": out})
}

// offerView is an offer as the API shows it: its fields and its deadline
// status today.
type offerView struct {
	offres.Offer
	DeadlineStatus offres.DeadlineStatus `json:"deadline_status"`
	DaysLeft       *int                  `json:"days_left"`
}

func (s *server) getOffer(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	ctx, cancel := s.ctx(c, s.opts.RequestTimeout)
	defer cancel()
	o, err := s.Offers.Get(ctx, id)
	if err != nil {
		return err
	}
	v := offerView{Offer: o}
	var days int
	v.DeadlineStatus, days = o.StatusAt(s.Offers.Today(), s.opts.UndatedOpenDays)
	if !o.Deadline.IsZero() {
		v.DaysLeft = &days
	}
	return c.JSON(v)
}

func (s *server) deleteOffer(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	ctx, cancel := s.ctx(c, s.opts.RequestTimeout)
	defer cancel()
	if err := s.Offers.Delete(ctx, id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// rejection is a record an import refused.
type rejection struct {
	Position string `json:"position"`
	Reason   string `json:"reason"`
}

// importError is an import where nothing was accepted.
type importError struct{ rejected []rejection }

func (e *importError) Error() string { return "no offer accepted" }
func (e *importError) Unwrap() error {
	return &offres.UserError{Kind: offres.ErrInvalid, Message: "aucune offre acceptée : voir la liste des refus"}
}

// maxRejections bounds the rejections echoed in a response.
const maxRejections = 100

func (s *server) postOffers(c *fiber.Ctx) error {
	name, err := bodyName(c.Get(fiber.HeaderContentType))
	if err != nil {
		return err
	}
	// The body is copied: fiber reuses its buffer after the handler returns.
	body := bytes.Clone(c.Body())
	if len(bytes.TrimSpace(body)) == 0 {
		return offres.Invalidf("corps de requête vide")
	}
	ctx, cancel := s.ctx(c, s.opts.ImportTimeout)
	defer cancel()
	sum, rejected, err := s.Offers.Import(ctx, name, bytes.NewReader(body))
	s.observeImport(sum)
	if err != nil {
		return err
	}
	var list []rejection
	for _, r := range rejected[:min(len(rejected), maxRejections)] {
		list = append(list, rejection{Position: r.Pos, Reason: r.Err.Error()})
	}
	if sum.Indexed+sum.Updated+sum.Unchanged == 0 && len(list) > 0 {
		return &importError{rejected: list}
	}
	status := fiber.StatusOK
	if sum.Indexed > 0 {
		status = fiber.StatusCreated
	}
	return c.Status(status).JSON(fiber.Map{"summary": sum, "rejected": nonNil(list)})
}

func nonNil(l []rejection) []rejection {
	if l == nil {
		return []rejection{}
	}
	return l
}

// bodyName gives the importer a file name that says the body's format.
func bodyName(contentType string) (string, error) {
	mt, _, _ := strings.Cut(strings.ToLower(contentType), ";")
	switch strings.TrimSpace(mt) {
	case "", fiber.MIMEApplicationJSON:
		return "body.json", nil
	case "application/x-ndjson", "application/ndjson", "application/jsonl":
		return "body.ndjson", nil
	case "application/ld+json":
		return "body.jsonld", nil
	case fiber.MIMETextHTML:
		return "body.html", nil
	case fiber.MIMETextPlain, "text/markdown":
		return "body.txt", nil
	case "text/csv":
		return "body.csv", nil
	}
	return "", &offres.UserError{Kind: offres.ErrInvalid,
		Message: "type de contenu " + contentType + " non pris en charge : JSON, NDJSON, JSON-LD, HTML, texte ou CSV"}
}

// idParam returns the offer id of the path, URL-unescaped: ids may contain
// "/" (sent as %2F), spaces or accents.
func idParam(c *fiber.Ctx) (string, error) {
	raw := c.Params("id")
	id, err := url.PathUnescape(raw)
	if err != nil || id == "" || !utf8.ValidString(id) || len(id) > offres.MaxIDLen {
		return "", offres.Invalidf("identifiant d'offre invalide")
	}
	return strings.Clone(id), nil
}

func intParam(c *fiber.Ctx, name string) (int, error) {
	v := c.Query(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, offres.Invalidf("le paramètre %s doit être un entier", name)
	}
	return n, nil
}

func boolParam(c *fiber.Ctx, name string, def bool) (bool, error) {
	switch c.Query(name) {
	case "":
		return def, nil
	case "true", "1", "yes", "oui":
		return true, nil
	case "false", "0", "no", "non":
		return false, nil
	}
	return false, offres.Invalidf("le paramètre %s doit valoir true ou false", name)
}
