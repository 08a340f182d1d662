#!/usr/bin/env bash
# Benchmark of `sattrace analyze` on 1,000,000 responses × 24 items, 3 segments ×
# 4 waves, against pandas (read_csv + groupby().mean()) on the same file.
# Needs: cargo, python3 with pandas (`pip install pandas`), GNU time (/usr/bin/time).
# Results go to bench/results.md by hand; see that file for the last run.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
data=${BENCH_DATA:-/tmp/sattrace_bench_survey.csv}
if [ ! -f "$data" ]; then
  ./target/release/sattrace simulate --model bench/model/model.yaml --n 1000000 --seed 1 -o "$data"
fi
runs=${RUNS:-5}
measure() {
  local label=$1; shift
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "$label wall=%e s  user=%U s  sys=%S s  max_rss=%M KiB" "$@" >/dev/null
  done
}
measure sattrace ./target/release/sattrace analyze bench/model --data "$data" --format json
measure pandas python3 bench/pandas_groupby.py "$data"
