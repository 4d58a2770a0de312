package llm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"offres/internal/offres"
)

// The fake endpoint speaks OpenAI's /v1/chat/completions wire format,
// streaming: server-sent events, one "data:" line of JSON per chunk, then
// "data: [DONE]".

const (
	testChatKey = "sk-chat-secret-0123456789"
	// secretQuestion is a message's content; it must show in no error and
	// no log.
	secretQuestion = "Confidential: candidate Marie Wanakam, born 1984 in Lifou, asks about the nurse offer"
)

// chatRequest is a request as the server reads it; pointers tell absent
// fields from zero ones.
type chatRequest struct {
	Model         string               `json:"model"`
	Messages      []offres.ChatMessage `json:"messages"`
	Stream        *bool                `json:"stream"`
	StreamOptions *struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
	Temperature         *float64 `json:"temperature"`
	MaxTokens           *int     `json:"max_tokens"`
	MaxCompletionTokens *int     `json:"max_completion_tokens"`

	auth, accept string // headers
}

// chatHandler answers one request; call counts from 1.
type chatHandler func(w http.ResponseWriter, r *http.Request, req chatRequest, call int)

// chatServer records the requests it receives.
type chatServer struct {
	*httptest.Server
	mu    sync.Mutex
	reqs  []chatRequest
	calls atomic.Int64
}

func newChatServer(t *testing.T, h chatHandler) *chatServer {
	t.Helper()
	s := &chatServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		call := int(s.calls.Add(1))
		if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
			writeError(w, http.StatusNotFound, "invalid_request_error", "unknown_url", "unknown url "+r.URL.Path, nil)
			return
		}
		if ct := r.Header.Get("Content-Type"); ct != "application/json" {
			writeError(w, http.StatusBadRequest, "invalid_request_error", nil, "content type "+ct, nil)
			return
		}
		var req chatRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			writeError(w, http.StatusBadRequest, "invalid_request_error", nil, "bad json: "+err.Error(), nil)
			return
		}
		req.auth, req.accept = r.Header.Get("Authorization"), r.Header.Get("Accept")
		s.mu.Lock()
		s.reqs = append(s.reqs, req)
		s.mu.Unlock()
		h(w, r, req, call)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *chatServer) requests() []chatRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.reqs)
}

// startEvents sends the headers of an event stream.
func startEvents(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Request-Id", "req_chat")
	w.WriteHeader(http.StatusOK)
	w.(http.Flusher).Flush()
}

// sendRaw sends s as it is, at once.
func sendRaw(w http.ResponseWriter, s string) {
	fmt.Fprint(w, s)
	w.(http.Flusher).Flush()
}

// sendEvent sends v as one "data:" event.
func sendEvent(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	sendRaw(w, "data: "+string(b)+"\n\n")
}

// chunk is a chat.completion.chunk of one choice; finish nil is JSON null.
func chunk(req chatRequest, delta map[string]any, finish any) map[string]any {
	return map[string]any{
		"id":                 "chatcmpl-Bx7test",
		"object":             "chat.completion.chunk",
		"created":            1767225600,
		"model":              req.Model,
		"system_fingerprint": "fp_test",
		"choices": []any{map[string]any{
			"index": 0, "delta": delta, "logprobs": nil, "finish_reason": finish,
		}},
		"usage": nil,
	}
}

func roleChunk(req chatRequest) map[string]any {
	return chunk(req, map[string]any{"role": "assistant", "content": "", "refusal": nil}, nil)
}

func tokenChunk(req chatRequest, token string) map[string]any {
	return chunk(req, map[string]any{"content": token}, nil)
}

func finishChunk(req chatRequest, reason string) map[string]any {
	return chunk(req, map[string]any{}, reason)
}

func usageChunk(req chatRequest, prompt, completion int) map[string]any {
	c := chunk(req, nil, nil)
	c["choices"] = []any{}
	c["usage"] = map[string]any{
		"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion,
		"prompt_tokens_details":     map[string]int{"cached_tokens": 0},
		"completion_tokens_details": map[string]int{"reasoning_tokens": 0},
	}
	return c
}

// answer is what streamAnswer sends.
type answer struct {
	tokens  []string
	finish  string // default "stop"
	noUsage bool   // no usage chunk, though asked for
	noDone  bool   // no "data: [DONE]"
}

var helloTokens = []string{"Bonjour", ",", " le poste", " est ouvert", " jusqu'au 15 mars."}

