package llm

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"offres/internal/offres"
)

// The fake endpoint speaks OpenAI's /v1/embeddings wire format.

// embedRequest is a request as the server reads it; pointers tell absent
// fields from zero ones.
type embedRequest struct {
	Model          string   `json:"model"`
	Input          []string `json:"input"`
	Dimensions     *int     `json:"dimensions"`
	EncodingFormat *string  `json:"encoding_format"`

	auth string // the Authorization header
}

type embeddingItem struct {
	Object    string `json:"object"`
	Index     int    `json:"index"`
	Embedding any    `json:"embedding"` // []float32, or a base64 string
}

// vectorOf is the fake model: "text-N" → [N, len, 1, …] with dims values.
func vectorOf(text string, dims int) []float32 {
	v := make([]float32, dims)
	n, _ := strconv.Atoi(strings.TrimPrefix(text, "text-"))
	v[0] = float32(n)
	if dims > 1 {
		v[1] = float32(len(text))
	}
	for i := 2; i < dims; i++ {
		v[i] = 1
	}
	return v
}

// handler answers one request; call counts from 1.
type handler func(w http.ResponseWriter, r *http.Request, req embedRequest, call int)

// fakeServer records the requests it receives.
type fakeServer struct {
	*httptest.Server
	mu    sync.Mutex
	reqs  []embedRequest
	calls atomic.Int64
}

func newFakeServer(t *testing.T, h handler) *fakeServer {
	t.Helper()
	s := &fakeServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		call := int(s.calls.Add(1))
		if r.Method != http.MethodPost || r.URL.Path != "/v1/embeddings" {
			writeError(w, http.StatusNotFound, "invalid_request_error", "unknown_url", "unknown url "+r.URL.Path, nil)
			return
		}
		if ct := r.Header.Get("Content-Type"); ct != "application/json" {
			writeError(w, http.StatusBadRequest, "invalid_request_error", nil, "content type "+ct, nil)
			return
		}
		var req embedRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			writeError(w, http.StatusBadRequest, "invalid_request_error", nil, "bad json: "+err.Error(), nil)
			return
		}
		req.auth = r.Header.Get("Authorization")
		s.mu.Lock()
		s.reqs = append(s.reqs, req)
		s.mu.Unlock()
		h(w, r, req, call)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *fakeServer) requests() []embedRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.reqs)
}

// respondOpts shape a successful response.
type respondOpts struct {
	dims    int
	shuffle bool
	base64  bool
	edit    func([]embeddingItem) []embeddingItem
}

// writeEmbeddings answers req the way OpenAI does.
func writeEmbeddings(w http.ResponseWriter, req embedRequest, o respondOpts) {
	dims := o.dims
	if req.Dimensions != nil {
		dims = *req.Dimensions
	}
	if dims == 0 {
		dims = 3
	}
	b64 := o.base64 || (req.EncodingFormat != nil && *req.EncodingFormat == "base64")
	items := make([]embeddingItem, len(req.Input))
	tokens := 0
	for i, text := range req.Input {
		v := vectorOf(text, dims)
		items[i] = embeddingItem{Object: "embedding", Index: i, Embedding: v}
		if b64 {
			buf := make([]byte, 4*len(v))
			for j, x := range v {
				binary.LittleEndian.PutUint32(buf[4*j:], math.Float32bits(x))
			}
			items[i].Embedding = base64.StdEncoding.EncodeToString(buf)
		}
		tokens += len(strings.Fields(text))
	}
	if o.shuffle {
		rand.Shuffle(len(items), func(i, j int) { items[i], items[j] = items[j], items[i] })
	}
	if o.edit != nil {
		items = o.edit(items)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Request-Id", "req_123")
	json.NewEncoder(w).Encode(map[string]any{
		"object": "list",
		"data":   items,
		"model":  req.Model,
		"usage":  map[string]int{"prompt_tokens": tokens, "total_tokens": tokens},
	})
}

// writeError answers with OpenAI's error body.
func writeError(w http.ResponseWriter, status int, typ string, code any, msg string, header map[string]string) {
	for k, v := range header {
		w.Header().Set(k, v)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Request-Id", "req_err")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{
		"error": map[string]any{"message": msg, "type": typ, "param": nil, "code": code},
	})
}

