//! From an analysis and its fired actions to a planning problem: targets (checked
//! against SMART), candidates with their deltas, caps and timing, and effects per
//! driver and segment on each target's outcome.

use super::smart::{Said, SmartIssue, SmartKind};
use super::solve::{Candidate, Problem};
use super::Date;
use std::collections::{BTreeMap, BTreeSet};

use crate::actions::{attribute, Action};
use crate::analysis::{Analysis, SliceKey, SliceResult};
use crate::diag::suggest;
use crate::graph::DriverGraph;
use crate::model::{Metric, Model, Node};
use crate::whatif::{delta_to_index, score_to_index};

/// What to plan for.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanRequest {
    /// `(outcome id, target score)` from `--target`; empty = the model's outcome targets.
    pub targets: Vec<(String, f64)>,
    /// Due date for every target (else each outcome's `due:` in the model).
    pub due: Option<Date>,
    pub today: Date,
    pub budget: Option<f64>,
    /// Outcomes whose `--target` was written with `%` (`churn=0.5%`): a value under 1
    /// on a percentage is then meant, not a fraction written by mistake.
    pub percent: Vec<String>,
}

/// A checked target.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub node: usize,
    /// In the outcome's score unit.
    pub value: f64,
    pub due: Date,
    /// The outcome's score now (whole sample, latest wave).
    pub current: f64,
    /// Index points still needed in the good direction (0 when already met).
    pub need: f64,
}

/// The most candidates the exact search takes.
pub const MAX_CANDIDATES: usize = 60;