// streamAnswer streams a whole answer as OpenAI does.
func streamAnswer(w http.ResponseWriter, req chatRequest, a answer) {
	startEvents(w)
	sendEvent(w, roleChunk(req))
	for _, tok := range a.tokens {
		sendEvent(w, tokenChunk(req, tok))
	}
	sendEvent(w, finishChunk(req, cmpOr(a.finish, "stop")))
	if !a.noUsage && req.StreamOptions != nil && req.StreamOptions.IncludeUsage {
		sendEvent(w, usageChunk(req, 42, len(a.tokens)))
	}
	if !a.noDone {
		sendRaw(w, "data: [DONE]\n\n")
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func answers(a answer) chatHandler {
	return func(w http.ResponseWriter, _ *http.Request, req chatRequest, _ int) { streamAnswer(w, req, a) }
}

// waitGone blocks until the client goes away, and reports whether it did.
func waitGone(r *http.Request) bool {
	select {
	case <-r.Context().Done():
		return true
	case <-time.After(5 * time.Second):
		return false
	}
}

// newTestChat returns a Chat on srv whose waits are recorded, not slept.
func newTestChat(t *testing.T, srv *chatServer, edit func(*ChatConfig)) (*Chat, *sleepRecorder) {
	t.Helper()
	cfg := ChatConfig{
		BaseURL: srv.URL + "/v1",
		APIKey:  testChatKey,
		Model:   "gpt-4o-mini",
		Timeout: 5 * time.Second,
	}
	if edit != nil {
		edit(&cfg)
	}
	c, err := NewChat(cfg)
	if err != nil {
		t.Fatal(err)
	}
	rec := &sleepRecorder{}
	c.sleep = rec.sleep
	return c, rec
}

func testMessages() []offres.ChatMessage {
	return []offres.ChatMessage{
		{Role: offres.RoleSystem, Content: "Tu réponds en français, en citant les offres."},
		{Role: offres.RoleUser, Content: secretQuestion},
	}
}

// tokenLog collects the tokens given to onToken.
type tokenLog struct {
	mu     sync.Mutex
	tokens []string
}

func (l *tokenLog) onToken(delta string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.tokens = append(l.tokens, delta)
	return nil
}

func (l *tokenLog) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.tokens)
}

// checkClean fails when err's text holds the API key or a message's content.
func checkClean(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	for _, s := range []string{testChatKey, "Wanakam", "Lifou", "en citant"} {
		if strings.Contains(err.Error(), s) {
			t.Errorf("err = %q, has %q in it", err, s)
		}
	}
}

func TestChatStream(t *testing.T) {
	srv := newChatServer(t, answers(answer{tokens: helloTokens}))
	c, rec := newTestChat(t, srv, nil)
	if c.Model() != "gpt-4o-mini" {
		t.Errorf("model = %q", c.Model())
	}
	var got tokenLog
	comp, err := c.Stream(context.Background(), testMessages(), got.onToken)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.all(), helloTokens) {
		t.Errorf("tokens %q, want %q", got.all(), helloTokens)
	}
	want := offres.Completion{
		Text:             strings.Join(helloTokens, ""),
		FinishReason:     "stop",
		PromptTokens:     42,
		CompletionTokens: len(helloTokens),
	}
	if comp != want {
		t.Errorf("completion %+v, want %+v", comp, want)
	}
	if n := srv.calls.Load(); n != 1 || len(rec.all()) != 0 {
		t.Errorf("%d requests, waits %v; want 1 request, no wait", n, rec.all())
	}

	req := srv.requests()[0]
	if req.Model != "gpt-4o-mini" {
		t.Errorf("model = %q", req.Model)
	}
	if !slices.Equal(req.Messages, testMessages()) {
		t.Errorf("messages = %+v", req.Messages)
	}
	if req.Stream == nil || !*req.Stream {
		t.Errorf("stream = %v, want true", req.Stream)
	}
	if req.StreamOptions == nil || !req.StreamOptions.IncludeUsage {
		t.Errorf("stream_options = %+v, want include_usage", req.StreamOptions)
	}
	if req.Temperature == nil || math.Abs(*req.Temperature-DefaultChatTemperature) > 1e-6 {
		t.Errorf("temperature = %v, want %v", req.Temperature, DefaultChatTemperature)
	}
	if req.MaxTokens == nil || *req.MaxTokens != DefaultChatMaxTokens || req.MaxCompletionTokens != nil {
		t.Errorf("max_tokens = %v, max_completion_tokens = %v; want %d, none", req.MaxTokens, req.MaxCompletionTokens, DefaultChatMaxTokens)
	}
	if req.auth != "Bearer "+testChatKey || req.accept != "text/event-stream" {
		t.Errorf("Authorization = %q, Accept = %q", req.auth, req.accept)
	}
}

