package api

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/pprof"

	"offres/indexer"
	"offres/internal/offres"
	"offres/search"
)

// Searcher answers searches and suggestions.
type Searcher interface {
	Search(ctx context.Context, r search.Request) (offres.Result, error)
	// Generation identifies the state of the index, for the cache of
	// searches: it changes with every write.
	Generation() uint64
	Suggest(ctx context.Context, prefix string, limit int) ([]offres.Suggestion, error)
	Similar(ctx context.Context, id string, limit int, includeClosed bool) (offres.Result, error)
}

// Offers reads and writes the catalogue.
type Offers interface {
	Get(ctx context.Context, id string) (offres.Offer, error)
	Import(ctx context.Context, name string, r io.Reader) (indexer.Summary, []indexer.Record, error)
	Delete(ctx context.Context, id string) error
	// Deleted reports whether id was deleted (and not imported again):
	// its page answers 410 rather than 404.
	Deleted(ctx context.Context, id string) (bool, error)
	// ScanModified calls fn for every offer with the time it was last
	// stored with a new content (the sitemap).
	ScanModified(ctx context.Context, fn func(offres.Offer, time.Time) error) error
	Today() offres.Date
	Ready(ctx context.Context) error
	// Storage names the storage mode, for readiness reports.
	Storage() string
}

// Options bound the server. Zero fields take the defaults below.
type Options struct {
	// AdminToken guards the write routes; when empty they always answer 401.
	AdminToken     string
	BodyLimit      int           // bytes; default 8 MiB
	ReadTimeout    time.Duration // default 10 s
	WriteTimeout   time.Duration // default 30 s
	IdleTimeout    time.Duration // default 60 s
	RequestTimeout time.Duration // deadline of each handler; default 5 s
	ImportTimeout  time.Duration // deadline of POST /offers; default 60 s
	AskTimeout     time.Duration // deadline of an answer, streamed or not; default 60 s
	AskPerMinute   int           // questions per client and minute; default 20
	AskKeepAlive   time.Duration // interval of the keep-alive comments of a stream; default 2 s
	Logger         *slog.Logger
	// CORSOrigins are the origins whose pages may call the API from a
	// browser (portals on other hosts; see CheckCORSOrigins); none: same
	// origin only.
	CORSOrigins     []string
	EventsPerMinute int // analytics events requests per client and minute; default 60
	// KeyPerMinute bounds the requests of each API key (recruiters,
	// analysts) to the routes it opens; default 120.
	KeyPerMinute int
	// TrustedProxies are the addresses (IPs or CIDR ranges) of the reverse
	// proxies in front of offres: only from them is X-Forwarded-For read
	// as the client's address, so a forged header gains nothing from a
	// client's rate limit. None: the connection's address is the client's.
	TrustedProxies []string
	// SearchCacheEntries bounds the searches kept (their JSON) for the
	// visitors who ask them again; default 2048, negative: no cache.
	// SearchCacheTTL bounds how long one is kept; default 30 s.
	SearchCacheEntries int
	SearchCacheTTL     time.Duration
	// AuthFailuresPerMinute bounds the refused admin tokens and API keys
	// of one client in a minute; past it, its authenticated requests
	// answer 429 until the minute ends. Default 10.
	AuthFailuresPerMinute int
	// PublicURL is the service's address as the public reaches it
	// (https://emploi.province-sud.nc behind the portal's reverse proxy),
	// without a trailing slash: the base of the offer pages' canonical
	// links, the sitemap, robots.txt and the feeds. Empty: the scheme and
	// host of each request.
	PublicURL string
	// UndatedOpenDays is how long an offer without a deadline is open
	// after its publication, as in the engine's search
	// (offres.DefaultUndatedOpenDays when zero).
	UndatedOpenDays int
	// ConcurrentRequests bounds the computed requests served at once (a
	// search the cache does not hold, similar offers, a matching, a
	// recruiter's candidates); the others wait their turn, or answer 503
	// at once when the wait would outlast their deadline (shed.go).
	// Default: twice GOMAXPROCS; negative: no bound, nothing shed.
	ConcurrentRequests int
}