func ok(o respondOpts) handler {
	return func(w http.ResponseWriter, _ *http.Request, req embedRequest, _ int) { writeEmbeddings(w, req, o) }
}

// sleepRecorder replaces Embedder.sleep: it records the waits and returns
// at once, unless ctx is done.
type sleepRecorder struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleepRecorder) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleepRecorder) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.waits)
}

// newTestEmbedder returns an Embedder on srv whose waits are recorded, not
// slept.
func newTestEmbedder(t *testing.T, srv *fakeServer, edit func(*EmbedConfig)) (*Embedder, *sleepRecorder) {
	t.Helper()
	cfg := EmbedConfig{
		BaseURL: srv.URL + "/v1",
		APIKey:  "sk-test-key-0123456789",
		Model:   "text-embedding-3-small",
		Timeout: 2 * time.Second,
	}
	if edit != nil {
		edit(&cfg)
	}
	e, err := NewEmbedder(cfg)
	if err != nil {
		t.Fatal(err)
	}
	rec := &sleepRecorder{}
	e.sleep = rec.sleep
	return e, rec
}

func texts(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("text-%d", i)
	}
	return out
}

// checkVectors checks that vecs are the fake model's vectors of in, in order.
func checkVectors(t *testing.T, in []string, vecs [][]float32, dims int) {
	t.Helper()
	if len(vecs) != len(in) {
		t.Fatalf("%d vectors for %d inputs", len(vecs), len(in))
	}
	for i, v := range vecs {
		if want := vectorOf(in[i], dims); !slices.Equal(v, want) {
			t.Fatalf("vector %d = %v, want %v", i, v, want)
		}
	}
}

func TestEmbedBatchesInOrder(t *testing.T) {
	var (
		mu        sync.Mutex
		completed []string // first input of each batch, in the order answered
	)
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, req embedRequest, call int) {
		// The first batch answers last, and every batch answers shuffled.
		if req.Input[0] == "text-0" {
			time.Sleep(50 * time.Millisecond)
		}
		mu.Lock()
		completed = append(completed, req.Input[0])
		mu.Unlock()
		writeEmbeddings(w, req, respondOpts{shuffle: true})
	})
	e, _ := newTestEmbedder(t, srv, func(c *EmbedConfig) { c.Concurrency = 3 })
	if e.Dimensions() != 0 || e.Model() != "text-embedding-3-small" {
		t.Fatalf("before the first call: dimensions %d, model %q", e.Dimensions(), e.Model())
	}
	in := texts(150)
	vecs, err := e.Embed(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	checkVectors(t, in, vecs, 3)
	if e.Dimensions() != 3 {
		t.Errorf("dimensions = %d, want 3", e.Dimensions())
	}

	reqs := srv.requests()
	var sizes []int
	for _, r := range reqs {
		sizes = append(sizes, len(r.Input))
		if r.Model != "text-embedding-3-small" {
			t.Errorf("model = %q", r.Model)
		}
		if r.auth != "Bearer sk-test-key-0123456789" {
			t.Errorf("Authorization = %q", r.auth)
		}
		if r.Dimensions != nil {
			t.Errorf("dimensions sent though not set: %d", *r.Dimensions)
		}
		if r.EncodingFormat != nil {
			t.Errorf("encoding_format sent though not set: %q", *r.EncodingFormat)
		}
	}
	slices.Sort(sizes)
	if !slices.Equal(sizes, []int{22, 64, 64}) {
		t.Errorf("batch sizes %v, want 64, 64, 22", sizes)
	}
	if len(completed) != 3 || completed[2] != "text-0" {
		t.Errorf("batches answered in the order %v; the first was meant to answer last", completed)
	}
}

func TestEmbedNoInput(t *testing.T) {
	srv := newFakeServer(t, ok(respondOpts{}))
	e, _ := newTestEmbedder(t, srv, nil)
	vecs, err := e.Embed(context.Background(), nil)
	if err != nil || len(vecs) != 0 {
		t.Fatalf("got %v, %v; want no vector, no error", vecs, err)
	}
	_, err = e.Embed(context.Background(), []string{"text-0", ""})
	if !errors.Is(err, offres.ErrInvalid) || !strings.Contains(err.Error(), "input 1") {
		t.Fatalf("err = %v, want ErrInvalid naming input 1", err)
	}
	if n := srv.calls.Load(); n != 0 {
		t.Errorf("%d requests, want none", n)
	}
}

