package llm

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"offres/internal/offres"
)

// The parts ChatConfig and EmbedConfig share: where the endpoint is, its
// key, its model and the retries of a call.

// problems collects the problems of a configuration, each naming its field
// and wrapping offres.ErrInvalid.
type problems struct {
	kind string // "chat config", "embed config"
	errs []error
}

func (p *problems) bad(field, format string, args ...any) {
	p.errs = append(p.errs, fmt.Errorf("%s: %s %s: %w", p.kind, field, fmt.Sprintf(format, args...), offres.ErrInvalid))
}

func (p *problems) err() error { return errors.Join(p.errs...) }

// endpoint checks the base URL and the model, the fields every
// OpenAI-compatible endpoint needs.
func (p *problems) endpoint(baseURL, model string) {
	if baseURL != "" {
		u, err := url.Parse(baseURL)
		switch {
		case err != nil:
			p.bad("BaseURL", "is not a URL")
		case u.Scheme != "http" && u.Scheme != "https":
			p.bad("BaseURL", "must be an http or https URL")
		case u.Host == "":
			p.bad("BaseURL", "has no host")
		case u.User != nil:
			p.bad("BaseURL", "must not hold credentials (use APIKey)")
		}
	}
	if strings.TrimSpace(model) == "" {
		p.bad("Model", "is required")
	}
}

// keyState is what a configuration's String shows of its API key: whether
// it is set, never the key.
func keyState(apiKey string) string {
	if apiKey != "" {
		return "set"
	}
	return "none"
}

// retries resolves a MaxRetries setting: 0 takes def, a negative value
// means none.
func retries(n, def int) int {
	switch {
	case n == 0:
		return def
	case n < 0:
		return 0
	}
	return n
}
