//! Respondent-level application of a scenario: each respondent gets the moves whose
//! slice they are in, each move's change flows through **its slice's** direct
//! effects to every node downstream in topological order (changes of several moves
//! add up), and the cells' node moments are updated by the difference of each moved
//! value (so rows that do not move change nothing, exactly).

use crate::data::{NodeMoments, Respondents, Survey};
use crate::graph::{DriverGraph, EdgeEffects};
use crate::model::{Metric, Model};

use super::propensity::Propensities;
use super::{delta_to_index, MoveKind, Scenario};

/// Propensities are kept this far from 0 and 1 so their logit is finite.
const EDGE: f64 = 0.005;

fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// What the move is computed with.
#[derive(Debug, Clone, PartialEq)]
pub struct Basis {
    /// Whole-sample direct effects: where each respondent's propensity sits.
    pub direct: EdgeEffects,
    /// Means of every node over the complete cases of the whole sample (intercepts).
    pub means: Vec<f64>,
    /// The direct effects each move's change flows through (its slice's effects),
    /// parallel to `scenario.moves`.
    pub moves: Vec<EdgeEffects>,
}

/// The moved node moments of every cell (baseline moments where nothing moved),
/// and how many respondents were moved.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    pub cells: Vec<Vec<NodeMoments>>,
    pub moved_rows: u64,
}

/// A respondent's propensity on a latent node (NPS, rate or top-2-box with inputs):
/// the whole-sample fitted value `a + Σ b·x` as a share of the node's range.
pub(super) fn propensity(
    model: &Model,
    inputs: &[usize],
    basis: &Basis,
    node: usize,
    values: &[f32],
) -> Option<f64> {
    let n = &model.nodes[node];
    if n.metric == Metric::Mean || inputs.is_empty() {
        return None;
    }
    let (low, high) = n.index_range();
    let intercept = basis.means[node]
        - inputs
            .iter()
            .map(|&i| basis.direct[node][i] * basis.means[i])
            .sum::<f64>();
    let fitted = inputs.iter().try_fold(intercept, |acc, &i| {
        let x = f64::from(values[i]);
        (!x.is_nan()).then_some(acc + basis.direct[node][i] * x)
    });
    Some(((fitted.unwrap_or(basis.means[node]) - low) / (high - low)).clamp(EDGE, 1.0 - EDGE))
}

/// Apply `scenario` to the respondents; move `k` applies to the rows of the cells
/// `selected[k][c]` is true for.
pub fn apply(
    model: &Model,
    graph: &DriverGraph,
    survey: &Survey,
    respondents: &Respondents,
    basis: &Basis,
    scenario: &Scenario,
    selected: &[Vec<bool>],
) -> Applied {
    apply_with(
        model,
        graph,
        survey,
        respondents,
        basis,
        scenario,
        selected,
        None,
    )
}

