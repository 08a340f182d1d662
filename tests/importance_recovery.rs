//! Recovery: on `simulate` data with known structural effects (n = 10,000), every
//! importance estimator recovers the value its population counterpart takes under
//! the simulation's parameters.
//!
//! The model: `a`, `b` exogenous (independent, sd 10), `c = 20 + 0.6 a + e_c`,
//! `y = −10 + 0.3 a + 0.4 b + 0.5 c + e_y` (disturbances sd 8), one item per node on a
//! 0–100 scale, no item noise, no missing values. The implied covariance of the
//! latent scores is `Σ = (I − B)⁻¹ D (I − B)⁻ᵀ`; the items are the latents rounded
//! to integers, which adds an independent uniform error of variance 1/12 to each
//! (the latents' sd ≥ 10 makes the rounding error uniform to ~1e-80 and clamping at
//! 0 or 100 a > 4.3 sd event). From that covariance this file computes each method's
//! population value with its own small linear algebra, independent of
//! `src/importance/`: correlations, standardized betas, R², LMG by averaging the
//! R² increments over all 3! orders, relative weights via the symmetric square root
//! (Denman–Beavers iteration), and PLS (single-item constructs: standardized paths
//! and total effects).
//!
//! Tolerance: 4 bootstrap standard errors of each estimate (SE = width of the 95%
//! percentile interval / 3.92, from 200 resamples), so a correct estimator fails
//! with probability about 6e-5 per comparison, while a biased one (e.g. a
//! coefficient off by 10%, ≈ 0.03 here, with SEs ≈ 0.005–0.01) fails.

#![allow(
    clippy::needless_range_loop,
    reason = "small dense linear algebra reads clearest with indices"
)]

use assert_cmd::Command;
use serde_json::Value;

const MODEL: &str = "name: recovery
data: data.csv
scale: {min: 0, max: 100}
drivers:
  - {id: a, items: [qa]}
  - {id: b, items: [qb]}
  - {id: c, items: [qc], inputs: [a]}
  - {id: y, items: [qy], inputs: [a, b, c], outcome: true}
";
const SPEC: &str = "effects:
  c: {a: 0.6}
  y: {a: 0.3, b: 0.4, c: 0.5}
base: {a: 50, b: 50}
intercepts: {c: 20, y: -10}
noise: {exogenous: 10, endogenous: 8}
item_noise: 0
missing_rate: 0
";

fn sattrace(dir: &std::path::Path, args: &[&str]) -> String {
    let out = Command::cargo_bin("sattrace")
        .expect("binary")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// Covariance of the measured scores (a, b, c, y) implied by the simulation spec.
fn implied_covariance() -> [[f64; 4]; 4] {
    // B[i][j]: effect of j on i.
    let mut b = [[0.0; 4]; 4];
    b[2][0] = 0.6;
    b[3][0] = 0.3;
    b[3][1] = 0.4;
    b[3][2] = 0.5;
    let d = [100.0, 100.0, 64.0, 64.0];
    // (I − B)⁻¹ by forward substitution: the model is ordered (B strictly lower).
    let mut t = [[0.0; 4]; 4];
    for i in 0..4 {
        t[i][i] = 1.0;
        for j in 0..i {
            t[i][j] = (j..i).map(|k| b[i][k] * t[k][j]).sum();
        }
    }
    let mut s = [[0.0; 4]; 4];
    for i in 0..4 {
        for j in 0..4 {
            s[i][j] = (0..4).map(|k| t[i][k] * d[k] * t[j][k]).sum();
        }
        s[i][i] += 1.0 / 12.0; // rounding to integer scale points
    }
    s
}

/// Solve `m x = v` (Gauss–Jordan with partial pivoting; small, well-conditioned).
fn solve(m: &[Vec<f64>], v: &[f64]) -> Vec<f64> {
    let n = v.len();
    let mut a: Vec<Vec<f64>> = m
        .iter()
        .zip(v)
        .map(|(r, &x)| r.iter().copied().chain([x]).collect())
        .collect();
    for c in 0..n {
        let p = (c..n)
            .max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs()))
            .expect("rows");
        a.swap(c, p);
        for r in 0..n {
            if r != c {
                let f = a[r][c] / a[c][c];
                for k in c..=n {
                    a[r][k] -= f * a[c][k];
                }
            }
        }
    }
    (0..n).map(|i| a[i][n] / a[i][i]).collect()
}

