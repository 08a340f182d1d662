//! How likely a plan reaches its targets: the respondent bootstrap of the what-if
//! (see [`crate::whatif::Resampler`]) re-estimates the effects on each replicate
//! and runs each kept plan's actions through the what-if engine; the probability
//! of a target is the share of replicates whose projected outcome (the survey's
//! current level plus the replicate's change from the plan) reaches it: the
//! uncertainty is that of the effects, as for the what-if intervals. See
//! docs/whatif.md, "Intervals".

use super::exact::scenario_of;
use super::solve::EPS;
use super::PlanResult;
use crate::analysis::{Analysis, AnalysisOptions};
use crate::data::Survey;
use crate::graph::DriverGraph;
use crate::importance::interval::quantile;
use crate::model::Model;
use crate::whatif::{score_to_index, what_if_whole, Bootstrap, Replicates, Scenario, WhatIfError};

/// The bootstrap of a plan result's projections.
#[derive(Debug, Clone, PartialEq)]
pub struct ReachProbabilities {
    pub replicates: usize,
    pub seed: u64,
    /// Replicates whose analysis failed and were left out.
    pub failed: usize,
    /// Drawn from the cells' moments (a moments table), not resampled respondents.
    pub parametric: bool,
    /// Per kept plan (as `PlanResult::plans`), per target: the share of replicates
    /// in which the plan reaches the target.
    pub plans: Vec<Vec<f64>>,
    /// Per kept plan, per target: the replicates' projected index values, sorted.
    pub projections: Vec<Vec<Vec<f64>>>,
}

impl ReachProbabilities {
    /// The lowest probability over the targets of plan `k` (1 without targets).
    pub fn min_of(&self, k: usize) -> f64 {
        self.plans
            .get(k)
            .map_or(0.0, |p| p.iter().copied().fold(1.0, f64::min))
    }

    /// Index points plan `k` falls short of target `t` at quantile `1 − p` of
    /// its replicates (in the target's good direction; 0 when it reaches there).
    pub fn shortfall(&self, model: &Model, result: &PlanResult, k: usize, t: usize, p: f64) -> f64 {
        let (Some(target), Some(values)) = (
            result.targets.get(t),
            self.projections.get(k).and_then(|v| v.get(t)),
        ) else {
            return 0.0;
        };
        let node = &model.nodes[target.node];
        let sign = node.direction.sign();
        // The value reached with probability p: the (1 − p) quantile in the good direction.
        let q = if sign > 0.0 { 1.0 - p } else { p };
        let at = quantile(values, q);
        (sign * (score_to_index(node, target.value) - at)).max(0.0)
    }
}

/// The probability that each kept plan of `result` reaches each target, from
/// `boot.replicates` bootstrap replicates of `survey` (respondent rows needed).
pub fn reach_probabilities(
    model: &Model,
    graph: &DriverGraph,
    survey: &Survey,
    options: &AnalysisOptions,
    result: &PlanResult,
    boot: &Bootstrap,
) -> Result<ReachProbabilities, WhatIfError> {
    let replicates = Replicates::build(model, graph, survey, options, boot, &|| true)?;
    reach_probabilities_in(model, graph, survey, &replicates, result, boot.level)
}

/// [`reach_probabilities`] on replicates already made (from `survey`), scoring at
/// `level`.
pub fn reach_probabilities_in(
    model: &Model,
    graph: &DriverGraph,
    survey: &Survey,
    replicates: &Replicates,
    result: &PlanResult,
    level: f64,
) -> Result<ReachProbabilities, WhatIfError> {
    // The scenario of every plan and target, made once.
    let scenarios: Vec<Vec<Scenario>> = result
        .plans
        .iter()
        .map(|plan| {
            (0..result.targets.len())
                .map(|t| {
                    scenario_of(
                        model,
                        &result.candidates,
                        &result.problem,
                        &plan.chosen,
                        Some(t),
                    )
                })
                .collect()
        })
        .collect();
    let one = |rs: &Survey, ra: &Analysis| -> Result<Vec<Vec<f64>>, WhatIfError> {
        let mut runs: Vec<(&Scenario, Vec<Option<f64>>)> = Vec::new();
        let mut out = Vec::with_capacity(scenarios.len());
        for plan in &scenarios {
            let mut row = Vec::with_capacity(plan.len());
            for (t, scenario) in plan.iter().enumerate() {
                let after = match runs.iter().find(|(s, _)| *s == scenario) {
                    Some((_, after)) => after.clone(),
                    None => {
                        let after = what_if_whole(model, graph, rs, ra, scenario, level)?;
                        runs.push((scenario, after.clone()));
                        after
                    }
                };
                // The survey's own current level plus the replicate's change: the
                // uncertainty is the effects', not a new sample's level.
                let target = &result.targets[t];
                let before = ra
                    .latest()
                    .find(|s| s.key.is_all())
                    .and_then(|s| s.scores.get(target.node)?.as_ref())
                    .map(|s| s.index);
                let now = score_to_index(&model.nodes[target.node], target.current);
                let moved = after.get(target.node).copied().flatten();
                row.push(match (moved, before) {
                    (Some(a), Some(b)) => now + (a - b),
                    _ => f64::NAN,
                });
            }
            out.push(row);
        }
        Ok(out)
    };
    let failed = replicates.failed;
    let parametric = replicates.parametric;
    let (seed, count) = (replicates.seed, replicates.replicates);
    let replicates = replicates.map(survey, &one)?;
    let mut projections: Vec<Vec<Vec<f64>>> = scenarios
        .iter()
        .map(|plan| vec![Vec::with_capacity(replicates.len()); plan.len()])
        .collect();
    for replicate in &replicates {
        for (k, row) in replicate.iter().enumerate() {
            for (t, &value) in row.iter().enumerate() {
                if value.is_finite() {
                    projections[k][t].push(value);
                }
            }
        }
    }
    let plans = projections
        .iter_mut()
        .map(|plan| {
            plan.iter_mut()
                .enumerate()
                .map(|(t, values)| {
                    values.sort_by(f64::total_cmp);
                    let target = &result.targets[t];
                    let node = &model.nodes[target.node];
                    let goal = score_to_index(node, target.value);
                    let sign = node.direction.sign();
                    let reached = values
                        .iter()
                        .filter(|&&v| sign * (v - goal) >= -EPS)
                        .count();
                    if values.is_empty() {
                        0.0
                    } else {
                        reached as f64 / values.len() as f64
                    }
                })
                .collect()
        })
        .collect();
    Ok(ReachProbabilities {
        parametric,
        replicates: count,
        seed,
        failed,
        plans,
        projections,
    })
}
