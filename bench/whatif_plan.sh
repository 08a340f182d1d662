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

# The whole command on 60 candidate actions (bench/plan60): ingest, analysis, rules,
# candidates, the exact search and the report, as a user runs it.
for run in 1 2 3 4 5; do
  /usr/bin/time -f "plan bench/plan60 (60 candidates, 3 targets), run $run: %e s wall, %M KiB" \
    "$bin" plan bench/plan60 --no-default-rules --today 2026-07-01 --lang en > /dev/null
done