func TestChatStreamVariants(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  func(*ChatConfig)
		a    answer
		want offres.Completion
		req  func(t *testing.T, r chatRequest)
	}{
		{
			name: "length",
			cfg:  func(c *ChatConfig) { c.MaxTokens = 2; c.Temperature = 0.7 },
			a:    answer{tokens: []string{"Le poste", " est"}, finish: "length"},
			want: offres.Completion{Text: "Le poste est", FinishReason: "length", PromptTokens: 42, CompletionTokens: 2},
			req: func(t *testing.T, r chatRequest) {
				if *r.MaxTokens != 2 || math.Abs(*r.Temperature-0.7) > 1e-6 {
					t.Errorf("max_tokens %d, temperature %v; want 2, 0.7", *r.MaxTokens, *r.Temperature)
				}
			},
		},
		{
			name: "no usage chunk",
			a:    answer{tokens: []string{"Oui."}, noUsage: true},
			want: offres.Completion{Text: "Oui.", FinishReason: "stop"},
		},
		{
			// The finish reason came: only the end marker is missing.
			name: "no [DONE] after the finish reason",
			a:    answer{tokens: []string{"Oui."}, noDone: true},
			want: offres.Completion{Text: "Oui.", FinishReason: "stop", PromptTokens: 42, CompletionTokens: 1},
		},
		{
			// go-openai refuses max_tokens and temperature for reasoning
			// models: the budget goes as max_completion_tokens.
			name: "reasoning model",
			cfg:  func(c *ChatConfig) { c.Model = "gpt-5-mini"; c.MaxTokens = 2000 },
			a:    answer{tokens: []string{"Oui."}},
			want: offres.Completion{Text: "Oui.", FinishReason: "stop", PromptTokens: 42, CompletionTokens: 1},
			req: func(t *testing.T, r chatRequest) {
				if r.MaxTokens != nil || r.Temperature != nil || r.MaxCompletionTokens == nil || *r.MaxCompletionTokens != 2000 {
					t.Errorf("max_tokens %v, temperature %v, max_completion_tokens %v; want none, none, 2000",
						r.MaxTokens, r.Temperature, r.MaxCompletionTokens)
				}
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newChatServer(t, answers(tc.a))
			c, _ := newTestChat(t, srv, tc.cfg)
			var got tokenLog
			comp, err := c.Stream(context.Background(), testMessages(), got.onToken)
			if err != nil {
				t.Fatal(err)
			}
			if comp != tc.want {
				t.Errorf("completion %+v, want %+v", comp, tc.want)
			}
			if !slices.Equal(got.all(), tc.a.tokens) {
				t.Errorf("tokens %q, want %q", got.all(), tc.a.tokens)
			}
			if tc.req != nil {
				tc.req(t, srv.requests()[0])
			}
		})
	}
}

// TestChatRetried: failures before the first token are retried, and the
// tokens of the attempt that succeeds are delivered once.
func TestChatRetried(t *testing.T) {
	for _, tc := range []struct {
		name     string
		fail     chatHandler // the first calls
		failures int
		min, max time.Duration // each wait
	}{
		{"429 with Retry-After", func(w http.ResponseWriter, r *http.Request, req chatRequest, call int) {
			writeError(w, http.StatusTooManyRequests, "requests", "rate_limit_exceeded", "Rate limit reached for gpt-4o-mini",
				map[string]string{"Retry-After": "1"})
		}, 1, time.Second, time.Second},
		{"429 with retry-after-ms", func(w http.ResponseWriter, r *http.Request, req chatRequest, call int) {
			writeError(w, http.StatusTooManyRequests, "requests", "rate_limit_exceeded", "Rate limit reached",
				map[string]string{"Retry-After": "7", "Retry-After-Ms": "120"})
		}, 1, 120 * time.Millisecond, 120 * time.Millisecond},
		{"500", func(w http.ResponseWriter, r *http.Request, req chatRequest, call int) {
			writeError(w, http.StatusInternalServerError, "server_error", nil, "The server had an error", nil)
		}, 1, BaseBackoff / 2, BaseBackoff},
		{"503 twice", func(w http.ResponseWriter, r *http.Request, req chatRequest, call int) {
			writeError(w, http.StatusServiceUnavailable, "server_error", nil, "The engine is overloaded", nil)
		}, 2, BaseBackoff / 2, 2 * BaseBackoff},
		{"connection closed", func(w http.ResponseWriter, r *http.Request, req chatRequest, call int) {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err != nil {
				panic(err)
			}
			conn.Close()
		}, 1, BaseBackoff / 2, BaseBackoff},
		{"connection closed after the role chunk", func(w http.ResponseWriter, r *http.Request, req chatRequest, call int) {
			startEvents(w)
			sendEvent(w, roleChunk(req))
			panic(http.ErrAbortHandler) // the connection is cut without the chunked encoding's end
		}, 1, BaseBackoff / 2, BaseBackoff},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newChatServer(t, func(w http.ResponseWriter, r *http.Request, req chatRequest, call int) {
				if call <= tc.failures {
					tc.fail(w, r, req, call)
					return
				}
				streamAnswer(w, req, answer{tokens: helloTokens})
			})
			var logged bytes.Buffer
			c, rec := newTestChat(t, srv, func(c *ChatConfig) { c.Logger = slog.New(slog.NewTextHandler(&logged, nil)) })
			var got tokenLog
			comp, err := c.Stream(context.Background(), testMessages(), got.onToken)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.all(), helloTokens) || comp.Text != strings.Join(helloTokens, "") {
				t.Errorf("tokens %q, text %q", got.all(), comp.Text)
			}
			if n := srv.calls.Load(); n != int64(tc.failures+1) {
				t.Errorf("%d requests, want %d", n, tc.failures+1)
			}
			waits := rec.all()
			if len(waits) != tc.failures {
				t.Fatalf("waits %v, want %d", waits, tc.failures)
			}
			for _, w := range waits {
				if w < tc.min || w > tc.max {
					t.Errorf("wait %s, want in [%s, %s]", w, tc.min, tc.max)
				}
			}
			if n := strings.Count(logged.String(), "retrying chat completion"); n != tc.failures {
				t.Errorf("%d retries logged, want %d:\n%s", n, tc.failures, logged.String())
			}
			if strings.Contains(logged.String(), "Wanakam") || strings.Contains(logged.String(), testChatKey) {
				t.Errorf("log holds a message or the key:\n%s", logged.String())
			}
		})
	}
}

