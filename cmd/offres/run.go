package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"offres/api"
	"offres/demo"
	"offres/engine"
	"offres/indexer"
	"offres/llm"
	"offres/match"
	"offres/search"
	"offres/web"
)

// env is what a command may touch of its process.
type env struct {
	stdout, stderr io.Writer
	getenv         func(string) string
}

// errUsage marks a command-line mistake (exit code 2).
var errUsage = errors.New("usage")

func exitCode(err error) int {
	if errors.Is(err, errUsage) || errors.Is(err, flag.ErrHelp) {
		return 2
	}
	return 1
}

const usage = `offres — recherche dans les offres d'emploi de la Province Sud

usage:
  offres index [--data DIR] PATH...        importer des offres (fichiers ou dossiers)
  offres serve [--addr :8080] [--data DIR] servir l'API
  offres search [--data DIR] [--json] "q"  rechercher depuis le terminal
  offres demo [--data DIR] [--addr :8080]  importer le corpus de démonstration et le servir
  offres reindex [--data DIR]              reconstruire l'index plein texte et les vecteurs depuis le catalogue
  offres ask [--json] "question"           poser une question à l'assistant
  offres rome import [--data DIR] ROME_DIR  importer le référentiel ROME (export CSV officiel)
  offres keys create --name N [--role recruiter|analyst] | keys list | keys delete ID
                                           clés d'API des recruteurs (administration)
  offres eval --queries Q.tsv --qrels QRELS [--mode keyword,semantic,hybrid]
                                           mesurer la qualité (nDCG@10, P@10, MRR@10, Recall@100)
  offres version                           afficher la version

Les options reprennent les variables OFFRES_DATA, OFFRES_ADDR, OFFRES_ADMIN_TOKEN, OFFRES_LOG_LEVEL.
Portail : serve et demo servent le widget (/widget.js) et une page de démonstration (/) ; --cors-origins
ou OFFRES_CORS_ORIGINS pour les portails hébergés ailleurs.
PostgreSQL : --database-url ou OFFRES_DATABASE_URL (offres et vecteurs dans la base, index plein texte local).
Assistant : réponses extractives par défaut ; un modèle compatible OpenAI avec OFFRES_LLM_MODEL,
OFFRES_LLM_BASE_URL, OFFRES_LLM_API_KEY, OFFRES_LLM_TEMPERATURE, OFFRES_LLM_MAX_TOKENS, OFFRES_LLM_TIMEOUT.
Modèle d'embeddings : intégré par défaut (LSA entraîné sur le catalogue) ; un service compatible OpenAI
avec OFFRES_EMBED_MODEL, OFFRES_EMBED_BASE_URL, OFFRES_EMBED_API_KEY, OFFRES_EMBED_DIMENSIONS.
`

func run(ctx context.Context, args []string, e env) error {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, usage)
		return fmt.Errorf("missing command: %w", errUsage)
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "index":
		return runIndex(ctx, rest, e)
	case "serve":
		return runServe(ctx, rest, e, false)
	case "demo":
		return runServe(ctx, rest, e, true)
	case "search":
		return runSearch(ctx, rest, e)
	case "reindex":
		return runReindex(ctx, rest, e)
	case "eval":
		return runEval(ctx, rest, e)
	case "ask":
		return runAsk(ctx, rest, e)
	case "keys":
		return runKeys(ctx, rest, e)
	case "rome":
		return runRome(ctx, rest, e)
	case "version", "--version", "-version":
		fmt.Fprintln(e.stdout, "offres", version())
		return nil
	case "help", "--help", "-h":
		fmt.Fprint(e.stdout, usage)
		return nil
	}
	fmt.Fprint(e.stderr, usage)
	return fmt.Errorf("unknown command %q: %w", cmd, errUsage)
}

func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := info.Main.Version
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += " " + s.Value[:12]
		}
	}
	return v
}

// common are the flags every command shares.
type common struct {
	data        string
	logLevel    string
	databaseURL string
	now         func() time.Time // nil: the clock
}

