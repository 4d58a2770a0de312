package main

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"offres/api"
	"offres/internal/analytics"
	"offres/internal/config"
)

// corsOrigins returns the origins of server.cors_origins (--cors-origins,
// OFFRES_CORS_ORIGINS), checked by the API's rules: portals on other hosts
// whose pages call the API with the widget.
func corsOrigins(cfg *config.Loaded) ([]string, error) {
	var out []string
	for _, o := range cfg.Server.CORSOrigins {
		out = append(out, strings.TrimSuffix(o, "/"))
	}
	if err := api.CheckCORSOrigins(out); err != nil {
		return nil, usageError{cfg.Errorf("server.cors_origins", "%v", err)}
	}
	return out, nil
}

// openAnalytics opens the search analytics kept in the data directory
// (analytics.json, written every 30 s and at the end) and starts their
// snapshots; stop writes the last one.
func openAnalytics(ctx context.Context, dataDir string, now func() time.Time, log *slog.Logger) (store *analytics.Store, stop func(), err error) {
	store, err = analytics.Open(analytics.Options{Path: filepath.Join(dataDir, "analytics.json"), Now: now, Logger: log})
	if err != nil {
		return nil, nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		store.Run(ctx)
		close(done)
	}()
	return store, func() { cancel(); <-done }, nil
}
