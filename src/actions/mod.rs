//! Actions: rules evaluated on the latest wave's aggregates (one context per rule ×
//! matched driver × slice, never per survey row), ranked by priority with a "why".

mod facts;
mod rank;
mod why;

pub use rank::rank;
pub use why::{format_number, why_text};

use std::collections::BTreeSet;

use crate::analysis::{Analysis, SliceKey};
use crate::graph::{strongest_path, DriverGraph};
use crate::model::{Label, Model};
use crate::rules::{Context, RuleEngine, RuleError, RuleSet};

/// One recommended action: a fired rule on one driver in one slice.
#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    /// 1-based rank after sorting.
    pub rank: usize,
    pub rule: String,
    pub title: Label,
    pub action: Label,
    /// Index into `model.nodes`.
    pub driver: usize,
    pub segment: SliceKey,
    /// The slice's share of the sample (1 for the whole sample).
    pub share: f64,
    /// Expected gain of the primary outcome, in its index points.
    pub uplift: f64,
    pub cost: f64,
    pub priority: f64,
    /// The rule's effect on the driver, in the driver's score units.
    pub delta: f64,
    pub duration: Option<f64>,
    /// The numbers that made it fire.
    pub evidence: Evidence,
}

/// What the "why" of an action is made of.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    pub score: f64,
    pub target: Option<f64>,
    pub gap: f64,
    pub importance: f64,
    pub effect: f64,
    pub quadrant: Option<String>,
    pub when: String,
    /// Strongest path from the driver to the primary outcome (node indices).
    pub path: Vec<usize>,
}

/// Fired actions, ranked, and rules that failed to evaluate (the rest still ran).
#[derive(Debug, Default)]
pub struct Recommendations {
    pub actions: Vec<Action>,
    pub failures: Vec<RuleError>,
}

/// Evaluate every enabled rule on the latest wave. A rule that fires for the whole
/// sample is reported once for it; the same rule and driver in a segment is then
/// left out, because the company-wide action already covers that segment.
pub fn recommend(
    model: &Model,
    graph: &DriverGraph,
    analysis: &Analysis,
    rules: &RuleSet,
    engine: &RuleEngine,
) -> Recommendations {
    let mut out = Recommendations::default();
    let primary = analysis.primary_outcome;
    // (rule index, driver) pairs that fired for the whole sample.
    let mut fired_for_all: BTreeSet<(usize, usize)> = BTreeSet::new();
    let wave = facts::wave_facts(analysis);
    for slice in analysis.latest() {
        let facts = facts::slice_facts(model, analysis, slice);
        let Some(outcome) = facts::outcome_facts(model, slice, primary) else {
            continue;
        };
        let segment = facts::segment_facts(slice);
        for (r, rule) in rules.rules.iter().enumerate().filter(|(_, r)| !r.disabled) {
            if !rule.applies_to_segment(&slice.key.column, &slice.key.value) {
                continue;
            }
            for (driver, node) in model.nodes.iter().enumerate() {
                let Some(driver_facts) = facts.get(&node.id) else {
                    continue;
                };
                if !rule.applies_to(&node.id, &node.tags) {
                    continue;
                }
                if !slice.key.is_all() && fired_for_all.contains(&(r, driver)) {
                    continue;
                }
                let uplift = facts::uplift(model, slice, &facts, &outcome, driver, rule.delta);
                let context = Context {
                    driver: driver_facts,
                    segment: &segment,
                    outcome: &outcome,
                    wave: &wave,
                    drivers: &facts,
                    uplift,
                };
                match rule.evaluate(engine, &context) {
                    Ok(evaluation) if evaluation.fired => {
                        if slice.key.is_all() {
                            fired_for_all.insert((r, driver));
                        }
                        out.actions.push(Action {
                            rank: 0,
                            rule: rule.id.clone(),
                            title: rule.title.clone(),
                            action: rule.action.clone(),
                            driver,
                            segment: slice.key.clone(),
                            share: slice.share,
                            uplift,
                            cost: rule.cost,
                            priority: evaluation.priority,
                            delta: rule.delta,
                            duration: rule.duration,
                            evidence: Evidence {
                                score: driver_facts.score,
                                target: driver_facts.target,
                                gap: driver_facts.gap,
                                importance: driver_facts.importance,
                                effect: driver_facts.effect,
                                quadrant: slice.quadrant[driver].map(|q| q.as_str().to_string()),
                                when: rule.when_source().to_string(),
                                path: strongest_path(graph, &slice.effects.direct, driver, primary)
                                    .unwrap_or_default(),
                            },
                        });
                    }
                    Ok(_) => {}
                    Err(error) => {
                        if !out
                            .failures
                            .iter()
                            .any(|f| f.to_string() == error.to_string())
                        {
                            out.failures.push(error);
                        }
                    }
                }
            }
        }
    }
    rank(model, &mut out.actions);
    out
}