func (c *common) register(fs *flag.FlagSet, e env) {
	fs.StringVar(&c.data, "data", envOr(e, "OFFRES_DATA", "./data"), "data directory (OFFRES_DATA)")
	fs.StringVar(&c.logLevel, "log-level", envOr(e, "OFFRES_LOG_LEVEL", "info"), "debug, info, warn or error (OFFRES_LOG_LEVEL)")
	fs.StringVar(&c.databaseURL, "database-url", e.getenv("OFFRES_DATABASE_URL"),
		"PostgreSQL with pgvector holding offers and vectors; the data directory then keeps the local full-text index only (OFFRES_DATABASE_URL)")
}

func (c *common) logger(e env) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.logLevel)); err != nil {
		return nil, fmt.Errorf("--log-level %q: want debug, info, warn or error: %w", c.logLevel, errUsage)
	}
	return slog.New(slog.NewJSONHandler(e.stderr, &slog.HandlerOptions{Level: level})), nil
}

func (c *common) open(ctx context.Context, e env) (*engine.Engine, *slog.Logger, error) {
	log, err := c.logger(e)
	if err != nil {
		return nil, nil, err
	}
	emb, err := embedder(e, log)
	if err != nil {
		return nil, nil, err
	}
	opts := engine.Options{Dir: c.data, Logger: log, DatabaseURL: c.databaseURL, Now: c.now}
	if err := hybridOptions(e, &opts.Hybrid); err != nil {
		return nil, nil, err
	}
	for key, dst := range map[string]*int{"OFFRES_HNSW_M": &opts.HNSW.M, "OFFRES_HNSW_EF_CONSTRUCTION": &opts.HNSW.EfConstruction} {
		if v := e.getenv(key); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 {
				return nil, nil, fmt.Errorf("%s %q: want a positive integer: %w", key, v, errUsage)
			}
			*dst = n
		}
	}
	if emb != nil {
		opts.Embedder = emb
	}
	eng, err := engine.Open(ctx, opts)
	return eng, log, err
}

// embedder returns the OpenAI-compatible embedder that OFFRES_EMBED_MODEL
// names, or nil for the built-in model.
func embedder(e env, log *slog.Logger) (*llm.Embedder, error) {
	model := e.getenv("OFFRES_EMBED_MODEL")
	if model == "" {
		return nil, nil
	}
	cfg := llm.EmbedConfig{
		BaseURL: e.getenv("OFFRES_EMBED_BASE_URL"),
		APIKey:  e.getenv("OFFRES_EMBED_API_KEY"),
		Model:   model,
		Logger:  log,
	}
	if v := e.getenv("OFFRES_EMBED_DIMENSIONS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return nil, fmt.Errorf("OFFRES_EMBED_DIMENSIONS %q is not an integer: %w", v, errUsage)
		}
		cfg.Dimensions = n
	}
	emb, err := llm.NewEmbedder(cfg)
	if err != nil {
		return nil, fmt.Errorf("%v: %w", err, errUsage)
	}
	log.Info("embedding model", "config", cfg)
	return emb, nil
}

func envOr(e env, key, def string) string {
	if v := e.getenv(key); v != "" {
		return v
	}
	return def
}

func newFlags(name string, e env) *flag.FlagSet {
	fs := flag.NewFlagSet("offres "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return fs
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%v: %w", err, errUsage)
	}
	return nil
}

