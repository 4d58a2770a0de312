package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"time"

	"offres/internal/config"
	"offres/internal/engine"
	"offres/internal/llm"
	"offres/internal/metrics"
	"offres/internal/postgres"
	"offres/search"
)

// common is what every command that opens the data shares: its flags, the
// configuration file, and the settings they make (package config).
type common struct {
	configPath string
	flags      *config.Flags
	cfg        *config.Loaded
	now        func() time.Time // nil: the clock
	// metrics, when set (offres serve), counts the remote embedder's calls.
	metrics *metrics.Registry
	// titlesOnly (offres eval --titles-only) imports offers without the
	// ROME codes their source gives.
	titlesOnly bool
}

// register registers --config and the flags of the settings every command
// takes (data, log_level, database_url), and of the extra settings a
// command takes as flags.
func (c *common) register(fs *flag.FlagSet, extra ...string) {
	fs.StringVar(&c.configPath, "config", "", "configuration file, TOML: see docs/offres.example.toml (OFFRES_CONFIG)")
	c.flags = config.BindFlags(fs, append([]string{"data", "log_level", "database_url"}, extra...)...)
}

// parse parses the command line, then loads the settings: flags over the
// environment over the configuration file over the defaults.
func (c *common) parse(fs *flag.FlagSet, args []string, e env) error {
	if err := parse(fs, args); err != nil {
		return err
	}
	path := c.configPath
	if path == "" {
		path = e.getenv("OFFRES_CONFIG")
	}
	cfg, err := config.Load(config.Source{File: path, Getenv: e.getenv, Flags: c.flags})
	if err != nil {
		return usageError{err}
	}
	for _, w := range cfg.Warnings {
		fmt.Fprintf(e.stderr, "offres: warning: %s\n", w)
	}
	c.cfg = cfg
	return nil
}

// usageError is a command-line or configuration mistake: its message as it
// is, exit code 2.
type usageError struct{ error }

func (usageError) Is(target error) bool { return target == errUsage }
func (u usageError) Unwrap() error      { return u.error }

func (c *common) logger(e env) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(c.cfg.LogLevel)) // validated by config.Load
	return slog.New(slog.NewJSONHandler(e.stderr, &slog.HandlerOptions{Level: level}))
}

func (c *common) open(ctx context.Context, e env) (*engine.Engine, *slog.Logger, error) {
	log := c.logger(e)
	log.Debug("configuration", "settings", c.cfg.String())
	cfg := c.cfg.Config
	opts := engine.Options{Dir: cfg.Data, Logger: log, DatabaseURL: cfg.DatabaseURL, Now: c.now,
		UndatedOpenDays: cfg.Search.UndatedOpenDays,
		Hybrid: search.HybridOptions{
			Fuse:          search.FuseOptions{K: cfg.Search.RRFK, KeywordWeight: cfg.Search.KeywordWeight, SemanticWeight: cfg.Search.SemanticWeight},
			MinSimilarity: float32(cfg.Search.MinSimilarity),
		},
		HNSW: postgres.IndexOptions{M: cfg.HNSW.M, EfConstruction: cfg.HNSW.EfConstruction},
	}
	emb, err := embedder(cfg.Embed, log)
	if err != nil {
		return nil, nil, err
	}
	if emb != nil {
		opts.Embedder = emb
		if c.metrics != nil {
			opts.Embedder = c.metrics.Embedder(emb)
		}
	}
	if opts.Rome, err = taxonomy(cfg.Data, log); err != nil {
		return nil, nil, err
	}
	eng, err := engine.Open(ctx, opts)
	return eng, log, err
}

// embedder returns the OpenAI-compatible embedder the settings name, or nil
// for the built-in model.
func embedder(s config.Embed, log *slog.Logger) (*llm.Embedder, error) {
	if s.Model == "" {
		return nil, nil
	}
	cfg := llm.EmbedConfig{BaseURL: s.BaseURL, APIKey: s.APIKey, Model: s.Model, Dimensions: s.Dimensions, Logger: log}
	emb, err := llm.NewEmbedder(cfg)
	if err != nil {
		return nil, fmt.Errorf("%v: %w", err, errUsage)
	}
	log.Info("embedding model", "config", cfg)
	return emb, nil
}
