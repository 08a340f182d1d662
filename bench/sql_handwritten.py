#!/usr/bin/env python3
"""Print the hand-written typed reference query for bench/model (24 items): per
region × wave cell, COUNT(*), Σw, Σw·x for each item and Σw·x·y for each pair
(325 sums), straight over the typed columns, with NULL items as 0. What a person
would write for the core of the moments table without missing codes, scale checks,
reverse coding or node values; bench/sql_typed.sh times `sattrace sql --typed`
against it.

    sql_handwritten.py > hand.sql
"""

ITEMS = [f"i{d}{c}" for d in range(1, 8) for c in "abc"] + ["sat1", "sat2", "recommend"]


def main():
    sums = ["COUNT(*) AS n", "SUM(weight) AS sw"]
    x = [f"COALESCE({i}, 0)" for i in ITEMS]
    for a, i in enumerate(ITEMS):
        sums.append(f"SUM(weight * {x[a]}) AS s_{i}")
    for a, i in enumerate(ITEMS):
        for b in range(a, len(ITEMS)):
            sums.append(f"SUM(weight * {x[a]} * {x[b]}) AS s_{i}_{ITEMS[b]}")
    assert len(sums) == 2 + 24 + 300
    print("SELECT region, wave,\n  " + ",\n  ".join(sums))
    print("FROM responses\nGROUP BY region, wave\nORDER BY region, wave;")


if __name__ == "__main__":
    main()
