package llm

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	"github.com/sashabaranov/go-openai"

	"offres/internal/offres"
)

// Defaults and bounds of ChatConfig.
const (
	DefaultChatBaseURL           = "https://api.openai.com/v1"
	DefaultChatTemperature       = 0.2
	DefaultChatMaxTokens         = 700
	DefaultChatTimeout           = 60 * time.Second
	DefaultChatFirstTokenTimeout = 20 * time.Second
	DefaultChatMaxRetries        = 2

	MaxChatTemperature = 2
	MaxChatMaxTokens   = 16384
	MaxChatRetries     = 10
)

// ChatConfig is the configuration of an OpenAI-compatible chat-completions
// endpoint (OpenAI, Mistral, Azure OpenAI's v1 API, Ollama, vLLM…). Zero
// values take the defaults.
type ChatConfig struct {
	BaseURL string // e.g. https://api.openai.com/v1 (the default), http://localhost:11434/v1
	APIKey  string // sent as "Authorization: Bearer"; may be empty (Ollama)
	Model   string // required
	// Temperature is the sampling temperature, in [0, 2]; 0 takes the
	// default, 0.2 (go-openai omits a zero temperature, so exactly 0 cannot
	// be asked for: 0.01 is as good as greedy).
	Temperature float32
	// MaxTokens is the completion's budget of tokens per request, default
	// 700, at most 16384. It is sent as max_tokens; to the reasoning models
	// that refuse max_tokens and temperature (OpenAI's o1…, gpt-5…) it is
	// sent as max_completion_tokens, which counts the reasoning tokens too,
	// and the temperature is left out.
	MaxTokens int
	// Timeout bounds a whole call of Stream, retries and the stream
	// included; default 60 s.
	Timeout time.Duration
	// FirstTokenTimeout bounds the wait for the first token of an attempt,
	// response headers included; default 20 s. An attempt that delivers no
	// token by then is abandoned, and retried.
	FirstTokenTimeout time.Duration
	// MaxRetries is the number of retries of a call, default 2; negative:
	// none. Only an attempt that delivered no token is retried.
	MaxRetries int
	HTTPClient *http.Client // optional; its Timeout, if any, also bounds the stream
	Logger     *slog.Logger // retries are logged at Warn; nil: discarded
}

// String describes the configuration with the API key masked, so that
// printing or logging it does not leak the key.
func (c ChatConfig) String() string {
	key := keyState(c.APIKey)
	return fmt.Sprintf("chat %s at %s (api key %s, temperature %g, max tokens %d, timeout %s, first token %s, retries %d)",
		c.Model, c.BaseURL, key, c.Temperature, c.MaxTokens, c.Timeout, c.FirstTokenTimeout, c.MaxRetries)
}

// LogValue logs the configuration as String does, without the API key.
func (c ChatConfig) LogValue() slog.Value { return slog.StringValue(c.String()) }

var _ slog.LogValuer = ChatConfig{}

// Validate checks the configuration; each error names its field and wraps
// offres.ErrInvalid. All the problems are reported at once.
func (c ChatConfig) Validate() error {
	p := problems{kind: "chat config"}
	bad := p.bad
	p.endpoint(c.BaseURL, c.Model)
	if !(c.Temperature >= 0 && c.Temperature <= MaxChatTemperature) { // NaN too
		bad("Temperature", "%g is out of [0, %d]", c.Temperature, MaxChatTemperature)
	}
	if c.MaxTokens < 0 || c.MaxTokens > MaxChatMaxTokens {
		bad("MaxTokens", "%d is out of [0, %d]", c.MaxTokens, MaxChatMaxTokens)
	}
	if c.Timeout < 0 {
		bad("Timeout", "is negative (%s)", c.Timeout)
	}
	if c.FirstTokenTimeout < 0 {
		bad("FirstTokenTimeout", "is negative (%s)", c.FirstTokenTimeout)
	}
	if c.MaxRetries > MaxChatRetries {
		bad("MaxRetries", "%d is more than %d", c.MaxRetries, MaxChatRetries)
	}
	return p.err()
}

