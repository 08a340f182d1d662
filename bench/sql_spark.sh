#!/usr/bin/env bash
# Spark local[2] on 20,000 rows (bench/model): query time of the generated query
# (CSV read as text), the `--typed` query (Parquet), the generated query with
# REPARTITION hints in `items` and `centered` (optimizer barriers, an experiment),
# each of the two without code generation, and the hand-written typed aggregate, RUNS times each in one Spark session
# (bench/sql_time.py; first run cold, minimum reported). Needs: cargo, python3
# with duckdb 2.0.0 and pyspark 3.5.9, Java 17. Results go to bench/sql.md by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${SATTRACE:-target/release/sattrace}
[ -x "$bin" ] || { cargo build --release --quiet; bin=target/release/sattrace; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" simulate --model bench/model/model.yaml --n "${ROWS:-20000}" --seed 1 -o "$work/s.csv"
python3 bench/sql_engines.py to_parquet "$work/s.csv" "$work/s.parquet"
"$bin" sql bench/model --dialect spark --table responses -o "$work/text.sql"
"$bin" sql bench/model --dialect spark --table responses --typed -o "$work/typed.sql"
python3 - "$work/text.sql" "$work/hint.sql" <<'PY'
import sys
s = open(sys.argv[1]).read()
for cte in ("items", "centered"):
    s = s.replace(f"{cte} AS (\n  SELECT\n", f"{cte} AS (\n  SELECT /*+ REPARTITION(2) */\n", 1)
open(sys.argv[2], "w").write(s)
PY
python3 bench/sql_handwritten.py > "$work/hand.sql"
# The same queries with Spark's expression code generation off (docs/sql.md),
# through the `-- spark: key=value` lines bench/sql_time.py applies.
nocg='-- spark: spark.sql.codegen.factoryMode=NO_CODEGEN
-- spark: spark.sql.codegen.wholeStage=false'
for q in text typed; do
  { echo "$nocg"; cat "$work/$q.sql"; } > "$work/${q}_nocg.sql"
done
runs=${RUNS:-2}
uptime
python3 bench/sql_time.py spark csv "$work/s.csv" "$runs" "$work/csv" "$work/text.sql" "$work/hint.sql" "$work/text_nocg.sql"
python3 bench/sql_time.py spark parquet "$work/s.parquet" "$runs" "$work/pq" "$work/typed.sql" "$work/typed_nocg.sql" "$work/hand.sql"
uptime
