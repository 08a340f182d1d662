//! Reliability of each node's value, for the measurement-error correction of effects.
//!
//! A `mean` node's value is the equally weighted mean of its items, so what
//! attenuates its regressions is the reliability of *that* composite: under a
//! one-factor (congeneric) model `x_i = λ_i·η + ε_i` it is
//! `ω = (Σλ)² / Var(Σx)` (McDonald's ω of the unit-weighted sum). Loadings are fitted
//! to the off-diagonal item covariances by least squares (the "minres" one-factor
//! solution, `λ_i = Σ_{j≠i} s_ij λ_j / Σ_{j≠i} λ_j²` to a fixed point); with two
//! items the loadings are not identified and the tau-equivalent solution
//! `λ1 = λ2 = √s12` is taken, for which ω equals Cronbach's α. α itself is kept for
//! the output: it is a lower bound of ω, equal to it when the loadings are equal.
//! See docs/methods.md, "The effect model", for why this and not PLSc's ρ_A.

use crate::data::CrossMoments;
use crate::model::{Metric, Model};

/// Fewer complete item rows than this and a slice borrows the whole sample's
/// reliabilities: a reliability from a few dozen rows is noise.
pub const MIN_RELIABILITY_ROWS: u64 = 100;

/// Where a node's reliability came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReliabilitySource {
    /// ω of the unit-weighted item mean, from the item covariances.
    Estimated,
    /// `reliability:` in model.yaml.
    Declared,
}

/// The reliability of one node's value.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct NodeReliability {
    /// Node index in model order.
    pub node: usize,
    /// Share of the value's variance that is true score: the factor its variance is
    /// multiplied by in the corrected moments.
    pub reliability: f64,
    /// Cronbach's α of the items (`None` for a declared value).
    pub alpha: Option<f64>,
    pub source: ReliabilitySource,
    /// Complete item rows the estimate rests on (0 when declared).
    pub n: u64,
}

/// The reliability of every node that has one below 1: declared values, and ω of
/// every multi-item `mean` node estimated from `items` (the complete-case item block,
/// items in model order). Nodes whose ω cannot be estimated (items uncorrelated or
/// negatively correlated, no variance) are left out, i.e. taken as exact.
pub fn reliabilities(model: &Model, items: Option<&CrossMoments>) -> Vec<NodeReliability> {
    let mut out = Vec::new();
    let mut offset = 0;
    for (index, node) in model.nodes.iter().enumerate() {
        let first = offset;
        offset += node.items.len();
        if let Some(r) = node.reliability {
            if r < 1.0 {
                out.push(NodeReliability {
                    node: index,
                    reliability: r,
                    alpha: None,
                    source: ReliabilitySource::Declared,
                    n: 0,
                });
            }
            continue;
        }
        if node.metric != Metric::Mean || node.items.len() < 2 {
            continue;
        }
        let Some(items) = items else { continue };
        let block: Vec<usize> = (first..offset).collect();
        let Some(cov) = block_covariance(items, &block) else {
            continue;
        };
        let Some((omega, alpha)) = composite_reliability(&cov, block.len()) else {
            continue;
        };
        if omega < 1.0 {
            out.push(NodeReliability {
                node: index,
                reliability: omega,
                alpha: Some(alpha),
                source: ReliabilitySource::Estimated,
                n: items.n,
            });
        }
    }
    out
}

/// Whether a model has a node whose reliability is estimated from item moments.
pub fn needs_items(model: &Model) -> bool {
    model.effects == crate::model::EffectsMode::Corrected
        && model
            .nodes
            .iter()
            .any(|n| n.reliability.is_none() && n.metric == Metric::Mean && n.items.len() >= 2)
}

/// The `k × k` row-major covariance of the items `block` (indices into `items`).
fn block_covariance(items: &CrossMoments, block: &[usize]) -> Option<Vec<f64>> {
    let k = block.len();
    let mut cov = vec![0.0; k * k];
    for (a, &ia) in block.iter().enumerate() {
        for (b, &ib) in block.iter().enumerate() {
            cov[a * k + b] = items.covariance(ia, ib)?;
        }
    }
    cov.iter().all(|v| v.is_finite()).then_some(cov)
}

