package llm

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/sashabaranov/go-openai"
)

// Backoff between attempts.
const (
	// BaseBackoff is the wait before the first retry when the server gives
	// no Retry-After; it doubles at each retry.
	BaseBackoff = 500 * time.Millisecond
	// MaxRetryWait caps every wait between attempts, Retry-After included.
	MaxRetryWait = 30 * time.Second
)

// backoff returns the wait before retry number retry (1 for the first): the
// exponential step base·2^(retry-1), capped at max, with "equal jitter":
// half of the step plus a random part of the other half, r in [0, 1). The
// jitter spreads the retries of concurrent batches; keeping half the step
// keeps the wait from collapsing to nothing.
func backoff(retry int, base, max time.Duration, r float64) time.Duration {
	step := base
	for i := 1; i < retry && step < max; i++ {
		step *= 2
	}
	step = min(step, max)
	return step/2 + time.Duration(r*float64(step/2))
}

// parseRetryAfter reads the server's requested wait from the response
// headers: retry-after-ms (milliseconds, sent by OpenAI) first, then
// Retry-After as delay-seconds or an HTTP date (RFC 9110 §10.2.3). A date
// in the past means no wait. ok is false when neither header is usable.
func parseRetryAfter(retryAfter, retryAfterMs string, now time.Time) (d time.Duration, ok bool) {
	if ms, err := strconv.ParseFloat(strings.TrimSpace(retryAfterMs), 64); err == nil && ms >= 0 && ms < 1e9 {
		return time.Duration(ms * float64(time.Millisecond)), true
	}
	v := strings.TrimSpace(retryAfter)
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseInt(v, 10, 64); err == nil {
		if s < 0 || s > 1e6 {
			return 0, false
		}
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// sleep waits for d or until ctx is done, whichever comes first.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return context.Cause(ctx)
	case <-t.C:
		return nil
	}
}

// responseInfo is what go-openai does not keep of an HTTP response: the
// headers that steer retries, and the request id for the provider's
// support.
type responseInfo struct {
	status       int
	retryAfter   string
	retryAfterMs string
	requestID    string
}

type responseInfoKey struct{}

// withResponseInfo returns a context whose HTTP response, once received
// through a recordingDoer, is described in info.
func withResponseInfo(ctx context.Context, info *responseInfo) context.Context {
	return context.WithValue(ctx, responseInfoKey{}, info)
}

// recordingDoer is the HTTP client handed to go-openai. go-openai (v1.43.0)
// turns a failed response into *openai.APIError or *openai.RequestError,
// which keep the status code but not the headers, so Retry-After is lost by
// the time CreateEmbeddings returns (it does copy the headers into the
// success value before checking the status, but that is an accident of its
// code, not an API). recordingDoer copies the few headers it needs into the
// responseInfo that the request's context carries: a slot per request, so
// concurrent requests need no lock, and the slot is written and read on the
// caller's goroutine. It wraps the openai.HTTPDoer rather than the
// RoundTripper of an *http.Client, so a client given in EmbedConfig is used
// as it is, without a copy, and the response seen is the final one after
// redirects.
type recordingDoer struct {
	next openai.HTTPDoer
}

var _ openai.HTTPDoer = recordingDoer{}

func (d recordingDoer) Do(req *http.Request) (*http.Response, error) {
	resp, err := d.next.Do(req)
	if info, ok := req.Context().Value(responseInfoKey{}).(*responseInfo); ok && resp != nil {
		info.status = resp.StatusCode
		info.retryAfter = resp.Header.Get("Retry-After")
		info.retryAfterMs = resp.Header.Get("Retry-After-Ms")
		info.requestID = resp.Header.Get("X-Request-Id")
	}
	return resp, err
}

// retryableStatus reports whether an HTTP status is worth another attempt:
// 408 (request timeout), 429 (rate limit) and the server errors, but 501
// (not implemented) and 505 (HTTP version), which will not change.
func retryableStatus(code int) bool {
	switch {
	case code == http.StatusRequestTimeout, code == http.StatusTooManyRequests:
		return true
	case code == http.StatusNotImplemented, code == http.StatusHTTPVersionNotSupported:
		return false
	}
	return code >= 500 && code <= 599
}

// transientNetError reports whether a transport error may pass on its own:
// a timeout, a refused or reset connection, a connection closed before the
// response was complete. Other transport errors (unknown host, TLS
// certificate, malformed URL) will not.
func transientNetError(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	for _, target := range []error{syscall.ECONNREFUSED, syscall.ECONNRESET, syscall.EPIPE, io.EOF, io.ErrUnexpectedEOF} {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}

// retryableError marks an error worth another attempt, with the wait the
// server asked for, if it did.
type retryableError struct {
	err      error
	after    time.Duration
	hasAfter bool
}

func (e *retryableError) Error() string { return e.err.Error() }
func (e *retryableError) Unwrap() error { return e.err }
