package llm

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sashabaranov/go-openai"

	"offres/internal/offres"
)

// Defaults and bounds of EmbedConfig.
const (
	DefaultEmbedBaseURL     = "https://api.openai.com/v1"
	DefaultEmbedBatchSize   = 64
	DefaultEmbedConcurrency = 2
	DefaultEmbedTimeout     = 30 * time.Second
	DefaultEmbedMaxRetries  = 4

	// MaxEmbedBatchSize is OpenAI's limit of inputs per request.
	MaxEmbedBatchSize   = 2048
	MaxEmbedConcurrency = 64
	MaxEmbedRetries     = 20
)

// Encoding formats of the vectors on the wire.
const (
	EncodingFloat  = "float"  // JSON numbers
	EncodingBase64 = "base64" // little-endian float32, base64: about a third of the bytes
)

// EmbedConfig is the configuration of an OpenAI-compatible embeddings
// endpoint (OpenAI, Mistral, Azure OpenAI's v1 API, Ollama, vLLM, TEI…).
// Zero values take the defaults.
type EmbedConfig struct {
	BaseURL    string // e.g. https://api.openai.com/v1 (the default), http://localhost:11434/v1
	APIKey     string // sent as "Authorization: Bearer"; may be empty (Ollama)
	Model      string // required
	Dimensions int    // 0: the model's default; sent when > 0, and then required of every vector
	// EncodingFormat is sent as encoding_format when set: EncodingFloat or
	// EncodingBase64. Empty leaves it to the server (float, in OpenAI's API).
	EncodingFormat string
	BatchSize      int           // inputs per request, default 64
	Concurrency    int           // requests in flight on the Embedder, default 2
	Timeout        time.Duration // per request attempt, default 30 s
	MaxRetries     int           // retries of a request, default 4; negative: none
	HTTPClient     *http.Client  // optional; by default, one with a connection pool sized for Concurrency
	Logger         *slog.Logger  // retries are logged at Warn; nil: discarded
}

// String describes the configuration with the API key masked, so that
// printing or logging it does not leak the key.
func (c EmbedConfig) String() string {
	key := keyState(c.APIKey)
	return fmt.Sprintf("embeddings %s at %s (api key %s, dimensions %d, batch %d, concurrency %d, timeout %s, retries %d)",
		c.Model, c.BaseURL, key, c.Dimensions, c.BatchSize, c.Concurrency, c.Timeout, c.MaxRetries)
}

// LogValue logs the configuration as String does, without the API key.
func (c EmbedConfig) LogValue() slog.Value { return slog.StringValue(c.String()) }

var _ slog.LogValuer = EmbedConfig{}

// Validate checks the configuration; each error names its field and wraps
// offres.ErrInvalid. All the problems are reported at once.
func (c EmbedConfig) Validate() error {
	p := problems{kind: "embed config"}
	bad := p.bad
	p.endpoint(c.BaseURL, c.Model)
	if c.Dimensions < 0 {
		bad("Dimensions", "is negative (%d)", c.Dimensions)
	}
	switch c.EncodingFormat {
	case "", EncodingFloat, EncodingBase64:
	default:
		bad("EncodingFormat", "%q is neither %q nor %q", c.EncodingFormat, EncodingFloat, EncodingBase64)
	}
	if c.BatchSize < 0 || c.BatchSize > MaxEmbedBatchSize {
		bad("BatchSize", "%d is out of [0, %d]", c.BatchSize, MaxEmbedBatchSize)
	}
	if c.Concurrency < 0 || c.Concurrency > MaxEmbedConcurrency {
		bad("Concurrency", "%d is out of [0, %d]", c.Concurrency, MaxEmbedConcurrency)
	}
	if c.Timeout < 0 {
		bad("Timeout", "is negative (%s)", c.Timeout)
	}
	if c.MaxRetries > MaxEmbedRetries {
		bad("MaxRetries", "%d is more than %d", c.MaxRetries, MaxEmbedRetries)
	}
	return p.err()
}

