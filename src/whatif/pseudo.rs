//! Pseudo-respondents for the aggregate what-if (`--moments`): a moments table keeps
//! each cell's means and covariance (over its complete rows) but not its respondents,
//! and what a scenario does to a cell depends on their distribution — who sits at
//! the top of a scale and cannot gain, and, for NPS and rates, how the latent
//! propensity is spread (docs/whatif.md, "Aggregate mode"). So each selected cell
//! gets [`PER_CELL`] rows drawn from the normal with the cell's means and
//! covariance, each node's value rounded to the grid its items can give (a mean of
//! `k` items on a 1–5 scale moves in steps of 100/(4k)) and kept within its range.
//! The row engine ([`super::apply`]) is run on them, and the cell's real moments are
//! moved by the mean change the pseudo-rows show.
//!
//! The draws are fixed (seed [`SEED`], stream = cell) and come in antithetic pairs
//! `μ ± L z`, so a change that is linear in the values (nothing clamps, a mean
//! outcome) averages to its exact value, with no sampling noise.

use crate::data::{Respondents, Survey};
use crate::model::{Metric, Model};
use crate::stats::rng::Rng;

/// Pseudo-respondents per selected cell (an even number: antithetic pairs).
pub const PER_CELL: usize = 2048;
/// Seed of the draws (fixed: the aggregate what-if is deterministic).
const SEED: u64 = 0x5a77_ace0;

/// The lower-triangular `L` with `L Lᵀ = a` (`p × p`, row-major); a dimension
/// whose pivot is not positive (a constant or collinear node) gets a zero column,
/// so its draws stay at the mean or follow the nodes it depends on.
pub(super) fn cholesky(a: &[f64], p: usize) -> Vec<f64> {
    let mut l = vec![0.0; p * p];
    for j in 0..p {
        let diag = a[j * p + j] - (0..j).map(|k| l[j * p + k] * l[j * p + k]).sum::<f64>();
        // Relative tolerance: a pivot this small is rounding, not variance.
        let enough = diag > 1e-10 * a[j * p + j].abs().max(1e-12);
        if !enough {
            continue;
        }
        let d = diag.sqrt();
        l[j * p + j] = d;
        for i in j + 1..p {
            let s = a[i * p + j] - (0..j).map(|k| l[i * p + k] * l[j * p + k]).sum::<f64>();
            l[i * p + j] = s / d;
        }
    }
    l
}

/// The step between the values a node can take in index points (`None`:
/// continuous): a mean of whole answers on a scale of whole points.
fn grid(model: &Model, node: usize) -> Option<f64> {
    let n = &model.nodes[node];
    let span = n.scale.max - n.scale.min;
    let whole = span >= 1.0 && (span - span.round()).abs() < 1e-9;
    (n.metric == Metric::Mean && !n.items.is_empty() && whole)
        .then(|| 100.0 / (span.round() * n.items.len() as f64))
}

/// A cell's means and covariance: over its complete rows when there are at least
/// two, else each node's own mean and variance (no covariance).
pub(super) fn cell_distribution(survey: &Survey, cell: usize) -> Option<(Vec<f64>, Vec<f64>)> {
    let moments = &survey.cells.get(cell)?.moments;
    let p = survey.nodes;
    let complete = &moments.complete;
    if complete.n >= 2 && complete.sw > 0.0 {
        let mean = (0..p)
            .map(|a| complete.mean(a))
            .collect::<Option<Vec<_>>>()?;
        let mut cov = vec![0.0; p * p];
        for a in 0..p {
            for b in 0..=a {
                let c = complete.covariance(a, b)?;
                cov[a * p + b] = c;
                cov[b * p + a] = c;
            }
        }
        return Some((mean, cov));
    }
    let mut mean = vec![0.0; p];
    let mut cov = vec![0.0; p * p];
    for (a, m) in moments.nodes.iter().enumerate().take(p) {
        mean[a] = m.mean().unwrap_or(0.0);
        cov[a * p + a] = m.variance().unwrap_or(0.0);
    }
    Some((mean, cov))
}

/// Pseudo-respondents and, per cell and node, the summed weight of those who
/// have a value there (what their summed change is divided by).
#[derive(Debug, Clone)]
pub struct Pseudo {
    pub rows: Respondents,
    pub present: Vec<Vec<f64>>,
}

/// [`PER_CELL`] pseudo-respondents for every cell `wanted[c]` is true for, each
/// weighing `Σw / PER_CELL` of its cell (so cells count as much as their weight).
/// A node is missing in a pseudo-row with the share of the cell's weight it is
/// missing in (drawn independently per node, the same for both rows of a pair): in
/// the row mode a respondent who skipped a node on the path does not move below it.
pub fn pseudo_respondents(model: &Model, survey: &Survey, wanted: &[bool]) -> Pseudo {
    let p = survey.nodes;
    let grids: Vec<Option<f64>> = (0..p).map(|n| grid(model, n)).collect();
    let mut rows = Respondents::new(p);
    let mut present = vec![vec![0.0f64; p]; survey.cells.len()];
    let mut row = vec![0.0f64; p];
    let mut z = vec![0.0f64; p];
    let mut gone = vec![false; p];
    for (c, cell) in survey.cells.iter().enumerate() {
        if !wanted.get(c).copied().unwrap_or(false) || cell.moments.sw <= 0.0 {
            continue;
        }
        let Some((mean, cov)) = cell_distribution(survey, c) else {
            continue;
        };
        let l = cholesky(&cov, p);
        let answered: Vec<f64> = (0..p)
            .map(|a| {
                cell.moments
                    .nodes
                    .get(a)
                    .map_or(0.0, |m| (m.sw / cell.moments.sw).min(1.0))
            })
            .collect();
        let weight = cell.moments.sw / PER_CELL as f64;
        let mut rng = Rng::new(SEED, c as u64);
        for _ in 0..PER_CELL / 2 {
            z.iter_mut().for_each(|v| *v = rng.normal());
            for (g, share) in gone.iter_mut().zip(&answered) {
                // Always drawn, so the normals of a cell do not depend on it.
                let u = rng.uniform();
                *g = u >= *share;
            }
            for sign in [1.0, -1.0] {
                for (a, value) in row.iter_mut().enumerate() {
                    if gone[a] {
                        *value = f64::NAN;
                        continue;
                    }
                    present[c][a] += weight;
                    let spread: f64 = (0..=a).map(|k| l[a * p + k] * z[k]).sum();
                    let (low, high) = model.nodes.get(a).map_or((0.0, 100.0), |n| n.index_range());
                    let v = mean[a] + sign * spread;
                    let v = match grids[a] {
                        Some(step) => low + ((v - low) / step).round() * step,
                        None => v,
                    };
                    *value = v.clamp(low, high);
                }
                rows.push(&row, weight, c as u32);
            }
        }
    }
    Pseudo { rows, present }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cholesky_reproduces_the_matrix_and_skips_a_constant_dimension() {
        let a = [4.0, 2.0, 0.0, 2.0, 5.0, 0.0, 0.0, 0.0, 0.0];
        let l = cholesky(&a, 3);
        for i in 0..3 {
            for j in 0..3 {
                let s: f64 = (0..3).map(|k| l[i * 3 + k] * l[j * 3 + k]).sum();
                assert!((s - a[i * 3 + j]).abs() < 1e-12, "({i},{j}) {s}");
            }
        }
        assert_eq!(l[8], 0.0);
    }
}