// withDefaults fills the zero values.
func (c ChatConfig) withDefaults() ChatConfig {
	if c.BaseURL == "" {
		c.BaseURL = DefaultChatBaseURL
	}
	c.Model = strings.TrimSpace(c.Model)
	if c.Temperature == 0 {
		c.Temperature = DefaultChatTemperature
	}
	if c.MaxTokens == 0 {
		c.MaxTokens = DefaultChatMaxTokens
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultChatTimeout
	}
	if c.FirstTokenTimeout == 0 {
		c.FirstTokenTimeout = DefaultChatFirstTokenTimeout
	}
	c.MaxRetries = retries(c.MaxRetries, DefaultChatMaxRetries)
	if c.HTTPClient == nil {
		// No Client.Timeout: it would cut long streams; the contexts bound
		// each call.
		c.HTTPClient = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// Causes of the cancellation of an attempt.
var (
	errChatDeadline = errors.New("chat deadline")
	errNoFirstToken = errors.New("no first token")
)

// Chat streams chat completions from an OpenAI-compatible endpoint. It is
// safe for concurrent use.
type Chat struct {
	cfg    ChatConfig
	client *openai.Client
	tmpl   openai.ChatCompletionRequest // the request but its messages

	// sleep waits between attempts and rand draws the jitter; tests replace
	// them.
	sleep func(ctx context.Context, d time.Duration) error
	rand  func() float64
}

// NewChat validates the configuration and returns a Chat. It makes no
// request.
func NewChat(cfg ChatConfig) (*Chat, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	tmpl := openai.ChatCompletionRequest{
		Model:         cfg.Model,
		MaxTokens:     cfg.MaxTokens,
		Temperature:   cfg.Temperature,
		Stream:        true,
		StreamOptions: &openai.StreamOptions{IncludeUsage: true},
	}
	// go-openai refuses, before any request, max_tokens and a temperature
	// for the reasoning models; they take max_completion_tokens and their
	// fixed temperature.
	if err := openai.NewReasoningValidator().Validate(tmpl); err != nil {
		tmpl.MaxTokens, tmpl.MaxCompletionTokens, tmpl.Temperature = 0, cfg.MaxTokens, 0
		if err := openai.NewReasoningValidator().Validate(tmpl); err != nil {
			return nil, fmt.Errorf("chat config: Model %q: %v: %w", cfg.Model, err, offres.ErrInvalid)
		}
	}
	oc := openai.DefaultConfig(cfg.APIKey)
	oc.BaseURL = cfg.BaseURL
	oc.HTTPClient = recordingDoer{next: cfg.HTTPClient}
	return &Chat{
		cfg:    cfg,
		client: openai.NewClientWithConfig(oc),
		tmpl:   tmpl,
		sleep:  sleep,
		rand:   rand.Float64,
	}, nil
}

// Model returns the model's name.
func (c *Chat) Model() string { return c.cfg.Model }

// Stream sends the messages and calls onToken with each content delta as it
// arrives, in order; it returns the whole completion, with the token usage
// when the server gives it. A finish reason "length" (the MaxTokens budget
// spent) is no error.
//
// onToken returning an error stops the stream (the HTTP request is
// cancelled) and Stream returns that error as it is. A cancelled ctx (a
// client that went away) cancels the HTTP request at once and Stream
// returns an error wrapping ctx.Err(). onToken is called on the caller's
// goroutine; nil discards the tokens.
//
// An attempt that fails before it delivered a token is retried, up to
// ChatConfig.MaxRetries times, when the failure may pass: a 429 (but an
// exhausted quota), a 5xx (but 501 and 505), a 408, a transient network
// error, no first token within ChatConfig.FirstTokenTimeout. The server's
// Retry-After is honoured; a wait that would pass the call's deadline
// (ChatConfig.Timeout or ctx's) is not started. Once a token was delivered
// nothing is retried: it cannot be taken back.
//
// Errors wrap offres.ErrUnavailable when the endpoint failed (the caller
// degrades to an answer of its own): the cases above, an authentication
// rejected, ChatConfig.Timeout passed, an error object in the stream, and
// ErrBadResponse for a stream that breaks the wire format (a chunk that is
// not JSON, a stream that ends without a finish reason, no content at
// all). A request the endpoint rejects otherwise (400, 404: an unknown
// model, a prompt too long) carries no domain kind; invalid messages are
// offres.ErrInvalid. A *StatusError in the chain gives the HTTP status.
// Error messages hold neither the API key nor the messages' contents.
//
// On an error, the completion returned holds the text delivered so far.
func (c *Chat) Stream(ctx context.Context, msgs []offres.ChatMessage, onToken func(delta string) error) (offres.Completion, error) {
	if err := checkMessages(msgs); err != nil {
		return offres.Completion{}, err
	}
	if onToken == nil {
		onToken = func(string) error { return nil }
	}
	req := c.tmpl
	req.Messages = make([]openai.ChatCompletionMessage, len(msgs))
	contents := make([]string, len(msgs))
	for i, m := range msgs {
		req.Messages[i] = openai.ChatCompletionMessage{Role: m.Role, Content: m.Content}
		contents[i] = m.Content
	}

	parent := ctx
	ctx, cancel := context.WithTimeoutCause(ctx, c.cfg.Timeout, errChatDeadline)
	defer cancel()
	var s streamState
	for attempt := 1; ; attempt++ {
		s = streamState{}
		err := c.try(ctx, req, contents, onToken, &s)
		if err == nil {
			return s.completion(), nil
		}
		if parent.Err() != nil {
			return s.completion(), fmt.Errorf("chat: %w", parent.Err())
		}
		var te *tokenError
		if errors.As(err, &te) {
			return s.completion(), te.err
		}
		var re *retryableError
		if s.delivered || !errors.As(err, &re) || attempt > c.cfg.MaxRetries {
			if attempt > 1 {
				err = fmt.Errorf("%d attempts: %w", attempt, err)
			}
			return s.completion(), fmt.Errorf("chat: %w", err)
		}
		wait := min(re.after, MaxRetryWait)
		if !re.hasAfter {
			wait = backoff(attempt, BaseBackoff, MaxRetryWait, c.rand())
		}
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
			return s.completion(), fmt.Errorf("chat: %d attempts, next one in %s would pass the deadline: %w", attempt, wait, err)
		}
		c.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "llm: retrying chat completion",
			slog.Int(logKeyAttempt, attempt), slog.Duration(logKeyWait, wait), slog.String(logKeyErr, err.Error()))
		if err := c.sleep(ctx, wait); err != nil {
			if parent.Err() != nil {
				return s.completion(), fmt.Errorf("chat: %w", parent.Err())
			}
			return s.completion(), fmt.Errorf("chat: no completion within %s: %w", c.cfg.Timeout, offres.ErrUnavailable)
		}
	}
}

