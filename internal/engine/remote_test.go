package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"hash/fnv"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode"

	"offres/internal/demo"
	"offres/internal/llm"
	"offres/internal/offres"
	"offres/search"
)

// embeddingServer speaks the OpenAI /v1/embeddings wire format, the outside
// boundary of a remote embedder. Its vectors hash the words of a text into
// 64 dimensions: crude, but texts sharing words are near. down makes it
// answer 503; silent, answer nothing until the client goes away.
type embeddingServer struct {
	*httptest.Server
	inputs atomic.Int64
	down   atomic.Bool
	silent atomic.Bool
}

func newEmbeddingServer(t *testing.T) *embeddingServer {
	t.Helper()
	s := &embeddingServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/embeddings" || r.Method != http.MethodPost {
			http.NotFound(w, r)
			return
		}
		if s.silent.Load() {
			io.Copy(io.Discard, r.Body) // then the server sees the client leave
			<-r.Context().Done()
			return
		}
		if s.down.Load() {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte(`{"error":{"message":"overloaded","type":"server_error"}}`))
			return
		}
		var req struct {
			Input []string `json:"input"`
			Model string   `json:"model"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		s.inputs.Add(int64(len(req.Input)))
		type item struct {
			Object    string    `json:"object"`
			Index     int       `json:"index"`
			Embedding []float32 `json:"embedding"`
		}
		resp := struct {
			Object string         `json:"object"`
			Data   []item         `json:"data"`
			Model  string         `json:"model"`
			Usage  map[string]int `json:"usage"`
		}{Object: "list", Model: req.Model, Usage: map[string]int{"prompt_tokens": 1, "total_tokens": 1}}
		for i, in := range req.Input {
			resp.Data = append(resp.Data, item{Object: "embedding", Index: i, Embedding: hashVector(in)})
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(resp)
	}))
	t.Cleanup(s.Close)
	return s
}

func hashVector(text string) []float32 {
	v := make([]float32, 64)
	for _, w := range strings.FieldsFunc(strings.ToLower(offres.Fold(text)), func(r rune) bool { return !unicode.IsLetter(r) }) {
		if len(w) < 4 {
			continue
		}
		h := fnv.New32a()
		h.Write([]byte(w))
		v[h.Sum32()%64]++
	}
	var n float64
	for _, x := range v {
		n += float64(x * x)
	}
	if n == 0 {
		v[0] = 1
		return v
	}
	for i := range v {
		v[i] /= float32(math.Sqrt(n))
	}
	return v
}

// TestRemoteEmbedder runs the engine on an OpenAI-compatible endpoint:
// vectors stored under its model, unchanged offers re-imported without a
// call, the endpoint down degrading search to keyword mode (the engine says
// so) and leaving the offers to embed later, which the engine does by
// itself once it is back; an endpoint that does not answer holds a search
// no longer than its bound.
func TestRemoteEmbedder(t *testing.T) {
	ctx := context.Background()
	srv := newEmbeddingServer(t)
	emb, err := llm.NewEmbedder(llm.EmbedConfig{BaseURL: srv.URL + "/v1", Model: "test-embed", MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	e, err := Open(ctx, Options{Dir: t.TempDir(), Now: fixedNow, Embedder: emb,
		PollInterval: 20 * time.Millisecond, MaxRetryInterval: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if _, _, err := e.Import(ctx, "demo.json", bytes.NewReader(demo.Offers)); err != nil {
		t.Fatal(err)
	}
	if e.Model() != "test-embed" {
		t.Fatalf("model %q", e.Model())
	}
	first := srv.inputs.Load()
	if first == 0 {
		t.Fatal("no embedding request")
	}
	res, err := e.Search().Search(ctx, search.Request{Text: "surveillance du lagon", Mode: offres.ModeHybrid, IncludeClosed: true})
	if err != nil || res.Mode != offres.ModeHybrid || len(res.Hits) == 0 {
		t.Fatalf("hybrid search on the remote model: mode %q, %d hits, %v", res.Mode, len(res.Hits), err)
	}

	// Re-importing unchanged offers costs no embedding.
	first = srv.inputs.Load()
	if _, _, err := e.Import(ctx, "demo.json", bytes.NewReader(demo.Offers)); err != nil {
		t.Fatal(err)
	}
	if n := srv.inputs.Load() - first; n != 0 {
		t.Errorf("re-importing the unchanged corpus embedded %d texts", n)
	}

	// A changed title: only the passages whose text changed are embedded
	// (the summary passage), the others come from the cache.
	o, err := e.Get(ctx, "PS-2026-0622/DDDT")
	if err != nil {
		t.Fatal(err)
	}
	passages, _ := e.store.PassagesOf(ctx, "test-embed", []string{o.ID})
	if len(passages[o.ID]) < 2 {
		t.Fatalf("%d passages for %s", len(passages[o.ID]), o.ID)
	}
	o.Title = "Agent de surveillance maritime et lagonaire"
	before := srv.inputs.Load()
	if err := e.importOffers(ctx, []offres.Offer{o}); err != nil {
		t.Fatal(err)
	}
	if n := srv.inputs.Load() - before; n != 1 {
		t.Errorf("a changed title embedded %d texts, want 1 (the summary; %d passages)", n, len(passages[o.ID]))
	}

	// The endpoint down: imports go on, search says keyword.
	srv.down.Store(true)
	added := offres.Offer{ID: "REMOTE-1", Title: "Océanographe côtier", Description: "Suivi de la qualité des eaux du lagon.",
		Deadline: offres.Date{Year: 2027, Month: 6, Day: 1}}
	if err := e.importOffers(ctx, []offres.Offer{added}); err != nil {
		t.Fatalf("import with the embedder down: %v", err)
	}
	res, err = e.Search().Search(ctx, search.Request{Text: "océanographe", IncludeClosed: true})
	if err != nil || res.Mode != offres.ModeKeyword || len(res.Hits) == 0 || res.Hits[0].ID != "REMOTE-1" {
		t.Fatalf("search with the embedder down: mode %q, %v, %v", res.Mode, ids(res), err)
	}
	if !hasDown(e, DependencyEmbedder) {
		t.Errorf("embedder down, engine degraded %v", e.Degraded())
	}
	embedded, _ := e.store.EmbeddedOffers(ctx, "test-embed")
	if embedded["REMOTE-1"] {
		t.Fatal("REMOTE-1 has vectors though the embedder was down")
	}

	// Back: what was missed is embedded without being asked.
	srv.down.Store(false)
	eventually(t, "REMOTE-1 embedded once the embedder is back", func() bool {
		embedded, _ := e.store.EmbeddedOffers(ctx, "test-embed")
		return embedded["REMOTE-1"]
	})
	eventually(t, "the engine no longer degraded", func() bool { return len(e.Degraded()) == 0 })
	res, err = e.Search().Search(ctx, search.Request{Text: "océanographe", IncludeClosed: true})
	if err != nil || res.Mode != offres.ModeHybrid {
		t.Errorf("search with the embedder back: mode %q, %v", res.Mode, err)
	}

	// An endpoint that does not answer: within the API's deadline, the
	// search goes on in keyword mode.
	srv.silent.Store(true)
	defer srv.silent.Store(false)
	actx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	res, err = e.Search().Search(actx, search.Request{Text: "océanographe", IncludeClosed: true})
	if err != nil || res.Mode != offres.ModeKeyword || len(res.Hits) == 0 {
		t.Errorf("search with the embedder silent: mode %q, %v, %v", res.Mode, ids(res), err)
	}
	if !hasDown(e, DependencyEmbedder) {
		t.Errorf("embedder silent, engine degraded %v", e.Degraded())
	}
}
