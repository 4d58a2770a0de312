#!/usr/bin/env bash
# The load test of docs/benchmarks.md: wrk against a real `offres serve` holding a
# generated 10,000-offer corpus (the one of scripts/bench.sh), on this
# machine's loopback only. Phases (PHASES, in this order):
#
#   search   /api/v1/search as the widget sends it (hybrid, the default
#            mode), at each of CONNECTIONS
#   search-keyword  the same searches in keyword mode (no vector search)
#   suggest  /api/v1/suggest, prefixes of 2 to 8 characters, likewise
#   mixed    suggestions, searches, offer pages, similar offers, likewise
#   soak     SOAK (10 minutes) of the mixed traffic paced to about SOAK_RATE
#            req/s, the server's RSS sampled every SAMPLE_EVERY seconds
#   ask      /api/v1/ask streamed, against cmd/offres-fakellm (a model
#            speaking the OpenAI wire format with a delay per token), each
#            request from another client behind a trusted proxy
#
# wrk and the server share the machine's cores. The raw wrk outputs, the
# server's log, the RSS CSV, sample answers and summary.md go to OUT
# (bench-out/load). It fails when any request of a phase fails (non-2xx,
# socket error or timeout; a 429 of /ask, and the 503s of the load shedding,
# are reported in the statuses, not failed on).
#
#   ./scripts/load.sh                              # the run of docs/benchmarks.md (≈ 20 min)
#   CACHE=off PHASES="search search-keyword mixed" ./scripts/load.sh   # every search computed
#   PROFILE=1 PHASES=search CONNECTIONS=16 ./scripts/load.sh   # + bench-out/load/search-c16.cpu.pprof
#   SOAK=30s DURATION=5s WARMUP=2s ./scripts/load.sh   # a quick check
#   PHASES="search suggest" CONNECTIONS="32 64 128" ./scripts/load.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PATH="/usr/local/go/bin:$PATH"

OFFERS=${OFFERS:-10000}
PHASES=${PHASES:-search search-keyword suggest mixed soak ask}
DURATION=${DURATION:-30s}           # each measured run
WARMUP=${WARMUP:-10s}               # mixed traffic before the first phase, not measured
CONNECTIONS=${CONNECTIONS:-16 32 64}
THREADS=${THREADS:-2}               # wrk threads
TIMEOUT=${TIMEOUT:-5s}              # wrk's: a slower response counts as an error
SOAK=${SOAK:-10m}
SOAK_CONNECTIONS=${SOAK_CONNECTIONS:-16}
SOAK_RATE=${SOAK_RATE:-150}         # req/s aimed at during the soak (wrk paces each connection)
SAMPLE_EVERY=${SAMPLE_EVERY:-10}    # seconds between two RSS samples
ASK_DURATION=${ASK_DURATION:-$DURATION}
ASK_CONNECTIONS=${ASK_CONNECTIONS:-32}
LLM_FIRST_TOKEN=${LLM_FIRST_TOKEN:-300ms}
LLM_TOKEN_DELAY=${LLM_TOKEN_DELAY:-20ms}
LLM_INVALID=${LLM_INVALID:-0}       # share of the fake model's answers failing the citation check
LOG_LEVEL=${LOG_LEVEL:-info}        # the server's (info: one line per request, as in production)
CACHE=${CACHE:-on}                  # the server's search cache; off: every search computed
PROFILE=${PROFILE:-0}               # 1: a CPU profile of the server during each search, suggest and mixed run
OUT=${OUT:-$root/bench-out/load}

if [ -z "${OFFRES_TESTDATA:-}" ]; then
  for d in "$root/../shared/data" "/work/shared/data"; do
    if [ -d "$d/offers" ]; then OFFRES_TESTDATA=$(cd "$d" && pwd); break; fi
  done
fi
if [ ! -d "${OFFRES_TESTDATA:-}/offers" ]; then
  echo "load: the shared test data is needed (set OFFRES_TESTDATA)" >&2
  exit 1
fi

