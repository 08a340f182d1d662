//! The exact evaluation of plans: each kept plan is run through the what-if engine
//! (its actions as moves, each on its own slice), and the projection, the verdict
//! "reaches the target" and the ranking come from that run. The branch and bound
//! searches with its fast linear gains; when a plan it finds falls short in the
//! exact evaluation, the need of each short target is raised by the shortfall and
//! the search repeated (at most [`MAX_REPAIRS`] times). See docs/whatif.md.

use super::build::{CandidateAction, Target};
use super::solve::{better, solve_observed, Plan, Problem, EPS};
use crate::actions::Action;
use crate::analysis::SliceKey;
use crate::model::Model;
use crate::whatif::{score_to_index, Move, MoveKind, Scenario};

/// How often a search is repeated with raised needs before giving up.
pub const MAX_REPAIRS: usize = 8;

/// Runs a scenario: the whole sample's index value of every node of the latest wave
/// afterwards (`None` where a node has no score), or why it could not run.
pub type Evaluate<'a> = dyn Fn(&Scenario) -> Result<Vec<Option<f64>>, String> + 'a;

/// The scenario of `chosen` (candidate indices) for target `t` (`None`: every
/// chosen action): each action shifts its driver by its delta, in the driver's good
/// direction, for the respondents of the union of its slices (each once); actions
/// on one driver and population are one move with their deltas added.
pub fn scenario_of(
    model: &Model,
    candidates: &[CandidateAction],
    problem: &Problem,
    chosen: &[usize],
    t: Option<usize>,
) -> Scenario {
    let mut moves: Vec<Move> = Vec::new();
    for &i in chosen {
        if let Some(t) = t {
            if !problem.candidates[i].in_time[t] {
                continue;
            }
        }
        let action = &candidates[i].action;
        let driver = &model.nodes[action.driver];
        let delta = driver.direction.sign() * action.delta.abs();
        let (filter, any_of) = move_population(action);
        match moves
            .iter_mut()
            .find(|m| m.node == action.driver && m.filter == filter && m.any_of == any_of)
        {
            Some(Move {
                kind: MoveKind::Shift(d),
                ..
            }) => *d += delta,
            _ => moves.push(Move {
                node: action.driver,
                kind: MoveKind::Shift(delta),
                filter,
                any_of,
            }),
        }
    }
    moves.sort_by(|a, b| {
        a.node
            .cmp(&b.node)
            .then_with(|| a.filter.cmp(&b.filter))
            .then_with(|| a.any_of.cmp(&b.any_of))
    });
    Scenario {
        name: "plan".into(),
        moves,
        filter: Vec::new(),
    }
}

/// Who an action's move is for, as a move's `(filter, any_of)`: everyone, its one
/// plain slice as a filter, or else the union of its slices (each respondent once).
pub fn move_population(action: &Action) -> (Vec<(String, String)>, Vec<SliceKey>) {
    let mut keys = if action.segments.is_empty() {
        vec![action.segment.clone()]
    } else {
        action.segments.clone()
    };
    keys.sort();
    keys.dedup();
    match keys.as_slice() {
        _ if keys.iter().any(SliceKey::is_all) => (Vec::new(), Vec::new()),
        [key] if !key.is_crossed() => (vec![(key.column.clone(), key.value.clone())], Vec::new()),
        _ => (Vec::new(), keys),
    }
}

