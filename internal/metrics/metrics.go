// Package metrics keeps the Prometheus metrics of an offres process: the
// API's request latencies and errors per route, the offers imported, the
// size of the catalogue and the indexes, the language model's tokens and
// latency, the remote embedder's calls. It is the only package that
// imports the Prometheus client; the others report through its methods
// or through the wrappers it returns.
package metrics

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"offres/internal/offres"
)

const namespace = "offres"

// Registry holds the metrics of one process.
type Registry struct {
	reg *prometheus.Registry

	requests      *prometheus.HistogramVec
	errors        *prometheus.CounterVec
	shed          *prometheus.CounterVec
	imports       *prometheus.CounterVec
	llmTokens     *prometheus.CounterVec
	llmDuration   *prometheus.HistogramVec
	embedCalls    *prometheus.CounterVec
	embedDuration prometheus.Histogram
	embedTexts    prometheus.Counter
}

// New returns a registry with the process's and the Go runtime's metrics.
func New() *Registry {
	r := &Registry{reg: prometheus.NewRegistry()}
	r.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	r.requests = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: namespace, Name: "http_request_duration_seconds",
		Help: "Time to answer an API request, by route pattern, method and status code.",
		// From a suggestion (well under a millisecond) to an answer of the
		// assistant (seconds).
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	}, []string{"route", "method", "code"})
	r.errors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "http_errors_total",
		Help: "API requests answered with an error, by route pattern and error code (invalid_request, unavailable, internal…).",
	}, []string{"route", "code"})
	r.shed = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "http_shed_total",
		Help: "API requests refused at once with 503 and Retry-After because the computed requests queued could not be served within their deadline, by route pattern.",
	}, []string{"route"})
	r.imports = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "import_offers_total",
		Help: "Offers received by imports through the API, by outcome (indexed, updated, unchanged, rejected).",
	}, []string{"outcome"})
	r.llmTokens = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "llm_tokens_total",
		Help: "Tokens the language model reported, by kind (prompt, completion).",
	}, []string{"kind"})
	r.llmDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: namespace, Name: "llm_request_duration_seconds",
		Help:    "Time of a call to the language model, by outcome (ok, error).",
		Buckets: []float64{.1, .25, .5, 1, 2, 4, 8, 15, 30, 60},
	}, []string{"outcome"})
	r.embedCalls = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "embedder_calls_total",
		Help: "Calls to the remote embedding model, by outcome (ok, error).",
	}, []string{"outcome"})
	r.embedDuration = prometheus.NewHistogram(prometheus.HistogramOpts{
		Namespace: namespace, Name: "embedder_call_duration_seconds",
		Help:    "Time of a call to the remote embedding model.",
		Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	})
	r.embedTexts = prometheus.NewCounter(prometheus.CounterOpts{
		Namespace: namespace, Name: "embedder_texts_total",
		Help: "Texts sent to the remote embedding model.",
	})
	r.reg.MustRegister(r.requests, r.errors, r.shed, r.imports, r.llmTokens, r.llmDuration, r.embedCalls, r.embedDuration, r.embedTexts)
	return r
}

// Handler serves the metrics in Prometheus's text format.
func (r *Registry) Handler() http.Handler {
	return promhttp.HandlerFor(r.reg, promhttp.HandlerOpts{})
}

// ObserveRequest records an API request: route is its pattern
// (« /api/v1/offers/:id »), never the path, so ids make no series.
func (r *Registry) ObserveRequest(route, method string, status int, d time.Duration) {
	r.requests.WithLabelValues(route, method, strconv.Itoa(status)).Observe(d.Seconds())
}

// ObserveError records an API error by its code.
func (r *Registry) ObserveError(route, code string) {
	r.errors.WithLabelValues(route, code).Inc()
}

// ObserveShed counts a request shed by the API's admission control.
func (r *Registry) ObserveShed(route string) {
	r.shed.WithLabelValues(route).Inc()
}