func (o *Options) defaults() {
	if o.BodyLimit <= 0 {
		o.BodyLimit = 8 << 20
	}
	if o.ReadTimeout <= 0 {
		o.ReadTimeout = 10 * time.Second
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = 30 * time.Second
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = 60 * time.Second
	}
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = 5 * time.Second
	}
	if o.ImportTimeout <= 0 {
		o.ImportTimeout = 60 * time.Second
	}
	if o.AskTimeout <= 0 {
		o.AskTimeout = 60 * time.Second
	}
	if o.AskPerMinute <= 0 {
		o.AskPerMinute = 20
	}
	if o.AskKeepAlive <= 0 {
		o.AskKeepAlive = 2 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.EventsPerMinute <= 0 {
		o.EventsPerMinute = 60
	}
	if o.KeyPerMinute <= 0 {
		o.KeyPerMinute = 120
	}
	if o.SearchCacheEntries == 0 {
		o.SearchCacheEntries = 2048
	}
	if o.SearchCacheTTL <= 0 {
		o.SearchCacheTTL = 30 * time.Second
	}
	if o.AuthFailuresPerMinute <= 0 {
		o.AuthFailuresPerMinute = 10
	}
}

// Deps are what the API serves.
type Deps struct {
	Search Searcher
	Offers Offers
	// Assistant answers /ask; nil: 503.
	Assistant Assistant
	// Matching answers /match; nil: 503.
	Matching Matching
	// Recruiters and Candidates serve the profile routes; nil: 503.
	Recruiters Recruiters
	Candidates Candidates
	// Analytics counts the widget's events and reports them; nil: 503.
	Analytics Analytics
	// Web holds the widget and the demo pages (web.Assets); nil: 404.
	Web fs.FS
	// Metrics records requests and imports and serves /metrics
	// (metrics.Registry); nil: /metrics answers 404.
	Metrics Metrics
}

type server struct {
	Deps
	opts       Options
	adminHash  [32]byte
	adminValid bool
	cache      *searchCache // nil: none
	proxies    proxies      // trusted reverse proxies
	authFails  *authFailures
	sitemaps   sitemapCache
	admission  *admission // nil: no bound
}

// New builds the fiber app.
func New(deps Deps, opts Options) *fiber.App {
	opts.defaults()
	opts.PublicURL = strings.TrimRight(opts.PublicURL, "/")
	s := &server{Deps: deps, opts: opts, cache: newSearchCache(opts.SearchCacheEntries, opts.SearchCacheTTL), proxies: parseProxies(opts.TrustedProxies),
		authFails: newAuthFailures(opts.AuthFailuresPerMinute), admission: newAdmission(opts.ConcurrentRequests)}
	if opts.AdminToken != "" {
		s.adminHash, s.adminValid = sha256.Sum256([]byte(opts.AdminToken)), true
	}
	app := fiber.New(fiber.Config{
		AppName:               "offres",
		BodyLimit:             opts.BodyLimit,
		ReadTimeout:           opts.ReadTimeout,
		WriteTimeout:          opts.WriteTimeout,
		IdleTimeout:           opts.IdleTimeout,
		ReadBufferSize:        8192,
		DisableStartupMessage: true,
		ErrorHandler:          s.handleError,
		// The client's address is s.clientIP's (X-Forwarded-For from a
		// trusted proxy, read from the right), not fiber's c.IP(), which
		// would take the header's left-most entry, the client's own.
	})
	app.Use(s.observe, s.recoverPanics())
	if len(opts.CORSOrigins) > 0 {
		app.Use(corsMiddleware(opts.CORSOrigins))
	}
	// One budget per key, over all the routes a key opens.
	perKey := s.keyLimiter()
	for _, r := range s.routes() {
		handlers := []fiber.Handler{markRoute(r.path), allowParams(r.params)}
		switch r.access {
		case accessAdmin:
			handlers = append(handlers, s.throttleAuth, s.requireAdmin)
		case accessRecruiter:
			handlers = append(handlers, s.throttleAuth, s.requireRole(offres.RoleRecruiter), perKey)
		case accessAnalyst:
			handlers = append(handlers, s.throttleAuth, s.requireAnalyst, perKey)
		}
		if r.limited {
			handlers = append(handlers, s.routeLimiter(r))
		}
		app.Add(r.method, r.path, append(handlers, r.handler)...)
	}
	// Unknown routes fall through to fiber's 404 (or 405 when the path exists
	// for another method), rendered by handleError.
	return app
}

// Access classes of routes.
type access string

const (
	accessPublic    access = "public"
	accessRecruiter access = "recruiter" // a key of role recruiter; its own profiles only
	accessAdmin     access = "admin"
	accessAnalyst   access = "analyst" // the admin token, or a key of role analyst
)

type route struct {
	method, path string
	access       access
	params       []string // accepted query parameters
	handler      fiber.Handler
	limited      bool // rate-limited per client
}

