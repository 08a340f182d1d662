#!/usr/bin/env bash
# DuckDB over typed Parquet (1,000,000 × 24, bench/model): the text-form query,
# the `--typed` query and the hand-written typed aggregate (bench/sql_handwritten.py),
# each RUNS times inside one DuckDB process (bench/sql_time.py: query time only,
# the minimum is reported), plus a check that the typed table equals the text one.
# Needs: cargo, python3 with duckdb 2.0.0. Results go to bench/sql.md by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${SATTRACE:-target/release/sattrace}
[ -x "$bin" ] || { cargo build --release --quiet; bin=target/release/sattrace; }
data=${BENCH_DATA:-/tmp/sattrace_bench_survey.csv}
if [ ! -f "$data" ]; then
  "$bin" simulate --model bench/model/model.yaml --n 1000000 --seed 1 -o "$data"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 bench/sql_engines.py to_parquet "$data" "$work/survey.parquet"
"$bin" sql bench/model --dialect duckdb --table responses -o "$work/text.sql"
"$bin" sql bench/model --dialect duckdb --table responses --typed -o "$work/typed.sql"
python3 bench/sql_handwritten.py > "$work/hand.sql"
uptime
python3 bench/sql_time.py duckdb parquet "$work/survey.parquet" "${RUNS:-3}" "$work/out" \
  "$work/text.sql" "$work/typed.sql" "$work/hand.sql"
python3 - "$work/out0.csv" "$work/out1.csv" <<'PY'
import csv, sys
a, b = (list(csv.reader(open(p))) for p in sys.argv[1:3])
assert a[0] == b[0] and len(a) == len(b)
worst = 0.0
for x, y in zip(a[1:], b[1:]):
    for u, v in zip(x, y):
        try:
            fu, fv = float(u), float(v)
        except ValueError:
            assert u == v
            continue
        if fu != fv:
            worst = max(worst, abs(fu - fv) / max(abs(fu), abs(fv)))
print(f"typed vs text: {len(a) - 1} cells, worst relative difference {worst:.2e}")
PY
uptime
