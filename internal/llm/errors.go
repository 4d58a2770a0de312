package llm

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// ErrBadResponse is the error class of a response that breaks the API's
// contract: not JSON, a count of embeddings other than the count of
// inputs, indexes out of range or repeated, vectors of unequal or
// unexpected dimensions. It is not retried: the same request would get the
// same answer.
var ErrBadResponse = errors.New("bad response")

// StatusError is an error response of the endpoint.
type StatusError struct {
	StatusCode int    // HTTP status
	Type       string // the provider's error type, e.g. "invalid_request_error", when given
	Code       string // the provider's error code, e.g. "rate_limit_exceeded", when given
	// Message is the provider's message, shortened; withheld when it quotes
	// an input, and with the API key masked.
	Message   string
	RequestID string // the x-request-id header, to quote to the provider's support
}

func (e *StatusError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP %d", e.StatusCode)
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	} else if e.Type != "" {
		b.WriteString(" " + e.Type)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.RequestID != "" {
		b.WriteString(" (request id " + e.RequestID + ")")
	}
	return b.String()
}

// maxMessageLen bounds the provider message kept in a StatusError.
const maxMessageLen = 300

// quotePrefixLen is the length of the start of an input looked for in a
// provider message; inputs shorter than minQuoteLen are not looked for, as
// they would match ordinary words.
const (
	quotePrefixLen = 24
	minQuoteLen    = 8
)

// withheldMessage replaces a provider message that quotes an input.
const withheldMessage = "(message withheld: it quotes an input)"

// sanitizeMessage makes a provider message fit for an error: withheld when
// it contains the start of one of the inputs (some servers echo the input
// they reject; a best effort, as an echo may be escaped or cut), the API key
// masked, shortened to maxMessageLen bytes.
func sanitizeMessage(msg, apiKey string, inputs []string) string {
	msg = strings.TrimSpace(msg)
	for _, in := range inputs {
		p := strings.TrimSpace(in)
		if len(p) < minQuoteLen {
			continue
		}
		if len(p) > quotePrefixLen {
			p = p[:quotePrefixLen]
		}
		if strings.Contains(msg, p) {
			return withheldMessage
		}
	}
	if len(apiKey) >= 4 {
		msg = strings.ReplaceAll(msg, apiKey, "[api key]")
	}
	if len(msg) > maxMessageLen {
		cut := maxMessageLen
		for cut > 0 && !utf8.RuneStart(msg[cut]) {
			cut--
		}
		msg = msg[:cut] + "…"
	}
	return msg
}