/// `(ω, α)` of the unit-weighted sum of `k ≥ 2` items with covariance `cov`; `None`
/// when the sum has no variance or the items share no positive covariance.
pub fn composite_reliability(cov: &[f64], k: usize) -> Option<(f64, f64)> {
    let total: f64 = cov.iter().sum();
    if total.is_nan() || total <= 0.0 || k < 2 {
        return None;
    }
    let diagonal: f64 = (0..k).map(|i| cov[i * k + i]).sum();
    let kf = k as f64;
    let alpha = kf / (kf - 1.0) * (1.0 - diagonal / total);
    let lambda = one_factor_loadings(cov, k)?;
    let sum: f64 = lambda.iter().sum();
    let omega = (sum * sum / total).min(1.0);
    (omega > 0.0 && omega.is_finite()).then_some((omega, alpha))
}

/// Least-squares one-factor loadings fitted to the off-diagonal covariances.
fn one_factor_loadings(cov: &[f64], k: usize) -> Option<Vec<f64>> {
    let off = |i: usize, j: usize| cov[i * k + j];
    if k == 2 {
        let s = off(0, 1);
        return (s > 0.0).then(|| vec![s.sqrt(); 2]);
    }
    // Start from the tau-equivalent solution: every λ = √(mean off-diagonal).
    let mut mean_off = 0.0;
    for i in 0..k {
        for j in 0..k {
            if i != j {
                mean_off += off(i, j);
            }
        }
    }
    mean_off /= (k * (k - 1)) as f64;
    if mean_off.is_nan() || mean_off <= 0.0 {
        return None;
    }
    let mut lambda = vec![mean_off.sqrt(); k];
    for _ in 0..1000 {
        let mut change: f64 = 0.0;
        for i in 0..k {
            let mut num = 0.0;
            let mut den = 0.0;
            for j in (0..k).filter(|&j| j != i) {
                num += off(i, j) * lambda[j];
                den += lambda[j] * lambda[j];
            }
            if den.is_nan() || den <= 0.0 {
                return None;
            }
            let next = num / den;
            change = change.max((next - lambda[i]).abs());
            lambda[i] = next;
        }
        if change <= 1e-13 * mean_off.sqrt() {
            break;
        }
    }
    lambda.iter().all(|l| l.is_finite()).then_some(lambda)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Covariance of a congeneric model with loadings `l` and error variances `t`.
    fn implied(l: &[f64], t: &[f64]) -> Vec<f64> {
        let k = l.len();
        let mut c = vec![0.0; k * k];
        for i in 0..k {
            for j in 0..k {
                c[i * k + j] = l[i] * l[j] + if i == j { t[i] } else { 0.0 };
            }
        }
        c
    }

    #[test]
    fn omega_is_exact_on_a_congeneric_covariance() {
        let (l, t) = ([0.9, 0.6, 0.4, 0.7], [0.3, 0.5, 0.8, 0.4]);
        let (omega, alpha) = composite_reliability(&implied(&l, &t), 4).expect("omega");
        let sum: f64 = l.iter().sum();
        let truth = sum * sum / (sum * sum + t.iter().sum::<f64>());
        assert!((omega - truth).abs() < 1e-10, "{omega} vs {truth}");
        // α is a strict lower bound when the loadings differ.
        assert!(alpha < omega - 1e-3, "{alpha} {omega}");
    }

    #[test]
    fn two_items_give_alpha_and_three_are_exactly_identified() {
        let cov2 = implied(&[0.8, 0.8], &[0.36, 0.36]);
        let (omega, alpha) = composite_reliability(&cov2, 2).expect("two");
        assert!((omega - alpha).abs() < 1e-12);
        assert!((omega - 2.56 / (2.56 + 0.72)).abs() < 1e-12);
        let (l, t) = ([1.2, 0.5, 0.8], [0.2, 0.6, 0.3]);
        let (omega, _) = composite_reliability(&implied(&l, &t), 3).expect("three");
        let sum: f64 = l.iter().sum();
        assert!((omega - sum * sum / (sum * sum + 1.1)).abs() < 1e-10);
    }

    #[test]
    fn uncorrelated_items_have_no_reliability() {
        assert_eq!(composite_reliability(&[1.0, 0.0, 0.0, 1.0], 2), None);
        assert_eq!(composite_reliability(&[1.0, -0.2, -0.2, 1.0], 2), None);
    }
}