// checkMessages rejects what no endpoint would answer.
func checkMessages(msgs []offres.ChatMessage) error {
	if len(msgs) == 0 {
		return fmt.Errorf("chat: no message: %w", offres.ErrInvalid)
	}
	for i, m := range msgs {
		switch m.Role {
		case offres.RoleSystem, offres.RoleUser, offres.RoleAssistant:
		default:
			return fmt.Errorf("chat: message %d: unknown role %q: %w", i, m.Role, offres.ErrInvalid)
		}
		if m.Content == "" {
			return fmt.Errorf("chat: message %d: empty content: %w", i, offres.ErrInvalid)
		}
	}
	return nil
}

// streamState is what an attempt received.
type streamState struct {
	text      strings.Builder
	delivered bool // a token went to onToken
	finish    string
	usage     *openai.Usage
}

func (s *streamState) completion() offres.Completion {
	out := offres.Completion{Text: s.text.String(), FinishReason: s.finish}
	if s.usage != nil {
		out.PromptTokens, out.CompletionTokens = s.usage.PromptTokens, s.usage.CompletionTokens
	}
	return out
}

// tokenError is the error of onToken, returned as it is.
type tokenError struct{ err error }

func (e *tokenError) Error() string { return e.err.Error() }
func (e *tokenError) Unwrap() error { return e.err }

