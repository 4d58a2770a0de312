package metrics_test

import (
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"offres/internal/metrics"
	"offres/internal/offres"
)

type embedder struct{ fail bool }

func (embedder) Model() string   { return "test-embed" }
func (embedder) Dimensions() int { return 2 }
func (e embedder) Embed(_ context.Context, texts []string) ([][]float32, error) {
	if e.fail {
		return nil, errors.New("down")
	}
	return make([][]float32, len(texts)), nil
}

type model struct{ fail bool }

func (model) Model() string { return "test-chat" }
func (m model) Stream(context.Context, []offres.ChatMessage, func(string) error) (offres.Completion, error) {
	if m.fail {
		return offres.Completion{}, errors.New("down")
	}
	return offres.Completion{Text: "ok", PromptTokens: 120, CompletionTokens: 30}, nil
}

func scrape(t *testing.T, r *metrics.Registry) string {
	t.Helper()
	rec := httptest.NewRecorder()
	r.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}

func TestWrappers(t *testing.T) {
	r := metrics.New()
	ctx := context.Background()
	ok, down := r.Embedder(embedder{}), r.Embedder(embedder{fail: true})
	ok.Embed(ctx, []string{"a", "b", "c"})
	down.Embed(ctx, []string{"d"})
	if ok.Model() != "test-embed" || ok.Dimensions() != 2 {
		t.Fatal("the wrapper hides the model")
	}
	chat := r.LLM(model{})
	chat.Stream(ctx, nil, nil)
	chat.Stream(ctx, nil, nil)
	r.LLM(model{fail: true}).Stream(ctx, nil, nil)
	r.ObserveImport(3, 1, 0, 2)
	r.ObserveShed("/api/v1/search")
	r.ObserveShed("/api/v1/search")
	r.WatchSizes(func(context.Context) (map[string]float64, error) {
		return map[string]float64{"offers": 42}, errors.New("passages unreadable")
	})
	text := scrape(t, r)
	for _, want := range []string{
		`offres_embedder_calls_total{outcome="ok"} 1`,
		`offres_embedder_calls_total{outcome="error"} 1`,
		`offres_embedder_texts_total 4`,
		`offres_embedder_call_duration_seconds_count 2`,
		`offres_llm_tokens_total{kind="prompt"} 240`,
		`offres_llm_tokens_total{kind="completion"} 60`,
		`offres_llm_request_duration_seconds_count{outcome="ok"} 2`,
		`offres_llm_request_duration_seconds_count{outcome="error"} 1`,
		`offres_import_offers_total{outcome="indexed"} 3`,
		`offres_http_shed_total{route="/api/v1/search"} 2`,
		`offres_import_offers_total{outcome="rejected"} 2`,
		`offres_index_size{kind="offers"} 42`,
		`offres_index_size_errors_total 1`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}