// withDefaults fills the zero values.
func (c EmbedConfig) withDefaults() EmbedConfig {
	if c.BaseURL == "" {
		c.BaseURL = DefaultEmbedBaseURL
	}
	c.Model = strings.TrimSpace(c.Model)
	if c.BatchSize == 0 {
		c.BatchSize = DefaultEmbedBatchSize
	}
	if c.Concurrency == 0 {
		c.Concurrency = DefaultEmbedConcurrency
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultEmbedTimeout
	}
	c.MaxRetries = retries(c.MaxRetries, DefaultEmbedMaxRetries)
	if c.HTTPClient == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = c.Concurrency // the default, 2, would close connections under load
		c.HTTPClient = &http.Client{Transport: t}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// Log keys.
const (
	logKeyStatus  = "status"
	logKeyAttempt = "attempt"
	logKeyWait    = "wait"
	logKeyBatch   = "batch"
	logKeyErr     = "err"
)

// Embedder computes embeddings on an OpenAI-compatible endpoint. It is safe
// for concurrent use; the bound on requests in flight holds across calls.
type Embedder struct {
	cfg    EmbedConfig
	client *openai.Client
	sem    chan struct{} // one token per request in flight
	dims   atomic.Int64  // the vectors' dimension, once known

	// sleep waits between attempts and rand draws the jitter; tests replace
	// them.
	sleep func(ctx context.Context, d time.Duration) error
	rand  func() float64
}

// NewEmbedder validates the configuration and returns an Embedder. It makes
// no request.
func NewEmbedder(cfg EmbedConfig) (*Embedder, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	oc := openai.DefaultConfig(cfg.APIKey)
	oc.BaseURL = cfg.BaseURL
	oc.HTTPClient = recordingDoer{next: cfg.HTTPClient}
	e := &Embedder{
		cfg:    cfg,
		client: openai.NewClientWithConfig(oc),
		sem:    make(chan struct{}, cfg.Concurrency),
		sleep:  sleep,
		rand:   rand.Float64,
	}
	e.dims.Store(int64(cfg.Dimensions))
	return e, nil
}

// Model identifies the vectors' space: the model's name, followed by
// "@" and the dimension when EmbedConfig.Dimensions asks for one (the same
// model truncated to other dimensions gives vectors that must not be
// compared).
func (e *Embedder) Model() string {
	if e.cfg.Dimensions > 0 {
		return e.cfg.Model + "@" + strconv.Itoa(e.cfg.Dimensions)
	}
	return e.cfg.Model
}

// Dimensions returns the vectors' dimension: EmbedConfig.Dimensions when
// set, otherwise learnt from the first response (0 until then).
func (e *Embedder) Dimensions() int { return int(e.dims.Load()) }

// Embed returns one vector per text, in the order of texts. The texts are
// split into batches of EmbedConfig.BatchSize, sent with at most
// EmbedConfig.Concurrency requests in flight; the first batch to fail
// cancels the others and its error is returned. An empty text is an
// offres.ErrInvalid error; no text gives no vector and makes no request.
func (e *Embedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	for i, t := range texts {
		if t == "" {
			return nil, fmt.Errorf("embeddings: input %d is empty: %w", i, offres.ErrInvalid)
		}
	}
	out := make([][]float32, len(texts))
	if len(texts) == 0 {
		return out, nil
	}
	size := e.cfg.BatchSize
	batches := (len(texts) + size - 1) / size

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var (
		next     atomic.Int64
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
	)
	for range min(e.cfg.Concurrency, batches) {
		wg.Go(func() {
			for {
				b := int(next.Add(1) - 1)
				if b >= batches || ctx.Err() != nil {
					return
				}
				lo, hi := b*size, min((b+1)*size, len(texts))
				vecs, err := e.embedBatch(ctx, texts[lo:hi], b)
				if err != nil {
					errOnce.Do(func() {
						firstErr = fmt.Errorf("embeddings: batch %d/%d (inputs %d-%d): %w", b+1, batches, lo, hi-1, err)
						cancel(firstErr)
					})
					return
				}
				copy(out[lo:hi], vecs)
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil { // cancelled between batches
		return nil, fmt.Errorf("embeddings: %w", err)
	}
	return out, nil
}

// embedBatch sends one batch, retrying what is worth it.
func (e *Embedder) embedBatch(ctx context.Context, texts []string, batch int) ([][]float32, error) {
	for attempt := 1; ; attempt++ {
		vecs, err := e.try(ctx, texts)
		if err == nil {
			return vecs, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var re *retryableError
		if !errors.As(err, &re) {
			return nil, err
		}
		if attempt > e.cfg.MaxRetries {
			if attempt == 1 {
				return nil, err
			}
			return nil, fmt.Errorf("%d attempts: %w", attempt, err)
		}
		wait := min(re.after, MaxRetryWait)
		if !re.hasAfter {
			wait = backoff(attempt, BaseBackoff, MaxRetryWait, e.rand())
		}
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
			return nil, fmt.Errorf("%d attempts, next one in %s would pass the deadline: %w", attempt, wait, err)
		}
		e.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "llm: retrying embeddings",
			slog.Int(logKeyBatch, batch+1), slog.Int(logKeyAttempt, attempt), slog.Duration(logKeyWait, wait),
			slog.String(logKeyErr, err.Error()))
		if err := e.sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// try makes one request for a batch.
func (e *Embedder) try(ctx context.Context, texts []string) ([][]float32, error) {
	select {
	case e.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-e.sem }()

	actx, cancel := context.WithTimeout(ctx, e.cfg.Timeout)
	defer cancel()
	var info responseInfo
	resp, err := e.client.CreateEmbeddings(withResponseInfo(actx, &info), openai.EmbeddingRequest{
		Input:          texts,
		Model:          openai.EmbeddingModel(e.cfg.Model),
		Dimensions:     e.cfg.Dimensions, // omitted when 0
		EncodingFormat: openai.EmbeddingEncodingFormat(e.cfg.EncodingFormat),
	})
	if err != nil {
		return nil, e.classify(ctx, actx, err, &info, texts)
	}
	return e.check(resp, len(texts))
}

// classify turns an error of go-openai into an error of this package. The
// errors of go-openai are never wrapped as they are: their text holds the
// provider's message or the raw body, which may quote the inputs.
func (e *Embedder) classify(ctx, actx context.Context, err error, info *responseInfo, texts []string) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var (
		se     *StatusError
		reqErr *openai.RequestError
		apiErr *openai.APIError
	)
	switch {
	case errors.As(err, &reqErr):
		// An error body that is not OpenAI's JSON (a proxy's HTML page…):
		// only the status is kept.
		se = &StatusError{StatusCode: reqErr.HTTPStatusCode}
		if errors.As(reqErr.Err, &apiErr) {
			se.Type, se.Code = apiErr.Type, codeString(apiErr.Code)
			se.Message = sanitizeMessage(apiErr.Message, e.cfg.APIKey, texts)
		}
	case errors.As(err, &apiErr):
		se = &StatusError{
			StatusCode: apiErr.HTTPStatusCode,
			Type:       apiErr.Type,
			Code:       codeString(apiErr.Code),
			Message:    sanitizeMessage(apiErr.Message, e.cfg.APIKey, texts),
		}
	}
	if se != nil {
		if se.StatusCode == 0 {
			se.StatusCode = info.status
		}
		se.RequestID = info.requestID
		return statusFailure(se, info)
	}

	if errors.Is(actx.Err(), context.DeadlineExceeded) {
		return &retryableError{err: fmt.Errorf("no response within %s: %w", e.cfg.Timeout, offres.ErrUnavailable)}
	}
	if info.status >= 200 && info.status <= 299 && !transientNetError(err) {
		// The body did not decode. encoding/json's errors name types and
		// offsets, not values.
		return fmt.Errorf("%w: %v", ErrBadResponse, err)
	}
	if transientNetError(err) {
		return &retryableError{err: fmt.Errorf("%w: %w", err, offres.ErrUnavailable)}
	}
	return fmt.Errorf("%w: %w", err, offres.ErrUnavailable)
}

// statusFailure maps an error status to the domain.
func statusFailure(se *StatusError, info *responseInfo) error {
	switch code := se.StatusCode; {
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return fmt.Errorf("authentication rejected, check the API key: %w: %w", se, offres.ErrUnavailable)
	case code == http.StatusTooManyRequests && (se.Code == "insufficient_quota" || se.Type == "insufficient_quota"):
		// OpenAI's exhausted billing quota: waiting does not help.
		return fmt.Errorf("quota exhausted: %w: %w", se, offres.ErrUnavailable)
	case retryableStatus(code):
		after, ok := parseRetryAfter(info.retryAfter, info.retryAfterMs, time.Now())
		return &retryableError{err: fmt.Errorf("%w: %w", se, offres.ErrUnavailable), after: after, hasAfter: ok}
	default:
		return fmt.Errorf("request rejected: %w", se)
	}
}

// codeString renders the provider's error code, a string or a number.
// go-openai decodes OpenAI's frequent "code": null as the number 0, which
// is no code.
func codeString(code any) string {
	switch c := code.(type) {
	case nil:
		return ""
	case int:
		if c == 0 {
			return ""
		}
	}
	return fmt.Sprint(code)
}

// check validates a response and returns its vectors in the order of the
// inputs.
func (e *Embedder) check(resp openai.EmbeddingResponse, n int) ([][]float32, error) {
	if len(resp.Data) != n {
		return nil, fmt.Errorf("%w: %d embeddings for %d inputs", ErrBadResponse, len(resp.Data), n)
	}
	out := make([][]float32, n)
	for _, d := range resp.Data {
		switch {
		case d.Index < 0 || d.Index >= n:
			return nil, fmt.Errorf("%w: index %d out of range for %d inputs", ErrBadResponse, d.Index, n)
		case out[d.Index] != nil:
			return nil, fmt.Errorf("%w: index %d given twice", ErrBadResponse, d.Index)
		case len(d.Embedding) == 0:
			return nil, fmt.Errorf("%w: empty embedding at index %d", ErrBadResponse, d.Index)
		}
		out[d.Index] = d.Embedding
	}
	dim := len(out[0])
	for i, v := range out {
		if len(v) != dim {
			return nil, fmt.Errorf("%w: embedding %d has %d dimensions, embedding 0 has %d", ErrBadResponse, i, len(v), dim)
		}
		for _, x := range v {
			if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
				return nil, fmt.Errorf("%w: embedding %d is not finite", ErrBadResponse, i)
			}
		}
	}
	if e.dims.CompareAndSwap(0, int64(dim)) {
		return out, nil
	}
	if want := e.Dimensions(); dim != want {
		if e.cfg.Dimensions > 0 {
			return nil, fmt.Errorf("%w: %d dimensions, %d asked for (does the endpoint support the dimensions parameter?)", ErrBadResponse, dim, want)
		}
		return nil, fmt.Errorf("%w: %d dimensions, earlier responses had %d", ErrBadResponse, dim, want)
	}
	return out, nil
}
