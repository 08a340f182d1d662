#!/usr/bin/env bash
# Benchmark of `plan`'s exact search (60 candidates × 3 targets, 5 random instances)
# and of `whatif` on 1,000,000 simulated responses after ingest. Results: bench/whatif_plan.md.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
data=${BENCH_DATA:-/tmp/sattrace_bench_survey.csv}
bin=${CARGO_TARGET_DIR:-target}/release/sattrace
if [ ! -f "$data" ]; then
  "$bin" simulate --model bench/model/model.yaml --n 1000000 --seed 1 -o "$data"
fi
BENCH_DATA=$data cargo test --release --quiet --test bench_whatif_plan -- --ignored --nocapture --test-threads 1
