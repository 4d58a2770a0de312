#!/usr/bin/env bash
# The figures of the README: the end-to-end measure on a generated
# 10,000-offer corpus (import, search and suggest latency, peak RSS), then the
# Go benchmarks of the hot paths.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PATH="/usr/local/go/bin:$PATH"
if [ -z "${OFFRES_TESTDATA:-}" ]; then
  for d in "$root/../shared/data" "/work/shared/data"; do
    if [ -d "$d/offers" ]; then OFFRES_TESTDATA=$(cd "$d" && pwd); break; fi
  done
fi
export OFFRES_TESTDATA OFFRES_REQUIRE_TESTDATA=1

go build -o /tmp/offres-bench ./cmd/offres-bench
/tmp/offres-bench --offers "${OFFERS:-10000}"
echo
go test -run='^$' -bench=Upsert -benchtime=3x ./fulltext/
go test -run='^$' -bench=Search -benchtime=200x ./fulltext/
go test -run='^$' -bench=Parse ./indexer/
