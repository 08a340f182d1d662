//! The PLS path modeling iteration (Wold; Lohmöller 1989), step for step as seminr's
//! `simplePLS`, which is SmartPLS's standard PLS algorithm.

use super::matrix::{centred_cov, cov, ols, standardize, total_effects};
use super::{Matrix, Mode, PathModel, PlsError, Scheme};
use crate::importance::linalg::{cholesky, cholesky_solve};

/// Estimation settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlsOptions {
    pub scheme: Scheme,
    /// At most this many iterations after the first (seminr: 300).
    pub max_iter: usize,
    /// Stop when the summed absolute change of all outer weights is below this
    /// (seminr's `stopCriterion = 7`: 1e-7).
    pub tolerance: f64,
}

impl Default for PlsOptions {
    fn default() -> Self {
        Self {
            scheme: Scheme::Path,
            max_iter: 300,
            tolerance: 1e-7,
        }
    }
}

/// One item's estimates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outer {
    pub construct: usize,
    /// Data column.
    pub item: usize,
    /// Standardized outer weight.
    pub weight: f64,
    /// Loading: the correlation of the item with its construct's score.
    pub loading: f64,
}

/// A structural path's standardized coefficient.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Path {
    pub from: usize,
    pub to: usize,
    pub coef: f64,
}

/// A fitted path model.
#[derive(Debug, Clone, PartialEq)]
pub struct PlsFit {
    /// Rows used.
    pub n: usize,
    /// The last iteration's index (seminr's `iterations`).
    pub iterations: usize,
    pub converged: bool,
    /// In construct order, then item order.
    pub outer: Vec<Outer>,
    /// In the model's path order.
    pub paths: Vec<Path>,
    /// `(R², adjusted R²)` per construct; `None` for exogenous ones.
    pub r2: Vec<Option<(f64, f64)>>,
    /// Standardized path coefficients, `constructs × constructs`, `[from][to]`.
    pub coefficients: Matrix,
    /// Total effects, `[from][to]`.
    pub total: Matrix,
    /// Standardized construct scores, `n × constructs`.
    pub scores: Matrix,
}

/// Estimate the model on `data` (complete rows; columns as in `model.item_names`).
pub fn estimate(
    model: &PathModel,
    data: &Matrix,
    options: &PlsOptions,
) -> Result<PlsFit, PlsError> {
    let n = data.rows;
    let c = model.constructs.len();
    let preds = model.predecessors();
    let most = preds.iter().map(Vec::len).max().unwrap_or(0);
    let needed = (most + 2).max(3);
    if n < needed {
        return Err(PlsError::TooFewRows { n, needed });
    }
    let mut z = data.clone();
    standardize(&mut z).map_err(|col| {
        PlsError::ZeroVariance(model.item_names.get(col).cloned().unwrap_or_default())
    })?;
    let zcols: Vec<Vec<f64>> = (0..z.cols).map(|k| z.column(k)).collect();
    let mut adjacent = Matrix::zeros(c, c);
    for &(from, to) in &model.paths {
        adjacent.set(from, to, 1.0);
    }
    let mut weights: Vec<Vec<f64>> = model
        .constructs
        .iter()
        .map(|k| vec![1.0; k.items.len()])
        .collect();
    let (mut iterations, mut converged) = (0, false);
    for it in 0..=options.max_iter {
        iterations = it;
        let mut y = scores(model, &z, &weights);
        standardize(&mut y).map_err(|_| PlsError::NotFinite)?;
        let ycols: Vec<Vec<f64>> = (0..c).map(|k| y.column(k)).collect();
        let inner = inner_weights(model, options.scheme, &ycols, &adjacent, &preds)?;
        let mut proxy = Matrix::zeros(n, c);
        for (out, row) in proxy.data.chunks_mut(c).zip(y.data.chunks(c)) {
            for (a, &ya) in row.iter().enumerate() {
                if ya != 0.0 {
                    for (o, e) in out.iter_mut().zip(inner.row(a)) {
                        *o += ya * e;
                    }
                }
            }
        }
        standardize(&mut proxy).map_err(|j| {
            PlsError::Unconnected(
                model
                    .constructs
                    .get(j)
                    .map(|k| k.id.clone())
                    .unwrap_or_default(),
            )
        })?;
        let last = weights.clone();
        for (j, construct) in model.constructs.iter().enumerate() {
            let v = proxy.column(j);
            let w = match construct.mode {
                Mode::A => construct
                    .items
                    .iter()
                    .map(|&i| cov(&zcols[i], &v))
                    .collect(),
                Mode::B => mode_b(&zcols, &construct.items, &v)
                    .ok_or_else(|| PlsError::CollinearItems(construct.id.clone()))?,
            };
            weights[j] = normalize(&zcols, &construct.items, w, n);
        }
        let diff: f64 = weights
            .iter()
            .flatten()
            .zip(last.iter().flatten())
            .map(|(a, b)| (a - b).abs())
            .sum();
        if !diff.is_finite() {
            return Err(PlsError::NotFinite);
        }
        if diff < options.tolerance {
            converged = true;
            break;
        }
    }
    let y = scores(model, &z, &weights);
    let ycols: Vec<Vec<f64>> = (0..c).map(|k| y.column(k)).collect();
    let mut outer = Vec::new();
    for (j, construct) in model.constructs.iter().enumerate() {
        for (&item, &weight) in construct.items.iter().zip(&weights[j]) {
            let loading = cov(&zcols[item], &ycols[j]);
            outer.push(Outer {
                construct: j,
                item,
                weight,
                loading,
            });
        }
    }
    let mut coefficients = Matrix::zeros(c, c);
    let mut r2 = vec![None; c];
    for (j, from) in preds.iter().enumerate() {
        if from.is_empty() {
            continue;
        }
        let xs: Vec<Vec<f64>> = from.iter().map(|&k| ycols[k].clone()).collect();
        let beta = ols(&xs, &ycols[j])
            .ok_or_else(|| PlsError::Collinear(model.constructs[j].id.clone()))?;
        let explained: f64 = beta
            .iter()
            .zip(&xs)
            .map(|(b, x)| b * cov(x, &ycols[j]))
            .sum();
        let rsq = explained / cov(&ycols[j], &ycols[j]);
        let p = from.len() as f64;
        let adj = 1.0 - (1.0 - rsq) * (n as f64 - 1.0) / (n as f64 - p - 1.0);
        r2[j] = Some((rsq, adj));
        for (&k, &b) in from.iter().zip(&beta) {
            coefficients.set(k, j, b);
        }
    }
    let paths = model
        .paths
        .iter()
        .map(|&(from, to)| Path {
            from,
            to,
            coef: coefficients.get(from, to),
        })
        .collect();
    let total = total_effects(&coefficients);
    if y.data.iter().any(|v| !v.is_finite()) {
        return Err(PlsError::NotFinite);
    }
    Ok(PlsFit {
        n,
        iterations,
        converged,
        outer,
        paths,
        r2,
        coefficients,
        total,
        scores: y,
    })
}