// try makes one attempt, delivering its tokens.
func (c *Chat) try(ctx context.Context, req openai.ChatCompletionRequest, contents []string, onToken func(string) error, s *streamState) error {
	actx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	firstToken := time.AfterFunc(c.cfg.FirstTokenTimeout, func() { cancel(errNoFirstToken) })
	defer firstToken.Stop()

	var info responseInfo
	stream, err := c.client.CreateChatCompletionStream(withResponseInfo(actx, &info), req)
	if err != nil {
		return c.classify(actx, err, &info, contents)
	}
	defer stream.Close()
	for {
		chunk, err := stream.Recv()
		if errors.Is(err, io.EOF) { // [DONE], or the body's end
			switch {
			case s.finish == "":
				return fmt.Errorf("%w: the stream ended without a finish reason: %w", ErrBadResponse, offres.ErrUnavailable)
			case s.text.Len() == 0:
				return fmt.Errorf("%w: no content (finish reason %q): %w", ErrBadResponse, s.finish, offres.ErrUnavailable)
			}
			return nil
		}
		if err != nil {
			return c.classify(actx, err, &info, contents)
		}
		if chunk.Usage != nil {
			s.usage = chunk.Usage
		}
		for _, ch := range chunk.Choices {
			if ch.Index != 0 { // one choice asked for
				continue
			}
			if delta := ch.Delta.Content; delta != "" {
				if !s.delivered && !firstToken.Stop() { // it fired: the attempt is being cancelled
					return c.noFirstToken()
				}
				s.delivered = true
				s.text.WriteString(delta)
				if err := onToken(delta); err != nil {
					return &tokenError{err: err}
				}
			}
			if ch.FinishReason != "" {
				s.finish = string(ch.FinishReason)
			}
		}
		if s.finish == "error" { // some proxies' (OpenRouter) way of failing mid-stream
			return fmt.Errorf("the model stopped with finish reason %q: %w", s.finish, offres.ErrUnavailable)
		}
	}
}

func (c *Chat) noFirstToken() error {
	return &retryableError{err: fmt.Errorf("no first token within %s: %w", c.cfg.FirstTokenTimeout, offres.ErrUnavailable)}
}

// classify turns an error of go-openai into an error of this package. The
// errors of go-openai are never wrapped as they are: their text holds the
// provider's message or the raw body, which may quote the messages.
func (c *Chat) classify(actx context.Context, err error, info *responseInfo, contents []string) error {
	switch cause := context.Cause(actx); {
	case errors.Is(cause, errNoFirstToken):
		return c.noFirstToken()
	case errors.Is(cause, errChatDeadline):
		return fmt.Errorf("no completion within %s: %w", c.cfg.Timeout, offres.ErrUnavailable)
	case cause != nil: // the caller's; Stream returns its own error
		return cause
	}
	var (
		reqErr *openai.RequestError
		apiErr *openai.APIError
	)
	switch {
	case errors.As(err, &reqErr):
		// An error body that is not OpenAI's JSON (a proxy's HTML page…):
		// only the status is kept.
		se := &StatusError{StatusCode: reqErr.HTTPStatusCode, RequestID: info.requestID}
		if errors.As(reqErr.Err, &apiErr) {
			se.Type, se.Code = apiErr.Type, codeString(apiErr.Code)
			se.Message = sanitizeMessage(apiErr.Message, c.cfg.APIKey, contents)
		}
		return statusFailure(se, info)
	case errors.As(err, &apiErr) && apiErr.HTTPStatusCode != 0:
		return statusFailure(&StatusError{
			StatusCode: apiErr.HTTPStatusCode,
			Type:       apiErr.Type,
			Code:       codeString(apiErr.Code),
			Message:    sanitizeMessage(apiErr.Message, c.cfg.APIKey, contents),
			RequestID:  info.requestID,
		}, info)
	case errors.As(err, &apiErr):
		// An error object in a stream that began well: "data: {"error": …}".
		var b strings.Builder
		b.WriteString("error in the stream")
		if kind := cmp.Or(codeString(apiErr.Code), apiErr.Type); kind != "" {
			b.WriteString(" " + kind)
		}
		if msg := sanitizeMessage(apiErr.Message, c.cfg.APIKey, contents); msg != "" {
			b.WriteString(": " + msg)
		}
		if info.requestID != "" {
			b.WriteString(" (request id " + info.requestID + ")")
		}
		return fmt.Errorf("%s: %w", b.String(), offres.ErrUnavailable)
	case transientNetError(err):
		return &retryableError{err: fmt.Errorf("%w: %w", err, offres.ErrUnavailable)}
	case info.status >= 200 && info.status <= 299:
		// A chunk that did not decode. encoding/json's errors name types
		// and offsets, not values.
		return fmt.Errorf("%w: %v: %w", ErrBadResponse, err, offres.ErrUnavailable)
	}
	return fmt.Errorf("%w: %w", err, offres.ErrUnavailable)
}
