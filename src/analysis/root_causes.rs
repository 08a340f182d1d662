//! Root causes: each outcome's gap to its target attributed to the drivers below it.
//!
//! A driver's contribution is `total effect × the driver's own gap`, both in index
//! units and signed by the two directions, so it reads "closing this driver's gap
//! would close this many index points of the outcome's gap". Only drivers without
//! inputs are attributed: an intermediate node's gap is itself explained by the
//! drivers that feed it, and counting both would count the same gap twice.

use super::effects::SliceEffects;
use super::scores::NodeScore;
use crate::graph::{strongest_path, DriverGraph};
use crate::model::Model;

/// One driver's part in one outcome's gap.
#[derive(Debug, Clone, PartialEq)]
pub struct RootCause {
    pub outcome: usize,
    pub driver: usize,
    /// Outcome index points of the gap this driver's gap explains.
    pub contribution: f64,
    /// `contribution / outcome gap`: the share of the gap it explains.
    pub share: f64,
    /// The strongest path from the driver to the outcome (node indices).
    pub path: Vec<usize>,
}

/// Root causes of every outcome short of its target, strongest first.
pub fn root_causes(
    model: &Model,
    graph: &DriverGraph,
    scores: &[Option<NodeScore>],
    effects: &SliceEffects,
) -> Vec<RootCause> {
    let mut causes = Vec::new();
    for (outcome, node) in model.nodes.iter().enumerate() {
        if !node.outcome {
            continue;
        }
        let Some(outcome_score) = &scores[outcome] else {
            continue;
        };
        if outcome_score.target.is_none() || outcome_score.index_gap <= 0.0 {
            continue;
        }
        let mut found = Vec::new();
        for driver in (0..model.nodes.len()).filter(|&d| d != outcome && graph.is_driver(d)) {
            let Some(driver_score) = &scores[driver] else {
                continue;
            };
            if driver_score.index_gap <= 0.0 {
                continue;
            }
            let signs = node.direction.sign() * model.nodes[driver].direction.sign();
            let contribution = signs * effects.total[driver][outcome] * driver_score.index_gap;
            if contribution <= 0.0 {
                continue;
            }
            let Some(path) = strongest_path(graph, &effects.direct, driver, outcome) else {
                continue;
            };
            found.push(RootCause {
                outcome,
                driver,
                contribution,
                share: contribution / outcome_score.index_gap,
                path,
            });
        }
        found.sort_by(|a, b| {
            b.contribution
                .total_cmp(&a.contribution)
                .then_with(|| model.nodes[a.driver].id.cmp(&model.nodes[b.driver].id))
        });
        causes.extend(found);
    }
    causes
}