func TestEmbedConcurrencyBound(t *testing.T) {
	var inFlight, peak atomic.Int64
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, req embedRequest, call int) {
		n := inFlight.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(15 * time.Millisecond)
		inFlight.Add(-1)
		writeEmbeddings(w, req, respondOpts{})
	})
	e, _ := newTestEmbedder(t, srv, func(c *EmbedConfig) { c.BatchSize = 2; c.Concurrency = 2 })

	// Two calls at once share the bound.
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			in := texts(12)
			vecs, err := e.Embed(context.Background(), in)
			if err != nil {
				t.Error(err)
				return
			}
			checkVectors(t, in, vecs, 3)
		})
	}
	wg.Wait()
	if n := srv.calls.Load(); n != 12 {
		t.Errorf("%d requests, want 12", n)
	}
	if p := peak.Load(); p != 2 {
		t.Errorf("at most %d requests in flight, want 2", p)
	}
}

func TestEmbedRetryAfter(t *testing.T) {
	future := time.Now().Add(3 * time.Second).UTC().Format(http.TimeFormat)
	for _, tc := range []struct {
		name     string
		header   map[string]string
		min, max time.Duration
	}{
		{"seconds", map[string]string{"Retry-After": "1"}, time.Second, time.Second},
		{"http date", map[string]string{"Retry-After": future}, time.Second, 3 * time.Second},
		{"milliseconds", map[string]string{"Retry-After": "1", "retry-after-ms": "250"}, 250 * time.Millisecond, 250 * time.Millisecond},
		{"capped", map[string]string{"Retry-After": "3600"}, MaxRetryWait, MaxRetryWait},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, req embedRequest, call int) {
				if call == 1 {
					writeError(w, http.StatusTooManyRequests, "requests", "rate_limit_exceeded", "Rate limit reached", tc.header)
					return
				}
				writeEmbeddings(w, req, respondOpts{})
			})
			e, rec := newTestEmbedder(t, srv, nil)
			in := texts(3)
			vecs, err := e.Embed(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			checkVectors(t, in, vecs, 3)
			waits := rec.all()
			if len(waits) != 1 || waits[0] < tc.min || waits[0] > tc.max {
				t.Fatalf("waits %v, want one in [%s, %s]", waits, tc.min, tc.max)
			}
			if n := srv.calls.Load(); n != 2 {
				t.Errorf("%d requests, want 2", n)
			}
		})
	}
}

// TestEmbedRetryAfterRealWait honours a short Retry-After with the real
// clock.
func TestEmbedRetryAfterRealWait(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, req embedRequest, call int) {
		if call == 1 {
			writeError(w, http.StatusTooManyRequests, "requests", "rate_limit_exceeded", "Rate limit reached",
				map[string]string{"Retry-After-Ms": "150"})
			return
		}
		writeEmbeddings(w, req, respondOpts{})
	})
	e, _ := newTestEmbedder(t, srv, nil)
	e.sleep = sleep
	start := time.Now()
	if _, err := e.Embed(context.Background(), texts(1)); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Fatalf("retried after %s, before the 150ms asked for", d)
	}
}

func TestEmbedServerErrorsThenSuccess(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, req embedRequest, call int) {
		if call <= 2 {
			writeError(w, http.StatusServiceUnavailable, "server_error", nil, "The server is overloaded", nil)
			return
		}
		writeEmbeddings(w, req, respondOpts{})
	})
	var logged bytes.Buffer
	e, rec := newTestEmbedder(t, srv, func(c *EmbedConfig) { c.Logger = slog.New(slog.NewTextHandler(&logged, nil)) })
	in := texts(5)
	vecs, err := e.Embed(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	checkVectors(t, in, vecs, 3)
	waits := rec.all()
	if len(waits) != 2 {
		t.Fatalf("waits %v, want 2", waits)
	}
	if n := strings.Count(logged.String(), "retrying embeddings"); n != 2 || strings.Contains(logged.String(), "text-") {
		t.Errorf("log, want 2 retries and no input:\n%s", logged.String())
	}
	// Exponential with equal jitter: [base/2, base), then [base, 2·base).
	for i, w := range waits {
		step := BaseBackoff << i
		if w < step/2 || w >= step {
			t.Errorf("wait %d = %s, want in [%s, %s)", i+1, w, step/2, step)
		}
	}
}