/// Resolve and check the targets; every failing check is returned.
pub fn targets(
    model: &Model,
    graph: &DriverGraph,
    whole: &SliceResult,
    request: &PlanRequest,
) -> Result<Vec<Target>, Vec<SmartIssue>> {
    let requested: Vec<(String, Option<f64>)> = if request.targets.is_empty() {
        model
            .nodes
            .iter()
            .filter(|n| n.outcome && n.target.is_some())
            .map(|n| (n.id.clone(), n.target))
            .collect()
    } else {
        request
            .targets
            .iter()
            .map(|(id, v)| (id.clone(), Some(*v)))
            .collect()
    };
    let mut issues = Vec::new();
    let mut out = Vec::new();
    if requested.is_empty() {
        issues.push(SmartIssue {
            kind: SmartKind::Specific,
            target: String::new(),
            message: Said::new("no target to plan for", "没有可规划的目标"),
            help: Said::new(
                "pass --target outcome=value, or give outcomes a `target:` in model.yaml",
                "用 --target 结果=数值 指定，或在 model.yaml 中为结果写 `target:`",
            ),
        });
    }
    for (id, value) in requested {
        let Some(value) = value else { continue };
        let written = format!("{id}={value}");
        let issue = |kind, message: Said, help: Said| SmartIssue {
            kind,
            target: written.clone(),
            message,
            help,
        };
        let outcomes = model
            .nodes
            .iter()
            .filter(|n| n.outcome)
            .map(|n| n.id.as_str());
        let Some(node) = model.node_index(&id).filter(|&i| model.nodes[i].outcome) else {
            let known = model.node_index(&id).is_some();
            let names: Vec<&str> = outcomes.collect();
            let help = match suggest(&id, names.iter().copied()) {
                None => Said::new(
                    format!("outcomes: {}", names.join(", ")),
                    format!("结果：{}", names.join("、")),
                ),
                Some(near) => Said::new(
                    format!("did you mean `{near}`?"),
                    format!("是不是 `{near}`？"),
                ),
            };
            let message = if known {
                Said::new(
                    format!("`{id}` is a driver, not an outcome"),
                    format!("`{id}` 是驱动因素，不是结果"),
                )
            } else {
                Said::new(
                    format!("unknown outcome `{id}`"),
                    format!("未知的结果 `{id}`"),
                )
            };
            issues.push(issue(SmartKind::Specific, message, help));
            continue;
        };
        let n = &model.nodes[node];
        let (low, high) = score_range(n);
        let percentage = matches!(n.metric, Metric::Rate | Metric::Top2box);
        if percentage && value > 0.0 && value < 1.0 && !request.percent.contains(&id) {
            // `--target repurchase=0.55` is 0.55 %, almost surely meant as 55 %.
            let whole = value * 100.0;
            issues.push(issue(
                SmartKind::Measurable,
                Said::new(
                    format!("`{id}` is a percentage: {value} would mean {value} %, not {whole} %"),
                    format!("`{id}` 是百分比：{value} 表示 {value}%，而不是 {whole}%"),
                ),
                Said::new(
                    format!("for {whole} % write `{id}={whole}`; if you do mean {value} %, write `{id}={value}%`"),
                    format!("{whole}% 请写 `{id}={whole}`；如果确实是 {value}%，请写 `{id}={value}%`"),
                ),
            ));
            continue;
        }
        if !(low..=high).contains(&value) {
            let help = if n.metric == Metric::Mean && (0.0..=100.0).contains(&value) {
                let on_scale = n.scale.from_index(value);
                Said::new(
                    format!(
                        "`{id}` is scored on its {low}–{high} scale; {value} on the 0–100 index is {on_scale:.2}"
                    ),
                    format!(
                        "`{id}` 的得分在 {low}–{high} 量表上；0–100 指数上的 {value} 相当于 {on_scale:.2}"
                    ),
                )
            } else {
                Said::new(
                    format!("write the target in the outcome's unit ({low} to {high})"),
                    format!("请用结果自身的单位写目标（{low} 到 {high}）"),
                )
            };
            issues.push(issue(
                SmartKind::Measurable,
                Said::new(
                    format!("{value} is outside the range of `{id}` ({low} to {high})"),
                    format!("{value} 超出 `{id}` 的范围（{low} 到 {high}）"),
                ),
                help,
            ));
        }
        let relevant = (0..model.nodes.len()).any(|d| {
            d != node
                && graph.is_driver(d)
                && graph.reaches(d, node)
                && whole.effect(d, node) != 0.0
        });
        if !relevant {
            issues.push(issue(
                SmartKind::Relevant,
                Said::new(
                    format!("no driver reaches `{id}`"),
                    format!("没有驱动因素能影响 `{id}`"),
                ),
                Said::new(
                    "give the outcome `inputs:` in model.yaml so actions on drivers can move it",
                    "在 model.yaml 中为该结果写 `inputs:`，驱动因素上的行动才能影响它",
                ),
            ));
        }
        let due = request
            .due
            .or_else(|| n.due.as_deref().and_then(Date::parse));
        let Some(due) = due else {
            issues.push(issue(
                SmartKind::TimeBound,
                Said::new("no due date", "没有截止日期"),
                Said::new(
                    format!("pass --due YYYY-MM-DD, or add `due:` to `{id}` in model.yaml"),
                    format!("用 --due YYYY-MM-DD 指定，或在 model.yaml 中为 `{id}` 写 `due:`"),
                ),
            ));
            continue;
        };
        if due < request.today {
            issues.push(issue(
                SmartKind::TimeBound,
                Said::new(
                    format!(
                        "its due date {due} is in the past (today is {})",
                        request.today
                    ),
                    format!("截止日期 {due} 已过（今天是 {}）", request.today),
                ),
                Said::new(
                    "choose a due date from today on",
                    "请选择今天或之后的截止日期",
                ),
            ));
            continue;
        }
        let Some(score) = whole.scores[node].as_ref() else {
            issues.push(issue(
                SmartKind::Measurable,
                Said::new(
                    format!("`{id}` has no score in the latest wave"),
                    format!("`{id}` 在最新一期没有得分"),
                ),
                Said::default(),
            ));
            continue;
        };
        let need = (n.direction.sign() * (score_to_index(n, value) - score.index)).max(0.0);
        out.push(Target {
            node,
            value,
            due,
            current: score.score,
            need,
        });
    }
    if issues.is_empty() {
        Ok(out)
    } else {
        Err(issues)
    }
}

/// The range a target may take, in the score's unit.
pub fn score_range(node: &Node) -> (f64, f64) {
    match node.metric {
        Metric::Mean => (node.scale.min, node.scale.max),
        _ => node.index_range(),
    }
}

/// One candidate action with what the report needs about it.
#[derive(Debug, Clone, PartialEq)]
pub struct CandidateAction {
    pub action: Action,
    /// Driver index points it moves.
    pub delta_index: f64,
    pub duration_days: i64,
}

/// A candidate action, its slices, and `(cell, slice)` for each cell of its
/// population: the slice whose estimate applies there.
type Taken<'a> = (&'a Action, Vec<&'a SliceResult>, Vec<(usize, usize)>);

