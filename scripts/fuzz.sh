#!/usr/bin/env bash
# Runs every fuzz target of the repository, one at a time, each for a bounded
# time: FUZZTIME (default 10s; any -fuzztime value: 30s, 5m, 10000x).
# Targets are discovered with `go test -list '^Fuzz'`, so a new one is run
# without editing this script. Arguments restrict the packages (default
# ./...): scripts/fuzz.sh ./indexer/ ./internal/rome/
#
# The first crash stops the run with a failure and says where the failing
# input was written (the package's testdata/fuzz/FuzzName/, to commit as a
# regression case once fixed) and how to replay it. New interesting inputs
# go to the Go cache ($(go env GOCACHE)/fuzz), not to the repository.
# FUZZPARALLEL sets the number of fuzzing workers (default: GOMAXPROCS).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PATH="/usr/local/go/bin:$PATH"

fuzztime="${FUZZTIME:-10s}"
parallel=()
if [ -n "${FUZZPARALLEL:-}" ]; then parallel=(-parallel="$FUZZPARALLEL"); fi
if [ $# -eq 0 ]; then set -- ./...; fi
start=$(date +%s)

# `go test -list` prints a package's target names, then "ok  <package> <time>".
if ! list=$(go test -list '^Fuzz' "$@" 2>&1); then
  echo "$list" >&2
  echo "fuzz.sh: listing the fuzz targets failed" >&2
  exit 1
fi
targets=()
names=()
while read -r first second _; do
  case "$first" in
    Fuzz*) names+=("$first") ;;
    ok)
      for name in "${names[@]}"; do targets+=("$second $name"); done
      names=()
      ;;
  esac
done <<<"$list"
if [ ${#targets[@]} -eq 0 ]; then
  echo "fuzz.sh: no fuzz target in $*" >&2
  exit 1
fi
echo "fuzz.sh: ${#targets[@]} targets, $fuzztime each"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
# deadlineFlake tells Go's fuzzing coordinator's race at the end of a
# -fuzztime window (golang/go#75804, fixed in Go 1.27, not in 1.26.x): the
# target fails with a bare « context deadline exceeded », no failing input
# written, no panic. It is run again (twice at most); a real finding always
# writes its input and fails at once.
deadlineFlake() {
  grep -q 'context deadline exceeded' "$log" && ! grep -qE 'Failing input written to|panic:|_test\.go:[0-9]+:' "$log"
}
for target in "${targets[@]}"; do
  read -r pkg name <<<"$target"
  t0=$(date +%s)
  ok=0
  for attempt in 1 2 3; do
    if go test -run='^$' -fuzz="^$name\$" -fuzztime="$fuzztime" ${parallel[@]+"${parallel[@]}"} "$pkg" >"$log" 2>&1; then
      ok=1
      break
    fi
    if ! deadlineFlake || [ "$attempt" = 3 ]; then break; fi
    echo "fuzz.sh: $pkg $name: « context deadline exceeded » at the end of the window, no input found (golang/go#75804): run again" >&2
  done
  if [ "$ok" = 1 ]; then
    execs=$(grep -o 'execs: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    echo "fuzz.sh: $pkg $name: ok, ${execs:-0} execs in $(($(date +%s) - t0)) s"
    continue
  fi
  cat "$log" >&2
  echo "fuzz.sh: $pkg $name FAILED after $(($(date +%s) - t0)) s" >&2
  written=$(sed -n 's/.*Failing input written to \(.*\)$/\1/p' "$log" | tail -1)
  if [ -n "$written" ]; then
    dir=$(go list -f '{{.Dir}}' "$pkg")
    echo "fuzz.sh: the failing input is $dir/$written" >&2
    echo "fuzz.sh: replay it with: go test -run='^$name/$(basename "$written")\$' $pkg" >&2
  fi
  exit 1
done
echo "fuzz.sh: ${#targets[@]} targets fuzzed in $(($(date +%s) - start)) s, no crash"