func runIndex(ctx context.Context, args []string, e env) error {
	var c common
	fs := newFlags("index", e)
	c.register(fs, e)
	batch := fs.Int("batch", indexer.DefaultBatchSize, "offers per batch: each is one durable transaction of the catalogue")
	quiet := fs.Bool("quiet", false, "no progress bar")
	ack := fs.Bool("ack", false, `print a JSON line per batch the catalogue holds durably: {"ack":N,"source":…,"written":…,"offers":…,"ids":[…]}`)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return fmt.Errorf("index: give at least one file or folder: %w", errUsage)
	}
	if *batch <= 0 {
		return fmt.Errorf("index: --batch %d: want a positive number: %w", *batch, errUsage)
	}
	files, err := indexer.Files(fs.Args())
	if err != nil {
		return err
	}
	eng, _, err := c.open(ctx, e)
	if err != nil {
		return interrupted(ctx, "before the import began", err)
	}
	defer eng.Close()
	im := eng.Importer()
	im.BatchSize = *batch
	im.Reject = func(r indexer.Record) { fmt.Fprintf(e.stderr, "%s: rejected: %v\n", r.Pos, r.Err) }
	// A signal stops the import at a batch boundary: the batch being written
	// is finished (its writes do not see the signal), nothing more is read.
	im.Stop = ctx.Done()
	acks := acknowledger{w: e.stdout, enabled: *ack}
	im.Committed = acks.commit
	bar := newProgress(e.stderr, files, *quiet)
	im.Progress = bar.add
	start := time.Now()
	sum, err := im.ImportFiles(context.WithoutCancel(ctx), files)
	bar.finish()
	elapsed := time.Since(start)
	if errors.Is(err, indexer.ErrStopped) {
		fmt.Fprintf(e.stdout, "import: stopped at a batch boundary: %s (%d batches, %d offers committed, %s)\n",
			sum, acks.batches, acks.offers, elapsed.Round(time.Millisecond))
		return fmt.Errorf("import interrupted (%v): the committed batches are stored, the rest was not read; run the same command again to finish", context.Cause(ctx))
	}
	if err != nil {
		return err
	}
	n := sum.Indexed + sum.Updated + sum.Unchanged
	fmt.Fprintf(e.stdout, "import: %s (%d files, %s, %.0f offers/s)\n", sum, len(files),
		elapsed.Round(time.Millisecond), float64(n)/elapsed.Seconds())
	start = time.Now()
	if err := eng.Refresh(ctx); err != nil {
		return interrupted(ctx, "after the import, while updating the vectors (they are brought up to date at the next start)", err)
	}
	fmt.Fprintf(e.stdout, "vectors: model %s, %s\n", eng.Model(), time.Since(start).Round(time.Millisecond))
	return nil
}

// interrupted explains err when ctx was cancelled by a signal.
func interrupted(ctx context.Context, when string, err error) error {
	if ctx.Err() == nil {
		return err
	}
	return fmt.Errorf("interrupted (%v) %s", context.Cause(ctx), when)
}

// acknowledger counts the batches the catalogue holds durably and, when
// enabled, prints an acknowledgement line for each (offres index --ack).
type acknowledger struct {
	w               io.Writer
	enabled         bool
	batches, offers int
}

// ackLine is the acknowledgement of one committed batch: its offers
// survive a crash of the process from then on.
type ackLine struct {
	Batch   int      `json:"ack"`     // the batch's number in this run, from 1
	Source  string   `json:"source"`  // the file it was read from
	Written int      `json:"written"` // offers written (new or changed); the others were stored already
	Offers  int      `json:"offers"`  // offers acknowledged by this run so far, this batch included
	IDs     []string `json:"ids"`     // the batch's offers
}

func (a *acknowledger) commit(c indexer.Commit) {
	a.batches++
	a.offers += len(c.IDs)
	if !a.enabled {
		return
	}
	line, err := json.Marshal(ackLine{Batch: a.batches, Source: c.Source, Written: c.Written, Offers: a.offers, IDs: c.IDs})
	if err != nil {
		return // strings only: cannot fail
	}
	// One write per line: only a process killed in the middle of it leaves
	// a last line without its newline, which is no acknowledgement.
	a.w.Write(append(line, '\n'))
}

func runReindex(ctx context.Context, args []string, e env) error {
	var c common
	fs := newFlags("reindex", e)
	c.register(fs, e)
	if err := parse(fs, args); err != nil {
		return err
	}
	eng, _, err := c.open(ctx, e)
	if err != nil {
		return err
	}
	defer eng.Close()
	start := time.Now()
	if err := eng.Reindex(ctx); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "reindex: done in %s (model %s)\n", time.Since(start).Round(time.Millisecond), eng.Model())
	return nil
}

