#!/usr/bin/env bash
# Before/after check for refactorings that must change no output: runs the CLI's
# importance, analyze, report, whatif, plan, simulate and moments commands on the
# example projects (fixtures/telecom, fixtures/ecsi) and the benchmark projects
# (bench/plan60, bench/kda/lmg20, bench/model on simulated data), in every format,
# and writes each command's stdout, stderr and exit code to OUT_DIR.
#
#   scripts/output_check.sh BINARY OUT_DIR
#
# Typical use: outputs of the binary before the change, then after, then diff:
#   scripts/output_check.sh /work/main/target/release/sattrace /tmp/before
#   cargo build --release && scripts/output_check.sh target/release/sattrace /tmp/after
#   diff -r /tmp/before /tmp/after && echo "no output changed"
# Bootstraps run with --threads 1 (results never depend on threads) and few
# replicates, so the whole check takes seconds with a release build (about ten
# minutes with a debug build on a busy machine; QUICK=1 skips two renderings of the
# slowest command).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "$1")
out=$2
rm -rf "$out"
# The simulated data lives at a fixed relative path: outputs that name the data file
# then read the same from run to run.
data=target/output-check-data
mkdir -p "$out" "$data"

# Simulated benchmark data (the seed makes it byte-identical run to run); written by
# the binary under test, so `simulate` is checked too.
"$bin" simulate --model bench/kda/lmg20/model.yaml --n 3000 --seed 1 -o "$data/lmg20.csv"
"$bin" simulate --model bench/model/model.yaml --n 3000 --seed 1 -o "$data/model.csv"
"$bin" moments fixtures/telecom >"$data/telecom.moments.csv"
"$bin" moments fixtures/ecsi >"$data/ecsi.moments.csv"

# run NAME ARGS...: one command; stdout, stderr and the exit code.
run() {
  local name=$1
  shift
  local code=0
  "$bin" "$@" >"$out/$name.out" 2>"$out/$name.err" || code=$?
  echo "$code" >"$out/$name.code"
}

T=fixtures/telecom
E=fixtures/ecsi
for fmt in table json; do
  for m in corr beta relweights lmg dominance pls; do
    run "telecom.importance.$m.$fmt" importance $T --method $m --format $fmt
    run "ecsi.importance.$m.$fmt" importance $E --method $m --format $fmt
    run "telecom.importance.$m.moments.$fmt" importance $T --moments "$data/telecom.moments.csv" --method $m --format $fmt
  done
  for m in lmg corr pls; do
    run "telecom.importance.$m.by-wave.$fmt" importance $T --method $m --by wave --format $fmt
    run "telecom.importance.$m.by-region.$fmt" importance $T --method $m --by region --format $fmt
    run "telecom.importance.$m.by-wave.boot.$fmt" importance $T --method $m --by wave --bootstrap 40 --seed 7 --threads 1 --format $fmt
  done
  run "telecom.importance.lmg.boot.$fmt" importance $T --method lmg --bootstrap 60 --seed 3 --threads 1 --format $fmt
  run "telecom.importance.beta.bca.$fmt" importance $T --method beta --bootstrap 60 --ci bca --threads 1 --format $fmt
  run "telecom.importance.relweights.by-region.boot.$fmt" importance $T --method relweights --by region --bootstrap 30 --threads 1 --format $fmt
  run "telecom.importance.corr.pairwise.$fmt" importance $T --method corr --missing pairwise --format $fmt
  run "telecom.importance.lmg.pairwise.by-wave.$fmt" importance $T --method lmg --missing pairwise --by wave --format $fmt
  run "telecom.importance.drivers.$fmt" importance $T --outcome satisfaction --drivers network,price_value,brand --format $fmt
  run "telecom.importance.min-n.$fmt" importance $T --min-n-per-driver 1000 --format $fmt
  run "telecom.importance.pls.centroid.$fmt" importance $T --method pls --scheme centroid --format $fmt
  run "ecsi.importance.pls.boot.$fmt" importance $E --method pls --bootstrap 40 --threads 1 --format $fmt
  run "ecsi.importance.pls.bca.$fmt" importance $E --method pls --bootstrap 40 --ci bca --threads 1 --format $fmt
  run "lmg20.importance.lmg.$fmt" importance --model bench/kda/lmg20/model.yaml --data "$data/lmg20.csv" --method lmg --format $fmt
  run "lmg20.importance.dominance.$fmt" importance --model bench/kda/lmg20/model.yaml --data "$data/lmg20.csv" --method dominance --format $fmt
done

# Help texts, long and short (value lists come from the library enums through the CLI).
for c in importance analyze report whatif plan check simulate test graph schema moments sql serve; do
  run "help.$c" $c --help
  run "help.$c.short" $c -h
