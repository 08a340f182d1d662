#!/usr/bin/env bash
# Load benchmark of `sattrace serve` (results: bench/serve.md): 50 concurrent
# clients issuing what-if requests for 60 s on the 1,000,000-response benchmark
# project (bench/model), each request a different scenario (bench/serve_whatif.lua),
# against the server holding respondent rows and against `--moments`.
# Needs: cargo, wrk (apt-get install wrk). Traffic goes to 127.0.0.1 only; the
# server is stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -n "${SATTRACE_BIN:-}" ] || cargo build --release --quiet --bin sattrace
bin=${SATTRACE_BIN:-${CARGO_TARGET_DIR:-target}/release/sattrace}
data=${BENCH_DATA:-/tmp/sattrace_bench_survey.csv}
table=${BENCH_TABLE:-/tmp/sattrace_bench_moments.csv}
duration=${DURATION:-60s}
clients=${CLIENTS:-50}
if [ ! -f "$data" ]; then
  "$bin" simulate --model bench/model/model.yaml --n 1000000 --seed 1 -o "$data"
fi
[ -f "$table" ] || "$bin" moments bench/model --data "$data" -o "$table"

run() {
  local label=$1; shift
  local out; out=$(mktemp)
  local start; start=$(date +%s.%N)
  "$bin" serve bench/model --port 0 "$@" >"$out" 2>/dev/null &
  local pid=$!
  while [ ! -s "$out" ]; do sleep 0.1; done
  local url; url=$(head -1 "$out")
  echo "== $label: ready after $(echo "$(date +%s.%N) - $start" | bc) s at $url"
  if [ -n "${EXPECT_INTERVALS:-}" ]; then
    # Measured once the replicates are made, on the server's own word.
    until curl -sf "${url}api/status" | grep -q '"state":"ready"'; do sleep 1; done
    echo "   replicates ready after $(echo "$(date +%s.%N) - $start" | bc) s"
  fi
  grep VmRSS /proc/$pid/status || true
  # One request first, so the numbers are those of a warm server.
  curl -sf -X POST "${url}api/whatif" -H 'Content-Type: application/json' \
    -d '{"shift": {"d1": 0.3}}' >/dev/null
  wrk -t2 -c"$clients" -d"$duration" --timeout 10s --latency -s bench/serve_whatif.lua "$url"
  grep VmRSS /proc/$pid/status || true
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  rm -f "$out"
}
# --bootstrap 0: this measures the what-if itself; intervals on 1,000,000 respondent
# rows re-apply each scenario to 200 replicates of them (bench/serve.md).
run "respondent rows (--data, 1,000,000 responses)" --data "$data" --bootstrap 0
run "moments table (--moments), no intervals" --moments "$table" --bootstrap 0
# The parametric intervals (200 replicates, the default), made once in the
# background; every answer is checked to carry them.
EXPECT_INTERVALS=ready run "moments table (--moments), intervals" --moments "$table"
