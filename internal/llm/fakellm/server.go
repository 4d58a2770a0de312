package fakellm

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options shape the model's behaviour.
type Options struct {
	// FirstToken is the wait before the first token (the model reading
	// the prompt); TokenDelay the wait before each further token.
	FirstToken, TokenDelay time.Duration
	// Invalid is the share of answers, in [0, 1], that quote a clause no
	// offer holds (they fail offres' citation check).
	Invalid float64
	// Misbehave is the share of questions, in [0, 1], answered in one of
	// the misbehaviours of Modes (chosen by a hash of the question, so
	// deterministic); every question carrying an instruction is then
	// obeyed (ObeyInjection).
	Misbehave float64
}

// Record is what the model did for one answer request.
type Record struct {
	Question string
	Mode     Mode
	// Marker is the invented fact the answer carried (a date, an amount,
	// an injected payload), "" when the misbehaviour has none.
	Marker string
	// Text is the answer written (before any failure of the wire).
	Text string
}

// stats counts what the server did; GET /stats shows them.
type stats struct {
	Requests  atomic.Int64
	Streamed  atomic.Int64
	Answers   atomic.Int64 // answers from passages
	Invalid   atomic.Int64
	Rewrites  atomic.Int64
	Cancelled atomic.Int64
	Tokens    atomic.Int64
	mu        sync.Mutex
	modes     map[Mode]int64
}

func (s *stats) MarshalJSON() ([]byte, error) {
	s.mu.Lock()
	modes := map[Mode]int64{}
	for m, n := range s.modes {
		modes[m] = n
	}
	s.mu.Unlock()
	return json.Marshal(map[string]any{
		"requests": s.Requests.Load(), "streamed": s.Streamed.Load(), "answers": s.Answers.Load(),
		"invalid": s.Invalid.Load(), "rewrites": s.Rewrites.Load(), "cancelled": s.Cancelled.Load(),
		"tokens": s.Tokens.Load(), "misbehaviours": modes,
	})
}

// chatRequest is the part of an OpenAI chat-completions request the server reads.
type chatRequest struct {
	Model    string `json:"model"`
	Messages []struct {
		Role    string `json:"role"`
		Content string `json:"content"`
	} `json:"messages"`
	Stream        bool `json:"stream"`
	StreamOptions *struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
	MaxTokens           int `json:"max_tokens"`
	MaxCompletionTokens int `json:"max_completion_tokens"`
}

// Server is the scripted model.
type Server struct {
	opts    Options
	stats   stats
	seq     atomic.Int64
	mu      sync.Mutex
	records []Record
}

// New returns a scripted model; Handler serves it.
func New(opts Options) *Server { return &Server{opts: opts} }

// Records returns what the model did for each answer request (not the
// rewriting of follow-ups), in order.
func (s *Server) Records() []Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Record(nil), s.records...)
}

// Handler serves POST /v1/chat/completions and GET /stats.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/chat/completions", s.complete)
	mux.HandleFunc("GET /stats", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(&s.stats)
	})
	return mux
}

// openAIError answers an error in the OpenAI shape.
func openAIError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{
		"message": msg, "type": "invalid_request_error", "param": nil, "code": nil,
	}})
}