// TestChatRetryAfterRealWait honours a short Retry-After with the real
// clock.
func TestChatRetryAfterRealWait(t *testing.T) {
	srv := newChatServer(t, func(w http.ResponseWriter, r *http.Request, req chatRequest, call int) {
		if call == 1 {
			writeError(w, http.StatusTooManyRequests, "requests", "rate_limit_exceeded", "Rate limit reached",
				map[string]string{"Retry-After-Ms": "150"})
			return
		}
		streamAnswer(w, req, answer{tokens: helloTokens})
	})
	c, _ := newTestChat(t, srv, nil)
	c.sleep = sleep
	start := time.Now()
	if _, err := c.Stream(context.Background(), testMessages(), nil); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Fatalf("retried after %s, before the 150ms asked for", d)
	}
}

func TestChatRetriesExhausted(t *testing.T) {
	srv := newChatServer(t, func(w http.ResponseWriter, r *http.Request, req chatRequest, call int) {
		writeError(w, http.StatusInternalServerError, "server_error", nil, "The server had an error processing your request", nil)
	})
	c, rec := newTestChat(t, srv, nil)
	var got tokenLog
	_, err := c.Stream(context.Background(), testMessages(), got.onToken)
	if !errors.Is(err, offres.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	var se *StatusError
	if !errors.As(err, &se) || se.StatusCode != 500 || se.RequestID != "req_err" {
		t.Errorf("status error = %+v", se)
	}
	if n := srv.calls.Load(); n != 1+DefaultChatMaxRetries || len(rec.all()) != DefaultChatMaxRetries {
		t.Errorf("%d requests, waits %v; want %d requests", n, rec.all(), 1+DefaultChatMaxRetries)
	}
	if !strings.Contains(err.Error(), "3 attempts") {
		t.Errorf("err = %v, want the count of attempts", err)
	}
	if len(got.all()) != 0 {
		t.Errorf("tokens %q, want none", got.all())
	}

	// No retry at all.
	c, rec = newTestChat(t, srv, func(c *ChatConfig) { c.MaxRetries = -1 })
	before := srv.calls.Load()
	if _, err := c.Stream(context.Background(), testMessages(), nil); !errors.Is(err, offres.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	if n := srv.calls.Load() - before; n != 1 || len(rec.all()) != 0 {
		t.Errorf("%d requests, waits %v; want 1, none", n, rec.all())
	}
}

func TestChatNotRetried(t *testing.T) {
	for _, tc := range []struct {
		name        string
		status      int
		typ         string
		code        any
		msg         string
		unavailable bool
		want        []string // in the error's text
	}{
		{"unauthorized", 401, "invalid_request_error", "invalid_api_key",
			"Incorrect API key provided: " + testChatKey + ".", true, []string{"authentication", "HTTP 401", "invalid_api_key"}},
		{"quota", 429, "insufficient_quota", "insufficient_quota", "You exceeded your current quota", true,
			[]string{"quota exhausted"}},
		{"context too long", 400, "invalid_request_error", "context_length_exceeded",
			"This model's maximum context length is 128000 tokens", false,
			[]string{"request rejected", "HTTP 400 context_length_exceeded", "maximum context length"}},
		{"echoed message", 400, "invalid_request_error", nil, "Invalid content: '" + secretQuestion + "'", false,
			[]string{withheldMessage}},
		{"unknown model", 404, "invalid_request_error", "model_not_found", "The model does not exist", false,
			[]string{"HTTP 404 model_not_found"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newChatServer(t, func(w http.ResponseWriter, r *http.Request, req chatRequest, call int) {
				writeError(w, tc.status, tc.typ, tc.code, tc.msg, map[string]string{"Retry-After": "1"})
			})
			c, rec := newTestChat(t, srv, nil)
			_, err := c.Stream(context.Background(), testMessages(), nil)
			if err == nil {
				t.Fatal("no error")
			}
			if n := srv.calls.Load(); n != 1 || len(rec.all()) != 0 {
				t.Errorf("%d requests, waits %v; want 1 request, no wait", n, rec.all())
			}
			if errors.Is(err, offres.ErrUnavailable) != tc.unavailable {
				t.Errorf("err = %v; ErrUnavailable %v, want %v", err, !tc.unavailable, tc.unavailable)
			}
			var se *StatusError
			if !errors.As(err, &se) || se.StatusCode != tc.status {
				t.Errorf("status error = %+v, want status %d", se, tc.status)
			}
			for _, s := range tc.want {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("err = %q, want %q in it", err, s)
				}
			}
			checkClean(t, err)
		})
	}
}

func TestChatFirstTokenTimeout(t *testing.T) {
	const firstToken = 100 * time.Millisecond
	for _, tc := range []struct {
		name  string
		start func(w http.ResponseWriter, req chatRequest) // then the handler hangs
	}{
		{"no headers", func(http.ResponseWriter, chatRequest) {}},
		{"headers only", func(w http.ResponseWriter, _ chatRequest) { startEvents(w) }},
		{"role chunk only", func(w http.ResponseWriter, req chatRequest) {
			startEvents(w)
			sendEvent(w, roleChunk(req))
			sendRaw(w, ": keep-alive\n\n")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var gone atomic.Int64
			srv := newChatServer(t, func(w http.ResponseWriter, r *http.Request, req chatRequest, call int) {
				tc.start(w, req)
				if waitGone(r) {
					gone.Add(1)
				}
			})
			c, rec := newTestChat(t, srv, func(c *ChatConfig) { c.FirstTokenTimeout = firstToken; c.MaxRetries = 1 })
			start := time.Now()
			_, err := c.Stream(context.Background(), testMessages(), nil)
			elapsed := time.Since(start)
			if !errors.Is(err, offres.ErrUnavailable) || !strings.Contains(err.Error(), "no first token within 100ms") {
				t.Fatalf("err = %v, want an unavailable first-token timeout", err)
			}
			if n := srv.calls.Load(); n != 2 || len(rec.all()) != 1 {
				t.Errorf("%d requests, waits %v; want 2 requests, 1 wait", n, rec.all())
			}
			if elapsed < 2*firstToken || elapsed > 2*firstToken+time.Second {
				t.Errorf("returned after %s, want about %s", elapsed, 2*firstToken)
			}
			waitFor(t, func() bool { return gone.Load() == 2 }, "the handlers to see their requests cancelled")
		})
	}
}

// waitFor polls cond for up to 2 s.
func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Errorf("timed out waiting for %s", what)
}

