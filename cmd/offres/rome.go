package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"path/filepath"

	"offres/internal/rome"
)

// romeFile is where the imported ROME taxonomy is kept in the data
// directory.
func romeFile(dataDir string) string { return filepath.Join(dataDir, "rome.json.gz") }

// runRome imports the ROME taxonomy: offres rome import DIR.
func runRome(ctx context.Context, args []string, e env) error {
	if len(args) == 0 || args[0] != "import" {
		return fmt.Errorf("rome: usage: offres rome import [--data DIR] ROME_DIR: %w", errUsage)
	}
	var c common
	fs := newFlags("rome import", e)
	c.register(fs)
	if err := c.parse(fs, args[1:], e); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("rome import: give the folder of the ROME CSV export: %w", errUsage)
	}
	t, err := rome.Load(fs.Arg(0))
	if err != nil {
		return err
	}
	for _, p := range t.Problems() {
		fmt.Fprintf(e.stderr, "%s\n", p)
	}
	if err := ensureDir(c.cfg.Data); err != nil {
		return err
	}
	if err := t.Save(romeFile(c.cfg.Data)); err != nil {
		return err
	}
	n := t.Len()
	fmt.Fprintf(e.stdout, "rome %s: %+v, %d problems, saved to %s\n", t.Version(), n, len(t.Problems()), romeFile(c.cfg.Data))
	return nil
}

// taxonomy returns the ROME referential: the one `offres rome import`
// wrote in the data directory, else the one embedded in the binary.
func taxonomy(dataDir string, log *slog.Logger) (*rome.Taxonomy, error) {
	t, err := rome.LoadFile(romeFile(dataDir))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		t, err = rome.Default()
		if err != nil {
			return nil, err
		}
		log.Debug("ROME referential: embedded", "version", t.Version())
		return t, nil
	case err != nil:
		return nil, fmt.Errorf("%w (offres rome import again)", err)
	}
	log.Info("ROME referential: imported", "version", t.Version(), "file", romeFile(dataDir))
	return t, nil
}