/// [`apply`] with the rows' propensities already worked out under `basis` (the
/// bootstrap keeps them per replicate); `None`: worked out here.
#[allow(
    clippy::too_many_arguments,
    reason = "apply's inputs plus the kept propensities"
)]
pub(super) fn apply_with(
    model: &Model,
    graph: &DriverGraph,
    survey: &Survey,
    respondents: &Respondents,
    basis: &Basis,
    scenario: &Scenario,
    selected: &[Vec<bool>],
    cached: Option<&Propensities>,
) -> Applied {
    let count = model.nodes.len();
    let moves = &scenario.moves;
    let mut cells: Vec<Vec<NodeMoments>> = survey
        .cells
        .iter()
        .map(|c| c.moments.nodes.clone())
        .collect();
    let applies = |k: usize, cell: usize| {
        selected
            .get(k)
            .and_then(|s| s.get(cell))
            .copied()
            .unwrap_or(false)
    };
    // Only nodes at or below a moved node can change; walk just those.
    let active: Vec<usize> = graph
        .order()
        .iter()
        .copied()
        .filter(|&n| moves.iter().any(|m| graph.reaches(m.node, n)))
        .collect();
    // Looked up once: the inputs of each node, and which nodes each move reaches.
    let inputs: Vec<Vec<usize>> = (0..count).map(|n| graph.inputs(n)).collect();
    let reaches: Vec<Vec<bool>> = moves
        .iter()
        .map(|m| (0..count).map(|n| graph.reaches(m.node, n)).collect())
        .collect();
    let slopes = calibrate(
        model,
        &inputs,
        respondents,
        basis,
        &active,
        moves.len(),
        &applies,
        cached,
    );
    let rooms = room(model, &inputs, respondents, &active, moves.len(), &applies);

    let mut change = vec![vec![0.0f64; count]; moves.len()];
    let mut own = vec![0.0f64; moves.len()];
    let mut moved_rows = 0u64;
    // The moves of each cell, looked up once rather than per row.
    let on_cell: Vec<Vec<usize>> = (0..survey.cells.len())
        .map(|cell| (0..moves.len()).filter(|&k| applies(k, cell)).collect())
        .collect();
    for row in 0..respondents.len() {
        let cell = respondents.cells[row] as usize;
        let on = on_cell.get(cell).map_or(&[][..], Vec::as_slice);
        let values = respondents.row(row);
        if on.is_empty() || values.len() != count {
            continue;
        }
        moved_rows += 1;
        let w = f64::from(respondents.weights[row]);
        for &node in &active {
            let old = f64::from(values[node]);
            if old.is_nan() {
                on.iter().for_each(|&k| change[k][node] = 0.0);
                continue;
            }
            let (low, high) = model.nodes[node].index_range();
            // Each move's own part of this node's change before clamping.
            let direct_moves = on.iter().any(|&k| moves[k].node == node);
            for &k in on {
                own[k] = if direct_moves {
                    match (moves[k].node == node, moves[k].kind) {
                        (false, _) => 0.0,
                        // Shifts on one driver add up before the clamp below.
                        (true, MoveKind::Shift(delta)) => delta_to_index(&model.nodes[node], delta),
                        (true, MoveKind::Set(_)) => moves[k].apply(&model.nodes[node], old) - old,
                    }
                } else if reaches[k][node] {
                    inputs[node]
                        .iter()
                        .map(|&i| basis.moves[k][node][i] * change[k][i])
                        .sum()
                } else {
                    0.0
                };
            }
            let new = match slopes[node].as_ref() {
                Some(slope) if !direct_moves => {
                    // Latent: the logit moves by Σ slope_k · push_k / range.
                    let span = high - low;
                    for &k in on {
                        own[k] *= slope[k];
                    }
                    let push: f64 = on.iter().map(|&k| own[k]).sum();
                    if push == 0.0 {
                        // logistic(logit(q)) is q only to rounding: no push, no change.
                        old
                    } else {
                        let (q, logit) = match cached.and_then(|c| c.of(node, row)) {
                            Some(known) => known,
                            None => {
                                let q = propensity(model, &inputs[node], basis, node, values)
                                    .unwrap_or(0.5);
                                (q, (q / (1.0 - q)).ln())
                            }
                        };
                        let moved = logistic(logit + push / span);
                        old + (moved - q) * span
                    }
                }
                _ => {
                    // A mean node below a move: the push is scaled up by the share
                    // of respondents with room in its direction (`room`), so that
                    // those at the scale's end, who cannot move, are not counted
                    // against the effect twice.
                    if let (Some(factors), false) = (rooms[node].as_ref(), direct_moves) {
                        for &k in on {
                            let (up, down) = factors[k];
                            own[k] *= if own[k] > 0.0 { up } else { down };
                        }
                    }
                    (old + on.iter().map(|&k| own[k]).sum::<f64>()).clamp(low, high)
                }
            };
            // The actual change is shared among the moves by their own parts.
            let total: f64 = on.iter().map(|&k| own[k]).sum();
            for &k in on {
                change[k][node] = if total != 0.0 {
                    (new - old) * own[k] / total
                } else {
                    0.0
                };
            }
            if new != old {
                if let Some(m) = cells.get_mut(cell).and_then(|c| c.get_mut(node)) {
                    m.replace(w, old, new);
                }
            }
        }
        for &k in on {
            for &node in &active {
                change[k][node] = 0.0;
            }
        }
    }
    Applied { cells, moved_rows }
}

