//! The PLS iteration on the item correlation matrix instead of the `n × k` data.
//!
//! Every quantity seminr's `simplePLS` computes from the standardized items `Z` is a
//! linear function of `Z`, and the algorithm only ever uses covariances of such
//! functions, so all of it follows from `R = cov(Z)`, the item correlation matrix:
//! with `U` the block-diagonal weights scaled so each score has variance 1,
//! `cov(Y) = U' R U` (scores), `cov(Z, Y) = R U` (mode A weights and loadings), inner
//! proxies `V = Y E` give `cov(Z, V) = R U E` and `var(V_j) = E_j' cov(Y) E_j`, mode B
//! solves `R_bb w = cov(Z_b, V_j)`, and the weight scaling `Σ (Z_b w)² / (n − 1)` is
//! `w' R_bb w`. Each iteration costs `O(k²c)` for `k` items and `c` constructs
//! instead of `O(nkc)`, and a bootstrap replicate is one pass over its rows (the
//! resample's correlations) plus work independent of `n`.

use super::consistent;
use super::matrix::{ols_from_cov, total_effects};
use super::{Matrix, Mode, PathModel, PlsError, PlsOptions, Scheme};
use crate::importance::linalg::{cholesky, cholesky_solve};

/// The estimates that do not need construct scores.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CoreFit {
    pub iterations: usize,
    pub converged: bool,
    /// Per construct, per item of the block: the scaled outer weights.
    pub weights: Vec<Vec<f64>>,
    /// Per construct, per item: `cov(z_i, Y_j)` with the final scores.
    pub loadings: Vec<Vec<f64>>,
    /// Standardized path coefficients `[from][to]`.
    pub coefficients: Matrix,
    /// `(R², adjusted R²)` per construct; `None` for exogenous ones.
    pub r2: Vec<Option<(f64, f64)>>,
    /// Total effects `[from][to]`.
    pub total: Matrix,
    /// Dijkstra's ρA per construct (1 for a single item or mode B).
    pub rho_a: Vec<f64>,
}

