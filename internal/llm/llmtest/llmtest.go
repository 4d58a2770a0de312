// Package llmtest is a language-model server for tests: it speaks the
// OpenAI chat-completions wire format, streaming included, and answers as a
// test scripts it (tokens, errors, garbage, stalls). The provider is the one
// outside boundary offres fakes.
package llmtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"offres/internal/offres"
)

// Request is what a client asked.
type Request struct {
	Model    string               `json:"model"`
	Messages []offres.ChatMessage `json:"messages"`
	Stream   bool                 `json:"stream"`
}

// Reply scripts an answer.
type Reply struct {
	// Status, when not 0 or 200, is answered with an OpenAI error body.
	Status int
	// Tokens are streamed one chunk each, Delay apart.
	Tokens []string
	Delay  time.Duration
	// Garbage streams a line that is not JSON after the tokens.
	Garbage bool
	// Stall blocks after the tokens until the client goes away.
	Stall bool
	// PromptTokens and CompletionTokens, when set, are reported in a last
	// chunk with empty choices, as OpenAI does for a request with
	// stream_options.include_usage.
	PromptTokens, CompletionTokens int
}

// Server is the test server.
type Server struct {
	*httptest.Server
	mu       sync.Mutex
	requests []Request
	// Cancelled counts the requests whose client went away mid-answer.
	Cancelled atomic.Int64
}

// New starts a server answering with reply, closed when the test ends. Its
// base URL for a client is URL + "/v1".
func New(t testing.TB, reply func(Request) Reply) *Server {
	s := &Server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/chat/completions" || r.Method != http.MethodPost {
			http.NotFound(w, r)
			return
		}
		var req Request
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		s.mu.Lock()
		s.requests = append(s.requests, req)
		s.mu.Unlock()
		rep := reply(req)
		if rep.Status != 0 && rep.Status != http.StatusOK {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(rep.Status)
			fmt.Fprintf(w, `{"error":{"message":"scripted %d","type":"server_error"}}`, rep.Status)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		flusher := w.(http.Flusher)
		chunk := func(delta map[string]string, finish any) {
			b, _ := json.Marshal(map[string]any{
				"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 1700000000, "model": req.Model,
				"choices": []map[string]any{{"index": 0, "delta": delta, "finish_reason": finish}},
			})
			fmt.Fprintf(w, "data: %s\n\n", b)
			flusher.Flush()
		}
		chunk(map[string]string{"role": "assistant", "content": ""}, nil)
		for _, tok := range rep.Tokens {
			select {
			case <-r.Context().Done():
				s.Cancelled.Add(1)
				return
			case <-time.After(rep.Delay):
			}
			chunk(map[string]string{"content": tok}, nil)
		}
		if rep.Garbage {
			fmt.Fprint(w, "data: {not json\n\n")
			flusher.Flush()
			return
		}
		if rep.Stall {
			<-r.Context().Done()
			s.Cancelled.Add(1)
			return
		}
		chunk(map[string]string{}, "stop")
		if rep.PromptTokens+rep.CompletionTokens > 0 {
			b, _ := json.Marshal(map[string]any{
				"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 1700000000, "model": req.Model,
				"choices": []any{},
				"usage": map[string]int{"prompt_tokens": rep.PromptTokens, "completion_tokens": rep.CompletionTokens,
					"total_tokens": rep.PromptTokens + rep.CompletionTokens},
			})
			fmt.Fprintf(w, "data: %s\n\n", b)
		}
		fmt.Fprint(w, "data: [DONE]\n\n")
		flusher.Flush()
	}))
	t.Cleanup(s.Close)
	return s
}

// Requests returns the requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}
