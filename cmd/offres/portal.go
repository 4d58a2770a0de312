package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"offres/analytics"
	"offres/api"
)

// corsOrigins reads the comma-separated origins of --cors-origins
// (OFFRES_CORS_ORIGINS), validated: portals on other hosts whose pages call
// the API with the widget.
func corsOrigins(s string) ([]string, error) {
	var out []string
	for o := range strings.SplitSeq(s, ",") {
		if o = strings.TrimSuffix(strings.TrimSpace(o), "/"); o != "" {
			out = append(out, o)
		}
	}
	if err := api.CheckCORSOrigins(out); err != nil {
		return nil, fmt.Errorf("--cors-origins: %v: %w", err, errUsage)
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
