//! Measurement quality: Cronbach's α, composite reliability ρc, AVE, ρA, HTMT; as
//! seminr computes them (α from the item correlation matrix, i.e. standardized α;
//! ρA from the fit, `super::consistent`).

use super::{ItemCovariance, Matrix, PathModel, PlsFit};

/// Reliability of one construct.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reliability {
    pub construct: usize,
    /// Cronbach's α of the standardized items (1 for a single item).
    pub alpha: f64,
    /// Composite reliability (Dillon–Goldstein's ρ): `(Σλ)² / ((Σλ)² + Σ(1 − λ²))`.
    pub rho_c: f64,
    /// Average variance extracted: mean of `λ²`.
    pub ave: f64,
    /// Dijkstra's ρA from the outer weights (1 for a single item or mode B); the
    /// reliability consistent PLS corrects by.
    pub rho_a: f64,
}

/// Heterotrait–monotrait ratio of two constructs (Henseler, Ringle & Sarstedt 2015).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Htmt {
    pub a: usize,
    pub b: usize,
    pub value: f64,
}

/// α, ρc and AVE of every construct, from unweighted complete rows.
pub fn reliability(model: &PathModel, data: &Matrix, fit: &PlsFit) -> Vec<Reliability> {
    reliability_on_moments(model, &ItemCovariance::from_rows(data, None), fit)
}

/// α, ρc, AVE and ρA of every construct from item covariances (weighted or not).
pub fn reliability_on_moments(
    model: &PathModel,
    cov: &ItemCovariance,
    fit: &PlsFit,
) -> Vec<Reliability> {
    let cor = correlation(cov);
    model
        .constructs
        .iter()
        .enumerate()
        .map(|(j, construct)| {
            let k = construct.items.len();
            if k < 2 {
                return Reliability {
                    construct: j,
                    alpha: 1.0,
                    rho_c: 1.0,
                    ave: 1.0,
                    rho_a: 1.0,
                };
            }
            let mut total = 0.0;
            for &x in &construct.items {
                for &y in &construct.items {
                    total += cor(x, y);
                }
            }
            let kf = k as f64;
            let alpha = kf / (kf - 1.0) * (1.0 - kf / total);
            let lambdas: Vec<f64> = fit
                .outer
                .iter()
                .filter(|o| o.construct == j)
                .map(|o| o.loading)
                .collect();
            let sum: f64 = lambdas.iter().sum();
            let error: f64 = lambdas.iter().map(|l| 1.0 - l * l).sum();
            let ave = lambdas.iter().map(|l| l * l).sum::<f64>() / kf;
            Reliability {
                construct: j,
                alpha,
                rho_c: sum * sum / (sum * sum + error),
                ave,
                rho_a: fit.rho_a.get(j).copied().unwrap_or(f64::NAN),
            }
        })
        .collect()
}

/// HTMT of every pair of constructs `a < b` on unweighted complete rows.
pub fn htmt(model: &PathModel, data: &Matrix) -> Vec<Htmt> {
    htmt_on_moments(model, &ItemCovariance::from_rows(data, None))
}

/// HTMT of every pair of constructs `a < b`: the mean absolute correlation between
/// their items over the geometric mean of their mean absolute within-block
/// correlations (1 for a single item).
pub fn htmt_on_moments(model: &PathModel, cov: &ItemCovariance) -> Vec<Htmt> {
    let cor = correlation(cov);
    let within = |items: &[usize]| -> f64 {
        let k = items.len();
        if k < 2 {
            return 1.0;
        }
        let mut s = 0.0;
        for (i, &x) in items.iter().enumerate() {
            for &y in &items[i + 1..] {
                s += cor(x, y).abs();
            }
        }
        s * 2.0 / (k * (k - 1)) as f64
    };
    let mut out = Vec::new();
    for (a, ca) in model.constructs.iter().enumerate() {
        for (b, cb) in model.constructs.iter().enumerate().skip(a + 1) {
            let mut s = 0.0;
            for &x in &ca.items {
                for &y in &cb.items {
                    s += cor(x, y).abs();
                }
            }
            let hetero = s / (ca.items.len() * cb.items.len()) as f64;
            let mono = (within(&ca.items) * within(&cb.items)).sqrt();
            out.push(Htmt {
                a,
                b,
                value: hetero / mono,
            });
        }
    }
    out
}

/// The correlation of columns `a` and `b` (NaN for a column without variance, which
/// the fit has already refused).
fn correlation(cov: &ItemCovariance) -> impl Fn(usize, usize) -> f64 + '_ {
    let k = cov.k();
    move |a, b| cov.cov[a * k + b] / (cov.sd(a) * cov.sd(b))
}