func TestEmbedRetriesExhausted(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, req embedRequest, call int) {
		writeError(w, http.StatusInternalServerError, "server_error", nil, "The server had an error", nil)
	})
	e, rec := newTestEmbedder(t, srv, func(c *EmbedConfig) { c.MaxRetries = 2 })
	_, err := e.Embed(context.Background(), texts(3))
	if !errors.Is(err, offres.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	var se *StatusError
	if !errors.As(err, &se) || se.StatusCode != 500 || se.RequestID != "req_err" {
		t.Errorf("status error = %+v", se)
	}
	if n := srv.calls.Load(); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
	if len(rec.all()) != 2 {
		t.Errorf("waits %v, want 2", rec.all())
	}
	if !strings.Contains(err.Error(), "3 attempts") {
		t.Errorf("err = %v, want the count of attempts", err)
	}
}

func TestEmbedNotRetried(t *testing.T) {
	const secret = "text-7 Confidential candidate profile, born 1984 in Lifou"
	for _, tc := range []struct {
		name        string
		status      int
		typ         string
		code        any
		msg         string
		unavailable bool
		want        []string // in the error's text
		dontWant    []string
	}{
		{"unauthorized", 401, "invalid_request_error", "invalid_api_key",
			"Incorrect API key provided: sk-test-key-0123456789.", true,
			[]string{"authentication", "HTTP 401", "invalid_api_key"}, []string{"sk-test-key-0123456789"}},
		{"forbidden", 403, "invalid_request_error", nil, "Project does not have access to model", true,
			[]string{"authentication", "HTTP 403"}, nil},
		{"quota", 429, "insufficient_quota", "insufficient_quota", "You exceeded your current quota", true,
			[]string{"quota exhausted"}, nil},
		{"bad request", 400, "invalid_request_error", nil,
			"This model's maximum context length is 8192 tokens, however you requested 9000 tokens", false,
			[]string{"request rejected", "HTTP 400", "maximum context length"}, nil},
		{"echoed input", 400, "invalid_request_error", nil, "Invalid input: '" + secret + "'", false,
			[]string{withheldMessage}, []string{"Confidential"}},
		{"unknown model", 404, "invalid_request_error", "model_not_found", "The model does not exist", false,
			[]string{"HTTP 404 model_not_found"}, nil},
		{"not implemented", 501, "server_error", nil, "embeddings not supported", false,
			[]string{"HTTP 501 server_error: embeddings not supported"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, req embedRequest, call int) {
				writeError(w, tc.status, tc.typ, tc.code, tc.msg, map[string]string{"Retry-After": "1"})
			})
			e, rec := newTestEmbedder(t, srv, nil)
			_, err := e.Embed(context.Background(), []string{"text-1", secret})
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
			for _, s := range append(tc.dontWant, secret) {
				if strings.Contains(err.Error(), s) {
					t.Errorf("err = %q, has %q in it", err, s)
				}
			}
		})
	}
}

// TestEmbedNonJSONError: a proxy's HTML error page is classified by its
// status; its body is not kept.
func TestEmbedNonJSONError(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, req embedRequest, call int) {
		if call == 1 {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			fmt.Fprint(w, "<html><body>502 Bad Gateway "+req.Input[0]+"</body></html>")
			return
		}
		writeEmbeddings(w, req, respondOpts{})
	})
	e, rec := newTestEmbedder(t, srv, func(c *EmbedConfig) { c.MaxRetries = -1 })
	_, err := e.Embed(context.Background(), []string{"text-1 private"})
	var se *StatusError
	if !errors.Is(err, offres.ErrUnavailable) || !errors.As(err, &se) || se.StatusCode != 502 {
		t.Fatalf("err = %v, want an unavailable HTTP 502", err)
	}
	if strings.Contains(err.Error(), "private") || strings.Contains(err.Error(), "html") {
		t.Errorf("err = %q, has the body in it", err)
	}
	if len(rec.all()) != 0 {
		t.Errorf("retried though MaxRetries < 0")
	}
}