func runServe(ctx context.Context, args []string, e env, withDemo bool) error {
	var c common
	name := "serve"
	if withDemo {
		name = "demo"
	}
	fs := newFlags(name, e)
	c.register(fs, e)
	addr := fs.String("addr", envOr(e, "OFFRES_ADDR", ":8080"), "listen address (OFFRES_ADDR)")
	cors := fs.String("cors-origins", e.getenv("OFFRES_CORS_ORIGINS"),
		"origins of the portals on other hosts that embed the widget, comma-separated: https://emploi.example.nc,… or * (OFFRES_CORS_ORIGINS)")
	if withDemo {
		fs.Lookup("data").DefValue = "a temporary directory"
		c.data = ""
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	origins, err := corsOrigins(*cors)
	if err != nil {
		return err
	}
	if withDemo && c.data == "" {
		dir, err := os.MkdirTemp("", "offres-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		c.data = dir
	}
	eng, log, err := c.open(ctx, e)
	if err != nil {
		return err
	}
	defer eng.Close()
	if withDemo {
		sum, _, err := eng.Import(ctx, "demo.json", bytes.NewReader(demo.Offers))
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "demo corpus: %s\n", sum)
	}
	asst, err := newAssistant(eng, e, log, nil)
	if err != nil {
		return err
	}
	m, err := matcher(c.data, log)
	if err != nil {
		return err
	}
	matching := match.NewService(eng.Search(), eng, m, nil)
	stats, stopStats, err := openAnalytics(ctx, c.data, c.now, log)
	if err != nil {
		return err
	}
	defer stopStats()
	app := api.New(api.Deps{Search: eng.Search(), Offers: eng, Assistant: asst, Matching: matching,
		Recruiters: eng, Candidates: matching, Analytics: stats, Web: web.Assets}, api.Options{
		AdminToken:     e.getenv("OFFRES_ADMIN_TOKEN"),
		Logger:         log,
		CORSOrigins:    origins,
		TrustedProxies: splitList(e.getenv("OFFRES_TRUSTED_PROXIES")),
	})
	errc := make(chan error, 1)
	go func() { errc <- app.Listen(*addr) }()
	fmt.Fprintf(e.stdout, "offres: listening on %s (data %s) — demo portal at /, try /api/v1/search?q=infirmier\n", *addr, c.data)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	if err := app.ShutdownWithTimeout(10 * time.Second); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// hybridOptions reads the tuning of hybrid search from the environment.
func hybridOptions(e env, h *search.HybridOptions) error {
	for _, f := range []struct {
		key string
		dst *float64
	}{
		{"OFFRES_RRF_K", &h.Fuse.K},
		{"OFFRES_KEYWORD_WEIGHT", &h.Fuse.KeywordWeight},
		{"OFFRES_SEMANTIC_WEIGHT", &h.Fuse.SemanticWeight},
	} {
		if v := e.getenv(f.key); v != "" {
			x, err := strconv.ParseFloat(v, 64)
			if err != nil || x <= 0 {
				return fmt.Errorf("%s %q: want a positive number: %w", f.key, v, errUsage)
			}
			*f.dst = x
		}
	}
	if v := e.getenv("OFFRES_MIN_SIMILARITY"); v != "" {
		x, err := strconv.ParseFloat(v, 32)
		if err != nil || x < -1 || x > 1 {
			return fmt.Errorf("OFFRES_MIN_SIMILARITY %q: want a number in [-1, 1]: %w", v, errUsage)
		}
		h.MinSimilarity = float32(x)
	}
	return nil
}

func ensureDir(dir string) error { return os.MkdirAll(dir, 0o755) }

// splitList splits a comma-separated setting, dropping empty items.
func splitList(v string) []string {
	var out []string
	for _, item := range strings.Split(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}
