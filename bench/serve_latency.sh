#!/usr/bin/env bash
# Latency of one what-if as a person dragging a slider waits for it (results:
# bench/serve.md, "One what-if at a time"): sequential POST /api/whatif, each a
# different scenario (a driver shifted by -0.50..+0.50, for everyone or one
# segment), timed by curl; p50/p90/p99/max over N requests.
#  - the example (fixtures/telecom, 4,000 responses) with intervals: the server is
#    started with the default bootstrap (200 replicates, seed 14) and measured only
#    once /api/status says the replicates are ready; every answer is checked to
#    carry intervals (x-sattrace-intervals: ready);
#  - the example with --bootstrap 0 (no intervals), for comparison;
#  - 1,000,000 responses from a moments table (--moments): no intervals exist there
#    (no respondent rows to resample; the answer says so, as `whatif` does).
# Needs: cargo, curl. Traffic goes to 127.0.0.1 only; servers are stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${SATTRACE_BIN:-}" ]; then
  cargo build --release --quiet --bin sattrace
fi
bin=${SATTRACE_BIN:-${CARGO_TARGET_DIR:-target}/release/sattrace}
n=${N:-300}
data=${BENCH_DATA:-/tmp/sattrace_bench_survey.csv}
table=${BENCH_TABLE:-/tmp/sattrace_bench_moments.csv}
if [ ! -f "$table" ]; then
  [ -f "$data" ] || "$bin" simulate --model bench/model/model.yaml --n 1000000 --seed 1 -o "$data"
  "$bin" moments bench/model --data "$data" -o "$table"
fi

# measure LABEL PROJECT DRIVERS SEGMENT_COLUMN SEGMENTS EXPECT -- SERVE_ARGS...
measure() {
  local label=$1 project=$2 drivers=$3 column=$4 segments=$5 expect=$6
  shift 7
  local out times; out=$(mktemp); times=$(mktemp)
  "$bin" serve "$project" --port 0 "$@" >"$out" 2>/dev/null &
  local pid=$!
  while [ ! -s "$out" ]; do sleep 0.1; done
  local url; url=$(head -1 "$out")
  local start; start=$(date +%s.%N)
  # Wait on the server's own state, not on time.
  until curl -sf "${url}api/status" | grep -q '"state":"\(ready\|off\|unavailable\)"'; do sleep 0.5; done
  echo "== $label: replicates ready after $(echo "$(date +%s.%N) - $start" | bc) s"
  read -r -a ds <<<"$drivers"
  read -r -a ss <<<"$segments"
  for i in $(seq 1 "$n"); do
    local d=${ds[$((i % ${#ds[@]}))]}
    local shift_by; shift_by=$(printf '%.2f' "$(echo "($((i * 37 % 101)) - 50) / 100" | bc -l)")
    [ "$shift_by" = "0.00" ] && shift_by=0.01
    local s=${ss[$((i % ${#ss[@]}))]} where=""
    [ "$s" != "-" ] && where=", \"where\": {\"$column\": \"$s\"}"
    local headers; headers=$(mktemp)
    curl -sf -o /dev/null -D "$headers" -w '%{time_total}\n' -X POST "${url}api/whatif" \
      -H 'Content-Type: application/json' \
      -d "{\"shift\": {\"$d\": $shift_by}$where}" >>"$times"
    grep -qi "x-sattrace-intervals: $expect" "$headers" || { echo "answer without '$expect' intervals" >&2; exit 1; }
    rm -f "$headers"
  done
  sort -n "$times" | awk -v label="$label" '
    { v[NR] = $1 * 1000 }
    END {
      printf "%s: %d requests, p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms\n", label, NR,
        v[int(NR * 0.50 + 0.5)], v[int(NR * 0.90 + 0.5)], v[int(NR * 0.99 + 0.5)], v[NR]
    }'
  grep VmRSS /proc/$pid/status || true
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -f "$out" "$times"
}
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
telecom_drivers="response_time staff_attitude resolution network price_value brand"
measure "example, intervals (200 replicates)" fixtures/telecom "$telecom_drivers" region "- 华东 华南" ready --
measure "example, --bootstrap 0" fixtures/telecom "$telecom_drivers" region "- 华东 华南" off -- --bootstrap 0
measure "1,000,000 rows, --moments" bench/model "d1 d2 d3 d4 d5 d6 d7" region "- north south west" unavailable -- --moments "$table"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
