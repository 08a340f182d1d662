//! Planning: the cheapest set of fired actions that reaches every SMART target by
//! its due date, found exactly (branch and bound) for up to 60 candidate actions.
//! See docs/whatif.md for the model behind the projected gains.

mod build;
mod date;
mod exact;
mod probability;
mod smart;
mod solve;

pub use build::{
    problem, score_range, targets, CandidateAction, PlanRequest, Target, MAX_CANDIDATES,
};
pub use date::Date;
pub use exact::{
    exact_gain, move_population, scenario_of, solve_exact, whatif_evaluator, Evaluate, MAX_REPAIRS,
};
pub use probability::{reach_probabilities, reach_probabilities_in, ReachProbabilities};
pub use smart::{Said, SmartError, SmartIssue, SmartKind};
pub use solve::{
    better, brute_force, solve, solve_observed, Candidate, Plan, Problem, Solution, EPS,
    PROGRESS_EVERY,
};

use crate::actions::Action;
use crate::analysis::{Analysis, SliceKey};
use crate::graph::DriverGraph;
use crate::model::{Metric, Model};

/// How many plans are shown: the best and its runners-up.
pub const PLANS_SHOWN: usize = 4;

/// Whether the targets can be reached.
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    /// `plans` reach every target within the budget.
    Reached,
    /// Every plan reaching the targets costs more than the budget; `plans` are the
    /// cheapest ones regardless.
    OverBudget { budget: f64 },
    /// Even all candidates together fall short; `plans` are the cheapest ones that
    /// reach the best reachable outcome.
    Unreachable { shortfalls: Vec<SmartIssue> },
}

/// A finished plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanResult {
    pub targets: Vec<Target>,
    pub candidates: Vec<CandidateAction>,
    /// `(driver, segment)` of each group in the problem.
    pub groups: Vec<(usize, SliceKey)>,
    pub problem: Problem,
    pub status: Status,
    /// Best first; the first is the plan, the others its runners-up.
    pub plans: Vec<Plan>,
    /// Index points gained per target by every candidate together.
    pub reachable: Vec<f64>,
    /// Fired actions beyond [`MAX_CANDIDATES`] that were left out.
    pub left_out: usize,
    /// The bootstrap probability of each kept plan reaching each target, when
    /// computed ([`reach_probabilities`]; `plan --bootstrap`).
    pub probabilities: Option<ReachProbabilities>,
    /// `--min-probability`: the probability each target was planned to be reached
    /// with (the search then asks for a margin; see docs/whatif.md).
    pub min_probability: Option<f64>,
}

/// Plan for `request` from the fired `actions` of `analysis`.
pub fn plan(
    model: &Model,
    graph: &DriverGraph,
    analysis: &Analysis,
    actions: &[Action],
    request: &PlanRequest,
) -> Result<PlanResult, SmartError> {
    plan_observed(model, graph, analysis, actions, request, &|_| {})
}

/// [`plan`], calling `progress(search nodes visited)` now and then during the
/// search (see [`solve_observed`]) so a caller can show that it is alive.
pub fn plan_observed(
    model: &Model,
    graph: &DriverGraph,
    analysis: &Analysis,
    actions: &[Action],
    request: &PlanRequest,
    progress: &dyn Fn(u64),
) -> Result<PlanResult, SmartError> {
    plan_evaluated(model, graph, analysis, actions, request, None, progress)
}

fn evaluation_failed(message: String) -> SmartError {
    SmartError {
        issues: vec![SmartIssue {
            kind: SmartKind::Achievable,
            target: String::new(),
            message: Said::new(
                format!("the what-if evaluation of a plan failed: {message}"),
                format!("方案的 what-if 评估失败：{message}"),
            ),
            help: Said::default(),
        }],
    }
}

