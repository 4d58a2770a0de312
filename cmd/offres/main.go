// Command offres indexes the job offers of the Province Sud and serves their
// search API.
//
//	offres index [--data DIR] PATH...    import offers from files or folders
//	offres serve [--addr :8080] [--data DIR]
//	offres search [--json] "infirmier"   search from the terminal
//	offres demo [--data DIR]             import the demo corpus and serve it
//	offres reindex [--data DIR]          rebuild the full-text index from the catalogue
//	offres version
//
// Flags fall back to OFFRES_* environment variables (OFFRES_DATA,
// OFFRES_ADDR, OFFRES_ADMIN_TOKEN, OFFRES_LOG_LEVEL).
package main

import (
	"context"
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
		fmt.Fprintln(os.Stderr, "offres:", err)
		os.Exit(exitCode(err))
	}
}