func TestEmbedNetworkErrorRetried(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, req embedRequest, call int) {
		if call == 1 { // close the connection without an answer
			conn, _, err := w.(http.Hijacker).Hijack()
			if err != nil {
				t.Error(err)
				return
			}
			conn.Close()
			return
		}
		writeEmbeddings(w, req, respondOpts{})
	})
	e, rec := newTestEmbedder(t, srv, nil)
	in := texts(2)
	vecs, err := e.Embed(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	checkVectors(t, in, vecs, 3)
	if len(rec.all()) != 1 {
		t.Errorf("waits %v, want 1", rec.all())
	}
}

func TestEmbedConnectionRefused(t *testing.T) {
	srv := newFakeServer(t, ok(respondOpts{}))
	e, rec := newTestEmbedder(t, srv, func(c *EmbedConfig) { c.MaxRetries = 1 })
	srv.Close()
	_, err := e.Embed(context.Background(), texts(1))
	if !errors.Is(err, offres.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	if len(rec.all()) != 1 {
		t.Errorf("waits %v, want 1 retry", rec.all())
	}
}

// hang blocks until the client goes away.
func hang(w http.ResponseWriter, r *http.Request, req embedRequest, call int) {
	select {
	case <-r.Context().Done():
	case <-time.After(5 * time.Second):
	}
}

func TestEmbedPerCallTimeout(t *testing.T) {
	srv := newFakeServer(t, hang)
	const timeout = 100 * time.Millisecond
	e, _ := newTestEmbedder(t, srv, func(c *EmbedConfig) { c.Timeout = timeout; c.MaxRetries = -1 })
	start := time.Now()
	_, err := e.Embed(context.Background(), texts(1))
	elapsed := time.Since(start)
	if !errors.Is(err, offres.ErrUnavailable) || !strings.Contains(err.Error(), "no response within 100ms") {
		t.Fatalf("err = %v, want an unavailable timeout", err)
	}
	if elapsed < timeout || elapsed > timeout+time.Second {
		t.Errorf("returned after %s, want about %s", elapsed, timeout)
	}

	// A timeout is retried.
	e, rec := newTestEmbedder(t, srv, func(c *EmbedConfig) { c.Timeout = timeout; c.MaxRetries = 1 })
	before := srv.calls.Load()
	if _, err := e.Embed(context.Background(), texts(1)); !errors.Is(err, offres.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	if n := srv.calls.Load() - before; n != 2 || len(rec.all()) != 1 {
		t.Errorf("%d requests, waits %v; want 2 requests, 1 wait", n, rec.all())
	}
}

func TestEmbedCancelled(t *testing.T) {
	t.Run("during a request", func(t *testing.T) {
		srv := newFakeServer(t, hang)
		e, _ := newTestEmbedder(t, srv, nil)
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(50*time.Millisecond, cancel)
		start := time.Now()
		_, err := e.Embed(ctx, texts(200))
		if !errors.Is(err, context.Canceled) || errors.Is(err, offres.ErrUnavailable) {
			t.Fatalf("err = %v, want context.Canceled only", err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("returned after %s", d)
		}
	})
	t.Run("during a wait", func(t *testing.T) {
		srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, req embedRequest, call int) {
			writeError(w, http.StatusTooManyRequests, "requests", "rate_limit_exceeded", "slow down",
				map[string]string{"Retry-After": "20"})
		})
		e, _ := newTestEmbedder(t, srv, nil)
		e.sleep = sleep // the real one
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(50*time.Millisecond, cancel)
		start := time.Now()
		_, err := e.Embed(ctx, texts(1))
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("returned after %s", d)
		}
	})
	t.Run("already", func(t *testing.T) {
		srv := newFakeServer(t, ok(respondOpts{}))
		e, _ := newTestEmbedder(t, srv, nil)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := e.Embed(ctx, texts(1)); !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	})
}