// TestChatStallAfterTokens: a stream that stalls once tokens were delivered
// fails at the call's deadline, and is not retried.
func TestChatStallAfterTokens(t *testing.T) {
	const timeout = 300 * time.Millisecond
	var gone atomic.Bool
	srv := newChatServer(t, func(w http.ResponseWriter, r *http.Request, req chatRequest, call int) {
		startEvents(w)
		sendEvent(w, roleChunk(req))
		sendEvent(w, tokenChunk(req, "Le poste"))
		sendEvent(w, tokenChunk(req, " est"))
		gone.Store(waitGone(r))
	})
	c, rec := newTestChat(t, srv, func(c *ChatConfig) { c.Timeout = timeout; c.FirstTokenTimeout = 100 * time.Millisecond })
	var got tokenLog
	start := time.Now()
	comp, err := c.Stream(context.Background(), testMessages(), got.onToken)
	elapsed := time.Since(start)
	if !errors.Is(err, offres.ErrUnavailable) || !strings.Contains(err.Error(), "no completion within 300ms") {
		t.Fatalf("err = %v, want an unavailable timeout", err)
	}
	if elapsed < timeout || elapsed > timeout+time.Second {
		t.Errorf("returned after %s, want about %s", elapsed, timeout)
	}
	if n := srv.calls.Load(); n != 1 || len(rec.all()) != 0 {
		t.Errorf("%d requests, waits %v; want 1 request, no retry", n, rec.all())
	}
	if want := []string{"Le poste", " est"}; !slices.Equal(got.all(), want) || comp.Text != "Le poste est" {
		t.Errorf("tokens %q, partial text %q; want %q", got.all(), comp.Text, want)
	}
	waitFor(t, gone.Load, "the handler to see its request cancelled")
}

