//! Importance–performance map analysis as in SmartPLS (Ringle & Sarstedt 2016).

use super::matrix::{mean, ols, sd, total_effects};
use super::{Matrix, PathModel, PlsError, PlsFit};

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

/// The IPMA of `target`: every construct with a total effect on it.
///
/// Items are rescaled to 0–100 with their scale (`scales[column] = (min, max)`); each
/// construct's unstandardized outer weights (standardized weight / item sd) are
/// normalized to sum to 1, so its rescaled score is on 0–100 too; importance is the
/// total effect from OLS (with intercept) of each endogenous rescaled score on its
/// predecessors'. Also returns the target's own performance.
pub fn ipma(
    model: &PathModel,
    data: &Matrix,
    scales: &[(f64, f64)],
    fit: &PlsFit,
    target: usize,
) -> Result<(Vec<IpmaPoint>, f64), PlsError> {
    let c = model.constructs.len();
    let n = data.rows;
    let mut lv = vec![vec![0.0; n]; c];
    for (j, construct) in model.constructs.iter().enumerate() {
        let raw: Vec<f64> = fit
            .outer
            .iter()
            .filter(|o| o.construct == j)
            .map(|o| o.weight / sd(&data.column(o.item)))
            .collect();
        let total: f64 = raw.iter().sum();
        for (&item, &w) in construct.items.iter().zip(&raw) {
            let (lo, hi) = scales.get(item).copied().unwrap_or((0.0, 100.0));
            for (r, score) in lv[j].iter_mut().enumerate() {
                *score += (data.get(r, item) - lo) / (hi - lo) * 100.0 * w / total;
            }
        }
    }
    let mut b = Matrix::zeros(c, c);
    for (j, from) in model.predecessors().iter().enumerate() {
        if from.is_empty() {
            continue;
        }
        let xs: Vec<Vec<f64>> = from.iter().map(|&k| lv[k].clone()).collect();
        let beta =
            ols(&xs, &lv[j]).ok_or_else(|| PlsError::Collinear(model.constructs[j].id.clone()))?;
        for (&k, &v) in from.iter().zip(&beta) {
            b.set(k, j, v);
        }
    }
    let te = total_effects(&b);
    let points = (0..c)
        .filter(|&k| k != target && te.get(k, target) != 0.0)
        .map(|k| IpmaPoint {
            construct: k,
            importance: te.get(k, target),
            performance: mean(&lv[k]),
        })
        .collect();
    if lv.iter().flatten().any(|v| !v.is_finite()) {
        return Err(PlsError::NotFinite);
    }
    Ok((points, mean(&lv[target])))
}
