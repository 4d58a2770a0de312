#!/usr/bin/env bash
# The figures of docs/benchmarks.md: the end-to-end measure on a generated
# 10,000-offer corpus (import, the built-in model, search latency in each
# mode, suggest latency, peak RSS; beside a BM25 reference, Xapian, when
# python3-xapian is installed), on the embedded storage and then on a
# throwaway PostgreSQL with pgvector (POSTGRES=0 to skip), then the Go
# benchmarks of the hot paths.
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
echo "## embedded"
# With the BM25 reference (Xapian through Debian's python3-xapian) on the same
# corpus and queries; it says so when the reference cannot run.
/tmp/offres-bench --offers "${OFFERS:-10000}" --reference xapian
if [ "${POSTGRES:-1}" = 1 ]; then
  eval "$(scripts/pg-setup.sh start)"
  trap 'scripts/pg-setup.sh stop "$OFFRES_PG_DIR"' EXIT
  db="offres_bench_$$"
  url=$(go run ./cmd/offres-bench --create-database "$db")
  echo
  echo "## PostgreSQL"
  /tmp/offres-bench --offers "${OFFERS:-10000}" --database-url "$url"
fi
echo
go test -run='^$' -bench=Upsert -benchtime=3x ./internal/fulltext/
go test -run='^$' -bench=Search -benchtime=200x ./internal/fulltext/
go test -run='^$' -bench=Parse ./indexer/
go test -run='^$' -bench='BenchmarkTrain$|EmbedPassages|EmbedQuery' -benchtime=5x ./internal/lsa/
go test -run='^$' -bench=BenchmarkANN -benchtime=200x ./internal/vectors/