// TestChatBadStream: a stream that breaks the wire format, or reports an
// error, is an unavailable upstream; it is not retried.
func TestChatBadStream(t *testing.T) {
	for _, tc := range []struct {
		name   string
		send   func(w http.ResponseWriter, req chatRequest)
		bad    bool   // ErrBadResponse
		want   string // in the error's text
		tokens int    // delivered before the failure
	}{
		{"data not json", func(w http.ResponseWriter, req chatRequest) {
			sendEvent(w, roleChunk(req))
			sendRaw(w, "data: Bonjour, le poste est ouvert\n\n")
		}, true, "invalid character", 0},
		{"truncated json", func(w http.ResponseWriter, req chatRequest) {
			sendEvent(w, tokenChunk(req, "Bonjour"))
			sendRaw(w, `data: {"id":"chatcmpl-Bx7test","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"`+"\n\n")
		}, true, "unexpected end of JSON", 1},
		{"wrong shape", func(w http.ResponseWriter, req chatRequest) {
			sendRaw(w, `data: {"id":"chatcmpl-Bx7test","object":"chat.completion.chunk","choices":{"index":0}}`+"\n\n")
		}, true, "cannot unmarshal", 0},
		{"not an event stream", func(w http.ResponseWriter, req chatRequest) {
			sendRaw(w, "<html><body>Gateway says hello</body></html>\n")
		}, true, "without a finish reason", 0},
		{"a whole JSON completion", func(w http.ResponseWriter, req chatRequest) {
			b, _ := json.Marshal(map[string]any{"id": "chatcmpl-1", "object": "chat.completion", "choices": []any{
				map[string]any{"index": 0, "message": map[string]any{"role": "assistant", "content": "Oui."}, "finish_reason": "stop"}}})
			sendRaw(w, string(b)+"\n")
		}, true, "without a finish reason", 0},
		{"ends after tokens without finish nor [DONE]", func(w http.ResponseWriter, req chatRequest) {
			sendEvent(w, roleChunk(req))
			sendEvent(w, tokenChunk(req, "Le poste"))
		}, true, "without a finish reason", 1},
		{"[DONE] without a finish reason", func(w http.ResponseWriter, req chatRequest) {
			sendEvent(w, tokenChunk(req, "Le poste"))
			sendRaw(w, "data: [DONE]\n\n")
		}, true, "without a finish reason", 1},
		{"no content", func(w http.ResponseWriter, req chatRequest) {
			sendEvent(w, roleChunk(req))
			sendEvent(w, finishChunk(req, "content_filter"))
			sendRaw(w, "data: [DONE]\n\n")
		}, true, `no content (finish reason "content_filter")`, 0},
		{"error object before any token", func(w http.ResponseWriter, req chatRequest) {
			sendRaw(w, `data: {"error":{"message":"The server had an error while processing your request.","type":"server_error","param":null,"code":null}}`+"\n\n")
		}, false, "error in the stream server_error: The server had an error", 0},
		{"error object mid-stream", func(w http.ResponseWriter, req chatRequest) {
			sendEvent(w, roleChunk(req))
			sendEvent(w, tokenChunk(req, "Le poste"))
			sendEvent(w, map[string]any{"error": map[string]any{
				"message": "Overloaded while answering '" + secretQuestion + "'", "type": "server_error", "code": "overloaded"}})
		}, false, "error in the stream overloaded: " + withheldMessage + " (request id req_chat)", 1},
		{"finish reason error", func(w http.ResponseWriter, req chatRequest) {
			sendEvent(w, tokenChunk(req, "Le poste"))
			sendEvent(w, finishChunk(req, "error"))
			sendRaw(w, "data: [DONE]\n\n")
		}, false, `finish reason "error"`, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newChatServer(t, func(w http.ResponseWriter, r *http.Request, req chatRequest, call int) {
				startEvents(w)
				tc.send(w, req)
			})
			c, rec := newTestChat(t, srv, nil)
			var got tokenLog
			_, err := c.Stream(context.Background(), testMessages(), got.onToken)
			if !errors.Is(err, offres.ErrUnavailable) || errors.Is(err, ErrBadResponse) != tc.bad {
				t.Fatalf("err = %v; want ErrUnavailable, ErrBadResponse %v", err, tc.bad)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %q, want %q in it", err, tc.want)
			}
			var se *StatusError
			if errors.As(err, &se) {
				t.Errorf("status error %+v in a stream that began with 200", se)
			}
			checkClean(t, err)
			if n := srv.calls.Load(); n != 1 || len(rec.all()) != 0 {
				t.Errorf("%d requests, waits %v; want 1 request, no retry", n, rec.all())
			}
			if n := len(got.all()); n != tc.tokens {
				t.Errorf("%d tokens delivered, want %d", n, tc.tokens)
			}
		})
	}
}

