//! The plan as JSON (`sattrace.plan/1`): stable ids and rounded numbers, no labels.

use serde::Serialize;

use super::{index_to_score_change, PlanReport};
use crate::plan::{contributions, move_population, projected, start_by, Status};
use crate::report::round;

#[derive(Serialize)]
pub(super) struct Json {
    schema: &'static str,
    today: String,
    status: &'static str,
    shortfalls: Vec<String>,
    budget: Option<f64>,
    candidates: usize,
    targets: Vec<TargetJson>,
    plans: Vec<PlanJson>,
    /// How the reach probabilities were made (absent with `--bootstrap 0` or
    /// `--moments`).
    #[serde(skip_serializing_if = "Option::is_none")]
    probability: Option<ProbabilityJson>,
}

#[derive(Serialize)]
struct ProbabilityJson {
    method: &'static str,
    replicates: usize,
    seed: u64,
    failed: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    min_probability: Option<f64>,
    /// Whether the best plan reaches every target with at least `min_probability`.
    #[serde(skip_serializing_if = "Option::is_none")]
    min_probability_met: Option<bool>,
}

#[derive(Serialize)]
struct TargetJson {
    outcome: String,
    current: f64,
    target: f64,
    due: String,
    reachable: f64,
}

#[derive(Serialize)]
struct PlanJson {
    cost: f64,
    /// The lowest of `projected[].probability`.
    #[serde(skip_serializing_if = "Option::is_none")]
    probability_all: Option<f64>,
    actions: Vec<ActionJson>,
    projected: Vec<ProjectedJson>,
}

#[derive(Serialize)]
struct ActionJson {
    rule: String,
    driver: String,
    segment: String,
    /// The shift of the driver, in its score unit (what `whatif` moves it by).
    delta: f64,
    /// The action's slice as a `whatif` filter (empty = the whole sample, or a
    /// union of slices given in `any_of`).
    r#where: std::collections::BTreeMap<String, String>,
    /// The slices whose union the action is for, when there are several (a `whatif`
    /// move's `any_of`: each respondent once).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    any_of: Vec<String>,
    cost: f64,
    duration_days: i64,
    start_by: String,
    contribution: Vec<f64>,
}

#[derive(Serialize)]
struct ProjectedJson {
    outcome: String,
    projected: f64,
    slack: f64,
    /// Bootstrap probability that the plan reaches this target by its due date.
    #[serde(skip_serializing_if = "Option::is_none")]
    probability: Option<f64>,
}

pub(super) fn json(report: &PlanReport) -> Json {
    let (model, result) = (report.model, report.result);
    let r4 = |v: f64| round(v, 4);
    let (status, shortfalls) = match &result.status {
        Status::Reached => ("reached", Vec::new()),
        Status::OverBudget { .. } => ("over_budget", Vec::new()),
        Status::Unreachable { shortfalls } => (
            "unreachable",
            shortfalls.iter().map(ToString::to_string).collect(),
        ),
    };
    Json {
        schema: "sattrace.plan/1",
        today: report.today.to_string(),
        status,
        shortfalls,
        budget: result.problem.budget,
        candidates: result.candidates.len(),
        targets: result
            .targets
            .iter()
            .zip(&result.reachable)
            .map(|(tg, &gain)| TargetJson {
                outcome: model.nodes[tg.node].id.clone(),
                current: r4(tg.current),
                target: tg.value,
                due: tg.due.to_string(),
                reachable: r4(projected(model, tg, gain)),
            })
            .collect(),
        plans: result
            .plans
            .iter()
            .enumerate()
            .map(|(k, plan)| {
                let parts = contributions(&result.problem, plan);
                PlanJson {
                    cost: r4(plan.cost),
                    probability_all: result.probabilities.as_ref().map(|p| r4(p.min_of(k))),
                    actions: plan
                        .chosen
                        .iter()
                        .zip(&parts)
                        .map(|(&i, part)| {
                            let c = &result.candidates[i];
                            ActionJson {
                                rule: c.action.rule.clone(),
                                driver: model.nodes[c.action.driver].id.clone(),
                                segment: c.action.segment.name(),
                                delta: model.nodes[c.action.driver].direction.sign()
                                    * c.action.delta.abs(),
                                r#where: move_population(&c.action).0.into_iter().collect(),
                                any_of: move_population(&c.action)
                                    .1
                                    .iter()
                                    .map(|k| k.name())
                                    .collect(),
                                cost: c.action.cost,
                                duration_days: c.duration_days,
                                start_by: start_by(result, i).to_string(),
                                contribution: result
                                    .targets
                                    .iter()
                                    .zip(part)
                                    .map(|(tg, &p)| {
                                        let sign = model.nodes[tg.node].direction.sign();
                                        r4(sign * index_to_score_change(model, tg.node, p))
                                    })
                                    .collect(),
                            }
                        })
                        .collect(),
                    projected: result
                        .targets
                        .iter()
                        .zip(&plan.gain)
                        .enumerate()
                        .map(|(t, (tg, &gain))| {
                            let after = projected(model, tg, gain);
                            let sign = model.nodes[tg.node].direction.sign();
                            ProjectedJson {
                                outcome: model.nodes[tg.node].id.clone(),
                                projected: r4(after),
                                slack: r4(sign * (after - tg.value)),
                                probability: result
                                    .probabilities
                                    .as_ref()
                                    .and_then(|p| p.plans.get(k)?.get(t).copied())
                                    .map(r4),
                            }
                        })
                        .collect(),
                }
            })
            .collect(),
        probability: result.probabilities.as_ref().map(|p| ProbabilityJson {
            method: if p.parametric {
                "parametric-bootstrap"
            } else {
                "bootstrap"
            },
            replicates: p.replicates,
            seed: p.seed,
            failed: p.failed,
            min_probability: result.min_probability,
            min_probability_met: result
                .min_probability
                .map(|min| !result.plans.is_empty() && p.min_of(0) >= min),
        }),
    }
}