/// [`plan_observed`] with every kept plan (and the reach of all candidates)
/// evaluated by `evaluate` (the what-if engine), when given: projections, the
/// "reaches" verdict and the ranking then come from that evaluation (see
/// [`solve_exact`] and docs/whatif.md). Without it, gains are the search's linear ones.
pub fn plan_evaluated(
    model: &Model,
    graph: &DriverGraph,
    analysis: &Analysis,
    actions: &[Action],
    request: &PlanRequest,
    evaluate: Option<&Evaluate<'_>>,
    progress: &dyn Fn(u64),
) -> Result<PlanResult, SmartError> {
    let whole = analysis
        .latest()
        .find(|s| s.key.is_all())
        .ok_or_else(|| SmartError {
            issues: vec![SmartIssue {
                kind: SmartKind::Measurable,
                target: String::new(),
                message: Said::new(
                    "the analysis has no whole-sample result for the latest wave",
                    "分析结果中没有最新一期的全样本结果",
                ),
                help: Said::default(),
            }],
        })?;
    let targets = targets(model, graph, whole, request).map_err(|issues| SmartError { issues })?;
    let (mut problem, candidates, groups) = problem(model, analysis, actions, &targets, request);
    let all: Vec<usize> = (0..problem.candidates.len()).collect();
    let reachable = match evaluate {
        Some(evaluate) => exact_gain(model, &candidates, &problem, &targets, &all, evaluate)
            .map_err(evaluation_failed)?,
        None => problem.gain(&all),
    };
    // The search: linear, or linear with every kept plan evaluated exactly.
    let search = |problem: &Problem| -> Result<Vec<Plan>, SmartError> {
        match evaluate {
            None => Ok(solve_observed(problem, PLANS_SHOWN, progress).plans),
            Some(evaluate) => Ok(solve_exact(
                model,
                &candidates,
                problem,
                &targets,
                PLANS_SHOWN,
                evaluate,
                progress,
            )
            .map_err(evaluation_failed)?
            .unwrap_or_default()),
        }
    };
    let mut shortfalls = Vec::new();
    for (t, target) in targets.iter().enumerate() {
        if reachable[t] + EPS < target.need {
            let node = &model.nodes[target.node];
            if let Some(issue) = nothing_in_time(model, &problem, &candidates, target, t, request) {
                shortfalls.push(issue);
                continue;
            }
            let best = projected(model, target, reachable[t]);
            let short = (target.value - best).abs();
            let n = problem.candidates.len();
            let reach = format_score(node.metric, best);
            let gap = format_score_change(node.metric, short);
            let gap_zh = match node.metric {
                Metric::Mean => format!("{short:.2}"),
                Metric::Nps => format!("{short:.1} 分"),
                _ => format!("{short:.1} 个百分点"),
            };
            shortfalls.push(SmartIssue {
                kind: SmartKind::Achievable,
                target: format!("{}={}", node.id, target.value),
                message: Said::new(
                    format!(
                        "all {n} candidate actions done by {} together reach {reach} — {gap} short",
                        target.due,
                    ),
                    format!(
                        "在 {} 前完成的全部 {n} 个候选行动加在一起只能达到 {reach}，还差 {gap_zh}",
                        target.due,
                    ),
                ),
                help: Said::new(
                    "lower the target, move the due date, or add rules whose actions move this outcome's drivers",
                    "降低目标、推迟截止日期，或添加能影响该结果驱动因素的规则",
                ),
            });
        }
    }
    let (status, plans) = if shortfalls.is_empty() {
        let plans = search(&problem)?;
        match (plans.is_empty(), problem.budget) {
            (true, Some(budget)) => {
                problem.budget = None;
                let plans = search(&problem)?;
                problem.budget = Some(budget);
                (Status::OverBudget { budget }, plans)
            }
            _ => (Status::Reached, plans),
        }
    } else {
        // The best reachable outcome: what all candidates give, capped at the target.
        let mut reduced = problem.clone();
        reduced.budget = None;
        for (need, gain) in reduced.need.iter_mut().zip(&reachable) {
            *need = need.min(*gain - 1e-7 * gain.abs().max(1.0)).max(0.0);
        }
        let mut plans = solve_observed(&reduced, PLANS_SHOWN, progress).plans;
        if let Some(evaluate) = evaluate {
            for plan in &mut plans {
                plan.gain = exact_gain(
                    model,
                    &candidates,
                    &problem,
                    &targets,
                    &plan.chosen,
                    evaluate,
                )
                .map_err(evaluation_failed)?;
            }
        }
        (Status::Unreachable { shortfalls }, plans)
    };
    Ok(PlanResult {
        targets,
        candidates,
        groups,
        problem,
        status,
        plans,
        reachable,
        left_out: actions.len().saturating_sub(MAX_CANDIDATES),
        probabilities: None,
        min_probability: None,
    })
}