// TestChatClientGone: a caller whose context is cancelled (its client went
// away) cancels the request at once, and the server sees it.
func TestChatClientGone(t *testing.T) {
	for _, tc := range []struct {
		name       string
		send       func(w http.ResponseWriter, req chatRequest) // then the handler waits
		cancelOnTk bool                                         // cancel at the first token, else after 50ms
	}{
		{"mid-stream", func(w http.ResponseWriter, req chatRequest) {
			startEvents(w)
			sendEvent(w, roleChunk(req))
			sendEvent(w, tokenChunk(req, "Le poste"))
		}, true},
		{"before the first token", func(w http.ResponseWriter, req chatRequest) { startEvents(w) }, false},
		{"before the headers", func(http.ResponseWriter, chatRequest) {}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gone := make(chan bool, 1)
			srv := newChatServer(t, func(w http.ResponseWriter, r *http.Request, req chatRequest, call int) {
				tc.send(w, req)
				gone <- waitGone(r)
			})
			c, rec := newTestChat(t, srv, nil)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var got tokenLog
			onToken := got.onToken
			if tc.cancelOnTk {
				onToken = func(delta string) error { got.onToken(delta); cancel(); return nil }
			} else {
				time.AfterFunc(50*time.Millisecond, cancel)
			}
			start := time.Now()
			_, err := c.Stream(ctx, testMessages(), onToken)
			if !errors.Is(err, context.Canceled) || errors.Is(err, offres.ErrUnavailable) {
				t.Fatalf("err = %v, want context.Canceled only", err)
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("returned after %s", d)
			}
			select {
			case ok := <-gone:
				if !ok {
					t.Error("the handler's request context was not cancelled")
				}
			case <-time.After(2 * time.Second):
				t.Error("the handler is still running")
			}
			if n := srv.calls.Load(); n != 1 || len(rec.all()) != 0 {
				t.Errorf("%d requests, waits %v; want 1, no retry", n, rec.all())
			}
		})
	}
	t.Run("during a wait", func(t *testing.T) {
		srv := newChatServer(t, func(w http.ResponseWriter, r *http.Request, req chatRequest, call int) {
			writeError(w, http.StatusTooManyRequests, "requests", "rate_limit_exceeded", "slow down",
				map[string]string{"Retry-After": "3"})
		})
		c, _ := newTestChat(t, srv, nil)
		c.sleep = sleep // the real one
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(50*time.Millisecond, cancel)
		start := time.Now()
		if _, err := c.Stream(ctx, testMessages(), nil); !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("returned after %s", d)
		}
	})
}