for tool in wrk curl; do
  if ! command -v "$tool" >/dev/null; then
    if [ "$(id -u)" = 0 ]; then
      apt-get install -y "$tool" >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y "$tool" >/dev/null; }
    else
      echo "load: $tool is missing (apt-get install $tool)" >&2
      exit 1
    fi
  fi
done

mkdir -p "$OUT"
rm -f "$OUT"/*.txt "$OUT"/*.csv "$OUT"/*.sse "$OUT"/*.log "$OUT"/*.pprof "$OUT"/summary.md
work=$(mktemp -d /tmp/offres-load.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

echo "load: building offres, offres-bench and offres-fakellm"
go build -o "$work/offres" ./cmd/offres
go build -o "$work/offres-bench" ./cmd/offres-bench
go build -o "$work/offres-fakellm" ./cmd/offres-fakellm

"$work/offres-bench" --testdata "$OFFRES_TESTDATA" --offers "$OFFERS" --write-corpus "$work/corpus.ndjson"
"$work/offres" index --data "$work/data" --quiet "$work/corpus.ndjson" | tee "$OUT/index.txt"
# Offer ids for the offer pages of the mixed traffic: one in 50.
grep -o '^{"id":"[^"\\]*"' "$work/corpus.ndjson" | sed 's/^{"id":"//; s/"$//' | awk 'NR % 50 == 1' >"$OUT/ids.txt"

free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return
    fi
  done
  echo "load: no free port" >&2
  return 1
}

wait_ready() { # url what
  for _ in $(seq 1 300); do
    if curl -fsS -o /dev/null "$1" 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  echo "load: $2 not ready at $1" >&2
  return 1
}

llm_port=$(free_port)
"$work/offres-fakellm" --addr "127.0.0.1:$llm_port" --first-token "$LLM_FIRST_TOKEN" \
  --token-delay "$LLM_TOKEN_DELAY" --invalid "$LLM_INVALID" >"$OUT/fakellm.log" 2>&1 &
pids+=($!)
wait_ready "http://127.0.0.1:$llm_port/stats" offres-fakellm

port=$(free_port)
cache_entries=${OFFRES_SEARCH_CACHE_ENTRIES:-}
if [ "$CACHE" = off ]; then cache_entries=-1; fi
if [ -n "$cache_entries" ]; then export OFFRES_SEARCH_CACHE_ENTRIES=$cache_entries; fi
admin_token=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
OFFRES_ADMIN_TOKEN=$admin_token OFFRES_TRUSTED_PROXIES=127.0.0.1 OFFRES_LLM_MODEL=fake-chat OFFRES_LLM_BASE_URL="http://127.0.0.1:$llm_port/v1" \
  "$work/offres" serve --data "$work/data" --addr "127.0.0.1:$port" --log-level "$LOG_LEVEL" \
  >"$OUT/server.out" 2>"$work/server.log" &
server=$!
pids+=($server)
wait_ready "http://127.0.0.1:$port/readyz" "offres serve"
base="http://127.0.0.1:$port"

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$server/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }
# machine_ticks: the machine's busy CPU time (every process: the server,
# wrk and whatever else runs) and its total CPU time, in clock ticks.
machine_ticks() { awk '$1 == "cpu" {print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9}' /proc/stat; }
hz=$(getconf CLK_TCK)
duration_s() { # 30s, 10m, 1h → seconds
  case $1 in
  *h) echo $((${1%h} * 3600)) ;;
  *m) echo $((${1%m} * 60)) ;;
  *s) echo "${1%s}" ;;
  *) echo "$1" ;;
  esac
}
field() { # LOAD_RESULT-line name
  tr ' ' '\n' <<<"$1" | awk -F= -v k="$2" '$1 == k {print $2}'
}

export LOAD_LUA_DIR="$root/scripts/load" LOAD_IDS="$OUT/ids.txt"
uptime_before=$(uptime)
started=$(date '+%Y-%m-%d %H:%M %Z')
rows=()
failed=0

# measure NAME SCRIPT CONNECTIONS DURATION: one wrk run; appends a row.
measure() {
  local name=$1 script=$2 c=$3 d=$4 t=$THREADS
  [ "$t" -gt "$c" ] && t=$c
  if ! kill -0 "$server" 2>/dev/null; then
    echo "load: the server is gone (see $work/server.log)" >&2
    exit 1
  fi
  local ticks0 busy0 rss0 start line
  ticks0=$(cpu_ticks)
  busy0=$(machine_ticks)
  rss0=$(rss_kb)
  start=$(date +%s.%N)
  local profiler=""
  if [ "$PROFILE" = 1 ] && [ -z "${LOAD_DELAY_MS:-}" ] && [ "$script" != ask ]; then
    # /debug/pprof (admin token): the whole run but its first and last second.
    local secs=$(($(duration_s "$d") - 2))
    if [ "$secs" -ge 1 ]; then
      (sleep 1 && curl -fsS -H "Authorization: Bearer $admin_token" -o "$OUT/$name.cpu.pprof" \
        "$base/debug/pprof/profile?seconds=$secs") &
      profiler=$!
    fi
  fi
  wrk -t"$t" -c"$c" -d"$d" --timeout "$TIMEOUT" --latency -s "scripts/load/$script.lua" "$base" >"$OUT/$name.txt" 2>&1 || true
  if [ -n "$profiler" ]; then wait "$profiler" || echo "load: $name: no CPU profile" >&2; fi
  local cpu busy rss1 end
  end=$(date +%s.%N)
  cpu=$(awk -v a="$ticks0" -v b="$(cpu_ticks)" -v hz="$hz" -v s="$start" -v e="$end" 'BEGIN {printf "%.2f", (b - a) / hz / (e - s)}')
  busy=$(echo "$busy0 $(machine_ticks)" | awk -v n="$(nproc)" '{printf "%.2f", ($4 > $2 ? ($3 - $1) / ($4 - $2) * n : 0)}')
  rss1=$(rss_kb)
  line=$(grep '^LOAD_RESULT' "$OUT/$name.txt" || true)
  if [ -z "$line" ]; then
    echo "load: $name: no result from wrk (see $OUT/$name.txt)" >&2
    failed=1
    return
  fi
  local non2xx sock to s429 s503 errs
  non2xx=$(field "$line" non2xx)
  sock=$(field "$line" socket_errors)
  to=$(field "$line" timeouts)
  s429=$(field "$line" statuses | tr ',' '\n' | awk -F: '$1 == 429 {print $2}')
  s429=${s429:-0}
  # 503s are the load shedding's: answered at once, reported in the statuses, not failed on.
  s503=$(field "$line" statuses | tr ',' '\n' | awk -F: '$1 == 503 {print $2}')
  s503=${s503:-0}
  errs=$((non2xx + sock + to - s503))
  if [ "$script" = ask ]; then errs=$((errs - s429)); fi
  [ "$errs" -gt 0 ] && failed=1
  local target=—
  case $script in search | suggest | mixed)
    [ -z "${LOAD_DELAY_MS:-}" ] && target=$(awk -v r="$(field "$line" rps)" -v p="$(field "$line" p99_ms)" -v e="$errs" \
      'BEGIN {print (r >= 1500 && p < 50 && e == 0) ? "met" : "missed"}')
    ;;
  esac
  local per hits
  per=$(awk -v c="$cpu" -v r="$(field "$line" rps)" 'BEGIN {printf "%.3f", (r > 0 ? c / r * 1000 : 0)}')
  hits=$(awk -v h="$(field "$line" cache_hits)" -v m="$(field "$line" cache_misses)" \
    'BEGIN {if (h + m > 0) printf "%.1f %% of %d", h / (h + m) * 100, h + m; else print "—"}')
  rows+=("$(printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s (%s) | %s | %s / %s | %s | %d → %d MB | %s |' \
    "$name" "$c" "$d" "$(field "$line" rps)" "$(field "$line" p50_ms)" "$(field "$line" p99_ms)" \
    "$(field "$line" max_ms)" "$(field "$line" requests)" "$errs" "$(field "$line" statuses)" "$hits" "$cpu" "$busy" "$per" \
    $((rss0 / 1024)) $((rss1 / 1024)) "$target")")
  printf 'load: %-20s c=%-3s %8s req/s  p50 %7s ms  p99 %7s ms  errors %s  statuses %s  cache hits %s  CPU: server %s, machine %s cores\n' \
    "$name" "$c" "$(field "$line" rps)" "$(field "$line" p50_ms)" "$(field "$line" p99_ms)" "$errs" \
    "$(field "$line" statuses)" "$hits" "$cpu" "$busy"
  last_line=$line
}

echo "load: $base, $OFFERS offers; $(nproc) cores shared by wrk ($THREADS threads) and the server; $uptime_before"
if [ -n "$WARMUP" ] && [ "$WARMUP" != 0 ]; then
  wrk -t"$THREADS" -c16 -d"$WARMUP" --timeout "$TIMEOUT" -s scripts/load/mixed.lua "$base" >"$OUT/warmup.txt" 2>&1 || true
fi

soak_summary="" ask_summary=""
for phase in $PHASES; do
  case $phase in
  search | suggest | mixed)
    for c in $CONNECTIONS; do measure "$phase-c$c" "$phase" "$c" "$DURATION"; done
    ;;
  search-keyword | search-semantic)
    for c in $CONNECTIONS; do LOAD_SEARCH_MODE=${phase#search-} measure "$phase-c$c" search "$c" "$DURATION"; done
    ;;
  soak)
    # Each connection waits about SOAK_CONNECTIONS/SOAK_RATE between two
    # requests; the RSS is sampled while wrk runs.
    delay=$((SOAK_CONNECTIONS * 1000 / SOAK_RATE))
    echo "elapsed_s,rss_kb" >"$OUT/soak-rss.csv"
    (
      t0=$(date +%s)
      while kill -0 "$server" 2>/dev/null && [ ! -e "$work/soak-done" ]; do
        echo "$(($(date +%s) - t0)),$(rss_kb)" >>"$OUT/soak-rss.csv"
        sleep "$SAMPLE_EVERY"
      done
    ) &
    sampler=$!
    LOAD_DELAY_MS=$delay measure soak "mixed" "$SOAK_CONNECTIONS" "$SOAK"
    touch "$work/soak-done"
    wait "$sampler" 2>/dev/null || true
    echo "$(($(tail -1 "$OUT/soak-rss.csv" | cut -d, -f1) + 1)),$(rss_kb)" >>"$OUT/soak-rss.csv"
    soak_summary=$(awk -F, 'NR > 1 {n++; t[n] = $1; r[n] = $2}
      END {
        min = r[1]; max = r[1]
        for (i = 1; i <= n; i++) { if (r[i] < min) min = r[i]; if (r[i] > max) max = r[i] }
        q = int(n / 4); if (q < 1) q = 1
        for (i = q + 1; i <= 2 * q; i++) { s2 += r[i]; n2++ }
        for (i = n - q + 1; i <= n; i++) { s4 += r[i]; n4++ }
        m2 = (n2 ? s2 / n2 : r[1]); m4 = s4 / n4
        g = (m4 - m2) / m2 * 100
        verdict = (g > 5 && m4 - m2 > 10240) ? "GROWING" : "stable"
        printf "%d samples over %d s: start %.0f MB, min %.0f MB, max %.0f MB, end %.0f MB; mean of the 2nd quarter %.0f MB, of the last quarter %.0f MB (%+.1f %%): %s",
          n, t[n], r[1] / 1024, min / 1024, max / 1024, r[n] / 1024, m2 / 1024, m4 / 1024, g, verdict
      }' "$OUT/soak-rss.csv")
    echo "load: soak RSS: $soak_summary"
    case $soak_summary in *GROWING*) failed=1 ;; esac
    ;;
  ask)
    mkdir -p "$OUT/ask-samples"
    rm -f "$OUT"/ask-samples/*
    before=$(curl -fsS "http://127.0.0.1:$llm_port/stats")
    LOAD_SAMPLES="$OUT/ask-samples" measure ask "ask" "$ASK_CONNECTIONS" "$ASK_DURATION"
    after=$(curl -fsS "http://127.0.0.1:$llm_port/stats")
    ok=$(field "$last_line" ok)
    llm=$(field "$last_line" llm)
    fallback=$(field "$last_line" fallback)
    ask_summary=$(printf '%s answers (HTTP 200): %s by the model, grounded (%s %% of the answers, %s %% of those the model was asked for); %s extractive after a failed citation check; %s extractive without the model (no offer found); %s without a final event. 429: %s. Fake model: %s before, %s after (first token %s, %s per token).' \
      "$ok" "$llm" "$(awk -v a="$llm" -v b="$ok" 'BEGIN {printf "%.1f", (b ? a / b * 100 : 0)}')" \
      "$(awk -v a="$llm" -v b="$((llm + fallback))" 'BEGIN {printf "%.1f", (b ? a / b * 100 : 0)}')" \
      "$fallback" "$(field "$last_line" extractive)" "$(field "$last_line" noanswer)" \
      "$(field "$last_line" statuses | tr ',' '\n' | awk -F: '$1 == 429 {print $2}' | grep . || echo 0)" \
      "$before" "$after" "$LLM_FIRST_TOKEN" "$LLM_TOKEN_DELAY")
    echo "load: ask: $ask_summary"
    ;;
  *)
    echo "load: unknown phase $phase" >&2
    exit 2
    ;;
  esac
done

uptime_after=$(uptime)
# The server's log without its line per request (millions of them).
grep -v '"msg":"request"' "$work/server.log" >"$OUT/server.log" || true
logged=$(grep -c '"msg":"request"' "$work/server.log" || true)
{
  echo "# Load test — $started"
  echo
  echo "offres $(git -C "$root" describe --always --dirty 2>/dev/null || echo '(no git)'); $(go version | cut -d' ' -f3); $OFFERS offers; $(nproc) cores shared by wrk ($THREADS threads) and the server; server log level $LOG_LEVEL; search cache ${CACHE} (OFFRES_SEARCH_CACHE_ENTRIES=${cache_entries:-default}); query popularity Zipf s = ${LOAD_ZIPF:-1}"
  echo
  echo "- load before: $uptime_before"
  echo "- load after:  $uptime_after"
  echo
  echo "| phase | connections | duration | req/s | p50 ms | p99 ms | max ms | requests | errors (statuses) | searches from the cache | CPU cores: server / machine | server CPU ms per request | server RSS | ≥ 1,500 req/s at p99 < 50 ms |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
  echo
  [ -n "$soak_summary" ] && echo "Soak ($SOAK, $SOAK_CONNECTIONS connections paced to ≈ $SOAK_RATE req/s): RSS $soak_summary." && echo
  [ -n "$ask_summary" ] && echo "/ask ($ASK_CONNECTIONS connections): $ask_summary" && echo
  echo "CPU: cores used by the server during the phase / by the whole machine (the server, wrk and anything else running: $(nproc) cores at most); per request: the server's CPU time over the requests served, so $(nproc) cores divided by it bound the rate the server alone could sustain."
  echo
  echo "The server logged $logged requests; its other lines are in server.log."
  echo
  echo "Target: ≥ 1,500 req/s at p99 < 50 ms, 0 errors (search, suggest, mixed). Errors: non-2xx responses (but 429 on /ask, and the 503s of the load shedding, in the statuses), socket errors and timeouts (> $TIMEOUT)."
} >"$OUT/summary.md"
echo
cat "$OUT/summary.md"
echo "load: raw outputs in $OUT"
if [ "$failed" != 0 ]; then
  echo "load: FAILED: errors in a phase or a growing RSS (see above)" >&2
  exit 1
fi
