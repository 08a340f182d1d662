#!/usr/bin/env python3
"""Print a hand-written typed DuckDB query of the whole moments table for
bench/model (the same 706 columns and names as `sattrace sql --typed`, written
directly for this model: NULL is missing, a value off the scale invalid, no
reverse items, nine item nodes and no composites), to measure how far the
generated query is from a person's query of the same sums, not only from the 325
core sums of bench/sql_handwritten.py.

    sql_handwritten_full.py > hand_full.sql
"""

DRIVERS = [(f"d{d}", [f"i{d}{c}" for c in "abc"]) for d in range(1, 8)]
NODES = DRIVERS + [("satisfaction", ["sat1", "sat2"]), ("nps", ["recommend"])]
ITEMS = [i for _, items in NODES for i in items]
SCALE = {i: (0, 10) if i == "recommend" else (1, 5) for i in ITEMS}


def main():
    x = {i: f"x_{i}" for i in ITEMS}
    row = ["CAST(region AS VARCHAR) AS region", "CAST(wave AS VARCHAR) AS wave", "weight AS w"]
    for i in ITEMS:
        lo, hi = SCALE[i]
        row.append(f"{i} IS NULL AS m_{i}")
        row.append(f"CASE WHEN {i} BETWEEN {lo} AND {hi} THEN CAST({i} AS DOUBLE) END AS {x[i]}")
    node = []
    for n, items in NODES:
        cnt = " + ".join(f"({x[i]} IS NOT NULL)::INT" for i in items)
        tot = " + ".join(f"COALESCE({x[i]}, 0)" for i in items)
        lo, hi = SCALE[items[0]]
        if n == "nps":
            v = f"CASE WHEN ({tot}) / ({cnt}) >= 9 THEN 100e0 WHEN ({tot}) / ({cnt}) <= 6 THEN -100e0 ELSE 0e0 END"
        else:
            v = f"(({tot}) - ({cnt}) * {lo}e0) * (100e0 / ({hi - lo}e0 * ({cnt})))"
        node.append(f"CASE WHEN {cnt} > 0 THEN {v} END AS v_{n}")
    all_items = " AND ".join(f"{x[i]} IS NOT NULL" for i in ITEMS)
    all_nodes = " AND ".join(f"v_{n} IS NOT NULL" for n, _ in NODES)
    e = {i: f"({x[i]} - {(SCALE[i][0] + SCALE[i][1]) // 2}e0)" for i in ITEMS}
    ev = {n: f"(v_{n} - 50e0)" for n, _ in NODES}

    s = ["'sattrace.moments/1' AS \"schema\"", "'6e8afeced7dd7a1d' AS \"fingerprint\"",
         'region AS "seg:region"', 'wave AS "wave:wave"', 'COUNT(*) AS "rows"',
         'SUM(w) AS "sw"', 'SUM(w * w) AS "sw2"']
    for i in ITEMS:
        lo, hi = SCALE[i]
        s += [f'COUNT({x[i]}) AS "item:{i}:n"',
              f'COUNT(*) FILTER (m_{i}) AS "item:{i}:missing"',
              f'COUNT(*) - COUNT({x[i]}) - COUNT(*) FILTER (m_{i}) AS "item:{i}:invalid"',
              f'COALESCE(SUM(CASE WHEN {x[i]} IS NOT NULL THEN w END), 0) AS "item:{i}:sw"',
              f'COALESCE(SUM(w * {e[i]}), 0) AS "item:{i}:s1"',
              f'COALESCE(SUM(w * {e[i]} * {e[i]}), 0) AS "item:{i}:s2"']
        s += [f'COALESCE(SUM(CASE WHEN {x[i]} = {k} THEN w END), 0) AS "item:{i}:p{k}"'
              for k in range(lo, hi + 1)]
    for n, _ in NODES:
        s += [f'COUNT(v_{n}) AS "node:{n}:n"',
              f'COALESCE(SUM(CASE WHEN v_{n} IS NOT NULL THEN w END), 0) AS "node:{n}:sw"',
              f'COALESCE(SUM(CASE WHEN v_{n} IS NOT NULL THEN w * w END), 0) AS "node:{n}:sw2"',
              f'COALESCE(SUM(w * {ev[n]}), 0) AS "node:{n}:s1"',
              f'COALESCE(SUM(w * {ev[n]} * {ev[n]}), 0) AS "node:{n}:s2"']
    for block, names, c, cond in (("cc", [n for n, _ in NODES], ev, "cc"),
                                  ("ic", ITEMS, e, "ic")):
        w = f"CASE WHEN {cond} THEN w END"
        s += [f'COUNT({w}) AS "{block}:n"', f'COALESCE(SUM({w}), 0) AS "{block}:sw"',
              f'COALESCE(SUM({w} * {w}), 0) AS "{block}:sw2"']
        s += [f'COALESCE(SUM({w} * {c[a]}), 0) AS "{block}:{a}:s1"' for a in names]
        s += [f'COALESCE(SUM({w} * {c[a]} * {c[b]}), 0) AS "{block}:{a}:{b}:s2"'
              for j, a in enumerate(names) for b in names[j:]]
    assert len(s) == 706, len(s)
    print("WITH r AS (\n  SELECT " + ",\n    ".join(row))
    print("  FROM responses\n  WHERE weight > 0 AND region IS NOT NULL AND wave IS NOT NULL\n),")
    print("v AS (\n  SELECT *,\n    " + ",\n    ".join(node) + "\n  FROM r\n),")
    print(f"f AS (\n  SELECT *,\n    {all_items} AS ic,\n    {all_nodes} AS cc\n  FROM v\n)")
    print("SELECT\n  " + ",\n  ".join(s))
    print("FROM f\nGROUP BY region, wave\nORDER BY region, wave;")


if __name__ == "__main__":
    main()
