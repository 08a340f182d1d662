#!/usr/bin/env python3
"""Time queries inside one engine process, for bench/sql_split.sh.

    sql_time.py duckdb|spark csv|parquet DATA RUNS OUT_PREFIX QUERY...

Loads DATA once as the table `responses` (CSV with every column as text, or
Parquet), then runs each QUERY file RUNS times and prints one line per run:
`<query file> run <i>: <seconds> s` (query time only: planning, code generation
and execution up to the last collected row; engine start-up and loading excluded).
The first run of each query includes Spark's cold JIT; the minimum over runs is
the number reported in bench/sql.md. Each result is written to OUT_PREFIX<n>.csv.
Spark settings can be set per query with `-- spark: key=value` lines at its top
(applied with `spark.conf.set` before it runs, restored after).
"""

import csv
import os
import sys
import time


def settings(query):
    out = []
    for line in query.splitlines():
        if line.startswith("-- spark: "):
            key, _, value = line[len("-- spark: "):].partition("=")
            out.append((key.strip(), value.strip()))
    return out


def write(path, names, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(names)
        for r in rows:
            w.writerow([repr(v) if isinstance(v, float) else v for v in r])


def main():
    engine, source, data, runs, prefix = sys.argv[1:6]
    files = sys.argv[6:]
    runs = int(runs)
    queries = []
    for f in files:
        with open(f, encoding="utf-8") as h:
            queries.append((f, h.read().strip().rstrip(";")))
    if engine == "duckdb":
        import duckdb

        con = duckdb.connect()
        path = "'" + data.replace("'", "''") + "'"
        if source == "csv":
            con.execute(f"CREATE TABLE responses AS SELECT * FROM read_csv({path}, header = true, all_varchar = true)")
        else:
            con.execute(f"CREATE VIEW responses AS SELECT * FROM read_parquet({path})")
        for n, (name, q) in enumerate(queries):
            for i in range(runs):
                t = time.perf_counter()
                res = con.execute(q)
                rows = res.fetchall()
                dt = time.perf_counter() - t
                print(f"{name} run {i}: {dt:.3f} s", flush=True)
            write(f"{prefix}{n}.csv", [d[0] for d in res.description], rows)
    else:
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        from pyspark.sql import SparkSession

        spark = (
            SparkSession.builder.master("local[2]")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.driver.memory", "2g")
            .getOrCreate()
        )
        spark.sparkContext.setLogLevel("ERROR")
        if source == "csv":
            frame = spark.read.csv(data, header=True, inferSchema=False)
        else:
            frame = spark.read.parquet(data)
        frame.cache().createOrReplaceTempView("responses")
        spark.sql("SELECT COUNT(*) FROM responses").collect()
        defaults = {}
        for n, (name, q) in enumerate(queries):
            conf = settings(q)
            for k, v in conf:
                defaults.setdefault(k, spark.conf.get(k, None))
                spark.conf.set(k, v)
            for i in range(runs):
                t = time.perf_counter()
                res = spark.sql(q)
                rows = res.collect()
                dt = time.perf_counter() - t
                print(f"{name} run {i}: {dt:.3f} s", flush=True)
            write(f"{prefix}{n}.csv", res.columns, rows)
            for k, _ in conf:
                if defaults[k] is None:
                    spark.conf.unset(k)
                else:
                    spark.conf.set(k, defaults[k])
        spark.stop()


if __name__ == "__main__":
    main()
