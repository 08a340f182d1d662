#!/usr/bin/env python3
"""Reference values for `tests/stats_reference.rs` from numpy, scipy and statsmodels.

Usage (from the repository root, with numpy, scipy and statsmodels installed):

    python scripts/reference_stats.py              # reads the committed input CSV
    python scripts/reference_stats.py --regenerate-input

Reads `fixtures/reference/ols_input.csv` (200 rows: y, four correlated predictors
x1..x4 on a 0-100 index scale, survey weight w) and writes
`fixtures/reference/ols_expected.json`. The Rust tests only read these two committed
files; they never run Python. `--regenerate-input` first rewrites the CSV from a
fixed numpy seed (values written with 6 decimals, so the CSV is the source of truth).
"""

import argparse
import csv
import json
import os
import sys

import numpy as np
import scipy
import statsmodels
import statsmodels.api as sm
from scipy import special, stats
from statsmodels.stats.outliers_influence import variance_inflation_factor
from statsmodels.stats.proportion import proportion_confint

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INPUT = os.path.join(ROOT, "fixtures", "reference", "ols_input.csv")
OUTPUT = os.path.join(ROOT, "fixtures", "reference", "ols_expected.json")
PREDICTORS = ["x1", "x2", "x3", "x4"]


def regenerate_input():
    rng = np.random.default_rng(20260601)
    n = 200
    # Four correlated drivers: a shared factor plus own noise, on a 0-100 index.
    factor = rng.normal(0.0, 1.0, n)
    loadings = [0.7, 0.5, 0.6, 0.3]
    xs = [np.clip(60 + 15 * (l * factor + np.sqrt(1 - l * l) * rng.normal(0, 1, n)), 0, 100) for l in loadings]
    y = 8 + 0.40 * xs[0] + 0.20 * xs[1] + 0.15 * xs[2] + 0.05 * xs[3] + rng.normal(0, 8, n)
    w = rng.uniform(0.6, 1.6, n)
    os.makedirs(os.path.dirname(INPUT), exist_ok=True)
    with open(INPUT, "w", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["y"] + PREDICTORS + ["w"])
        for i in range(n):
            out.writerow([f"{y[i]:.6f}"] + [f"{x[i]:.6f}" for x in xs] + [f"{w[i]:.6f}"])


def read_input():
    with open(INPUT, newline="") as f:
        rows = list(csv.DictReader(f))
    y = np.array([float(r["y"]) for r in rows])
    X = np.column_stack([[float(r[c]) for r in rows] for c in PREDICTORS])
    w = np.array([float(r["w"]) for r in rows])
    return y, X, w


def weighted_sd(v, w):
    m = np.average(v, weights=w)
    return np.sqrt(np.average((v - m) ** 2, weights=w))


