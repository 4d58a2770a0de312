package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"time"

	"offres/api"
	"offres/indexer"
	"offres/internal/demo"
	"offres/internal/match"
	"offres/internal/metrics"
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
  offres index [--data DIR] [--batch N] [--ack] PATH...
                                           importer des offres (fichiers ou dossiers)
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
  offres version | offres --version        afficher la version, la révision et la chaîne de compilation

Configuration : --config FICHIER ou OFFRES_CONFIG, un fichier TOML (voir docs/offres.example.toml, qui
décrit chaque réglage) ; chaque réglage a aussi sa variable OFFRES_… (OFFRES_DATA, OFFRES_ADDR,
OFFRES_ADMIN_TOKEN, OFFRES_LOG_LEVEL…) et certains une option. Priorité : option > variable >
fichier > défaut ; une clé inconnue ou une valeur invalide est une erreur qui nomme le réglage
et sa source (fichier:ligne, variable ou option).
Portail : serve et demo servent le widget (/widget.js) et une page de démonstration (/) ; --cors-origins
ou OFFRES_CORS_ORIGINS pour les portails hébergés ailleurs.
PostgreSQL : --database-url ou OFFRES_DATABASE_URL (offres et vecteurs dans la base, index plein texte local).
Assistant : réponses extractives par défaut ; un modèle compatible OpenAI avec OFFRES_LLM_MODEL,
OFFRES_LLM_BASE_URL, OFFRES_LLM_API_KEY, OFFRES_LLM_TEMPERATURE, OFFRES_LLM_MAX_TOKENS, OFFRES_LLM_TIMEOUT.
Modèle d'embeddings : intégré par défaut (LSA entraîné sur le catalogue) ; un service compatible OpenAI
avec OFFRES_EMBED_MODEL, OFFRES_EMBED_BASE_URL, OFFRES_EMBED_API_KEY, OFFRES_EMBED_DIMENSIONS.
Arrêt : SIGINT ou SIGTERM arrête serve après les requêtes en cours (server.shutdown_timeout) et index
à la fin du lot en cours (code 1 ; relancer la même commande termine l'import) ; un second signal
arrête aussitôt. index --ack écrit une ligne JSON par lot écrit durablement dans le catalogue.
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
		info, _ := debug.ReadBuildInfo()
		fmt.Fprint(e.stdout, describeBuild(info))
		return nil
	case "help", "--help", "-h":
		fmt.Fprint(e.stdout, usage)
		return nil
	}
	fmt.Fprint(e.stderr, usage)
	return fmt.Errorf("unknown command %q: %w", cmd, errUsage)
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
	c.register(fs)
	batch := fs.Int("batch", indexer.DefaultBatchSize, "offers per batch: each is one durable transaction of the catalogue")
	quiet := fs.Bool("quiet", false, "no progress bar")
	ack := fs.Bool("ack", false, `print a JSON line per batch the catalogue holds durably: {"ack":N,"source":…,"written":…,"offers":…,"ids":[…]}`)
	if err := c.parse(fs, args, e); err != nil {
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
	c.register(fs)
	if err := c.parse(fs, args, e); err != nil {
		return err
	}
	eng, _, err := c.open(ctx, e)
	if err != nil {
		return interrupted(ctx, "before the rebuild began", err)
	}
	defer eng.Close()
	start := time.Now()
	if err := eng.Reindex(ctx); err != nil {
		// The catalogue is untouched; a full-text index left half built is
		// rebuilt at the next start, and the previous model stays in use.
		return interrupted(ctx, "during the rebuild: the next start completes the full-text index; run offres reindex again for the vectors", err)
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
	c.register(fs, "server.addr", "server.cors_origins")
	if withDemo {
		fs.Lookup("data").DefValue = "a temporary directory"
	}
	if err := c.parse(fs, args, e); err != nil {
		return err
	}
	origins, err := corsOrigins(c.cfg)
	if err != nil {
		return err
	}
	if withDemo && !c.cfg.IsSet("data") {
		dir, err := os.MkdirTemp("", "offres-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		c.cfg.Data = dir
	}
	c.metrics = metrics.New()
	eng, log, err := c.open(ctx, e)
	if err != nil {
		return err
	}
	defer eng.Close()
	c.metrics.WatchSizes(eng.Sizes)
	c.metrics.WatchPanics(eng.BackgroundPanics)
	if withDemo {
		sum, _, err := eng.Import(ctx, "demo.json", bytes.NewReader(demo.Offers))
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "demo corpus: %s\n", sum)
	}
	asst, err := newAssistant(eng, c.cfg.LLM, log, nil, c.metrics)
	if err != nil {
		return err
	}
	matching := match.NewService(eng.Search(), eng, match.New(eng.Rome()).WithUndatedOpenDays(eng.UndatedOpenDays()), nil)
	stats, stopStats, err := openAnalytics(ctx, c.cfg.Data, c.now, log)
	if err != nil {
		return err
	}
	defer stopStats()
	srv := c.cfg.Server
	app := api.New(api.Deps{Search: eng.Search(), Offers: eng, Assistant: asst, Matching: matching,
		Recruiters: eng, Candidates: matching, Analytics: stats, Web: web.Assets, Metrics: c.metrics}, api.Options{
		AskPerMinute:       c.cfg.Limits.AskPerMinute,
		EventsPerMinute:    c.cfg.Limits.EventsPerMinute,
		KeyPerMinute:       c.cfg.Limits.KeyPerMinute,
		ConcurrentRequests: c.cfg.Limits.ConcurrentRequests,
		SearchCacheEntries: c.cfg.Search.CacheEntries,
		SearchCacheTTL:     c.cfg.Search.CacheTTL.Duration,
		AdminToken:         srv.AdminToken,
		Logger:             log,
		CORSOrigins:        origins,
		TrustedProxies:     srv.TrustedProxies,
		PublicURL:          srv.PublicURL,
		UndatedOpenDays:    eng.UndatedOpenDays(),
	})
	errc := make(chan error, 1)
	go func() { errc <- app.Listen(srv.Addr) }()
	fmt.Fprintf(e.stdout, "offres: listening on %s (data %s) — demo portal at /, try /api/v1/search?q=infirmier\n", srv.Addr, c.cfg.Data)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// The listener closes at once; the requests in flight have the
	// shutdown timeout to finish.
	log.Info("shutting down: the requests in flight finish", "cause", context.Cause(ctx).Error(), "timeout", srv.ShutdownTimeout.String())
	if err := app.ShutdownWithTimeout(srv.ShutdownTimeout.Duration); err != nil {
		return fmt.Errorf("shutdown: requests still in flight after %s (server.shutdown_timeout): %w", srv.ShutdownTimeout, err)
	}
	return nil
}

func ensureDir(dir string) error { return os.MkdirAll(dir, 0o755) }