// TestEmbedWaitPastDeadline: a Retry-After beyond the caller's deadline
// fails at once rather than sleeping into it.
func TestEmbedWaitPastDeadline(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, req embedRequest, call int) {
		writeError(w, http.StatusTooManyRequests, "requests", "rate_limit_exceeded", "slow down",
			map[string]string{"Retry-After": "5"})
	})
	e, rec := newTestEmbedder(t, srv, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	_, err := e.Embed(ctx, texts(1))
	if !errors.Is(err, offres.ErrUnavailable) || !strings.Contains(err.Error(), "deadline") {
		t.Fatalf("err = %v, want ErrUnavailable naming the deadline", err)
	}
	if len(rec.all()) != 0 || time.Since(start) > time.Second {
		t.Errorf("waited %v, %s", rec.all(), time.Since(start))
	}
}

func TestEmbedBadResponses(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func([]embeddingItem) []embeddingItem
		raw  string // a body to send instead
	}{
		{"one missing", func(it []embeddingItem) []embeddingItem { return it[:len(it)-1] }, ""},
		{"one too many", func(it []embeddingItem) []embeddingItem { return append(it, it[0]) }, ""},
		{"index out of range", func(it []embeddingItem) []embeddingItem { it[0].Index = len(it); return it }, ""},
		{"negative index", func(it []embeddingItem) []embeddingItem { it[0].Index = -1; return it }, ""},
		{"index twice", func(it []embeddingItem) []embeddingItem { it[1].Index = it[0].Index; return it }, ""},
		{"dimensions differ", func(it []embeddingItem) []embeddingItem { it[1].Embedding = []float32{1, 2}; return it }, ""},
		{"empty vector", func(it []embeddingItem) []embeddingItem {
			for i := range it {
				it[i].Embedding = []float32{}
			}
			return it
		}, ""},
		{"not json", nil, "<html>ok</html>"},
		{"wrong shape", nil, `{"object":"list","data":[{"index":0,"embedding":"oops"}]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, req embedRequest, call int) {
				if tc.raw != "" {
					w.Header().Set("Content-Type", "application/json")
					fmt.Fprint(w, tc.raw)
					return
				}
				writeEmbeddings(w, req, respondOpts{edit: tc.edit})
			})
			e, _ := newTestEmbedder(t, srv, nil)
			_, err := e.Embed(context.Background(), texts(3))
			if !errors.Is(err, ErrBadResponse) {
				t.Fatalf("err = %v, want ErrBadResponse", err)
			}
			if n := srv.calls.Load(); n != 1 {
				t.Errorf("%d requests, want 1", n)
			}
		})
	}
}

func TestEmbedDimensions(t *testing.T) {
	t.Run("sent when set", func(t *testing.T) {
		srv := newFakeServer(t, ok(respondOpts{}))
		e, _ := newTestEmbedder(t, srv, func(c *EmbedConfig) { c.Dimensions = 256 })
		if e.Dimensions() != 256 {
			t.Fatalf("dimensions = %d before the first call, want 256", e.Dimensions())
		}
		in := texts(4)
		vecs, err := e.Embed(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		checkVectors(t, in, vecs, 256)
		if r := srv.requests()[0]; r.Dimensions == nil || *r.Dimensions != 256 {
			t.Errorf("dimensions sent: %v", r.Dimensions)
		}
	})
	t.Run("ignored by the server", func(t *testing.T) {
		srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, req embedRequest, call int) {
			req.Dimensions = nil
			writeEmbeddings(w, req, respondOpts{dims: 1536})
		})
		e, _ := newTestEmbedder(t, srv, func(c *EmbedConfig) { c.Dimensions = 256 })
		_, err := e.Embed(context.Background(), texts(2))
		if !errors.Is(err, ErrBadResponse) || !strings.Contains(err.Error(), "1536") {
			t.Fatalf("err = %v, want ErrBadResponse naming 1536", err)
		}
	})
	t.Run("changing between calls", func(t *testing.T) {
		srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, req embedRequest, call int) {
			writeEmbeddings(w, req, respondOpts{dims: 2 + call})
		})
		e, _ := newTestEmbedder(t, srv, nil)
		if _, err := e.Embed(context.Background(), texts(2)); err != nil {
			t.Fatal(err)
		}
		if e.Dimensions() != 3 {
			t.Fatalf("dimensions = %d, want 3", e.Dimensions())
		}
		if _, err := e.Embed(context.Background(), texts(2)); !errors.Is(err, ErrBadResponse) {
			t.Fatalf("err = %v, want ErrBadResponse", err)
		}
	})
}

func TestEmbedEncodingFormat(t *testing.T) {
	for _, format := range []string{EncodingFloat, EncodingBase64} {
		t.Run(format, func(t *testing.T) {
			srv := newFakeServer(t, ok(respondOpts{shuffle: true}))
			e, _ := newTestEmbedder(t, srv, func(c *EmbedConfig) { c.EncodingFormat = format; c.Dimensions = 8 })
			in := texts(10)
			vecs, err := e.Embed(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			checkVectors(t, in, vecs, 8)
			if r := srv.requests()[0]; r.EncodingFormat == nil || *r.EncodingFormat != format {
				t.Errorf("encoding_format sent: %v", r.EncodingFormat)
			}
		})
	}
}

func TestEmbedWithoutAPIKey(t *testing.T) {
	srv := newFakeServer(t, ok(respondOpts{}))
	e, _ := newTestEmbedder(t, srv, func(c *EmbedConfig) { c.APIKey = "" })
	if _, err := e.Embed(context.Background(), texts(1)); err != nil {
		t.Fatal(err)
	}
	if r := srv.requests()[0]; r.auth != "" {
		t.Errorf("Authorization = %q, want none", r.auth)
	}
}

func TestEmbedConfigValidate(t *testing.T) {
	valid := EmbedConfig{Model: "mistral-embed"}
	if err := valid.Validate(); err != nil {
		t.Fatalf("minimal config: %v", err)
	}
	for _, tc := range []struct {
		field string
		edit  func(*EmbedConfig)
	}{
		{"Model", func(c *EmbedConfig) { c.Model = "  " }},
		{"BaseURL", func(c *EmbedConfig) { c.BaseURL = "localhost:11434/v1" }},
		{"BaseURL", func(c *EmbedConfig) { c.BaseURL = "ftp://example.com" }},
		{"BaseURL", func(c *EmbedConfig) { c.BaseURL = "http:///v1" }},
		{"BaseURL", func(c *EmbedConfig) { c.BaseURL = "https://user:pw@example.com/v1" }},
		{"Dimensions", func(c *EmbedConfig) { c.Dimensions = -1 }},
		{"EncodingFormat", func(c *EmbedConfig) { c.EncodingFormat = "int8" }},
		{"BatchSize", func(c *EmbedConfig) { c.BatchSize = -1 }},
		{"BatchSize", func(c *EmbedConfig) { c.BatchSize = MaxEmbedBatchSize + 1 }},
		{"Concurrency", func(c *EmbedConfig) { c.Concurrency = -2 }},
		{"Timeout", func(c *EmbedConfig) { c.Timeout = -time.Second }},
		{"MaxRetries", func(c *EmbedConfig) { c.MaxRetries = MaxEmbedRetries + 1 }},
	} {
		t.Run(tc.field, func(t *testing.T) {
			c := valid
			tc.edit(&c)
			err := c.Validate()
			if !errors.Is(err, offres.ErrInvalid) || !strings.Contains(err.Error(), tc.field) {
				t.Fatalf("err = %v, want ErrInvalid naming %s", err, tc.field)
			}
			if _, err := NewEmbedder(c); !errors.Is(err, offres.ErrInvalid) {
				t.Errorf("NewEmbedder: err = %v, want ErrInvalid", err)
			}
		})
	}
	// All problems at once.
	err := EmbedConfig{BatchSize: -1, Timeout: -1}.Validate()
	for _, field := range []string{"Model", "BatchSize", "Timeout"} {
		if !strings.Contains(fmt.Sprint(err), field) {
			t.Errorf("err = %v, want %s in it", err, field)
		}
	}
}

func TestEmbedConfigStringHidesKey(t *testing.T) {
	c := EmbedConfig{Model: "m", APIKey: "sk-very-secret"}
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("config", "embed", c)
	for _, s := range []string{c.String(), fmt.Sprint(c), fmt.Sprintf("%+v", c), logged.String()} {
		if strings.Contains(s, "sk-very-secret") {
			t.Errorf("%q shows the key", s)
		}
	}
}