fn inverse(m: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let n = m.len();
    let cols: Vec<Vec<f64>> = (0..n)
        .map(|j| {
            solve(
                m,
                &(0..n)
                    .map(|i| f64::from(u8::from(i == j)))
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    (0..n)
        .map(|i| (0..n).map(|j| cols[j][i]).collect())
        .collect()
}

struct Truth {
    corr: Vec<f64>,
    beta: Vec<f64>,
    r2: f64,
    lmg: Vec<f64>,
    relweights: Vec<f64>,
    /// Standardized total effects of a, b, c on y.
    total: Vec<f64>,
    /// Standardized path coefficients a→c, a→y, b→y, c→y.
    paths: Vec<f64>,
}

fn truth() -> Truth {
    let s = implied_covariance();
    let r = |i: usize, j: usize| s[i][j] / (s[i][i] * s[j][j]).sqrt();
    let rxx: Vec<Vec<f64>> = (0..3).map(|i| (0..3).map(|j| r(i, j)).collect()).collect();
    let rxy: Vec<f64> = (0..3).map(|i| r(i, 3)).collect();
    let r2_of = |set: &[usize]| -> f64 {
        if set.is_empty() {
            return 0.0;
        }
        let m: Vec<Vec<f64>> = set
            .iter()
            .map(|&i| set.iter().map(|&j| rxx[i][j]).collect())
            .collect();
        let v: Vec<f64> = set.iter().map(|&i| rxy[i]).collect();
        solve(&m, &v).iter().zip(&v).map(|(b, r)| b * r).sum()
    };
    let beta = solve(&rxx, &rxy);
    let r2 = r2_of(&[0, 1, 2]);
    let orders = [
        [0, 1, 2],
        [0, 2, 1],
        [1, 0, 2],
        [1, 2, 0],
        [2, 0, 1],
        [2, 1, 0],
    ];
    let mut lmg = vec![0.0; 3];
    for order in orders {
        for k in 0..3 {
            lmg[order[k]] += (r2_of(&order[..=k]) - r2_of(&order[..k])) / 6.0;
        }
    }
    // Relative weights: Λ = R_xx^{1/2}, β_z = Λ⁻¹ r_xy, RW_j = Σ_k Λ_jk² β_zk².
    let (mut y, mut z) = (
        rxx.clone(),
        (0..3)
            .map(|i| (0..3).map(|j| f64::from(u8::from(i == j))).collect())
            .collect::<Vec<Vec<f64>>>(),
    );
    for _ in 0..60 {
        let (yi, zi) = (inverse(&y), inverse(&z));
        let next_y = (0..3)
            .map(|i| (0..3).map(|j| 0.5 * (y[i][j] + zi[i][j])).collect())
            .collect();
        let next_z = (0..3)
            .map(|i| (0..3).map(|j| 0.5 * (z[i][j] + yi[i][j])).collect())
            .collect();
        y = next_y;
        z = next_z;
    }
    let bz = solve(&y, &rxy);
    let relweights = (0..3)
        .map(|j| (0..3).map(|k| y[j][k].powi(2) * bz[k].powi(2)).sum())
        .collect();
    let a_to_c = r(0, 2);
    Truth {
        corr: rxy.clone(),
        total: vec![beta[0] + a_to_c * beta[2], beta[1], beta[2]],
        paths: vec![a_to_c, beta[0], beta[1], beta[2]],
        beta,
        r2,
        lmg,
        relweights,
    }
}

fn f(v: &Value) -> f64 {
    v.as_f64().expect("number")
}

/// `|estimate − truth| ≤ 4 SE`, SE from the 95% percentile interval.
fn close(what: &str, estimate: f64, lo: f64, hi: f64, truth: f64) {
    let se = (hi - lo) / 3.92;
    assert!(se > 0.0 && se < 0.05, "{what}: SE {se}");
    assert!(
        (estimate - truth).abs() <= 4.0 * se,
        "{what}: estimate {estimate} vs truth {truth} (4 SE = {})",
        4.0 * se
    );
}

#[test]
fn every_estimator_recovers_the_simulated_truth() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    std::fs::write(p.join("model.yaml"), MODEL).expect("write");
    std::fs::write(p.join("simulate.yaml"), SPEC).expect("write");
    sattrace(
        p,
        &[
            "simulate",
            "--model",
            "model.yaml",
            "--spec",
            "simulate.yaml",
            "--n",
            "10000",
            "--seed",
            "5",
            "-o",
            "data.csv",
        ],
    );
    let t = truth();
    // Sanity of the closed forms: LMG and relative weights decompose R².
    assert!((t.lmg.iter().sum::<f64>() - t.r2).abs() < 1e-12);
    assert!((t.relweights.iter().sum::<f64>() - t.r2).abs() < 1e-9);

    let cases: [(&str, &Vec<f64>); 5] = [
        ("corr", &t.corr),
        ("beta", &t.beta),
        ("relweights", &t.relweights),
        ("lmg", &t.lmg),
        ("dominance", &t.lmg),
    ];
    for (method, want) in cases {
        let out = sattrace(
            p,
            &[
                "importance",
                ".",
                "--method",
                method,
                "--bootstrap",
                "200",
                "--seed",
                "3",
                "--format",
                "json",
            ],
        );
        let v: Value = serde_json::from_str(&out).expect("json");
        assert_eq!(v["n"], 10000);
        let r2_ci = &v["r2_ci"];
        close(
            &format!("{method} R²"),
            f(&v["r2"]),
            f(&r2_ci[0]),
            f(&r2_ci[1]),
            t.r2,
        );
        for (j, d) in v["drivers"].as_array().expect("drivers").iter().enumerate() {
            close(
                &format!("{method} {}", d["id"]),
                f(&d["importance"]),
                f(&d["ci_low"]),
                f(&d["ci_high"]),
                want[j],
            );
        }
    }

    let out = sattrace(
        p,
        &[
            "importance",
            ".",
            "--method",
            "pls",
            "--bootstrap",
            "200",
            "--seed",
            "3",
            "--format",
            "json",
        ],
    );
    let v: Value = serde_json::from_str(&out).expect("json");
    for (j, d) in v["drivers"].as_array().expect("drivers").iter().enumerate() {
        close(
            &format!("pls total {}", d["id"]),
            f(&d["importance"]),
            f(&d["ci_low"]),
            f(&d["ci_high"]),
            t.total[j],
        );
    }
    for (j, path) in v["paths"].as_array().expect("paths").iter().enumerate() {
        close(
            &format!("pls path {}→{}", path["from"], path["to"]),
            f(&path["coef"]),
            f(&path["ci_low"]),
            f(&path["ci_high"]),
            t.paths[j],
        );
    }
}
