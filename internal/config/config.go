// Package config is the one place that knows every setting of the offres
// command: its key in the configuration file, its environment variable, its
// command-line flag when it has one, its default, its documentation and its
// validation. The struct tags of Config declare the first five, so that the
// file's keys, the variables and the flags cannot drift apart; Validate
// holds the rules.
//
// A setting is read, from the highest precedence to the lowest, from its
// flag, its environment variable, the configuration file (TOML, decoded
// strictly: an unknown key is an error), then its default. Errors name the
// setting and where its value came from: "offres.toml:12: llm.temperature:
// 3.5 is out of [0, 2]", "OFFRES_HNSW_M: hnsw.m: "x" is not an integer".
//
// The package reads and checks values; the packages that use them own
// their meaning (engine, search, llm, api), and their own defaults where a
// setting's zero value says "the default".
package config

import (
	"fmt"
	"time"
)

// Config holds every setting. A field's tags give its key in the file
// (toml, within the table of its struct), its environment variable (env),
// its flag (flag, optional), its documentation (doc), and whether it is a
// secret (secret: "true", never printed).
type Config struct {
	Data        string `toml:"data" env:"OFFRES_DATA" flag:"data" doc:"data directory: the offers catalogue, the full-text index, the built-in model (the local full-text index only with database_url)"`
	LogLevel    string `toml:"log_level" env:"OFFRES_LOG_LEVEL" flag:"log-level" doc:"debug, info, warn or error"`
	DatabaseURL string `toml:"database_url" env:"OFFRES_DATABASE_URL" flag:"database-url" secret:"true" doc:"PostgreSQL with pgvector holding the offers and their vectors (postgres://user:password@host/db)"`

	Server Server `toml:"server"`
	Limits Limits `toml:"limits"`
	Search Search `toml:"search"`
	HNSW   HNSW   `toml:"hnsw"`
	LLM    LLM    `toml:"llm"`
	Embed  Embed  `toml:"embed"`
}

// Server configures offres serve and offres demo.
type Server struct {
	Addr            string   `toml:"addr" env:"OFFRES_ADDR" flag:"addr" doc:"listen address"`
	CORSOrigins     []string `toml:"cors_origins" env:"OFFRES_CORS_ORIGINS" flag:"cors-origins" doc:"origins of the portals on other hosts that embed the widget (https://emploi.example.nc), or * alone"`
	TrustedProxies  []string `toml:"trusted_proxies" env:"OFFRES_TRUSTED_PROXIES" doc:"addresses (IPs or CIDR ranges) of the reverse proxies whose X-Forwarded-For is believed"`
	AdminToken      string   `toml:"admin_token" env:"OFFRES_ADMIN_TOKEN" secret:"true" doc:"bearer token of the write routes (import, delete), at least 32 characters; none: they answer 401"`
	ShutdownTimeout Duration `toml:"shutdown_timeout" env:"OFFRES_SHUTDOWN_TIMEOUT" doc:"how long a stopping server waits for the requests in flight"`
	PublicURL       string   `toml:"public_url" env:"OFFRES_PUBLIC_URL" doc:"address the public reaches the service at (https://emploi.example.nc, behind the portal's reverse proxy): the base of the offer pages' links, the sitemap, robots.txt and the feeds; none: each request's scheme and host"`
}

// Limits bound what one client or one API key may ask of offres serve;
// zero: the default. The counts are each process's own.
type Limits struct {
	AskPerMinute    int `toml:"ask_per_minute" env:"OFFRES_ASK_PER_MINUTE" doc:"questions (/ask) and matchings (/match) per client and minute (0: 20)"`
	EventsPerMinute int `toml:"events_per_minute" env:"OFFRES_EVENTS_PER_MINUTE" doc:"analytics requests of the widget per client and minute (0: 60)"`
	KeyPerMinute    int `toml:"key_per_minute" env:"OFFRES_KEY_PER_MINUTE" doc:"requests per API key (recruiter, analyst) and minute (0: 120)"`
	// ConcurrentRequests is api.Options.ConcurrentRequests.
	ConcurrentRequests int `toml:"concurrent_requests" env:"OFFRES_CONCURRENT_REQUESTS" doc:"computed requests (searches not cached, similar offers, matchings) served at once; the others wait, or answer 503 at once when they could not be served before their deadline (0: twice the cores; -1: no bound)"`
}