// ObserveImport records an import's outcome.
func (r *Registry) ObserveImport(indexed, updated, unchanged, rejected int) {
	for outcome, n := range map[string]int{"indexed": indexed, "updated": updated, "unchanged": unchanged, "rejected": rejected} {
		r.imports.WithLabelValues(outcome).Add(float64(n))
	}
}

// Sizes reads the sizes of the catalogue and the indexes; each key becomes
// a label value of offres_index_size (offers, fulltext_documents,
// passages…).
type Sizes func(ctx context.Context) (map[string]float64, error)

// WatchSizes reports the sizes fn reads at each scrape, as the gauge
// offres_index_size{kind}. A failing read reports nothing, and counts in
// offres_index_size_errors_total.
func (r *Registry) WatchSizes(fn Sizes) {
	r.reg.MustRegister(&sizeCollector{
		read: fn,
		desc: prometheus.NewDesc(namespace+"_index_size", "Size of the catalogue and the indexes, by kind (offers, fulltext_documents, passages).", []string{"kind"}, nil),
		errs: prometheus.NewCounter(prometheus.CounterOpts{Namespace: namespace, Name: "index_size_errors_total", Help: "Failed reads of the index sizes."}),
	})
}

type sizeCollector struct {
	read Sizes
	desc *prometheus.Desc
	errs prometheus.Counter
}

func (c *sizeCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.desc
	c.errs.Describe(ch)
}

func (c *sizeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	sizes, err := c.read(ctx)
	if err != nil {
		c.errs.Inc()
	}
	for kind, v := range sizes {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, v, kind)
	}
	c.errs.Collect(ch)
}

// WatchPanics reports the count fn returns at each scrape, as the counter
// offres_background_panics_total: panics recovered in background work
// (the training of the vector index, following the database), each logged
// with its stack. Any increase is a bug to report.
func (r *Registry) WatchPanics(fn func() uint64) {
	r.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
		Namespace: namespace, Name: "background_panics_total",
		Help: "Panics recovered in background work (vector index training, following the database, retries), each logged with its stack.",
	}, func() float64 { return float64(fn()) }))
}

// Embedder is an embedding model (semantic.Embedder).
type Embedder interface {
	Model() string
	Dimensions() int
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}

// Embedder returns e counting its calls, texts, errors and latency.
func (r *Registry) Embedder(e Embedder) Embedder { return &embedder{Embedder: e, r: r} }

type embedder struct {
	Embedder
	r *Registry
}

func (e *embedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	start := time.Now()
	out, err := e.Embedder.Embed(ctx, texts)
	e.r.embedDuration.Observe(time.Since(start).Seconds())
	e.r.embedCalls.WithLabelValues(outcome(err)).Inc()
	e.r.embedTexts.Add(float64(len(texts)))
	return out, err
}

// LLM is a chat model that streams its answer (assistant.LLM).
type LLM interface {
	Model() string
	Stream(ctx context.Context, msgs []offres.ChatMessage, onToken func(delta string) error) (offres.Completion, error)
}

// LLM returns m counting its tokens and timing its calls.
func (r *Registry) LLM(m LLM) LLM { return &chatModel{LLM: m, r: r} }

type chatModel struct {
	LLM
	r *Registry
}

func (m *chatModel) Stream(ctx context.Context, msgs []offres.ChatMessage, onToken func(delta string) error) (offres.Completion, error) {
	start := time.Now()
	c, err := m.LLM.Stream(ctx, msgs, onToken)
	m.r.llmDuration.WithLabelValues(outcome(err)).Observe(time.Since(start).Seconds())
	m.r.llmTokens.WithLabelValues("prompt").Add(float64(c.PromptTokens))
	m.r.llmTokens.WithLabelValues("completion").Add(float64(c.CompletionTokens))
	return c, err
}

func outcome(err error) string {
	if err != nil {
		return "error"
	}
	return "ok"
}
