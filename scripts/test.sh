#!/usr/bin/env bash
# The test command of the README: sets up what the tests need on a fresh
# Debian machine, then runs every test (with -race), the committed fuzz
# corpora as regression tests, vet, govulncheck (scripts/vulncheck.sh) and
# each fuzz target for a bounded time (scripts/fuzz.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

export PATH="/usr/local/go/bin:$PATH"
command -v go >/dev/null || { echo "test.sh: Go is not installed (want Go ≥ 1.26 at /usr/local/go)" >&2; exit 1; }
# Go 1.26.8 has standard-library vulnerabilities that offres reaches
# (govulncheck, below); older local Go runs the patched toolchain of go.mod's
# toolchain line, fetched once from the Go module proxy (about 76 MB).
want_go=1.26.10
have_go=$(GOTOOLCHAIN=local go env GOVERSION | sed 's/^go//')
if [ "$(printf '%s\n%s\n' "$want_go" "$have_go" | sort -V | head -1)" != "$want_go" ]; then
  export GOTOOLCHAIN="go$want_go"
fi

# Shared test data lives beside the repository, never in it.
if [ -z "${OFFRES_TESTDATA:-}" ]; then
  for d in "$root/../shared/data" "/work/shared/data"; do
    if [ -d "$d/offers" ]; then OFFRES_TESTDATA=$(cd "$d" && pwd); break; fi
  done
fi
export OFFRES_TESTDATA="${OFFRES_TESTDATA:-$root/../shared/data}"
# In CI a missing data set or database is a failure, not a skip.
if [ "${CI:-}" = "true" ]; then export OFFRES_REQUIRE_TESTDATA=1 OFFRES_REQUIRE_DATABASE=1; fi
echo "test.sh: test data at $OFFRES_TESTDATA (required: ${OFFRES_REQUIRE_TESTDATA:-0})"

# A throwaway PostgreSQL with pgvector (installed and built when missing, as root).
if [ -z "${OFFRES_TEST_DATABASE_URL:-}" ]; then
  if setup=$("$root/scripts/pg-setup.sh" start); then
    eval "$setup"
    trap '"$root/scripts/pg-setup.sh" stop "$OFFRES_PG_DIR"' EXIT
  elif [ "${OFFRES_REQUIRE_DATABASE:-}" = 1 ]; then
    echo "test.sh: could not set up PostgreSQL with pgvector" >&2; exit 1
  else
    echo "test.sh: no PostgreSQL: the database tests will skip" >&2
  fi
fi

# Browser tests of the widget: Debian's chromium driven by npm's playwright-core
# (installed when missing, as root; never a browser download). In CI a browser
# that cannot be set up fails the run instead of skipping those tests.
if [ "${CI:-}" = "true" ]; then export OFFRES_REQUIRE_BROWSER=1; fi
if ! bash "$root/scripts/browser-setup.sh"; then
  if [ "${OFFRES_REQUIRE_BROWSER:-}" = 1 ]; then echo "test.sh: could not set up the browser tests" >&2; exit 1; fi
  echo "test.sh: no browser: the browser tests will skip" >&2
fi
# Screenshots and the keystroke-to-results measure of the browser tests.
export OFFRES_BROWSER_OUT="${OFFRES_BROWSER_OUT:-$root/test-output/browser}"

go version
go mod download
go vet ./...
# Known vulnerabilities of the code and its modules (offline database).
"$root/scripts/vulncheck.sh"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then echo "test.sh: not gofmt'ed: $unformatted" >&2; exit 1; fi

# -count=1: every run really runs. Fuzz targets replay their committed corpus.
rm -f "$OFFRES_BROWSER_OUT/latency.json"
go test -race -count=1 -timeout 20m ./...
if [ -f "$OFFRES_BROWSER_OUT/latency.json" ]; then
  summary=$(node -e 'const r = require(process.argv[1]);
    console.log(`median ${r.median_ms} ms, p90 ${r.p90_ms} ms, max ${r.max_ms} ms over ${r.queries} queries (target < ${r.target_ms} ms)`)' \
    "$OFFRES_BROWSER_OUT/latency.json")
  echo "test.sh: widget, last keystroke to visible results: $summary; screenshots in $OFFRES_BROWSER_OUT"
fi
# Every fuzz target for a bounded time (FUZZTIME, default 10s each); a crash fails the run.
"$root/scripts/fuzz.sh"
echo "test.sh: all tests passed"