/// Why a target gets nothing at all, when that is so: no rule fired for a driver of
/// it (only fired rules are candidates), or no candidate can be done by its due date
/// (then the date the quickest one could be done), rather than "0.04 short".
fn nothing_in_time(
    model: &Model,
    problem: &Problem,
    candidates: &[CandidateAction],
    target: &Target,
    t: usize,
    request: &PlanRequest,
) -> Option<SmartIssue> {
    let node = &model.nodes[target.node];
    let written = format!("{}={}", node.id, target.value);
    let helping: Vec<usize> = (0..problem.candidates.len())
        .filter(|&i| {
            problem.candidates[i]
                .groups()
                .any(|g| problem.effects[g][t] > 0.0)
        })
        .collect();
    if helping.is_empty() {
        return Some(SmartIssue {
            kind: SmartKind::Achievable,
            target: written,
            message: Said::new(
                format!(
                    "no fired rule acts on a driver of `{}`: only actions of rules that fired are candidates",
                    node.id
                ),
                format!(
                    "没有已触发的规则作用于 `{}` 的驱动因素：只有已触发规则的行动才是候选",
                    node.id
                ),
            ),
            help: Said::new(
                "add rules whose actions move this outcome's drivers; `sattrace analyze` lists the rules that did not fire and why",
                "添加能影响该结果驱动因素的规则；`sattrace analyze` 会列出未触发的规则及原因",
            ),
        });
    }
    if helping.iter().any(|&i| problem.candidates[i].in_time[t]) {
        return None;
    }
    let quickest = helping
        .iter()
        .map(|&i| candidates[i].duration_days)
        .min()
        .unwrap_or(0);
    let done = request.today.add_days(quickest);
    Some(SmartIssue {
        kind: SmartKind::TimeBound,
        target: written,
        message: Said::new(
            format!(
                "none of the {} candidate actions that move it can be done by {}: the quickest takes {quickest} days (done {done})",
                helping.len(),
                target.due
            ),
            format!(
                "能影响它的 {} 个候选行动都无法在 {} 前完成：最快的需要 {quickest} 天（{done} 完成）",
                helping.len(),
                target.due
            ),
        ),
        help: Said::new(
            format!("move the due date to {done} or later, or plan actions with a shorter `duration:`"),
            format!("把截止日期推迟到 {done} 或之后，或规划 `duration:` 更短的行动"),
        ),
    })
}

/// The outcome's score after gaining `gain` index points in its good direction.
pub fn projected(model: &Model, target: &Target, gain: f64) -> f64 {
    let node = &model.nodes[target.node];
    let now = crate::whatif::score_to_index(node, target.current);
    let (low, high) = node.index_range();
    node.score_from_index((now + node.direction.sign() * gain).clamp(low, high))
}

/// Each chosen candidate's part of each target's gain: a group's capped gain is
/// shared among its actions in proportion to their deltas (an action in several
/// groups has a part of each), and the parts are
/// scaled so they add up to the plan's gain (the exact one when it was evaluated).
pub fn contributions(problem: &Problem, plan: &Plan) -> Vec<Vec<f64>> {
    let mut parts = linear_contributions(problem, plan);
    for (t, &gain) in plan.gain.iter().enumerate() {
        let sum: f64 = parts.iter().map(|p| p[t]).sum();
        if sum != 0.0 {
            parts.iter_mut().for_each(|p| p[t] *= gain / sum);
        }
    }
    parts
}

fn linear_contributions(problem: &Problem, plan: &Plan) -> Vec<Vec<f64>> {
    plan.chosen
        .iter()
        .map(|&i| {
            let c = &problem.candidates[i];
            (0..problem.need.len())
                .map(|t| {
                    if !c.in_time[t] {
                        return 0.0;
                    }
                    c.groups()
                        .map(|g| {
                            let sum: f64 = plan
                                .chosen
                                .iter()
                                .map(|&j| &problem.candidates[j])
                                .filter(|o| o.groups().any(|h| h == g) && o.in_time[t])
                                .map(|o| o.delta)
                                .sum();
                            let capped = sum.min(problem.caps[g]);
                            if sum > 0.0 {
                                problem.effects[g][t] * capped * c.delta / sum
                            } else {
                                0.0
                            }
                        })
                        .sum::<f64>()
                })
                .collect()
        })
        .collect()
}

/// The latest day an action can start and still count: the earliest due date of
/// the targets it helps, minus its duration.
pub fn start_by(result: &PlanResult, candidate: usize) -> Date {
    let c = &result.problem.candidates[candidate];
    let due = result
        .targets
        .iter()
        .enumerate()
        .filter(|&(t, _)| c.in_time[t] && c.groups().any(|g| result.problem.effects[g][t] > 0.0))
        .map(|(_, target)| target.due)
        .min()
        .or_else(|| result.targets.iter().map(|t| t.due).min())
        .unwrap_or(Date::from_days(0));
    due.add_days(-result.candidates[candidate].duration_days)
}

/// A score in its unit: two decimals on an item scale, one for NPS and %.
pub fn format_score(metric: Metric, value: f64) -> String {
    match metric {
        Metric::Mean => format!("{value:.2}"),
        Metric::Nps => format!("{value:+.1}"),
        _ => format!("{value:.1}%"),
    }
}

/// A change of a score in its unit.
pub fn format_score_change(metric: Metric, value: f64) -> String {
    match metric {
        Metric::Mean => format!("{value:.2}"),
        Metric::Nps => format!("{value:.1} points"),
        _ => format!("{value:.1} percentage points"),
    }
}
