//! Aggregate what-if, for surveys known only by their moments (`--moments FILE`):
//! in each selected cell a moved driver's **mean** moves (to the set score, or by
//! the shift, within the node's range) and every node below moves by
//! `Σ direct effect × change of its inputs`, in topological order. Every present
//! value of a node in the cell is shifted by the same amount, so its spread is kept
//! and NPS, rates and top-2-box move as means, not as distributions (no latent
//! propensity per respondent as in [`super::apply`]).

use crate::data::{NodeMoments, Survey};
use crate::graph::{DriverGraph, EdgeEffects};
use crate::model::Model;

use super::apply::apply_with;
use super::propensity::Propensities;
use super::pseudo::{pseudo_respondents, Pseudo};
use super::{delta_to_index, Applied, Basis, MoveKind, Scenario};

/// Apply `scenario` to a survey known by its moments: the row engine runs on
/// pseudo-respondents drawn from each selected cell's means and covariance
/// ([`super::pseudo`]), and every node's moments in the cell are shifted by the
/// weighted mean change of its pseudo-respondents (spreads kept). This is what
/// `--moments` uses; [`apply_to_means`] (every value shifted alike, no clamping,
/// no latent response) is kept for comparison.
pub fn apply_to_moments(
    model: &Model,
    graph: &DriverGraph,
    survey: &Survey,
    basis: &Basis,
    scenario: &Scenario,
    selected: &[Vec<bool>],
) -> Applied {
    let wanted: Vec<bool> = (0..survey.cells.len())
        .map(|c| selected.iter().any(|s| s.get(c).copied().unwrap_or(false)))
        .collect();
    let pseudo = pseudo_respondents(model, survey, &wanted);
    apply_to_pseudo(
        model, graph, survey, &pseudo, basis, scenario, selected, None,
    )
}

/// [`apply_to_moments`] on pseudo-respondents already drawn for (at least) the
/// selected cells: each cell's draws are its own stream, so rows drawn for more
/// cells than selected change nothing (the bootstrap draws them once per
/// replicate for every cell of the latest wave, with their propensities).
#[allow(
    clippy::too_many_arguments,
    reason = "the row engine's inputs plus the kept pseudo-respondents and propensities"
)]
pub(super) fn apply_to_pseudo(
    model: &Model,
    graph: &DriverGraph,
    survey: &Survey,
    pseudo: &Pseudo,
    basis: &Basis,
    scenario: &Scenario,
    selected: &[Vec<bool>],
    propensities: Option<&Propensities>,
) -> Applied {
    let wanted: Vec<bool> = (0..survey.cells.len())
        .map(|c| selected.iter().any(|s| s.get(c).copied().unwrap_or(false)))
        .collect();
    let run = apply_with(
        model,
        graph,
        survey,
        &pseudo.rows,
        basis,
        scenario,
        selected,
        propensities,
    );
    let mut cells: Vec<Vec<NodeMoments>> = survey
        .cells
        .iter()
        .map(|c| c.moments.nodes.clone())
        .collect();
    let mut moved_rows = 0;
    for (c, cell) in cells.iter_mut().enumerate() {
        let drawn = &survey.cells[c].moments;
        if !wanted[c] || drawn.sw <= 0.0 {
            continue;
        }
        moved_rows += drawn.rows;
        let present = &pseudo.present[c];
        for (node, m) in cell.iter_mut().enumerate() {
            let Some(after) = run.cells.get(c).and_then(|a| a.get(node)) else {
                continue;
            };
            // Their summed weighted change over the weight of those with a value
            // is their mean change.
            let weight = present.get(node).copied().unwrap_or(0.0);
            if weight <= 0.0 {
                continue;
            }
            let change = (after.s1 - m.s1) / weight;
            if change != 0.0 && m.n > 0 {
                shift(m, change);
            }
        }
    }
    Applied { cells, moved_rows }
}

/// Shift every value of a node's moments by `c`: Σw(v + c − 50) = s1 + c·Σw and
/// Σw(v + c − 50)² = s2 + 2c·s1 + c²·Σw.
fn shift(m: &mut NodeMoments, c: f64) {
    m.s2 += 2.0 * c * m.s1 + c * c * m.sw;
    m.s1 += c * m.sw;
}

/// Apply `scenario` to the cell means; move `k` applies to the cells
/// `selected[k][c]` is true for and flows through `effects[k]`. Changes of several
/// moves add up, as in [`super::apply`]. `moved_rows` counts the rows of the cells
/// any move applies to.
pub fn apply_to_means(
    model: &Model,
    graph: &DriverGraph,
    survey: &Survey,
    effects: &[EdgeEffects],
    scenario: &Scenario,
    selected: &[Vec<bool>],
) -> Applied {
    let count = model.nodes.len();
    let moves = &scenario.moves;
    let mut cells: Vec<Vec<NodeMoments>> = survey
        .cells
        .iter()
        .map(|c| c.moments.nodes.clone())
        .collect();
    let mut moved_rows = 0;
    for (c, cell) in cells.iter_mut().enumerate() {
        let on: Vec<usize> = (0..moves.len())
            .filter(|&k| {
                selected
                    .get(k)
                    .and_then(|s| s.get(c))
                    .copied()
                    .unwrap_or(false)
            })
            .collect();
        if on.is_empty() {
            continue;
        }
        moved_rows += survey.cells.get(c).map_or(0, |c| c.moments.rows);
        let mut change = vec![vec![0.0f64; count]; moves.len()];
        let mut own = vec![0.0f64; moves.len()];
        for &node in graph.order() {
            let Some(m) = cell.get_mut(node) else {
                continue;
            };
            let Some(mean) = m.mean() else {
                continue;
            };
            let direct_moves = on.iter().any(|&k| moves[k].node == node);
            for &k in &on {
                own[k] = if direct_moves {
                    match (moves[k].node == node, moves[k].kind) {
                        (false, _) => 0.0,
                        (true, MoveKind::Shift(delta)) => delta_to_index(&model.nodes[node], delta),
                        (true, MoveKind::Set(_)) => moves[k].apply(&model.nodes[node], mean) - mean,
                    }
                } else {
                    graph
                        .inputs(node)
                        .into_iter()
                        .map(|i| effects[k][node][i] * change[k][i])
                        .sum()
                };
            }
            let total: f64 = on.iter().map(|&k| own[k]).sum();
            let (low, high) = model.nodes[node].index_range();
            let new = (mean + total).clamp(low, high);
            for &k in &on {
                change[k][node] = if total != 0.0 {
                    (new - mean) * own[k] / total
                } else {
                    0.0
                };
            }
            if new != mean {
                shift(m, new - mean);
            }
        }
    }
    Applied { cells, moved_rows }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shifting_moments_moves_the_mean_and_keeps_the_variance() {
        let mut m = NodeMoments::default();
        for (w, v) in [(1.0, 20.0), (2.0, 60.0), (0.5, 90.0)] {
            m.add(w, v);
        }
        let (mean, var) = (m.mean().expect("mean"), m.variance().expect("var"));
        shift(&mut m, 7.5);
        let mut moved = NodeMoments::default();
        for (w, v) in [(1.0, 27.5), (2.0, 67.5), (0.5, 97.5)] {
            moved.add(w, v);
        }
        assert!((m.mean().expect("mean") - (mean + 7.5)).abs() < 1e-12);
        assert!((m.variance().expect("var") - var).abs() < 1e-9);
        assert!((m.s2 - moved.s2).abs() < 1e-9 && (m.s1 - moved.s1).abs() < 1e-12);
    }
}