// Search tunes hybrid search (search.HybridOptions); zero: the default.
type Search struct {
	RRFK           float64  `toml:"rrf_k" env:"OFFRES_RRF_K" doc:"rank constant of the reciprocal rank fusion (0: 60)"`
	KeywordWeight  float64  `toml:"keyword_weight" env:"OFFRES_KEYWORD_WEIGHT" doc:"weight of the keyword ranking in the fusion (0: 2)"`
	SemanticWeight float64  `toml:"semantic_weight" env:"OFFRES_SEMANTIC_WEIGHT" doc:"weight of the semantic ranking in the fusion (0: 1)"`
	MinSimilarity  float64  `toml:"min_similarity" env:"OFFRES_MIN_SIMILARITY" doc:"cosine similarity under which a passage is no semantic match, in [-1, 1] (0: 0.25)"`
	CacheEntries   int      `toml:"cache_entries" env:"OFFRES_SEARCH_CACHE_ENTRIES" doc:"searches kept (their JSON) for the visitors who ask them again, until an import or a deletion; -1: no cache (0: 2048)"`
	CacheTTL       Duration `toml:"cache_ttl" env:"OFFRES_SEARCH_CACHE_TTL" doc:"how long a search is kept at most (0: 30s)"`
	// UndatedOpenDays is how long an offer without a deadline is open
	// after its publication (offres.DefaultUndatedOpenDays).
	UndatedOpenDays int `toml:"undated_open_days" env:"OFFRES_UNDATED_OPEN_DAYS" doc:"days an offer without a deadline stays open after its publication, then expired: hidden like a closed offer (0: 60)"`
}

// HNSW configures the HNSW indexes of the PostgreSQL mode; zero:
// pgvector's defaults.
type HNSW struct {
	M              int `toml:"m" env:"OFFRES_HNSW_M" doc:"connections per node, in [2, 100] (0: pgvector's 16)"`
	EfConstruction int `toml:"ef_construction" env:"OFFRES_HNSW_EF_CONSTRUCTION" doc:"candidate list size while building, in [4, 1000] and at least 2 × m (0: pgvector's 64)"`
}

// LLM is the OpenAI-compatible chat model of the assistant; no model: the
// assistant answers by extraction.
type LLM struct {
	Model       string   `toml:"model" env:"OFFRES_LLM_MODEL" doc:"chat model (mistral-small-latest, gpt-4o-mini, llama3.1…); none: extractive answers"`
	BaseURL     string   `toml:"base_url" env:"OFFRES_LLM_BASE_URL" doc:"OpenAI-compatible endpoint (default https://api.openai.com/v1)"`
	APIKey      string   `toml:"api_key" env:"OFFRES_LLM_API_KEY" secret:"true" doc:"API key of the endpoint"`
	Temperature float64  `toml:"temperature" env:"OFFRES_LLM_TEMPERATURE" doc:"sampling temperature, in [0, 2] (0: 0.2)"`
	MaxTokens   int      `toml:"max_tokens" env:"OFFRES_LLM_MAX_TOKENS" doc:"tokens per answer, at most 16384 (0: 700)"`
	Timeout     Duration `toml:"timeout" env:"OFFRES_LLM_TIMEOUT" doc:"bound of a whole answer, retries included (0: 60s)"`
	// Token budgets: past one, the answers are extractive.
	TokensPerClientDay int `toml:"tokens_per_client_day" env:"OFFRES_LLM_TOKENS_PER_CLIENT_DAY" doc:"tokens (prompt and completion) the model may spend on one client in a day in Nouméa; -1: no bound (0: 20000)"`
	TokensPerDay       int `toml:"tokens_per_day" env:"OFFRES_LLM_TOKENS_PER_DAY" doc:"tokens the model may spend in a day for all clients of the process (0: no bound)"`
	MaxPromptTokens    int `toml:"max_prompt_tokens" env:"OFFRES_LLM_MAX_PROMPT_TOKENS" doc:"estimated tokens of one prompt, past which the answer is extractive (0: 8000)"`
}

// Embed is the OpenAI-compatible embedding model; no model: the built-in
// one.
type Embed struct {
	Model      string `toml:"model" env:"OFFRES_EMBED_MODEL" doc:"embedding model (mistral-embed, text-embedding-3-small, nomic-embed-text…); none: the built-in model"`
	BaseURL    string `toml:"base_url" env:"OFFRES_EMBED_BASE_URL" doc:"OpenAI-compatible endpoint (default https://api.openai.com/v1)"`
	APIKey     string `toml:"api_key" env:"OFFRES_EMBED_API_KEY" secret:"true" doc:"API key of the endpoint"`
	Dimensions int    `toml:"dimensions" env:"OFFRES_EMBED_DIMENSIONS" doc:"dimensions asked of the model (0: the model's own)"`
}

// Default returns the defaults.
func Default() Config {
	return Config{
		Data:     "./data",
		LogLevel: "info",
		Server:   Server{Addr: ":8080", ShutdownTimeout: Duration{30 * time.Second}},
	}
}

// Duration is a time.Duration written as in Go: "30s", "1m30s".
type Duration struct{ time.Duration }

// UnmarshalText reads a duration such as "30s".
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("%q is not a duration such as 30s or 1m", b)
	}
	d.Duration = v
	return nil
}

// MarshalText writes the duration as "30s".
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }
