//! Importance–performance map analysis as in SmartPLS (Ringle & Sarstedt 2016).

use super::matrix::{ols_from_cov, total_effects};
use super::{ItemCovariance, Matrix, PathModel, PlsError, PlsFit};

/// One construct on the map for a target construct.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IpmaPoint {
    pub construct: usize,
    /// Unstandardized total effect on the target of the rescaled (0–100) scores: the
    /// change in the target's performance per point of this construct's.
    pub importance: f64,
    /// Mean rescaled (0–100) score.
    pub performance: f64,
}

/// The IPMA of `target` on unweighted complete rows; see [`ipma_on_moments`].
pub fn ipma(
    model: &PathModel,
    data: &Matrix,
    scales: &[(f64, f64)],
    fit: &PlsFit,
    target: usize,
) -> Result<(Vec<IpmaPoint>, f64), PlsError> {
    ipma_on_moments(
        model,
        &ItemCovariance::from_rows(data, None),
        scales,
        fit,
        target,
    )
}

/// The IPMA of `target`: every construct with a total effect on it.
///
/// Items are rescaled to 0–100 with their scale (`scales[column] = (min, max)`); each
/// construct's unstandardized outer weights (standardized weight / item sd) are
/// normalized to sum to 1, so its rescaled score is on 0–100 too; importance is the
/// total effect from OLS (with intercept) of each endogenous rescaled score on its
/// predecessors'. Also returns the target's own performance.
///
/// Rescaled scores are linear in the items, so their (weighted) means and
/// covariances, and hence the regressions, follow from the items' `cov`.
pub fn ipma_on_moments(
    model: &PathModel,
    cov: &ItemCovariance,
    scales: &[(f64, f64)],
    fit: &PlsFit,
    target: usize,
) -> Result<(Vec<IpmaPoint>, f64), PlsError> {
    let (te, performance) = ipma_effects(model, cov, scales, fit)?;
    let points = (0..te.cols)
        .filter(|&k| k != target && te.get(k, target) != 0.0)
        .map(|k| IpmaPoint {
            construct: k,
            importance: te.get(k, target),
            performance: performance[k],
        })
        .collect();
    Ok((points, performance[target]))
}

/// The IPMA of every construct pair: the unstandardized total effects of the
/// rescaled scores (`[from][to]`, `constructs × constructs`) and each construct's
/// performance. [`ipma_on_moments`] reads one target's column; the bootstrap keeps
/// all of it, so its layout does not depend on which effects a resample rounds to 0.
pub(crate) fn ipma_effects(
    model: &PathModel,
    cov: &ItemCovariance,
    scales: &[(f64, f64)],
    fit: &PlsFit,
) -> Result<(Matrix, Vec<f64>), PlsError> {
    let c = model.constructs.len();
    let k = cov.k();
    // Rescaled score j = Σ_i a[j][i]·x_i + offset[j], over the block's items.
    let mut a: Vec<Vec<(usize, f64)>> = Vec::with_capacity(c);
    let mut performance = vec![0.0; c];
    for (j, construct) in model.constructs.iter().enumerate() {
        let raw: Vec<f64> = fit
            .outer
            .iter()
            .filter(|o| o.construct == j)
            .map(|o| o.weight / cov.sd(o.item))
            .collect();
        let total: f64 = raw.iter().sum();
        let mut terms = Vec::with_capacity(raw.len());
        for (&item, &w) in construct.items.iter().zip(&raw) {
            let (lo, hi) = scales.get(item).copied().unwrap_or((0.0, 100.0));
            let coef = 100.0 * w / (total * (hi - lo));
            performance[j] += coef * (cov.mean[item] - lo);
            terms.push((item, coef));
        }
        a.push(terms);
    }
    let mut lv_cov = vec![0.0; c * c];
    for x in 0..c {
        for y in 0..c {
            let mut s = 0.0;
            for &(i, ai) in &a[x] {
                for &(m, am) in &a[y] {
                    s += ai * am * cov.cov[i * k + m];
                }
            }
            lv_cov[x * c + y] = s;
        }
    }
    if lv_cov.iter().chain(&performance).any(|v| !v.is_finite()) {
        return Err(PlsError::NotFinite);
    }
    let mut b = Matrix::zeros(c, c);
    for (j, from) in model.predecessors().iter().enumerate() {
        if from.is_empty() {
            continue;
        }
        let beta = ols_from_cov(&lv_cov, c, from, j)
            .ok_or_else(|| PlsError::Collinear(model.constructs[j].id.clone()))?;
        for (&k, &v) in from.iter().zip(&beta) {
            b.set(k, j, v);
        }
    }
    Ok((total_effects(&b), performance))
}
