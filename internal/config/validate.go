package config

import (
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"strings"

	"offres/internal/llm"
)

// MinAdminToken is the shortest admin token accepted: a shorter one could
// be guessed, even at the rate failed attempts are throttled to.
const MinAdminToken = 32

// validate checks every setting, returning one error per problem.
func (l *Loaded) validate() []error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, l.Errorf(key, format, args...))
	}
	c := &l.Config

	if strings.TrimSpace(c.Data) == "" {
		bad("data", "is empty")
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.LogLevel)); err != nil {
		bad("log_level", "%q is not debug, info, warn or error", c.LogLevel)
	}
	if u := c.DatabaseURL; u != "" {
		if p, err := url.Parse(u); err == nil && p.Scheme != "" {
			if p.Scheme != "postgres" && p.Scheme != "postgresql" {
				bad("database_url", "scheme %q: want postgres://…", p.Scheme)
			}
		} else if !strings.Contains(u, "=") {
			bad("database_url", "is neither a postgres:// URL nor a keyword=value connection string")
		}
	}

	if _, _, err := net.SplitHostPort(c.Server.Addr); err != nil {
		bad("server.addr", "%q is not host:port or :port", c.Server.Addr)
	}
	for _, p := range c.Server.TrustedProxies {
		if _, err := netip.ParseAddr(p); err != nil {
			if _, err := netip.ParsePrefix(p); err != nil {
				bad("server.trusted_proxies", "%q is neither an IP address nor a CIDR range", p)
			}
		}
	}
	if t := c.Server.AdminToken; t != "" && len(strings.TrimSpace(t)) < MinAdminToken {
		bad("server.admin_token", "is %d characters long: want at least %d (for instance openssl rand -hex 16)", len(strings.TrimSpace(t)), MinAdminToken)
	}
	if u := c.Server.PublicURL; u != "" {
		p, err := url.Parse(u)
		switch {
		case err != nil || p.Host == "" || (p.Scheme != "http" && p.Scheme != "https"):
			bad("server.public_url", "%q is not an http:// or https:// URL", u)
		case p.RawQuery != "" || p.Fragment != "" || p.User != nil:
			bad("server.public_url", "%q: want scheme, host and at most a path, no query, fragment or user", u)
		}
	}
	if c.Server.ShutdownTimeout.Duration <= 0 {
		bad("server.shutdown_timeout", "%s: want a positive duration", c.Server.ShutdownTimeout)
	}

	for _, f := range []struct {
		key string
		x   float64
	}{
		{"search.rrf_k", c.Search.RRFK},
		{"search.keyword_weight", c.Search.KeywordWeight},
		{"search.semantic_weight", c.Search.SemanticWeight},
	} {
		if f.x < 0 || f.x == 0 && l.IsSet(f.key) {
			bad(f.key, "%g: want a positive number", f.x)
		}
	}
	if n := c.Search.UndatedOpenDays; n < 0 || n > 3650 {
		bad("search.undated_open_days", "%d is out of [0, 3650]", n)
	}
	if n := c.Search.CacheEntries; n < -1 {
		bad("search.cache_entries", "%d: want -1 (no cache), 0 (the default) or a positive number", n)
	}
	if d := c.Search.CacheTTL.Duration; d < 0 {
		bad("search.cache_ttl", "%s is negative", d)
	}
	if x := c.Search.MinSimilarity; !(x >= -1 && x <= 1) {
		bad("search.min_similarity", "%g is out of [-1, 1]", x)
	}

	// pgvector's limits, checked here rather than when the index is built.
	if m := c.HNSW.M; m != 0 && (m < 2 || m > 100) {
		bad("hnsw.m", "%d is out of [2, 100]", m)
	}
	if ef := c.HNSW.EfConstruction; ef != 0 {
		m := c.HNSW.M
		if m == 0 {
			m = 16
		}
		switch {
		case ef < 4 || ef > 1000:
			bad("hnsw.ef_construction", "%d is out of [4, 1000]", ef)
		case ef < 2*m:
			bad("hnsw.ef_construction", "%d is less than 2 × hnsw.m (%d)", ef, 2*m)
		}
	}

	l.endpoint(bad, "llm", c.LLM.Model, c.LLM.BaseURL, c.LLM.APIKey)
	if x := c.LLM.Temperature; !(x >= 0 && x <= llm.MaxChatTemperature) {
		bad("llm.temperature", "%g is out of [0, %d]", x, llm.MaxChatTemperature)
	}
	if n := c.LLM.MaxTokens; n < 0 || n > llm.MaxChatMaxTokens {
		bad("llm.max_tokens", "%d is out of [0, %d]", n, llm.MaxChatMaxTokens)
	}
	if d := c.LLM.Timeout.Duration; d < 0 {
		bad("llm.timeout", "%s is negative", d)
	}
	if n := c.LLM.TokensPerClientDay; n < -1 {
		bad("llm.tokens_per_client_day", "%d: want -1 (no bound), 0 (the default) or a positive number", n)
	}
	for _, f := range []struct {
		key string
		n   int
	}{
		{"llm.tokens_per_day", c.LLM.TokensPerDay},
		{"llm.max_prompt_tokens", c.LLM.MaxPromptTokens},
		{"limits.ask_per_minute", c.Limits.AskPerMinute},
		{"limits.events_per_minute", c.Limits.EventsPerMinute},
		{"limits.key_per_minute", c.Limits.KeyPerMinute},
	} {
		if f.n < 0 {
			bad(f.key, "%d is negative", f.n)
		}
	}
	if n := c.Limits.ConcurrentRequests; n < -1 {
		bad("limits.concurrent_requests", "%d: want -1 (no bound), 0 (the default) or a positive number", n)
	}
	l.endpoint(bad, "embed", c.Embed.Model, c.Embed.BaseURL, c.Embed.APIKey)
	if n := c.Embed.Dimensions; n < 0 {
		bad("embed.dimensions", "%d is negative", n)
	}
	return errs
}

// endpoint checks the settings of an OpenAI-compatible endpoint: a URL
// that works; endpoint settings without the model that turns it on are
// warned about.
func (l *Loaded) endpoint(bad func(key, format string, args ...any), table, model, baseURL, apiKey string) {
	if baseURL != "" {
		u, err := url.Parse(baseURL)
		switch {
		case err != nil:
			bad(table+".base_url", "%q is not a URL", baseURL)
		case u.Scheme != "http" && u.Scheme != "https":
			bad(table+".base_url", "%q: want an http or https URL", baseURL)
		case u.Host == "":
			bad(table+".base_url", "%q has no host", baseURL)
		case u.User != nil:
			bad(table+".base_url", "must not hold credentials: give them in %s.api_key", table)
		}
	}
	if strings.TrimSpace(model) == "" {
		for _, key := range []string{table + ".base_url", table + ".api_key"} {
			if l.IsSet(key) {
				l.Warnings = append(l.Warnings, l.Errorf(key, "is set but %s.model is not: it is not used", table).Error())
			}
		}
	}
}

// String describes where a setting came from and its value, secrets
// masked: for logs.
func (l *Loaded) String() string {
	var b strings.Builder
	for _, s := range allSettings() {
		if l.IsSet(s.Key) {
			fmt.Fprintf(&b, "%s=%s (%s) ", s.Key, s.Format(&l.Config), l.Origin(s.Key))
		}
	}
	return strings.TrimSpace(b.String())
}
