//! Consistent PLS (PLSc; Dijkstra & Henseler 2015), step for step as seminr's
//! `PLSc()` and `rho_A()`.
//!
//! PLS construct scores are weighted sums of items that carry measurement error, so
//! their correlations — and the paths estimated from them — are attenuated toward
//! zero. Dijkstra's ρA estimates, from the outer weights and the item correlations
//! alone, the reliability of each score; dividing each score correlation by
//! `sqrt(ρA_i ρA_j)` gives the correlations of the common factors, on which the paths
//! and R² are re-estimated, and mode A loadings become `w · sqrt(ρA) / (w'w)`.

use super::matrix::total_effects;
use super::on_correlations::CoreFit;
use super::{Matrix, Mode, PathModel, PlsError};

/// Dijkstra's ρA of one block from its standardized outer weights `w` (scaled so
/// `w' R w = 1`) and the item correlations `cor(i, l)` of its items:
/// `(w'w)² · w'(S − diag S)w / w'(ww' − diag(ww'))w` with `S` the item correlation
/// matrix (seminr's `compute_construct_rhoA`). 1 for a single item or mode B.
pub(crate) fn rho_a(
    items: &[usize],
    mode: Mode,
    w: &[f64],
    cor: impl Fn(usize, usize) -> f64,
) -> f64 {
    if items.len() < 2 || mode == Mode::B {
        return 1.0;
    }
    let ww: f64 = w.iter().map(|x| x * x).sum();
    let w4: f64 = w.iter().map(|x| x.powi(4)).sum();
    let mut off = 0.0;
    for (a, (&i, &wi)) in items.iter().zip(w).enumerate() {
        for (b, (&l, &wl)) in items.iter().zip(w).enumerate() {
            if a != b {
                off += wi * cor(i, l) * wl;
            }
        }
    }
    ww * ww * off / (ww * ww - w4)
}

/// ρA of every construct of a fit with weights `weights` on the item correlation
/// matrix `r` (`k × k`).
pub(crate) fn rho_a_all(model: &PathModel, r: &[f64], k: usize, weights: &[Vec<f64>]) -> Vec<f64> {
    model
        .constructs
        .iter()
        .zip(weights)
        .map(|(block, w)| rho_a(&block.items, block.mode, w, |i, l| r[i * k + l]))
        .collect()
}

/// Turn a PLS fit into its PLSc estimates: paths, R², total effects and mode A
/// loadings from the construct correlations corrected by ρA (`rho`). `cy` is the
/// correlation matrix of the PLS scores (`c × c`), `n` the rows (adjusted R²).
pub(crate) fn correct(
    model: &PathModel,
    cy: &[f64],
    n: usize,
    rho: &[f64],
    core: &mut CoreFit,
) -> Result<(), PlsError> {
    let c = model.constructs.len();
    if let Some(j) = (0..c).find(|&j| !(rho[j] > 0.0 && rho[j].is_finite())) {
        return Err(PlsError::RhoA(model.constructs[j].id.clone()));
    }
    let mut adj = vec![0.0; c * c];
    for a in 0..c {
        for b in 0..c {
            adj[a * c + b] = if a == b {
                1.0
            } else {
                cy[a * c + b] / (rho[a] * rho[b]).sqrt()
            };
        }
    }
    if adj.iter().any(|v| !v.is_finite()) {
        return Err(PlsError::NotFinite);
    }
    let mut coefficients = Matrix::zeros(c, c);
    for (j, from) in model.predecessors().iter().enumerate() {
        if from.is_empty() {
            continue;
        }
        // As seminr (R's `solve`): a general solve, not Cholesky, so a corrected
        // matrix that is not positive definite (a corrected correlation above 1, an
        // inadmissible solution) still gives its paths, which the report flags.
        let beta = solve_normal(&adj, c, from, j)
            .ok_or_else(|| PlsError::Inadmissible(model.constructs[j].id.clone()))?;
        let rsq: f64 = beta
            .iter()
            .zip(from)
            .map(|(b, &x)| b * adj[x * c + j])
            .sum();
        let p = from.len() as f64;
        let adjusted = 1.0 - (1.0 - rsq) * (n as f64 - 1.0) / (n as f64 - p - 1.0);
        core.r2[j] = Some((rsq, adjusted));
        for (&a, &b) in from.iter().zip(&beta) {
            coefficients.set(a, j, b);
        }
    }
    for (j, block) in model.constructs.iter().enumerate() {
        if block.mode != Mode::A {
            continue;
        }
        let w = &core.weights[j];
        let ww: f64 = w.iter().map(|x| x * x).sum();
        let scale = rho[j].sqrt() / ww;
        core.loadings[j] = w.iter().map(|x| x * scale).collect();
    }
    core.total = total_effects(&coefficients);
    core.coefficients = coefficients;
    Ok(())
}

/// `β = A⁻¹ b` with `A` the correlations among `xs` and `b` their correlations with
/// `y` (`cov` is `c × c`), by Gaussian elimination with partial pivoting; `None`
/// when `A` is singular.
fn solve_normal(cov: &[f64], c: usize, xs: &[usize], y: usize) -> Option<Vec<f64>> {
    let p = xs.len();
    // Augmented rows [A | b].
    let mut m: Vec<Vec<f64>> = xs
        .iter()
        .map(|&a| {
            let mut row: Vec<f64> = xs.iter().map(|&b| cov[a * c + b]).collect();
            row.push(cov[a * c + y]);
            row
        })
        .collect();
    for col in 0..p {
        let pivot = (col..p).max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs()))?;
        let lead = m[pivot][col];
        if !lead.is_finite() || lead.abs() <= 1e-12 {
            return None;
        }
        m.swap(col, pivot);
        let (top, bottom) = m.split_at_mut(col + 1);
        let pivot_row = &top[col];
        for row in bottom.iter_mut() {
            let f = row[col] / pivot_row[col];
            for (x, &v) in row[col..].iter_mut().zip(&pivot_row[col..]) {
                *x -= f * v;
            }
        }
    }
    let mut beta = vec![0.0; p];
    for row in (0..p).rev() {
        let s: f64 = (row + 1..p).map(|k| m[row][k] * beta[k]).sum();
        beta[row] = (m[row][p] - s) / m[row][row];
    }
    beta.iter().all(|b| b.is_finite()).then_some(beta)
}

#[cfg(test)]
mod tests {
    use super::solve_normal;

    #[test]
    fn solves_an_indefinite_system_as_a_general_solver_does() {
        // Correlations of x0, x1 and y, with cor(x0, x1) = 1.2 (inadmissible).
        let cov = [1.0, 1.2, 0.5, 1.2, 1.0, 0.4, 0.5, 0.4, 1.0];
        let beta = solve_normal(&cov, 3, &[0, 1], 2).expect("nonsingular");
        // [1 1.2; 1.2 1] β = [0.5; 0.4]
        assert!((beta[0] + 1.2 * beta[1] - 0.5).abs() < 1e-12);
        assert!((1.2 * beta[0] + beta[1] - 0.4).abs() < 1e-12);
        // A singular system has no solution.
        let singular = [1.0, 1.0, 0.5, 1.0, 1.0, 0.5, 0.5, 0.5, 1.0];
        assert!(solve_normal(&singular, 3, &[0, 1], 2).is_none());
    }
}
