#!/usr/bin/env python3
"""The peer side of bench/kda.sh: the same key driver work through the Python
reference implementations, one task per process so the wall time is the whole job.

    kda_peers.py ols CSV OUTCOME D1,D2,...          statsmodels WLS (survey weights)
    kda_peers.py relweights CSV OUTCOME D1,D2,...   relativeImp (Johnson's weights)
    kda_peers.py dominance CSV OUTCOME D1,D2,...    dominance-analysis (all subsets)
    kda_peers.py pls CSV REPLICATES                 plspm, ECSI model, path scheme,
                                                    bootstrap with 2 processes

Every task reads the CSV itself (pandas), drops incomplete rows (listwise) and prints
one JSON line with what it computed, so a run cannot silently do nothing.
"""
import contextlib
import json
import sys
import warnings

import numpy as np

np.bool8 = np.bool_  # dominance-analysis imports an old bokeh that needs it
warnings.filterwarnings("ignore")

import pandas as pd  # noqa: E402


def load(path, outcome, drivers, weight=None):
    cols = drivers + [outcome] + ([weight] if weight else [])
    df = pd.read_csv(path, usecols=cols, na_values=["NA"])
    return df.dropna()


def ols(path, outcome, drivers):
    import statsmodels.api as sm

    df = load(path, outcome, drivers, "weight")
    fit = sm.WLS(df[outcome], sm.add_constant(df[drivers]), weights=df["weight"]).fit()
    return {"n": len(df), "r2": fit.rsquared}


def relweights(path, outcome, drivers):
    from relativeImp import relativeImp

    df = load(path, outcome, drivers)
    rw = relativeImp(df, outcomeName=outcome, driverNames=drivers)
    return {"n": len(df), "r2": float(rw["rawRelaImpt"].sum())}


def dominance(path, outcome, drivers):
    from dominance_analysis import Dominance

    df = load(path, outcome, drivers)
    with contextlib.redirect_stdout(sys.stderr):  # the package prints progress
        dom = Dominance(data=df, target=outcome, objective=1, top_k=len(drivers))
        dom.incremental_rsquare()
        stats = dom.dominance_stats()
    return {"n": len(df), "r2": float(stats["Total Dominance"].sum())}


ECSI_PATHS = [
    (["image"], ["expectation", "satisfaction", "loyalty"]),
    (["expectation"], ["quality", "value", "satisfaction"]),
    (["quality"], ["value", "satisfaction"]),
    (["value"], ["satisfaction"]),
    (["satisfaction"], ["complaints", "loyalty"]),
    (["complaints"], ["loyalty"]),
]
ECSI_BLOCKS = {
    "image": "IMAG",
    "expectation": "CUEX",
    "quality": "PERQ",
    "value": "PERV",
    "satisfaction": "CUSA",
    "complaints": "CUSCO",
    "loyalty": "CUSL",
}


def pls(path, replicates):
    import plspm.config as c
    from plspm.mode import Mode
    from plspm.plspm import Plspm
    from plspm.scheme import Scheme

    df = pd.read_csv(path).dropna()
    structure = c.Structure()
    for source, target in ECSI_PATHS:
        structure.add_path(source, target)
    config = c.Config(structure.path(), scaled=True)
    for lv, prefix in ECSI_BLOCKS.items():
        config.add_lv_with_columns_named(lv, Mode.A, df, prefix)
    with contextlib.redirect_stdout(sys.stderr):
        fit = Plspm(
            df,
            config,
            Scheme.PATH,
            iterations=300,
            tolerance=1e-7,
            bootstrap=replicates > 0,
            bootstrap_iterations=max(replicates, 100),
            processes=2,
        )
        paths = fit.path_coefficients()
        boot = fit.bootstrap().paths() if replicates > 0 else None
    return {
        "n": len(df),
        "satisfaction_loyalty": float(paths.loc["loyalty", "satisfaction"]),
        "bootstrap_rows": 0 if boot is None else len(boot),
    }


def main(argv):
    task = argv[1]
    if task == "pls":
        out = pls(argv[2], int(argv[3]))
    else:
        out = {"ols": ols, "relweights": relweights, "dominance": dominance}[task](
            argv[2], argv[3], argv[4].split(",")
        )
    print(json.dumps({"task": task, **out}))


if __name__ == "__main__":
    main(sys.argv)