def fit(y, X, w):
    exog = sm.add_constant(X)
    res = sm.WLS(y, exog, weights=w).fit() if w is not None else sm.OLS(y, exog).fit()
    ww = np.ones_like(y) if w is None else w
    sd_y = weighted_sd(y, ww)
    std_beta = [res.params[j + 1] * weighted_sd(X[:, j], ww) / sd_y for j in range(X.shape[1])]
    if w is None:
        vif = [variance_inflation_factor(exog, j + 1) for j in range(X.shape[1])]
    else:
        # Weighted VIF: 1 / (1 - R^2) of each predictor on the others, by WLS.
        vif = []
        for j in range(X.shape[1]):
            others = sm.add_constant(np.delete(X, j, axis=1))
            r2 = sm.WLS(X[:, j], others, weights=w).fit().rsquared
            vif.append(1.0 / (1.0 - r2))
    return {
        "params": list(res.params),
        "bse": list(res.bse),
        "rsquared": res.rsquared,
        "rsquared_adj": res.rsquared_adj,
        "std_beta": std_beta,
        "vif": vif,
        "nobs": int(res.nobs),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regenerate-input", action="store_true")
    args = parser.parse_args()
    if args.regenerate_input or not os.path.exists(INPUT):
        regenerate_input()
    y, X, w = read_input()

    t_cases = [(p, df) for df in [1.0, 1.5, 2.0, 2.7, 4.0, 9.3, 29.0, 120.5, 199.0, 1000.0, 12345.6, 250000.0]
               for p in [1e-10, 1e-4, 0.025, 0.3, 0.5, 0.8, 0.975, 0.995]]
    t_cdf_cases = [(t, df) for df in [1.0, 1.5, 3.0, 7.7, 50.0, 1e4, 1e6] for t in [-40.0, -3.1, -0.2, 0.0, 1.0, 2.5, 12.0]]
    normal_p = [1e-300, 1e-20, 1e-8, 0.001, 0.02425, 0.1, 0.3, 0.5, 0.7, 0.97575, 0.999, 1 - 1e-12]
    normal_x = [-30.0, -8.0, -3.0, -1.0, -0.1, 0.0, 0.5, 1.96, 4.0, 9.0]
    lgamma_x = [0.001, 0.1, 0.5, 1.0, 1.5, 2.0, 3.7, 9.99, 10.0, 25.5, 171.3, 1e5]
    beta_cases = [(0.5, 0.5, 0.3), (2.0, 3.0, 0.4), (10.0, 0.5, 0.95), (0.5, 100.0, 0.001),
                  (50.0, 60.0, 0.45), (1.5, 2.5, 0.999), (300.0, 0.5, 0.99)]

    col = X[:, 0]
    n = len(col)
    mean = col.mean()
    low, high = stats.t.interval(0.95, n - 1, loc=mean, scale=stats.sem(col))
    # Weighted (Kish) interval of the same column, by the documented formula.
    sw, sw2 = w.sum(), (w * w).sum()
    wmean = np.average(col, weights=w)
    n_eff = sw * sw / sw2
    var = np.average((col - wmean) ** 2, weights=w) * n_eff / (n_eff - 1)
    se = np.sqrt(var / n_eff)
    tq = stats.t.ppf(0.975, n_eff - 1)

    wilson = []
    for count, nobs in [(37, 120), (0, 50), (50, 50), (1, 7), (412, 1000)]:
        lo, hi = proportion_confint(count, nobs, alpha=0.05, method="wilson")
        wilson.append({"count": count, "nobs": nobs, "low": 100 * lo, "high": 100 * hi})

    out = {
        "generator": "scripts/reference_stats.py",
        "versions": {"python": sys.version.split()[0], "numpy": np.__version__, "scipy": scipy.__version__,
                     "statsmodels": statsmodels.__version__},
        "ols": fit(y, X, None),
        "wls": fit(y, X, w),
        "t_quantile": [{"p": p, "df": df, "q": stats.t.ppf(p, df)} for p, df in t_cases],
        "t_cdf": [{"t": t, "df": df, "p": stats.t.cdf(t, df)} for t, df in t_cdf_cases],
        "normal_quantile": [{"p": p, "z": stats.norm.ppf(p)} for p in normal_p],
        "normal_cdf": [{"x": x, "p": stats.norm.cdf(x)} for x in normal_x],
        "ln_gamma": [{"x": x, "value": special.gammaln(x)} for x in lgamma_x],
        "inc_beta": [{"a": a, "b": b, "x": x, "value": special.betainc(a, b, x)} for a, b, x in beta_cases],
        "mean_ci": {"column": "x1", "mean": mean, "low": low, "high": high},
        "weighted_mean_ci": {"column": "x1", "mean": wmean, "n_eff": n_eff, "se": se,
                             "low": wmean - tq * se, "high": wmean + tq * se},
        "wilson": wilson,
    }
    with open(OUTPUT, "w") as f:
        json.dump(out, f, indent=1, default=float)
        f.write("\n")


if __name__ == "__main__":
    main()
