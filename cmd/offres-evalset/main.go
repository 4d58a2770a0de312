// Command offres-evalset builds the search evaluation set from the shared
// data: France Travail offers labelled by ROME code, queried with ROME job
// titles that occur nowhere verbatim in the offers (see eval.BuildSet). It
// writes DIR/queries.tsv and DIR/qrels.txt (TREC) and prints a summary.
//
//	go run ./cmd/offres-evalset --data ../shared/data --out /tmp/evalset [--per-code 3]
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"offres/internal/eval"
)

func main() {
	err := run(os.Args[1:], os.Stdout, os.Stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return
	case err != nil:
		fmt.Fprintln(os.Stderr, "offres-evalset:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("offres-evalset", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "../shared/data", "shared data directory (offers/, rome/)")
	out := fs.String("out", "", "directory to write queries.tsv and qrels.txt into (required)")
	perCode := fs.Int("per-code", 3, "most queries per ROME code")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case *out == "":
		return errors.New("--out is required")
	case *perCode < 1:
		return fmt.Errorf("--per-code %d: want at least 1", *perCode)
	case fs.NArg() > 0:
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	set, err := eval.LoadSet(*data, eval.SetOptions{PerCode: *perCode})
	if err != nil {
		return err
	}
	if len(set.Queries) == 0 {
		return fmt.Errorf("no query could be built from %s", *data)
	}
	if err := set.Write(*out); err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "%s, %s: %s\n",
		filepath.Join(*out, eval.QueriesFile), filepath.Join(*out, eval.QrelsFile), set.Summary())
	return err
}