func (s *Server) complete(w http.ResponseWriter, r *http.Request) {
	s.stats.Requests.Add(1)
	var req chatRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<20)).Decode(&req); err != nil {
		openAIError(w, http.StatusBadRequest, "invalid JSON body: "+err.Error())
		return
	}
	if req.Model == "" || len(req.Messages) == 0 {
		openAIError(w, http.StatusBadRequest, "model and messages are required")
		return
	}
	var system, user string
	for _, m := range req.Messages {
		switch m.Role {
		case "user":
			user = m.Content
		case "system":
			system = m.Content
		}
	}
	var text string
	mode := Careful
	if m := followUpRE.FindStringSubmatch(user); m != nil && !strings.Contains(user, "<passages>") {
		s.stats.Rewrites.Add(1)
		text = strings.TrimSpace(m[1])
	} else {
		v := readPrompt(system, user)
		text = answer(v)
		rec := Record{Question: v.Question}
		if s.opts.Invalid > 0 && rand.Float64() < s.opts.Invalid {
			s.stats.Invalid.Add(1)
			text = invalidQuote(v, text)
		} else if mode = modeFor(v, s.opts.Misbehave); mode != Careful {
			text, rec.Marker, mode = misbehave(mode, v, text)
		}
		rec.Mode, rec.Text = mode, text
		if mode == Careful {
			s.stats.Answers.Add(1)
		}
		s.mu.Lock()
		s.records = append(s.records, rec)
		s.mu.Unlock()
		s.stats.mu.Lock()
		if mode != Careful {
			if s.stats.modes == nil {
				s.stats.modes = map[Mode]int64{}
			}
			s.stats.modes[mode]++
		}
		s.stats.mu.Unlock()
	}
	switch mode {
	case ServerError:
		openAIError(w, http.StatusInternalServerError, "scripted server error")
		return
	case Timeout:
		<-r.Context().Done() // until the client gives up
		s.stats.Cancelled.Add(1)
		return
	case Empty:
		text = ""
	}
	toks := tokens(text)
	finish := "stop"
	if limit := max(req.MaxTokens, req.MaxCompletionTokens); limit > 0 && len(toks) > limit {
		toks, finish = toks[:limit], "length"
	}
	usage := map[string]int{
		"prompt_tokens": len(tokens(user)), "completion_tokens": len(toks),
		"total_tokens": len(tokens(user)) + len(toks),
	}
	id := fmt.Sprintf("chatcmpl-fake%d", s.seq.Add(1))
	created := time.Now().Unix()
	if !req.Stream {
		if !s.wait(r, s.opts.FirstToken+time.Duration(len(toks))*s.opts.TokenDelay) {
			return
		}
		s.stats.Tokens.Add(int64(len(toks)))
		w.Header().Set("Content-Type", "application/json")
		if mode == Malformed {
			fmt.Fprint(w, `{"id":"`+id+`","choices":[{"message":{"content":"Pour l'offre`)
			return
		}
		json.NewEncoder(w).Encode(map[string]any{
			"id": id, "object": "chat.completion", "created": created, "model": req.Model,
			"choices": []map[string]any{{
				"index": 0, "message": map[string]any{"role": "assistant", "content": strings.Join(toks, "")},
				"logprobs": nil, "finish_reason": finish,
			}},
			"usage": usage,
		})
		return
	}
	// The stream, as OpenAI writes it: a first chunk with the role, one
	// chunk per token, a last one with the finish reason, the usage chunk
	// when asked for (no choices), then [DONE].
	s.stats.Streamed.Add(1)
	includeUsage := req.StreamOptions != nil && req.StreamOptions.IncludeUsage
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	flusher, _ := w.(http.Flusher)
	chunk := func(choices []map[string]any, u map[string]int) {
		c := map[string]any{
			"id": id, "object": "chat.completion.chunk", "created": created, "model": req.Model,
			"system_fingerprint": "fp_offres_fakellm", "choices": choices,
		}
		if includeUsage {
			c["usage"] = u // null but in the last chunk
		}
		b, _ := json.Marshal(c)
		fmt.Fprintf(w, "data: %s\n\n", b)
		if flusher != nil {
			flusher.Flush()
		}
	}
	delta := func(d map[string]any, finish any) []map[string]any {
		return []map[string]any{{"index": 0, "delta": d, "logprobs": nil, "finish_reason": finish}}
	}
	if !s.wait(r, s.opts.FirstToken) {
		return
	}
	chunk(delta(map[string]any{"role": "assistant", "content": "", "refusal": nil}, nil), nil)
	for i, tok := range toks {
		if i > 0 && !s.wait(r, s.opts.TokenDelay) {
			return
		}
		chunk(delta(map[string]any{"content": tok}, nil), nil)
		s.stats.Tokens.Add(1)
		if mode == Malformed && i == len(toks)/2 {
			fmt.Fprint(w, "data: {\"id\":\""+id+"\",\"choices\":[{\"delta\":{\"content\":\"Pour l\n\n")
			if flusher != nil {
				flusher.Flush()
			}
			return
		}
	}
	chunk(delta(map[string]any{}, finish), nil)
	if includeUsage {
		chunk([]map[string]any{}, usage)
	}
	fmt.Fprint(w, "data: [DONE]\n\n")
	if flusher != nil {
		flusher.Flush()
	}
}

// wait sleeps d unless the client goes away first (false then).
func (s *Server) wait(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return r.Context().Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-r.Context().Done():
		s.stats.Cancelled.Add(1)
		return false
	case <-t.C:
		return true
	}
}
