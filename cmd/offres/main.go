// Command offres indexes the job offers of the Province Sud and serves their
// search API, their assistant and the matching of profiles.
//
//	offres index [--data DIR] [--batch N] [--ack] PATH...   import offers from files or folders
//	offres serve [--addr :8080] [--data DIR]                serve the API, the widget and the demo page
//	offres search [--data DIR] [--json] "infirmier"         search from the terminal
//	offres demo [--data DIR] [--addr :8080]                 import the demo corpus and serve it
//	offres reindex [--data DIR]                             rebuild the full-text index and the vectors from the catalogue
//	offres ask [--json] "question"                          ask the assistant
//	offres rome import [--data DIR] ROME_DIR                import the ROME referential (the official CSV export)
//	offres keys create --name N [--role R] | list | delete  recruiters' API keys (administration)
//	offres eval --sets DIR [--offers PATH]                  run the committed query sets in every mode and with a BM25 baseline
//	offres eval --queries Q.tsv --qrels QRELS [--mode M]    measure the search quality (nDCG@10, P@10, MRR@10, Recall@100)
//	offres version                                          the build: version, revision, Go
//
// The settings (package config) come from flags, OFFRES_* environment
// variables and a TOML configuration file (--config, OFFRES_CONFIG; see
// docs/offres.example.toml), in that order of precedence.
//
// SIGINT or SIGTERM stops a server once its requests in flight are
// answered, and an import at the end of the batch it is writing; a second
// signal stops at once.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// The first SIGINT or SIGTERM cancels ctx: a server shuts down
	// gracefully, an import stops at a batch boundary. A second one takes the
	// signal's default action and ends the process at once.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop()
	}()
	err := run(ctx, os.Args[1:], env{os.Stdout, os.Stderr, os.Getenv})
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) { // the flags' help is printed already
			fmt.Fprintln(os.Stderr, "offres:", err)
		}
		os.Exit(exitCode(err))
	}
}
