//! A node's score in one slice and wave, from its moments: score on the item
//! scale (or NPS, or %), 0–100 index, sample sizes, confidence interval and gap.

use crate::data::NodeMoments;
use crate::model::{Metric, Node};
use crate::stats;

/// One node's score in one slice × wave. Index units are those of
/// [`Node::respondent_value`]: 0–100 for means, NPS points, or %.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct NodeScore {
    /// Score in the node's reporting unit: item scale for means, NPS points, or %.
    pub score: f64,
    /// 0–100 index for means; the metric itself (NPS, %) otherwise.
    pub index: f64,
    /// Respondents with a value.
    pub n: u64,
    /// Kish effective sample size (equals `n` without survey weights).
    pub n_eff: f64,
    /// Confidence interval of `score`, in the same unit.
    pub ci_low: f64,
    pub ci_high: f64,
    /// Target in the score's unit, if the model sets one.
    pub target: Option<f64>,
    /// How far the score is from its target in the good direction, in score units:
    /// positive when short of it, negative when beyond it, 0 without a target.
    pub gap: f64,
    /// The same gap in index units.
    pub index_gap: f64,
}

/// Score a node from its moments; `None` when fewer than two respondents answered.
pub fn score_node(node: &Node, moments: &NodeMoments, level: f64) -> Option<NodeScore> {
    if moments.n < 2 || moments.sw <= 0.0 {
        return None;
    }
    // Shifted sums (around 50) give the mean and centred sum of squares without
    // the cancellation of raw Σw·v² (see `data::moments`).
    let (mean, m2) = (moments.mean()?, moments.m2()?);
    let ci = stats::mean_ci_centered(moments.sw, moments.sw2, mean, m2, level)?;
    let index = ci.mean;
    let (low, high) = match node.metric {
        Metric::Mean => (ci.low, ci.high),
        Metric::Nps => {
            let (swx, swx2) = (mean * moments.sw, m2 + mean * mean * moments.sw);
            let nps = stats::nps_ci(moments.sw, moments.sw2, swx, swx2, level)?;
            (nps.low, nps.high)
        }
        Metric::Rate | Metric::Top2box => {
            let p = stats::proportion_ci(index, ci.n_eff, level)?;
            (p.low, p.high)
        }
    };
    let (index_low, index_high) = node.index_range();
    let clamp = |v: f64| v.clamp(index_low, index_high);
    let sign = node.direction.sign();
    let index_gap = node.target_index().map_or(0.0, |t| sign * (t - index));
    let score = node.score_from_index(index);
    let gap = node.target.map_or(0.0, |t| sign * (t - score));
    Some(NodeScore {
        score,
        index,
        n: moments.n,
        n_eff: ci.n_eff,
        ci_low: node.score_from_index(clamp(low)),
        ci_high: node.score_from_index(clamp(high)),
        target: node.target,
        gap,
        index_gap,
    })
}
