#!/usr/bin/env bash
# Benchmark `sattrace check` on a large rule pack: a 40-driver model and 2,000 rules
# across 50 files, whole process timed with /usr/bin/time, next to a naive reference
# (one file per rule, `sattrace check` invoked once per file, so the model is
# re-parsed and the Rhai engine rebuilt every time).
#
# Usage: bench/check_rules.sh [path/to/sattrace]   (default: target/release/sattrace)
set -euo pipefail
BIN=${1:-${CARGO_TARGET_DIR:-target}/release/sattrace}
BIN=$(realpath "$BIN")
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
mkdir -p "$DIR/pack/rules" "$DIR/naive/rules"

gen_model() {
  echo "name: bench"
  echo "scale: {min: 1, max: 5}"
  echo "primary_outcome: satisfaction"
  echo "drivers:"
  for i in $(seq -w 1 39); do
    echo "  - id: d$i"
    echo "    label: {zh: 驱动$i, en: Driver $i}"
    echo "    items: [q${i}a, q${i}b]"
    echo "    target: 4.0"
    echo "    due: 2030-06-30"
    echo "    tags: [group$((10#$i % 5))]"
  done
  echo "  - id: satisfaction"
  echo "    items: [q_sat]"
  echo "    outcome: true"
  printf "    inputs: ["
  for i in $(seq -w 1 39); do printf "d%s" "$i"; [ "$i" != 39 ] && printf ", "; done
  echo "]"
}

rule() { # $1 = rule number
  local n=$1 d
  d=$(printf "d%02d" $(( (10#$n % 39) + 1 )))
  cat <<R
  - id: rule-$n
    title: {zh: 规则$n, en: Rule $n}
    for: {drivers: [$d]}
    when: driver.gap >= 0.$(( 10#$n % 9 + 1 )) && driver.importance >= 0.1
    action: {zh: 改进$d, en: Improve $d}
    effect: {delta: 0.3}
    cost: $(( 10#$n % 7 + 1 ))
    tests:
      - given: {driver: {score: 3.0, target: 4.0, importance: 0.3}}
        expect: fires
R
}

gen_model > "$DIR/pack/model.yaml"
cp "$DIR/pack/model.yaml" "$DIR/naive/model.yaml"
for f in $(seq -w 0 49); do
  { echo "rules:"; for r in $(seq 0 39); do rule $(( 10#$f * 40 + r )); done; } > "$DIR/pack/rules/r$f.yaml"
done
for n in $(seq -w 0 1999); do
  { echo "rules:"; rule "$n"; } > "$DIR/naive/rules/r$n.yaml"
done
echo "rules in pack: $(grep -c '^  - id:' "$DIR"/pack/rules/*.yaml | awk -F: '{s+=$2} END {print s}') in $(ls "$DIR/pack/rules" | wc -l) files"

cd "$DIR/pack"
echo "== sattrace check (2,000 rules, 50 files, one process)"
for run in 1 2 3; do
  /usr/bin/time -f "run $run: %e s wall, %M KiB max RSS" "$BIN" check . --today 2026-01-15 > "$DIR/out.txt" || true
done
echo "exit/findings: $(tail -n 2 "$DIR/out.txt" | tr '\n' ' ')"

cd "$DIR/naive"
echo "== naive reference: check invoked once per rule file (2,000 processes)"
/usr/bin/time -f "naive: %e s wall, %M KiB max RSS" bash -c '
  for f in rules/*.yaml; do "$0" check model.yaml "$f" --today 2026-01-15 > /dev/null || true; done' "$BIN"