/// The planning problem for `targets` from the fired `actions` (in rank order; at
/// most [`MAX_CANDIDATES`] are taken).
///
/// A candidate's population is the union of its slices' cells. On each driver,
/// the cells covered by the same set of candidates form a group: its candidates'
/// deltas add up to one cap (the driver's room), and a candidate whose population
/// overlaps another's without equalling it is in several groups (see
/// [`Candidate::also`]). So two actions bought for overlapping slices move the
/// shared respondents by both their deltas (capped), and every respondent's gain
/// is counted once per action. A group's effect on a target is summed over its
/// cells, each at the effect of the slice that holds it for the group's first
/// candidate (see [`crate::actions::attribute`]).
pub fn problem(
    model: &Model,
    analysis: &Analysis,
    actions: &[Action],
    targets: &[Target],
    request: &PlanRequest,
) -> (Problem, Vec<CandidateAction>, Vec<(usize, SliceKey)>) {
    // Each candidate with its slices and, per cell of its population, the slice
    // whose estimate applies there.
    let mut taken: Vec<Taken> = Vec::new();
    for action in actions.iter().take(MAX_CANDIDATES) {
        let keys = action_slices(action);
        let slices: Vec<&SliceResult> = keys
            .iter()
            .filter_map(|k| analysis.latest().find(|s| s.key == *k))
            .collect();
        if slices.len() != keys.len() || slices.iter().any(|s| s.scores[action.driver].is_none()) {
            continue;
        }
        let weighted: Vec<(SliceKey, f64)> =
            slices.iter().map(|s| (s.key.clone(), s.share)).collect();
        let owners = attribute(analysis, &weighted);
        taken.push((action, slices, owners));
    }
    let mut groups: Vec<(usize, SliceKey)> = Vec::new();
    let mut caps = Vec::new();
    let mut effects: Vec<Vec<f64>> = Vec::new();
    let mut member: Vec<Vec<usize>> = vec![Vec::new(); taken.len()];
    let drivers: BTreeSet<usize> = taken.iter().map(|(a, _, _)| a.driver).collect();
    for d in drivers {
        let driver = &model.nodes[d];
        let on: Vec<usize> = (0..taken.len())
            .filter(|&k| taken[k].0.driver == d)
            .collect();
        // Cells by the set of candidates covering them (candidate order).
        let mut parts: BTreeMap<Vec<usize>, Vec<usize>> = BTreeMap::new();
        for cell in 0..analysis.cells.len() {
            let covering: Vec<usize> = on
                .iter()
                .copied()
                .filter(|&k| taken[k].2.iter().any(|&(c, _)| c == cell))
                .collect();
            if !covering.is_empty() {
                parts.entry(covering).or_default().push(cell);
            }
        }
        for (covering, cells) in parts {
            let (first, slices, owners) = &taken[covering[0]];
            let owner = |cell: usize| owners.iter().find(|&&(c, _)| c == cell).map(|&(_, s)| s);
            let (low, high) = driver.index_range();
            let room = covering
                .iter()
                .flat_map(|&k| {
                    let (_, slices, owners) = &taken[k];
                    owners
                        .iter()
                        .filter(|(c, _)| cells.contains(c))
                        .map(move |&(_, s)| slices[s])
                })
                .filter_map(|s| s.scores[d].as_ref())
                .map(|score| match driver.direction.sign() > 0.0 {
                    true => high - score.index,
                    false => score.index - low,
                })
                .fold(f64::INFINITY, f64::min);
            caps.push(room.max(0.0));
            effects.push(
                targets
                    .iter()
                    .map(|t| {
                        let outcome = &model.nodes[t.node];
                        let effect: f64 = cells
                            .iter()
                            .filter_map(|&c| owner(c).map(|s| (c, s)))
                            .map(|(c, s)| analysis.cells[c].share * slices[s].effect(d, t.node))
                            .sum();
                        effect * outcome.direction.sign() * driver.direction.sign()
                    })
                    .collect(),
            );
            groups.push((d, first.segment.clone()));
            for &k in &covering {
                member[k].push(groups.len() - 1);
            }
        }
    }
    let mut candidates = Vec::new();
    let mut infos = Vec::new();
    for ((action, _, _), member) in taken.iter().zip(member) {
        let Some((&group, also)) = member.split_first() else {
            continue;
        };
        let driver = &model.nodes[action.driver];
        let duration_days = action.duration.map_or(0, |d| d.max(0.0).ceil() as i64);
        let done = request.today.add_days(duration_days);
        let delta_index = delta_to_index(driver, action.delta).abs();
        candidates.push(Candidate {
            cost: action.cost.max(0.0),
            group,
            also: also.to_vec(),
            delta: delta_index,
            in_time: targets.iter().map(|t| done <= t.due).collect(),
        });
        infos.push(CandidateAction {
            action: (*action).clone(),
            delta_index,
            duration_days,
        });
    }
    let problem = Problem {
        candidates,
        caps,
        effects,
        need: targets.iter().map(|t| t.need).collect(),
        budget: request.budget,
    };
    (problem, infos, groups)
}

/// The slices an action is for (its primary slice when the list is empty).
fn action_slices(action: &Action) -> Vec<SliceKey> {
    if action.segments.is_empty() {
        vec![action.segment.clone()]
    } else {
        action.segments.clone()
    }
}