// routes is the one table of the API: every route, its access class and
// its accepted query parameters.
func (s *server) routes() []route {
	searchParams := append([]string{"q", "limit", "page", "sort", "include_closed", "fuzzy", "mode", "collapse"}, offres.FacetNames...)
	return []route{
		{fiber.MethodGet, "/healthz", accessPublic, nil, s.healthz, false},
		{fiber.MethodGet, "/readyz", accessPublic, nil, s.readyz, false},
		{fiber.MethodGet, "/api/v1/openapi.json", accessPublic, nil, s.openapi, false},
		{fiber.MethodGet, "/api/v1/search", accessPublic, searchParams, s.search, false},
		{fiber.MethodGet, "/api/v1/search.atom", accessPublic, searchParams, s.searchFeed, false},
		{fiber.MethodGet, "/api/v1/suggest", accessPublic, []string{"q", "limit"}, s.suggest, false},
		{fiber.MethodPost, "/api/v1/ask", accessPublic, nil, s.ask, true},
		{fiber.MethodPost, "/api/v1/match", accessPublic, nil, s.match, true},
		{fiber.MethodGet, "/api/v1/offers/:id", accessPublic, nil, s.getOffer, false},
		{fiber.MethodGet, "/api/v1/offers/:id/similar", accessPublic, []string{"limit", "include_closed"}, s.similar, false},
		{fiber.MethodPost, "/api/v1/offers/:id/candidates", accessRecruiter, nil, s.candidates, false},
		{fiber.MethodPost, "/api/v1/profiles", accessRecruiter, nil, s.createProfile, false},
		{fiber.MethodGet, "/api/v1/profiles", accessRecruiter, nil, s.listProfiles, false},
		{fiber.MethodGet, "/api/v1/profiles/:pid", accessRecruiter, nil, s.getProfile, false},
		{fiber.MethodDelete, "/api/v1/profiles/:pid", accessRecruiter, nil, s.deleteProfile, false},
		{fiber.MethodPost, "/api/v1/offers", accessAdmin, nil, s.postOffers, false},
		{fiber.MethodDelete, "/api/v1/offers/:id", accessAdmin, nil, s.deleteOffer, false},
		// The portal: the widget, the demo pages, search analytics.
		{fiber.MethodGet, "/", accessPublic, anyParams, s.webPage("index.html"), false},
		{fiber.MethodGet, "/analytics", accessPublic, anyParams, s.webPage("analytics.html"), false},
		{fiber.MethodGet, "/widget.js", accessPublic, []string{"v"}, s.webPage("widget.js"), false},
		{fiber.MethodGet, "/static/*", accessPublic, []string{"v"}, s.webStatic(), false},
		// What search engines and shared links reach: a page per offer,
		// the sitemap of the open ones, robots.txt.
		{fiber.MethodGet, "/offres/:id", accessPublic, anyParams, s.offerPage, false},
		{fiber.MethodGet, "/sitemap.xml", accessPublic, nil, s.sitemap, false},
		{fiber.MethodGet, "/robots.txt", accessPublic, nil, s.robots, false},
		{fiber.MethodPost, eventsPath, accessPublic, nil, s.postEvents, true},
		{fiber.MethodGet, "/api/v1/admin/analytics", accessAnalyst, []string{"days", "limit"}, s.getAnalytics, false},
		// Operations: Prometheus metrics (for a scraper with an analyst key
		// or the admin token) and Go's profiles (the admin token only).
		{fiber.MethodGet, "/metrics", accessAnalyst, nil, s.metrics(), false},
		{fiber.MethodGet, "/debug/pprof/*", accessAdmin, anyParams, pprof.New(), false},
	}
}

// anyParams lets a page route take any query parameter: a portal's links
// carry their own (« ?utm_source=… »).
var anyParams = []string{"*"}

// allowParams rejects query parameters the route does not know, so a typo
// (« categori=A ») is an error rather than a silently ignored filter.
func allowParams(allowed []string) fiber.Handler {
	if len(allowed) == 1 && allowed[0] == "*" {
		return func(c *fiber.Ctx) error { return c.Next() }
	}
	return func(c *fiber.Ctx) error {
		var unknown string
		c.Context().QueryArgs().VisitAll(func(k, _ []byte) {
			if unknown != "" {
				return
			}
			for _, a := range allowed {
				if string(k) == a {
					return
				}
			}
			unknown = string(k)
		})
		if unknown != "" {
			return offres.Invalidf("paramètre inconnu : %q", unknown)
		}
		return c.Next()
	}
}

