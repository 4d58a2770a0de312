package api_test

import (
	"bytes"
	"context"
	"fmt"
	"hash/fnv"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"offres/api"
	"offres/internal/assistant"
	"offres/internal/demo"
	"offres/internal/engine"
	"offres/internal/llm"
	"offres/internal/offres"
	"offres/internal/pgtest"
)

// readiness is the body of /readyz.
type readiness struct {
	Status  string   `json:"status"`
	Storage string   `json:"storage"`
	Down    []string `json:"down"`
}

func readyz(t *testing.T, app *fiber.App) (int, readiness) {
	t.Helper()
	r := do(t, app, "GET", "/readyz", nil)
	var rd readiness
	r.decode(t, &rd)
	return r.status, rd
}

// waitFor retries check until it passes, or fails the test after a
// generous deadline.
func waitFor(t *testing.T, what string, check func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !check() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 20 s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func searchHTTP(t *testing.T, app *fiber.App, q, mode string) (int, offres.Result) {
	t.Helper()
	r := do(t, app, "GET", "/api/v1/search?include_closed=true&q="+url.QueryEscape(q)+"&mode="+mode, nil)
	var res offres.Result
	if r.status == 200 {
		r.decode(t, &res)
	}
	return r.status, res
}

func hitIDs(res offres.Result) []string {
	var ids []string
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	return ids
}

// TestDatabaseDown serves the API from an engine whose connections to
// PostgreSQL go through a proxy that the test cuts, while another engine,
// connected directly, imports an offer: /readyz says degraded (200), search
// answers in keyword mode from the local index, what needs the database
// answers 503 with a French message; once the proxy forwards again, all
// comes back without a restart, the other's offer included.
func TestDatabaseDown(t *testing.T) {
	ctx := context.Background()
	dbURL := pgtest.Database(t)
	proxy, via := pgtest.NewProxy(t, dbURL)
	eng, err := engine.Open(ctx, engine.Options{Dir: t.TempDir(), Now: fixedNow, DatabaseURL: via,
		PollInterval: 50 * time.Millisecond, MaxRetryInterval: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	if _, _, err := eng.Import(ctx, "demo.json", bytes.NewReader(demo.Offers)); err != nil {
		t.Fatal(err)
	}
	other, err := engine.Open(ctx, engine.Options{Dir: t.TempDir(), Now: fixedNow, DatabaseURL: dbURL})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	asst, err := assistant.New(eng.Search(), eng, assistant.Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	app := api.New(api.Deps{Search: eng.Search(), Offers: eng, Assistant: asst, Recruiters: eng}, api.Options{AdminToken: adminToken})
	_, recruiter, err := eng.CreateKey(ctx, "test recruiter", offres.RoleRecruiter)
	if err != nil {
		t.Fatal(err)
	}
	admin := []string{"Authorization", "Bearer " + adminToken, "Content-Type", "application/json"}
	offer := "/api/v1/offers/" + url.PathEscape("PS-2026-0719/DIE")

	if status, rd := readyz(t, app); status != 200 || rd.Status != "ready" || rd.Storage != "postgresql" {
		t.Fatalf("readyz before the cut: %d %+v", status, rd)
	}

	proxy.Cut()
	waitFor(t, "readyz says the database is down", func() bool {
		status, rd := readyz(t, app)
		return status == 200 && rd.Status == "degraded" && slices.Equal(rd.Down, []string{"database"})
	})
	for _, mode := range []string{"keyword", "hybrid", "semantic"} {
		if status, res := searchHTTP(t, app, "infirmier", mode); status != 200 || res.Mode != "keyword" || len(res.Hits) == 0 {
			t.Errorf("%s search with the database down: %d, mode %q, %d hits", mode, status, res.Mode, len(res.Hits))
		}
	}
	if r := do(t, app, "GET", "/api/v1/suggest?q=infi", nil); r.status != 200 || !strings.Contains(string(r.body), "nfirmi") {
		t.Errorf("suggest with the database down: %d %s", r.status, r.body)
	}
	for _, rq := range []struct {
		method, path, body string
	}{
		{"GET", offer, ""},
		{"DELETE", offer, ""},
		{"POST", "/api/v1/offers", `[{"id":"HTTP-DOWN-1","title":"Plongeur","description":"Travaux sous-marins."}]`},
		{"POST", "/api/v1/ask", seedQuestion},
		// A recruiter's key cannot be checked: 503, not « clé invalide ».
		{"GET", "/api/v1/profiles", ""},
	} {
		r := do(t, app, rq.method, rq.path, strings.NewReader(rq.body), admin...)
		if rq.path == "/api/v1/profiles" {
			r = do(t, app, rq.method, rq.path, nil, "Authorization", "Bearer "+recruiter)
		}
		if r.status != 503 || r.errorCode(t) != "unavailable" || !strings.Contains(string(r.body), "injoignable") {
			t.Errorf("%s %s with the database down: %d %s", rq.method, rq.path, r.status, r.body)
		}
	}
	added := `{"id":"HTTP-DOWN-2","title":"Océanographe côtier","description":"Suivi de la qualité des eaux du lagon.","deadline":"2027-06-01"}`
	if _, _, err := other.Import(ctx, "one.ndjson", strings.NewReader(added)); err != nil {
		t.Fatal(err)
	}

	proxy.Restore()
	waitFor(t, "readyz ready again", func() bool {
		status, rd := readyz(t, app)
		return status == 200 && rd.Status == "ready" && len(rd.Down) == 0
	})
	waitFor(t, "the offer imported during the outage found", func() bool {
		_, res := searchHTTP(t, app, "océanographe", "keyword")
		return slices.Contains(hitIDs(res), "HTTP-DOWN-2")
	})
	if r := do(t, app, "GET", offer, nil); r.status != 200 {
		t.Errorf("get after the outage: %d %s", r.status, r.body)
	}
	if status, res := searchHTTP(t, app, "infirmier", "hybrid"); status != 200 || res.Mode != "hybrid" {
		t.Errorf("hybrid search after the outage: %d, mode %q", status, res.Mode)
	}
	r := do(t, app, "POST", "/api/v1/offers", strings.NewReader(`[{"id":"HTTP-DOWN-1","title":"Plongeur scaphandrier","description":"Travaux sous-marins."}]`), admin...)
	if r.status != 201 {
		t.Errorf("import after the outage: %d %s", r.status, r.body)
	}
}

// flakyEmbedder is a remote embedder that can go down: its vectors hash the
// words of a text into 32 dimensions.
type flakyEmbedder struct{ down atomic.Bool }

func (f *flakyEmbedder) Model() string   { return "test-flaky" }
func (f *flakyEmbedder) Dimensions() int { return 32 }
func (f *flakyEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if f.down.Load() {
		return nil, fmt.Errorf("embeddings: 503: %w", offres.ErrUnavailable)
	}
	out := make([][]float32, len(texts))
	for i, text := range texts {
		v := make([]float32, 32)
		v[0] = 1
		for _, w := range strings.Fields(strings.ToLower(text)) {
			h := fnv.New32a()
			h.Write([]byte(w))
			v[h.Sum32()%32]++
		}
		out[i] = v
	}
	return out, nil
}

// TestEmbedderDown: with its embedder down, /readyz says degraded (200) and
// searches answer in keyword mode; when it answers again, both recover by
// themselves.
func TestEmbedderDown(t *testing.T) {
	ctx := context.Background()
	emb := &flakyEmbedder{}
	eng, err := engine.Open(ctx, engine.Options{Dir: t.TempDir(), Now: fixedNow, Embedder: emb,
		PollInterval: 20 * time.Millisecond, MaxRetryInterval: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	if _, _, err := eng.Import(ctx, "demo.json", bytes.NewReader(demo.Offers)); err != nil {
		t.Fatal(err)
	}
	// No cache of searches: each search must reach the embedder (a cached
	// hybrid page would rightly be served through the outage).
	app := api.New(api.Deps{Search: eng.Search(), Offers: eng}, api.Options{SearchCacheEntries: -1})
	if status, res := searchHTTP(t, app, "infirmier", "hybrid"); status != 200 || res.Mode != "hybrid" {
		t.Fatalf("hybrid search: %d, mode %q", status, res.Mode)
	}

	emb.down.Store(true)
	if status, res := searchHTTP(t, app, "infirmier", "hybrid"); status != 200 || res.Mode != "keyword" || len(res.Hits) == 0 {
		t.Errorf("hybrid search with the embedder down: %d, mode %q, %d hits", status, res.Mode, len(res.Hits))
	}
	if status, rd := readyz(t, app); status != 200 || rd.Status != "degraded" || !slices.Equal(rd.Down, []string{"embedder"}) {
		t.Errorf("readyz with the embedder down: %d %+v", status, rd)
	}

	emb.down.Store(false)
	waitFor(t, "readyz ready again", func() bool {
		status, rd := readyz(t, app)
		return status == 200 && rd.Status == "ready"
	})
	if status, res := searchHTTP(t, app, "infirmier", "hybrid"); status != 200 || res.Mode != "hybrid" {
		t.Errorf("hybrid search with the embedder back: %d, mode %q", status, res.Mode)
	}
}

// TestLLMDown: a language model that cannot be reached leaves /ask to the
// extractive answer, with its citations.
func TestLLMDown(t *testing.T) {
	gone := httptest.NewServer(nil)
	base := gone.URL
	gone.Close() // connections refused from now on
	model, err := llm.NewChat(llm.ChatConfig{BaseURL: base + "/v1", Model: "test-chat", MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	app := newAskApp(t, api.Options{}, model)
	r := do(t, app, "POST", "/api/v1/ask", strings.NewReader(seedQuestion), "Content-Type", "application/json")
	var ans assistant.Answer
	r.decode(t, &ans)
	if r.status != 200 || ans.Mode != assistant.ModeExtractive || len(ans.Citations) == 0 || !strings.Contains(ans.Answer, "7 mars 2025") {
		t.Errorf("ask with the model down: %d %s", r.status, r.body)
	}
}
