//! Root causes: each outcome's gap to its target attributed to the drivers below it.
//!
//! A driver's contribution is `total effect × the driver's own gap`, both in index
//! units and signed by the two directions: the outcome's **lift if the driver's gap
//! were closed**. What part of the outcome's gap that covers is capped at 100 % (a
//! driver whose closed gap alone would meet the target says so, rather than "361 %
//! of the gap"). Contributions add up (the effects are linear), so what the listed
//! drivers leave uncovered is `gap − Σ contributions` when positive
//! ([`uncovered`]). Only drivers without inputs are attributed: an intermediate
//! node's gap is itself explained by the drivers that feed it, and counting both
//! would count the same gap twice.

use super::effects::SliceEffects;
use super::scores::NodeScore;
use crate::graph::{strongest_path, DriverGraph};
use crate::model::Model;

/// One driver's part in one outcome's gap.
#[derive(Debug, Clone, PartialEq)]
pub struct RootCause {
    pub outcome: usize,
    pub driver: usize,
    /// Outcome index points the outcome would gain if this driver's gap were closed.
    pub contribution: f64,
    /// The part of the outcome's gap that lift covers: `contribution / gap`, at most 1.
    pub share: f64,
    /// The outcome's gap (index points) this cause is part of.
    pub gap: f64,
    /// Closing this driver's gap alone would meet the outcome's target.
    pub meets_target: bool,
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
                share: (contribution / outcome_score.index_gap).min(1.0),
                gap: outcome_score.index_gap,
                meets_target: contribution >= outcome_score.index_gap,
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

/// What `causes` (all of one outcome, e.g. the ones a report lists) leave of that
/// outcome's gap if every one of their drivers' gaps were closed: `(index points,
/// part of the gap)`; `(0, 0)` when together they would meet the target.
pub fn uncovered<'a>(causes: impl IntoIterator<Item = &'a RootCause>) -> (f64, f64) {
    let mut gap = 0.0f64;
    let mut lift = 0.0;
    for cause in causes {
        gap = gap.max(cause.gap);
        lift += cause.contribution;
    }
    let left = (gap - lift).max(0.0);
    (left, if gap > 0.0 { left / gap } else { 0.0 })
}
