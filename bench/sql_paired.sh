#!/usr/bin/env bash
# Whole-process A/B timings of the moments query, in turn (A B A B …) so that a
# machine whose speed drifts (other jobs) shifts both alike; prints each run, the
# medians and the median of the per-pair ratios A/B (wall and user+sys CPU).
#
#   bench/sql_paired.sh duckdb   # 1,000,000 × 24, typed Parquet: --typed vs hand-written
#                                #   325 sums; --typed vs a hand-written query of the same 706
#                                #   columns (bench/sql_handwritten_full.py); text form vs --typed
#   bench/sql_paired.sh spark    # 20,000 rows (ROWS=…), Parquet, one Spark process a run
#                                #   (cold JVM each time; wall only, GNU time does not see the
#                                #   JVM's CPU): --typed vs hand-written 325 sums, both with
#                                #   code generation off
#
# Needs: cargo, python3 with duckdb 2.0.0 (and pyspark 3.5.9, Java 17), GNU time.
# RUNS (default 5) pairs each. Results go to bench/sql.md by hand, with `uptime`.
set -euo pipefail
cd "$(dirname "$0")/.."
engine=${1:?usage: bench/sql_paired.sh duckdb|spark}
bin=${SATTRACE:-target/release/sattrace}
[ -x "$bin" ] || { cargo build --release --quiet; bin=target/release/sattrace; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ "$engine" = duckdb ]; then
  data=${BENCH_DATA:-/tmp/sattrace_bench_survey.csv}
  [ -f "$data" ] || "$bin" simulate --model bench/model/model.yaml --n 1000000 --seed 1 -o "$data"
else
  data=$work/s.csv
  "$bin" simulate --model bench/model/model.yaml --n "${ROWS:-20000}" --seed 1 -o "$data"
fi
python3 bench/sql_engines.py to_parquet "$data" "$work/s.parquet"
"$bin" sql bench/model --dialect "$engine" --table responses -o "$work/text.sql"
"$bin" sql bench/model --dialect "$engine" --table responses --typed -o "$work/typed.sql"
python3 bench/sql_handwritten.py > "$work/hand.sql"
python3 bench/sql_handwritten_full.py > "$work/hand_full.sql"
if [ "$engine" = spark ]; then
  # Both queries with code generation off (docs/sql.md, `## Spark`).
  for q in typed hand; do
    { printf -- '-- spark: spark.sql.codegen.wholeStage=false\n-- spark: spark.sql.codegen.factoryMode=NO_CODEGEN\n'
      cat "$work/$q.sql"; } > "$work/$q.tmp" && mv "$work/$q.tmp" "$work/$q.sql"
  done
fi

# pair LABEL_A QUERY_A LABEL_B QUERY_B: RUNS runs of each, in turn.
pair() {
  local a=$1 qa=$2 b=$3 qb=$4 log=$work/$1-$3.log i
  : > "$log"
  for i in $(seq "${RUNS:-5}"); do
    /usr/bin/time -a -o "$log" -f "$a $i %e %U %S" \
      python3 bench/sql_engines.py "$engine-parquet" "$work/s.parquet" "$qa" "$work/$a.csv" >/dev/null
    /usr/bin/time -a -o "$log" -f "$b $i %e %U %S" \
      python3 bench/sql_engines.py "$engine-parquet" "$work/s.parquet" "$qb" "$work/$b.csv" >/dev/null
  done
  python3 - "$log" <<'PY'
import statistics as st, sys
runs = {}
for line in open(sys.argv[1]):
    label, i, wall, user, sys_ = line.split()
    runs.setdefault(label, []).append((float(wall), float(user) + float(sys_)))
(a, ra), (b, rb) = runs.items()
for label, r in ((a, ra), (b, rb)):
    print(f"{label}: wall {[w for w, _ in r]} median {st.median(w for w, _ in r):.2f} s; "
          f"cpu median {st.median(c for _, c in r):.2f} s")
print(f"{a}/{b}: wall {st.median(x[0] / y[0] for x, y in zip(ra, rb)):.2f}x, "
      f"cpu {st.median(x[1] / y[1] for x, y in zip(ra, rb)):.2f}x (median of pairs)")
PY
}

uptime
pair typed "$work/typed.sql" hand "$work/hand.sql"
uptime
[ "$engine" = duckdb ] && pair typed "$work/typed.sql" handfull "$work/hand_full.sql" && uptime
[ "$engine" = duckdb ] && pair text "$work/text.sql" typed "$work/typed.sql" && uptime
exit 0