func (s *server) requireAdmin(c *fiber.Ctx) error {
	token, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
	sum := sha256.Sum256([]byte(token))
	if !ok || !s.adminValid || subtle.ConstantTimeCompare(sum[:], s.adminHash[:]) != 1 {
		return &offres.UserError{Kind: offres.ErrUnauthorized, Message: "jeton d'administration manquant ou invalide"}
	}
	return c.Next()
}

// ctx returns the handler's context with its deadline. fiber's user context
// is not cancelled when a client goes away, so the deadline is what bounds
// the work.
func (s *server) ctx(c *fiber.Ctx, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(c.UserContext(), d)
}

// errorBody is the JSON of every error.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	// Rejected lists the records an import refused, when that is the error.
	Rejected []rejection `json:"rejected,omitempty"`
}

// handleError maps errors to statuses and French messages, in one place.
func (s *server) handleError(c *fiber.Ctx, err error) error {
	status, code, msg := fiber.StatusInternalServerError, "internal", "erreur interne du service"
	var fe *fiber.Error
	var ue *offres.UserError
	switch {
	case retryAfter(c, err):
		status, code, msg = fiber.StatusServiceUnavailable, "overloaded", "service surchargé : trop de requêtes en attente, réessayez dans quelques secondes"
	case errors.As(err, &fe):
		status, code, msg = fe.Code, codeOf(fe.Code), frenchStatus(fe.Code, fe.Message)
	case errors.Is(err, offres.ErrInvalid):
		status, code, msg = fiber.StatusBadRequest, "invalid_request", "requête invalide"
	case errors.Is(err, offres.ErrNotFound):
		status, code, msg = fiber.StatusNotFound, "not_found", "offre introuvable"
	case errors.Is(err, offres.ErrUnauthorized):
		status, code, msg = fiber.StatusUnauthorized, "unauthorized", "authentification requise"
	case errors.Is(err, offres.ErrForbidden):
		status, code, msg = fiber.StatusForbidden, "forbidden", "cette clé n'y donne pas accès"
	case errors.Is(err, offres.ErrUnavailable):
		status, code, msg = fiber.StatusServiceUnavailable, "unavailable", "service momentanément indisponible"
	case errors.Is(err, context.DeadlineExceeded):
		status, code, msg = fiber.StatusGatewayTimeout, "timeout", "la requête a pris trop de temps"
	}
	if errors.As(err, &ue) {
		msg = ue.Message
	}
	// A 503 is a known state (a database or model down), reported by the
	// engine once per outage and counted by the metrics: one line per
	// request would flood the logs.
	if status >= 500 && status != fiber.StatusServiceUnavailable {
		s.opts.Logger.Error("request failed", logKeyRequestID, c.Locals(localsRequestID), logKeyRoute, c.Locals(localsRoute), logKeyErr, err)
	}
	c.Locals(localsErrorCode, code)
	body := errorBody{Error: errorDetail{Code: code, Message: msg}}
	var ie *importError
	if errors.As(err, &ie) {
		body.Error.Rejected = ie.rejected
	}
	return c.Status(status).JSON(body)
}

func codeOf(status int) string {
	switch status {
	case fiber.StatusBadRequest:
		return "invalid_request"
	case fiber.StatusUnauthorized:
		return "unauthorized"
	case fiber.StatusNotFound:
		return "not_found"
	case fiber.StatusMethodNotAllowed:
		return "method_not_allowed"
	case fiber.StatusRequestEntityTooLarge:
		return "body_too_large"
	case fiber.StatusRequestHeaderFieldsTooLarge:
		return "headers_too_large"
	case fiber.StatusRequestTimeout:
		return "timeout"
	case fiber.StatusUnsupportedMediaType:
		return "unsupported_media_type"
	}
	if status >= 500 {
		return "internal"
	}
	return "error"
}

func frenchStatus(status int, fallback string) string {
	switch status {
	case fiber.StatusNotFound:
		return "route inconnue"
	case fiber.StatusMethodNotAllowed:
		return "méthode non autorisée sur cette route"
	case fiber.StatusRequestEntityTooLarge:
		return "corps de requête trop volumineux"
	case fiber.StatusRequestHeaderFieldsTooLarge:
		return "en-têtes trop volumineux"
	case fiber.StatusRequestTimeout:
		return "la requête a pris trop de temps"
	case fiber.StatusUnsupportedMediaType:
		return "type de contenu non pris en charge"
	case fiber.StatusBadRequest:
		return "requête invalide"
	}
	if status >= 500 {
		return "erreur interne du service"
	}
	return fallback
}
