#!/usr/bin/env bash
# Benchmark of the moments pass on 1,000,000 responses × 24 items (bench/model):
# sattrace's own pass (`sattrace moments`) against the query of `sattrace sql` run by
# DuckDB (over the CSV read as text, and over Parquet) and by Spark in local mode.
# Needs: cargo, python3 with duckdb and pyspark (see .ci/run), Java 17, GNU time.
# Results go to bench/sql.md by hand; see that file for the last run.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-target}/release/sattrace
data=${BENCH_DATA:-/tmp/sattrace_bench_survey.csv}
if [ ! -f "$data" ]; then
  "$bin" simulate --model bench/model/model.yaml --n 1000000 --seed 1 -o "$data"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 bench/sql_engines.py to_parquet "$data" "$work/survey.parquet"
"$bin" sql bench/model --dialect duckdb --table responses -o "$work/duckdb.sql"
"$bin" sql bench/model --dialect spark --table responses -o "$work/spark.sql"
runs=${RUNS:-3}
measure() {
  local label=$1; shift
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "$label wall=%e s  user=%U s  sys=%S s  max_rss=%M KiB" "$@" >/dev/null
  done
}
measure sattrace-moments "$bin" moments bench/model --data "$data" -o "$work/rust.csv"
measure duckdb-csv python3 bench/sql_engines.py duckdb-csv "$data" "$work/duckdb.sql" "$work/duckdb.csv"
measure duckdb-parquet python3 bench/sql_engines.py duckdb-parquet "$work/survey.parquet" "$work/duckdb.sql" "$work/duckdb_pq.csv"
measure spark-local-csv python3 bench/sql_engines.py spark-csv "$data" "$work/spark.sql" "$work/spark.csv"
measure spark-local-parquet python3 bench/sql_engines.py spark-parquet "$work/survey.parquet" "$work/spark.sql" "$work/spark_pq.csv"
measure analyze-moments "$bin" analyze bench/model --moments "$work/duckdb.csv" --format json