/// Per latent node, per move: the logit slope `1 / mean_w(q(1 − q))` over the
/// respondents the move applies to (who answered the node), so that a small change
/// moves the weighted mean of those respondents' expected values by exactly the
/// linear effect (d q / d logit = q(1 − q) for each of them). `None` for nodes
/// that respond linearly.
#[allow(
    clippy::too_many_arguments,
    reason = "apply's inputs plus the kept propensities"
)]
fn calibrate(
    model: &Model,
    inputs: &[Vec<usize>],
    respondents: &Respondents,
    basis: &Basis,
    active: &[usize],
    moves: usize,
    applies: &dyn Fn(usize, usize) -> bool,
    cached: Option<&Propensities>,
) -> Vec<Option<Vec<f64>>> {
    let count = model.nodes.len();
    let mut sums: Vec<Option<Vec<(f64, f64)>>> = (0..count)
        .map(|node| {
            let latent = active.contains(&node)
                && model.nodes[node].metric != Metric::Mean
                && !inputs[node].is_empty();
            latent.then(|| vec![(0.0, 0.0); moves])
        })
        .collect();
    for row in 0..respondents.len() {
        let cell = respondents.cells[row] as usize;
        let values = respondents.row(row);
        // A row no move applies to adds nothing: skipped before its propensities
        // (most rows of a segment's or one wave's what-if).
        if values.len() != count || !(0..moves).any(|k| applies(k, cell)) {
            continue;
        }
        let w = f64::from(respondents.weights[row]);
        for (node, sum) in sums.iter_mut().enumerate() {
            let Some(sum) = sum.as_mut() else { continue };
            if f64::from(values[node]).is_nan() {
                continue;
            }
            let known = cached.and_then(|c| c.of(node, row)).map(|(q, _)| q);
            let Some(q) = known.or_else(|| propensity(model, &inputs[node], basis, node, values))
            else {
                continue;
            };
            for (k, s) in sum.iter_mut().enumerate() {
                if applies(k, cell) {
                    s.0 += w;
                    s.1 += w * q * (1.0 - q);
                }
            }
        }
    }
    sums.into_iter()
        .map(|s| {
            s.map(|per_move| {
                per_move
                    .into_iter()
                    .map(|(w, v)| if v > 0.0 { w / v } else { 1.0 })
                    .collect()
            })
        })
        .collect()
}

/// Per `mean` node with inputs below a move, per move: `(1 / share with room above,
/// 1 / share with room below)` over the respondents the move applies to (who
/// answered the node), weighted. The node's effects are regression slopes over all
/// respondents, those at the scale's end included, so they already carry the end's
/// flattening: a respondent at the top adds nothing to `cov(x, y)`'s growth. Clamping
/// each respondent at the end *and* using the full-sample slope would count it twice
/// (a small push would move the mean by `share below the top × b`, not `b`). Scaled
/// by these factors a small push moves the weighted mean of the node by exactly the
/// linear effect, as the latent nodes' calibration does; a large one still bends
/// where respondents reach the end. `None` for other nodes.
fn room(
    model: &Model,
    inputs: &[Vec<usize>],
    respondents: &Respondents,
    active: &[usize],
    moves: usize,
    applies: &dyn Fn(usize, usize) -> bool,
) -> Vec<Option<Vec<(f64, f64)>>> {
    let count = model.nodes.len();
    // Per node, per move: (weight, weight below the top, weight above the bottom).
    let mut sums: Vec<Option<Vec<(f64, f64, f64)>>> = (0..count)
        .map(|node| {
            let mean = active.contains(&node)
                && model.nodes[node].metric == Metric::Mean
                && !inputs[node].is_empty();
            mean.then(|| vec![(0.0, 0.0, 0.0); moves])
        })
        .collect();
    for row in 0..respondents.len() {
        let cell = respondents.cells[row] as usize;
        let values = respondents.row(row);
        if values.len() != count {
            continue;
        }
        let w = f64::from(respondents.weights[row]);
        for (node, sum) in sums.iter_mut().enumerate() {
            let Some(sum) = sum.as_mut() else { continue };
            let x = f64::from(values[node]);
            if x.is_nan() {
                continue;
            }
            let (low, high) = model.nodes[node].index_range();
            // Values are stored as f32: an answer at the end is within rounding of it.
            let tolerance = 1e-4 * (high - low);
            for (k, s) in sum.iter_mut().enumerate() {
                if applies(k, cell) {
                    s.0 += w;
                    if x < high - tolerance {
                        s.1 += w;
                    }
                    if x > low + tolerance {
                        s.2 += w;
                    }
                }
            }
        }
    }
    let factor = |w: f64, part: f64| if part > 0.0 { w / part } else { 1.0 };
    sums.into_iter()
        .map(|s| {
            s.map(|per_move| {
                per_move
                    .into_iter()
                    .map(|(w, up, down)| (factor(w, up), factor(w, down)))
                    .collect()
            })
        })
        .collect()
}