/// Construct scores `Z W` (unstandardized).
fn scores(model: &PathModel, z: &Matrix, weights: &[Vec<f64>]) -> Matrix {
    let c = model.constructs.len();
    let mut y = Matrix::zeros(z.rows, c);
    for r in 0..z.rows {
        let row = z.row(r);
        for (j, construct) in model.constructs.iter().enumerate() {
            let v: f64 = construct
                .items
                .iter()
                .zip(&weights[j])
                .map(|(&i, w)| row[i] * w)
                .sum();
            y.set(r, j, v);
        }
    }
    y
}

/// The inner weights `e[a][j]`: how construct `a` enters construct `j`'s inner proxy.
fn inner_weights(
    model: &PathModel,
    scheme: Scheme,
    y: &[Vec<f64>],
    adjacent: &Matrix,
    preds: &[Vec<usize>],
) -> Result<Matrix, PlsError> {
    let c = y.len();
    let mut e = Matrix::zeros(c, c);
    for a in 0..c {
        for j in 0..c {
            let (forward, backward) = (adjacent.get(j, a) != 0.0, adjacent.get(a, j) != 0.0);
            // y is standardized (centred)
            let r = || centred_cov(&y[a], &y[j]);
            let v = match scheme {
                // successors of j by correlation; predecessors are set below
                Scheme::Path if forward => r(),
                Scheme::Path => 0.0,
                Scheme::Factor if forward || backward => r(),
                Scheme::Centroid if forward || backward => r().signum(),
                Scheme::Factor | Scheme::Centroid => 0.0,
            };
            e.set(a, j, v);
        }
    }
    if scheme == Scheme::Path {
        for (j, from) in preds.iter().enumerate() {
            if from.is_empty() {
                continue;
            }
            let xs: Vec<Vec<f64>> = from.iter().map(|&k| y[k].clone()).collect();
            let beta = ols(&xs, &y[j])
                .ok_or_else(|| PlsError::Collinear(model.constructs[j].id.clone()))?;
            for (&k, &b) in from.iter().zip(&beta) {
                e.set(k, j, b);
            }
        }
    }
    Ok(e)
}

/// Mode B: `R_xx⁻¹ r_xv` for the block's standardized items.
fn mode_b(z: &[Vec<f64>], items: &[usize], v: &[f64]) -> Option<Vec<f64>> {
    let p = items.len();
    let mut a = vec![0.0; p * p];
    for (i, &x) in items.iter().enumerate() {
        for (j, &w) in items.iter().enumerate() {
            a[i * p + j] = cov(&z[x], &z[w]);
        }
    }
    let b: Vec<f64> = items.iter().map(|&x| cov(&z[x], v)).collect();
    let l = cholesky(&a, p).ok()?;
    Some(cholesky_solve(&l, p, &b))
}

/// Scale weights so the score `Z w` has `Σ s² / (n − 1) = 1`, as seminr's
/// `standardize_outer_weights` (`scale(center = FALSE)`).
fn normalize(z: &[Vec<f64>], items: &[usize], w: Vec<f64>, n: usize) -> Vec<f64> {
    let ss: f64 = (0..n)
        .map(|r| {
            let s: f64 = items.iter().zip(&w).map(|(&i, wi)| z[i][r] * wi).sum();
            s * s
        })
        .sum();
    let s = (ss / (n as f64 - 1.0)).sqrt();
    w.into_iter().map(|v| v / s).collect()
}