done
run help.top --help
run help.moments-merge moments merge --help

# Flag values: a misspelt value lists the right ones; aliases still parse.
run err.value.lang analyze $T --lang fr
run err.value.format analyze $T --format yaml
run err.value.importance analyze $T --importance olss
run err.value.table analyze $T --format csv --table scorez
run err.value.encoding analyze $T --encoding latin1
run err.value.on-invalid analyze $T --on-invalid ignore
run err.value.dialect sql $T --dialect mysql --table t
run err.value.check-format check $T --format xml
run err.value.plan-format plan $T --format html
run err.value.whatif-lang whatif $T --shift network=1 --lang de
run telecom.analyze.gbk analyze $T --encoding gbk --format json
run telecom.analyze.utf8.skip analyze $T --encoding utf8 --on-invalid skip --format json

# CSV tables, lint, generated SQL.
for tab in summary scores roots actions importance changes; do
  run "telecom.analyze.csv.$tab" analyze $T --format csv --table $tab --lang en
done
for fmt in human json sarif github; do
  run "telecom.check.$fmt" check $T --format $fmt
done
for d in duckdb spark postgres; do
  run "telecom.sql.$d" sql $T --dialect $d --table survey
done

# A moments table instead of the survey: the same commands through the other input.
M="$data/telecom.moments.csv"
for fmt in table json; do
  run "telecom.analyze.moments.$fmt" analyze $T --moments "$M" --format $fmt --lang en
  run "telecom.whatif.moments.$fmt" whatif $T --moments "$M" --scenario $T/scenarios/staffing.yaml --format $fmt --lang en
  run "telecom.plan.moments.$fmt" plan $T --moments "$M" --target satisfaction=4.0 --due 2027-06-30 --today 2026-07-01 --format $fmt --lang en
done
run telecom.report.moments.md report $T --moments "$M" --format md --lang en --today 2026-07-01
run telecom.test test $T

# Errors: the message and the exit code.
run telecom.importance.err.unknown-driver importance $T --drivers network,netwrk
run telecom.importance.err.pls-pairwise importance $T --method pls --missing pairwise
run telecom.importance.err.pls-drivers importance $T --method pls --drivers network
run telecom.importance.err.by importance $T --by regoin
run telecom.importance.err.outcome importance $T --outcome satisfacton
run telecom.importance.err.pairwise-boot importance $T --missing pairwise --bootstrap 10
run telecom.importance.err.moments-boot importance $T --moments "$data/telecom.moments.csv" --bootstrap 10
run telecom.importance.err.formative importance $T --method pls --formative nothing

for fmt in table json md; do
  for lang in en zh; do
    run "telecom.analyze.$lang.$fmt" analyze $T --format $fmt --lang $lang
    run "telecom.whatif.$lang.$fmt" whatif $T --scenario $T/scenarios/staffing.yaml --format $fmt --lang $lang
    run "telecom.plan.$lang.$fmt" plan $T --target satisfaction=4.0 --target nps=30 --due 2027-06-30 --today 2026-07-01 --format $fmt --lang $lang
  done
  run "telecom.analyze.lmg.$fmt" analyze $T --importance lmg --format $fmt
  run "telecom.analyze.pls.$fmt" analyze $T --importance pls --format $fmt
  run "ecsi.analyze.$fmt" analyze $E --format $fmt
  run "ecsi.analyze.pls.$fmt" analyze $E --importance pls --format $fmt
  run "plan60.analyze.$fmt" analyze bench/plan60 --format $fmt
  # The 60-driver plan is the slow one (minutes in a debug build): QUICK=1 keeps one format.
  if [ -z "${QUICK:-}" ] || [ "$fmt" = json ]; then
    run "plan60.plan.$fmt" plan bench/plan60 --today 2026-07-01 --format $fmt
  fi
  run "model.analyze.$fmt" analyze --model bench/model/model.yaml --data "$data/model.csv" --format $fmt
  run "model.whatif.$fmt" whatif --model bench/model/model.yaml --data "$data/model.csv" --shift d1=0.3 --shift d4=-0.2 --format $fmt
done
for fmt in html md; do
  run "telecom.report.$fmt" report $T --format $fmt --today 2026-07-01
  run "telecom.report.en.$fmt" report $T --format $fmt --lang en --scenario $T/scenarios/staffing.yaml --target satisfaction=4.0 --due 2027-06-30 --today 2026-07-01
  run "ecsi.report.$fmt" report $E --format $fmt --target satisfaction=8 --due 2027-06-30 --today 2026-07-01
done
echo "outputs of $(find "$out" -name '*.out' | wc -l) commands in $out"
