#!/usr/bin/env python3
"""Run sattrace-generated SQL on a real engine and write each result as CSV.

Used by tests/engines.rs. One process per engine runs every job, so Spark starts once.

    run_query.py ENGINE JOBS.json

ENGINE is duckdb, spark or postgres (a throwaway server is started). JOBS.json is a list of
{"csv": survey CSV, "table": dotted table name, "sql": query file, "out": result CSV},
"parquet": true to load the CSV through a typed Parquet file (written by DuckDB),
and, for a sample query, "reference": what `reference_sample` needs to draw the
same sample in plain Python.
Each survey is loaded with every column as text (as a warehouse table of strings
would hold it) under the given table name, the query runs, and the result is written
with a header row: integers as integers, doubles in the shortest text that reads
back as the same double, without an exponent (as Rust's `{}` writes them).

Exit codes: 0 done, 3 the engine's Python package is not installed (the caller skips
or fails, as it chooses), anything else an error.
"""

import csv
import hashlib
import json
import os
import sys
from decimal import Decimal


def number_text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = format(Decimal(repr(value)), "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return text
    return str(value)


def write_result(path, names, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(names)
        for row in rows:
            writer.writerow([number_text(v) for v in row])


def quote(name):
    return '"' + name.replace('"', '""') + '"'


def literal(text):
    return "'" + text.replace("'", "''") + "'"


def write_parquet(job):
    """A typed table as a data lake holds it: the job's CSV written to Parquet
    with DuckDB's inferred types (empty and `NA` fields as NULL). Returns its path."""
    import duckdb

    parquet = job["out"] + ".parquet"
    con = duckdb.connect()
    con.execute(
        f"COPY (SELECT * FROM read_csv({literal(job['csv'])}, header = true, "
        f"nullstr = ['', 'NA'])) TO {literal(parquet)} (FORMAT parquet)"
    )
    con.close()
    return parquet


def run_duckdb(jobs):
    try:
        import duckdb
    except ImportError:
        print("the Python package `duckdb` is not installed", file=sys.stderr)
        sys.exit(3)
    for job in jobs:
        con = duckdb.connect()
        parts = job["table"].split(".")
        if len(parts) == 2:
            con.execute(f"CREATE SCHEMA {quote(parts[0])}")
        elif len(parts) > 2:
            raise SystemExit("duckdb jobs take `table` or `schema.table`")
        table = ".".join(quote(p) for p in parts)
        if job.get("parquet"):
            parquet = write_parquet(job)
            con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet({literal(parquet)})")
        else:
            con.execute(
                f"CREATE TABLE {table} AS SELECT * FROM read_csv(?, header = true, all_varchar = true)",
                [job["csv"]],
            )
        with open(job["sql"], encoding="utf-8") as f:
            query = f.read()
        result = con.execute(query)
        names = [d[0] for d in result.description]
        write_result(job["out"], names, result.fetchall())
        con.close()


def run_spark(jobs):
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        print("the Python package `pyspark` is not installed", file=sys.stderr)
        sys.exit(3)
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("sattrace-engines-test")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        # Interpreted expressions: compiling the wide moments query takes
        # minutes, interpreting it seconds (docs/sql.md, bench/sql.md).
        .config("spark.sql.codegen.wholeStage", "false")
        .config("spark.sql.codegen.factoryMode", "NO_CODEGEN")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    try:
        for job in jobs:
            if job.get("parquet"):
                try:
                    frame = spark.read.parquet(write_parquet(job))
                except ImportError:
                    print("the Python package `duckdb` (writes the Parquet file) is not installed", file=sys.stderr)
                    sys.exit(3)
            else:
                frame = spark.read.csv(
                    job["csv"], header=True, inferSchema=False, escape='"', multiLine=True
                )
            parts = job["table"].split(".")
            if parts == [parts[0]]:
                frame.createOrReplaceTempView(parts[0])
            elif len(parts) == 2 and parts[0] == "global_temp":
                frame.createOrReplaceGlobalTempView(parts[1])
            else:
                raise SystemExit("spark jobs take `table` or `global_temp.table`")
            with open(job["sql"], encoding="utf-8") as f:
                query = f.read().strip().rstrip(";")
            result = spark.sql(query)
            rows = [tuple(r) for r in result.collect()]
            write_result(job["out"], result.columns, rows)
    finally:
        spark.stop()


def postgres_tools():
    """initdb, pg_ctl and psql from PATH or Debian's /usr/lib/postgresql/*/bin."""
    import glob
    import shutil

    found = {}
    dirs = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for tool in ("initdb", "pg_ctl", "psql"):
        path = shutil.which(tool)
        for d in dirs:
            if path is None and os.path.exists(os.path.join(d, tool)):
                path = os.path.join(d, tool)
        if path is None:
            print(f"PostgreSQL's `{tool}` is not installed", file=sys.stderr)
            sys.exit(3)
        found[tool] = path
    return found


def run_postgres(jobs):
    """A throwaway server in a temporary directory (Unix socket only), as the
    `postgres` user when run as root, since the server refuses to run as root."""
    import subprocess
    import tempfile

    tools = postgres_tools()
    as_user = []
    if os.geteuid() == 0:
        import pwd

        try:
            pwd.getpwnam("postgres")
        except KeyError:
            print("running as root and there is no `postgres` user", file=sys.stderr)
            sys.exit(3)
        as_user = ["runuser", "-u", "postgres", "--"]
    base = tempfile.mkdtemp(prefix="sattrace-pg-")
    os.chmod(base, 0o777)
    data = os.path.join(base, "data")
    port = str(50000 + os.getpid() % 10000)

    def run(args, **kw):
        return subprocess.run(args, check=True, capture_output=True, **kw)

    run(as_user + [tools["initdb"], "-D", data, "-A", "trust", "-U", "postgres",
                   "--encoding=UTF8", "--locale=C"])
    run(as_user + [tools["pg_ctl"], "-D", data, "-w", "-l", os.path.join(base, "log"),
                   "-o", f"-k {base} -p {port} -c listen_addresses=", "start"])
    psql = [tools["psql"], "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", base, "-p", port,
            "-U", "postgres", "-d", "postgres"]
    try:
        for n, job in enumerate(jobs):
            parts = job["table"].split(".")
            table = ".".join(quote(p) for p in parts)
            with open(job["csv"], newline="", encoding="utf-8") as f:
                header = next(csv.reader(f))
            setup = [f"DROP SCHEMA IF EXISTS {quote(parts[0])} CASCADE;" if len(parts) == 2 else "",
                     f"CREATE SCHEMA {quote(parts[0])};" if len(parts) == 2 else "",
                     f"DROP TABLE IF EXISTS {table};",
                     f"CREATE TABLE {table} ({', '.join(quote(h) + ' TEXT' for h in header)});",
                     f"\\copy {table} FROM '{job['csv']}' WITH (FORMAT csv, HEADER)"]
            with open(job["sql"], encoding="utf-8") as f:
                query = f.read().strip().rstrip(";")
            script = os.path.join(base, f"job{n}.sql")
            with open(script, "w", encoding="utf-8") as f:
                f.write("\n".join(setup) + "\n")
                f.write(f"COPY ({query}) TO STDOUT WITH (FORMAT csv, HEADER);\n")
            result = subprocess.run(psql + ["-f", script], capture_output=True)
            if result.returncode != 0:
                sys.stderr.write(result.stderr.decode("utf-8", "replace"))
                sys.exit(1)
            with open(job["out"], "wb") as f:
                f.write(result.stdout)
    finally:
        subprocess.run(as_user + [tools["pg_ctl"], "-D", data, "-m", "immediate", "stop"],
                       capture_output=True)
        import shutil

        shutil.rmtree(base, ignore_errors=True)


def reference_sample(job):
    """The sample query's rows computed here, independently of any engine: per cell
    (trimmed key columns), the rows whose MD5 of seed, U+001F and key text are
    smallest, ties broken by the columns' text; written to OUT.expected.csv."""
    ref = job["reference"]
    columns, keys, per_cell = ref["columns"], ref["keys"], ref["per_cell"]
    trim = " \t\n\x0b\x0c\r\u00a0\u3000"
    with open(job["csv"], newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        cells = {}
        for record in reader:
            values = [record[c] or "" for c in columns]
            values[:keys] = [v.strip(trim) for v in values[:keys]]
            weight = float(values[keys]) if ref["weighted"] else 1.0
            parts = [record[ref["key"]] or ""] if ref["key"] else values
            text = "\x1f".join([str(ref["seed"])] + parts)
            digest = hashlib.md5(text.encode("utf-8")).hexdigest()
            cells.setdefault(tuple(values[:keys]), []).append((digest, values, weight))
    rows = []
    for key in sorted(cells, key=lambda k: [p.encode("utf-8") for p in k]):
        members = sorted(cells[key], key=lambda m: [m[0].encode()] + [v.encode("utf-8") for v in m[1]])
        drawn = min(per_cell, len(members))
        for _, values, weight in members[:drawn]:
            rows.append(values + [weight * len(members) / drawn])
    write_result(job["out"] + ".expected.csv", columns + ["sattrace_sample_weight"], rows)


def main():
    engine, jobs_file = sys.argv[1], sys.argv[2]
    with open(jobs_file, encoding="utf-8") as f:
        jobs = json.load(f)
    for job in jobs:
        if "reference" in job:
            reference_sample(job)
    if engine == "duckdb":
        run_duckdb(jobs)
    elif engine == "spark":
        run_spark(jobs)
    elif engine == "postgres":
        run_postgres(jobs)
    else:
        raise SystemExit(f"unknown engine {engine}")


if __name__ == "__main__":
    main()