/// Run the PLS algorithm on the item correlation matrix `r` (`k × k`, row-major, of
/// the data columns `model.item_names`) of `n` rows.
pub(crate) fn fit(
    model: &PathModel,
    r: &[f64],
    k: usize,
    n: usize,
    options: &PlsOptions,
) -> Result<CoreFit, PlsError> {
    let c = model.constructs.len();
    let preds = model.predecessors();
    let mut adjacent = vec![false; c * c];
    for &(from, to) in &model.paths {
        adjacent[from * c + to] = true;
    }
    let mut weights: Vec<Vec<f64>> = model
        .constructs
        .iter()
        .map(|b| vec![1.0; b.items.len()])
        .collect();
    let (mut iterations, mut converged) = (0, false);
    for it in 0..=options.max_iter {
        iterations = it;
        // Standardized scores: U = W scaled to unit score variance.
        let mut u = weights.clone();
        for (j, block) in model.constructs.iter().enumerate() {
            let v = quad(r, k, &block.items, &u[j]);
            if !(v > 0.0 && v.is_finite()) {
                return Err(PlsError::NotFinite);
            }
            let s = v.sqrt();
            u[j].iter_mut().for_each(|w| *w /= s);
        }
        let g = cross(model, r, k, &u);
        let cy = score_cov(model, &g, c, &u);
        let e = inner_weights(model, options.scheme, &cy, &adjacent, &preds)?;
        let last = std::mem::take(&mut weights);
        for (j, block) in model.constructs.iter().enumerate() {
            // var(V_j) = e_j' cov(Y) e_j
            let mut var = 0.0;
            for a in 0..c {
                for b in 0..c {
                    var += e[a * c + j] * cy[a * c + b] * e[b * c + j];
                }
            }
            if !(var > 0.0 && var.is_finite()) {
                return Err(PlsError::Unconnected(block.id.clone()));
            }
            let sd = var.sqrt();
            // cov(z_i, V_j) for the block's items
            let zv: Vec<f64> = block
                .items
                .iter()
                .map(|&i| (0..c).map(|a| g[i * c + a] * e[a * c + j]).sum::<f64>() / sd)
                .collect();
            let w = match block.mode {
                Mode::A => zv,
                Mode::B => {
                    let p = block.items.len();
                    let mut a = vec![0.0; p * p];
                    for (x, &i) in block.items.iter().enumerate() {
                        for (y, &l) in block.items.iter().enumerate() {
                            a[x * p + y] = r[i * k + l];
                        }
                    }
                    let l =
                        cholesky(&a, p).map_err(|_| PlsError::CollinearItems(block.id.clone()))?;
                    cholesky_solve(&l, p, &zv)
                }
            };
            let s = quad(r, k, &block.items, &w).sqrt();
            weights.push(w.into_iter().map(|v| v / s).collect());
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
    // Final scores Y = Z W (not rescaled again: the weights give them variance 1).
    let g = cross(model, r, k, &weights);
    let cy = score_cov(model, &g, c, &weights);
    let loadings = model
        .constructs
        .iter()
        .enumerate()
        .map(|(j, b)| b.items.iter().map(|&i| g[i * c + j]).collect())
        .collect();
    let mut coefficients = Matrix::zeros(c, c);
    let mut r2 = vec![None; c];
    for (j, from) in preds.iter().enumerate() {
        if from.is_empty() {
            continue;
        }
        let beta = ols_from_cov(&cy, c, from, j)
            .ok_or_else(|| PlsError::Collinear(model.constructs[j].id.clone()))?;
        let explained: f64 = beta.iter().zip(from).map(|(b, &x)| b * cy[x * c + j]).sum();
        let rsq = explained / cy[j * c + j];
        let p = from.len() as f64;
        let adj = 1.0 - (1.0 - rsq) * (n as f64 - 1.0) / (n as f64 - p - 1.0);
        r2[j] = Some((rsq, adj));
        for (&a, &b) in from.iter().zip(&beta) {
            coefficients.set(a, j, b);
        }
    }
    let total = total_effects(&coefficients);
    let rho_a = consistent::rho_a_all(model, r, k, &weights);
    let mut core = CoreFit {
        iterations,
        converged,
        weights,
        loadings,
        coefficients,
        r2,
        total,
        rho_a,
    };
    if options.consistent {
        let rho = core.rho_a.clone();
        consistent::correct(model, &cy, n, &rho, &mut core)?;
    }
    Ok(core)
}

/// `w' R_bb w` for a block's items.
fn quad(r: &[f64], k: usize, items: &[usize], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for (&i, &wi) in items.iter().zip(w) {
        for (&l, &wl) in items.iter().zip(w) {
            s += wi * r[i * k + l] * wl;
        }
    }
    s
}

/// `G = R U`, `k × c`: the covariance of every item with every construct's score.
fn cross(model: &PathModel, r: &[f64], k: usize, u: &[Vec<f64>]) -> Vec<f64> {
    let c = model.constructs.len();
    let mut g = vec![0.0; k * c];
    for i in 0..k {
        let row = &r[i * k..(i + 1) * k];
        for (a, block) in model.constructs.iter().enumerate() {
            g[i * c + a] = block
                .items
                .iter()
                .zip(&u[a])
                .map(|(&l, w)| row[l] * w)
                .sum();
        }
    }
    g
}

/// `cov(Y) = U' R U = U' G`, `c × c`.
fn score_cov(model: &PathModel, g: &[f64], c: usize, u: &[Vec<f64>]) -> Vec<f64> {
    let mut cy = vec![0.0; c * c];
    for (a, block) in model.constructs.iter().enumerate() {
        for b in 0..c {
            cy[a * c + b] = block
                .items
                .iter()
                .zip(&u[a])
                .map(|(&i, w)| w * g[i * c + b])
                .sum();
        }
    }
    cy
}

/// The inner weights `e[a·c + j]`: how construct `a` enters construct `j`'s proxy,
/// from the score correlations `cy` (seminr's `path_weighting`, `path_factorial`,
/// centroid).
fn inner_weights(
    model: &PathModel,
    scheme: Scheme,
    cy: &[f64],
    adjacent: &[bool],
    preds: &[Vec<usize>],
) -> Result<Vec<f64>, PlsError> {
    let c = model.constructs.len();
    let mut e = vec![0.0; c * c];
    for a in 0..c {
        for j in 0..c {
            let (forward, backward) = (adjacent[j * c + a], adjacent[a * c + j]);
            let r = cy[a * c + j];
            e[a * c + j] = match scheme {
                Scheme::Path if forward => r,
                Scheme::Path => 0.0,
                Scheme::Factor if forward || backward => r,
                Scheme::Centroid if forward || backward => r.signum(),
                Scheme::Factor | Scheme::Centroid => 0.0,
            };
        }
    }
    if scheme == Scheme::Path {
        for (j, from) in preds.iter().enumerate() {
            if from.is_empty() {
                continue;
            }
            let beta = ols_from_cov(cy, c, from, j)
                .ok_or_else(|| PlsError::Collinear(model.constructs[j].id.clone()))?;
            for (&a, &b) in from.iter().zip(&beta) {
                e[a * c + j] = b;
            }
        }
    }
    Ok(e)
}