// TestChatOnTokenError: onToken's error stops the stream, cancels the
// request and is returned as it is.
func TestChatOnTokenError(t *testing.T) {
	gone := make(chan bool, 1)
	srv := newChatServer(t, func(w http.ResponseWriter, r *http.Request, req chatRequest, call int) {
		startEvents(w)
		for _, tok := range helloTokens {
			sendEvent(w, tokenChunk(req, tok))
		}
		gone <- waitGone(r) // the rest of the answer would take a while
	})
	c, _ := newTestChat(t, srv, nil)
	errWriteFailed := errors.New("write to the client failed")
	var got tokenLog
	comp, err := c.Stream(context.Background(), testMessages(), func(delta string) error {
		got.onToken(delta)
		if len(got.all()) == 2 {
			return errWriteFailed
		}
		return nil
	})
	if err != errWriteFailed {
		t.Fatalf("err = %v, want onToken's error as it is", err)
	}
	if want := helloTokens[:2]; !slices.Equal(got.all(), want) || comp.Text != strings.Join(want, "") {
		t.Errorf("tokens %q, partial text %q; want %q", got.all(), comp.Text, want)
	}
	select {
	case ok := <-gone:
		if !ok {
			t.Error("the handler's request context was not cancelled")
		}
	case <-time.After(2 * time.Second):
		t.Error("the handler is still running")
	}
	if n := srv.calls.Load(); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

// TestChatWaitPastDeadline: a Retry-After beyond the call's deadline fails
// at once rather than sleeping into it.
func TestChatWaitPastDeadline(t *testing.T) {
	srv := newChatServer(t, func(w http.ResponseWriter, r *http.Request, req chatRequest, call int) {
		writeError(w, http.StatusTooManyRequests, "requests", "rate_limit_exceeded", "slow down",
			map[string]string{"Retry-After": "5"})
	})
	c, rec := newTestChat(t, srv, func(c *ChatConfig) { c.Timeout = 2 * time.Second })
	start := time.Now()
	_, err := c.Stream(context.Background(), testMessages(), nil)
	if !errors.Is(err, offres.ErrUnavailable) || !strings.Contains(err.Error(), "deadline") {
		t.Fatalf("err = %v, want ErrUnavailable naming the deadline", err)
	}
	if len(rec.all()) != 0 || time.Since(start) > time.Second {
		t.Errorf("waited %v, %s", rec.all(), time.Since(start))
	}
}

func TestChatConnectionRefused(t *testing.T) {
	srv := newChatServer(t, answers(answer{tokens: helloTokens}))
	c, rec := newTestChat(t, srv, func(c *ChatConfig) { c.MaxRetries = 1 })
	srv.Close()
	_, err := c.Stream(context.Background(), testMessages(), nil)
	if !errors.Is(err, offres.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	if len(rec.all()) != 1 {
		t.Errorf("waits %v, want 1 retry", rec.all())
	}
	checkClean(t, err)
}

func TestChatInvalidMessages(t *testing.T) {
	srv := newChatServer(t, answers(answer{tokens: helloTokens}))
	c, _ := newTestChat(t, srv, nil)
	for _, tc := range []struct {
		name string
		msgs []offres.ChatMessage
	}{
		{"none", nil},
		{"unknown role", []offres.ChatMessage{{Role: "tool", Content: "x"}}},
		{"empty content", []offres.ChatMessage{{Role: offres.RoleUser, Content: ""}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := c.Stream(context.Background(), tc.msgs, nil); !errors.Is(err, offres.ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
		})
	}
	if n := srv.calls.Load(); n != 0 {
		t.Errorf("%d requests, want none", n)
	}
}

func TestChatConfigValidate(t *testing.T) {
	valid := ChatConfig{Model: "mistral-small-latest"}
	if err := valid.Validate(); err != nil {
		t.Fatalf("minimal config: %v", err)
	}
	for _, tc := range []struct {
		field string
		edit  func(*ChatConfig)
	}{
		{"Model", func(c *ChatConfig) { c.Model = "  " }},
		{"BaseURL", func(c *ChatConfig) { c.BaseURL = "localhost:11434/v1" }},
		{"BaseURL", func(c *ChatConfig) { c.BaseURL = "https://user:pw@example.com/v1" }},
		{"Temperature", func(c *ChatConfig) { c.Temperature = -0.1 }},
		{"Temperature", func(c *ChatConfig) { c.Temperature = 2.5 }},
		{"Temperature", func(c *ChatConfig) { c.Temperature = float32(math.NaN()) }},
		{"MaxTokens", func(c *ChatConfig) { c.MaxTokens = -1 }},
		{"MaxTokens", func(c *ChatConfig) { c.MaxTokens = MaxChatMaxTokens + 1 }},
		{"Timeout", func(c *ChatConfig) { c.Timeout = -time.Second }},
		{"FirstTokenTimeout", func(c *ChatConfig) { c.FirstTokenTimeout = -time.Second }},
		{"MaxRetries", func(c *ChatConfig) { c.MaxRetries = MaxChatRetries + 1 }},
	} {
		t.Run(tc.field, func(t *testing.T) {
			c := valid
			tc.edit(&c)
			err := c.Validate()
			if !errors.Is(err, offres.ErrInvalid) || !strings.Contains(err.Error(), tc.field) {
				t.Fatalf("err = %v, want ErrInvalid naming %s", err, tc.field)
			}
			if _, err := NewChat(c); !errors.Is(err, offres.ErrInvalid) {
				t.Errorf("NewChat: err = %v, want ErrInvalid", err)
			}
		})
	}
	// All problems at once.
	err := ChatConfig{MaxTokens: -1, Timeout: -1}.Validate()
	for _, field := range []string{"Model", "MaxTokens", "Timeout"} {
		if !strings.Contains(fmt.Sprint(err), field) {
			t.Errorf("err = %v, want %s in it", err, field)
		}
	}
	// The bounds themselves are valid.
	edge := ChatConfig{Model: "m", Temperature: MaxChatTemperature, MaxTokens: MaxChatMaxTokens, MaxRetries: MaxChatRetries}
	if err := edge.Validate(); err != nil {
		t.Errorf("bounds: %v", err)
	}
}

func TestChatConfigStringHidesKey(t *testing.T) {
	c := ChatConfig{Model: "gpt-4o-mini", APIKey: "sk-very-secret"}
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("config", "chat", c)
	for _, s := range []string{c.String(), fmt.Sprint(c), fmt.Sprintf("%+v", c), fmt.Sprintf("%v", &c), logged.String()} {
		if strings.Contains(s, "sk-very-secret") {
			t.Errorf("%q shows the key", s)
		}
	}
	if s := c.String(); !strings.Contains(s, "api key set") || !strings.Contains(s, "gpt-4o-mini") {
		t.Errorf("String() = %q", s)
	}
}