/// Index points gained per target (in its good direction) by `chosen`, evaluated
/// exactly; one what-if run per distinct set of in-time actions.
pub fn exact_gain(
    model: &Model,
    candidates: &[CandidateAction],
    problem: &Problem,
    targets: &[Target],
    chosen: &[usize],
    evaluate: &Evaluate<'_>,
) -> Result<Vec<f64>, String> {
    let mut runs: Vec<(Scenario, Vec<Option<f64>>)> = Vec::new();
    let mut gains = Vec::with_capacity(targets.len());
    for (t, target) in targets.iter().enumerate() {
        let scenario = scenario_of(model, candidates, problem, chosen, Some(t));
        let after = match runs.iter().find(|(s, _)| *s == scenario) {
            Some((_, after)) => after.clone(),
            None => {
                let after = if scenario.moves.is_empty() {
                    Vec::new()
                } else {
                    evaluate(&scenario)?
                };
                runs.push((scenario, after.clone()));
                after
            }
        };
        let node = &model.nodes[target.node];
        let now = score_to_index(node, target.current);
        let gain = match after.get(target.node).copied().flatten() {
            Some(index) => node.direction.sign() * (index - now),
            None => 0.0,
        };
        gains.push(gain);
    }
    Ok(gains)
}

/// The `keep` best plans that reach every target in the exact evaluation, their
/// `gain` replaced by the exact gains; the search is repeated with raised needs
/// while the best plan found falls short. `Ok(None)` when no plan reaches within
/// [`MAX_REPAIRS`] repeats.
pub fn solve_exact(
    model: &Model,
    candidates: &[CandidateAction],
    problem: &Problem,
    targets: &[Target],
    keep: usize,
    evaluate: &Evaluate<'_>,
    progress: &dyn Fn(u64),
) -> Result<Option<Vec<Plan>>, String> {
    let mut search = problem.clone();
    let mut kept: Vec<Plan> = Vec::new();
    // Plans found again after a repair are not evaluated twice.
    let mut seen: Vec<(Vec<usize>, Vec<f64>)> = Vec::new();
    for _ in 0..=MAX_REPAIRS {
        let found = solve_observed(&search, keep, progress).plans;
        if found.is_empty() {
            break;
        }
        let mut shortfall = vec![0.0f64; problem.need.len()];
        for plan in &found {
            let gain = match seen.iter().find(|(c, _)| *c == plan.chosen) {
                Some((_, gain)) => gain.clone(),
                None => {
                    let gain =
                        exact_gain(model, candidates, problem, targets, &plan.chosen, evaluate)?;
                    seen.push((plan.chosen.clone(), gain.clone()));
                    gain
                }
            };
            let mut reaches = true;
            for (t, (g, need)) in gain.iter().zip(&problem.need).enumerate() {
                if *g < need - EPS {
                    reaches = false;
                    shortfall[t] = shortfall[t].max(need - g);
                }
            }
            if reaches && !kept.iter().any(|k| k.chosen == plan.chosen) {
                kept.push(Plan {
                    chosen: plan.chosen.clone(),
                    cost: plan.cost,
                    gain,
                });
            }
        }
        let best_reaches = kept.iter().any(|k| k.chosen == found[0].chosen);
        if best_reaches || shortfall.iter().all(|&s| s <= 0.0) {
            break;
        }
        // The linear search promised too much: ask it for the shortfall more.
        for (need, short) in search.need.iter_mut().zip(&shortfall) {
            *need += short;
        }
    }
    if kept.is_empty() {
        return Ok(None);
    }
    kept.sort_by(|a, b| {
        if better(a, b) {
            std::cmp::Ordering::Less
        } else if better(b, a) {
            std::cmp::Ordering::Greater
        } else {
            std::cmp::Ordering::Equal
        }
    });
    kept.truncate(keep);
    Ok(Some(kept))
}

/// The what-if engine as an [`Evaluate`]: respondent-level when `survey` kept its
/// rows, on cell means otherwise; the whole sample's index values of the latest
/// wave after the scenario.
pub fn whatif_evaluator<'a>(
    model: &'a Model,
    graph: &'a crate::graph::DriverGraph,
    survey: &'a crate::data::Survey,
    analysis: &'a crate::analysis::Analysis,
    level: f64,
) -> impl Fn(&Scenario) -> Result<Vec<Option<f64>>, String> + 'a {
    move |scenario: &Scenario| {
        crate::whatif::what_if_whole(model, graph, survey, analysis, scenario, level)
            .map_err(|e| e.to_string())
    }
}
