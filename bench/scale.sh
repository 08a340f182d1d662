#!/usr/bin/env bash
# Benchmark of the moments table (docs/scale.md) on 1,000,000 responses × 24 items:
# `sattrace moments` (sattrace's own pass), `analyze --moments` on its result, and for
# comparison the direct `analyze`. Other engines running the generated query
# (DuckDB, Spark) add their rows to bench/scale.md.
# Needs: cargo, GNU time (/usr/bin/time). Results go to bench/scale.md by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-target}/release/sattrace  # as bench/run.sh, built above
data=${BENCH_DATA:-/tmp/sattrace_scale_survey.csv}
table=${BENCH_TABLE:-/tmp/sattrace_scale_moments.csv}
if [ ! -f "$data" ]; then
  "$bin" simulate --model bench/model/model.yaml --n 1000000 --seed 1 -o "$data"
fi
runs=${RUNS:-5}
"$bin" moments bench/model --data "$data" -o "$table"
measure() {
  local label=$1; shift
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "$label wall=%e s  user=%U s  sys=%S s  max_rss=%M KiB" "$@" >/dev/null
  done
}
measure moments "$bin" moments bench/model --data "$data"
measure analyze-moments "$bin" analyze bench/model --moments "$table" --format json
measure analyze-direct "$bin" analyze bench/model --data "$data" --format json
wc -c "$table"
