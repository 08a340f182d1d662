#!/usr/bin/env bash
# Benchmark of rule evaluation: 100 rules × 25 drivers × 1,000 segments = 2,500,000
# evaluations with the engine built once and every expression compiled once (whole
# process timed with /usr/bin/time), then the reference costs: the same evaluations
# interpreted by Rhai, and a naive loop re-compiling the rule for every evaluation
# (both on a subset, extrapolated). Results: bench/rules.md.
#
# Usage: bench/rules_eval.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --release --quiet --test bench_rules --no-run
run() {
  cargo test --release --quiet --test bench_rules -- --ignored --nocapture --test-threads 1 --exact "$1"
}
echo "== 100 rules × 25 drivers × 1,000 segments (whole process: build facts, compile, evaluate twice)"
/usr/bin/time -f "whole process: %e s wall, %U s user, %M KiB max RSS" \
  "$(ls -t "${CARGO_TARGET_DIR:-target}"/release/deps/bench_rules-* | grep -v '\.d$' | head -1)" \
  --ignored --nocapture --test-threads 1 --exact eval_100_rules_25_drivers_1000_segments
echo "== reference costs"
run eval_reference_costs
