//! Respondent-level application of a scenario: each respondent in the filter gets
//! the moved drivers' values, the change flows through the direct effects to every
//! node downstream in topological order, and the cells' node moments are updated
//! by the difference of each moved value (so rows that do not move change nothing,
//! exactly).

use crate::data::{NodeMoments, Respondents, Survey};
use crate::graph::{DriverGraph, EdgeEffects};
use crate::model::{Metric, Model};

use super::Scenario;

/// How a node's respondent value follows a change of its inputs.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Response {
    /// A mean, or a node without inputs: `value + change`, clamped to the range.
    Linear,
    /// NPS, rate or top-2-box with inputs: the respondent's fitted propensity
    /// `a + Σ b·x`, as a share `q` of the node's range, moves on the logit scale by
    /// `slope · change / range`; the respondent's expected value moves by the change
    /// of `q` times the range (see docs/whatif.md).
    Latent { intercept: f64, slope: f64 },
}

/// Propensities are kept this far from 0 and 1 so their logit is finite.
const EDGE: f64 = 0.005;

fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// What the move is computed with: the baseline's direct effects and the means of
/// every node over the complete cases they were estimated on (for intercepts).
#[derive(Debug, Clone, PartialEq)]
pub struct Basis {
    pub direct: EdgeEffects,
    pub means: Vec<f64>,
}

/// The moved node moments of every cell (baseline moments where nothing moved),
/// and how many respondents were moved.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    pub cells: Vec<Vec<NodeMoments>>,
    pub moved_rows: u64,
}

/// Apply `scenario` to the respondents of the cells `selected[c]` is true for.
pub fn apply(
    model: &Model,
    graph: &DriverGraph,
    survey: &Survey,
    respondents: &Respondents,
    basis: &Basis,
    scenario: &Scenario,
    selected: &[bool],
) -> Applied {
    let (direct, means) = (&basis.direct, basis.means.as_slice());
    let count = model.nodes.len();
    let mut cells: Vec<Vec<NodeMoments>> = survey
        .cells
        .iter()
        .map(|c| c.moments.nodes.clone())
        .collect();
    let responses: Vec<Response> = (0..count)
        .map(|node| response(model, graph, direct, means, node))
        .collect();
    let inputs: Vec<Vec<(usize, f64)>> = (0..count)
        .map(|node| {
            graph
                .inputs(node)
                .into_iter()
                .map(|i| (i, direct[node][i]))
                .collect()
        })
        .collect();
    let mut moved_by: Vec<Option<usize>> = vec![None; count];
    for (k, m) in scenario.moves.iter().enumerate() {
        if let Some(slot) = moved_by.get_mut(m.node) {
            *slot = Some(k);
        }
    }
    // Only nodes at or below a moved node can change; walk just those.
    let active: Vec<usize> = graph
        .order()
        .iter()
        .copied()
        .filter(|&n| scenario.moves.iter().any(|m| graph.reaches(m.node, n)))
        .collect();

    let mut change = vec![0.0f64; count];
    let mut moved_rows = 0u64;
    for row in 0..respondents.len() {
        let cell = respondents.cells[row] as usize;
        if !selected.get(cell).copied().unwrap_or(false) {
            continue;
        }
        let values = respondents.row(row);
        if values.len() != count {
            continue;
        }
        moved_rows += 1;
        let w = f64::from(respondents.weights[row]);
        for &node in &active {
            let old = f64::from(values[node]);
            let pushed: f64 = inputs[node].iter().map(|&(i, b)| b * change[i]).sum();
            let new = if old.is_nan() {
                f64::NAN
            } else if let Some(k) = moved_by[node] {
                scenario.moves[k].apply(&model.nodes[node], old)
            } else {
                let (low, high) = model.nodes[node].index_range();
                match responses[node] {
                    Response::Linear => (old + pushed).clamp(low, high),
                    Response::Latent { intercept, slope } => {
                        let fitted = inputs[node].iter().try_fold(intercept, |acc, &(i, b)| {
                            let x = f64::from(values[i]);
                            (!x.is_nan()).then_some(acc + b * x)
                        });
                        let span = high - low;
                        let q =
                            ((fitted.unwrap_or(means[node]) - low) / span).clamp(EDGE, 1.0 - EDGE);
                        let logit = (q / (1.0 - q)).ln();
                        let moved = logistic(logit + slope * pushed / span);
                        old + (moved - q) * span
                    }
                }
            };
            change[node] = if new.is_nan() { 0.0 } else { new - old };
            if change[node] != 0.0 {
                if let Some(m) = cells.get_mut(cell).and_then(|c| c.get_mut(node)) {
                    m.replace(w, old, new);
                }
            }
        }
        for &node in &active {
            change[node] = 0.0;
        }
    }
    Applied { cells, moved_rows }
}

fn response(
    model: &Model,
    graph: &DriverGraph,
    direct: &EdgeEffects,
    means: &[f64],
    node: usize,
) -> Response {
    let inputs = graph.inputs(node);
    match model.nodes[node].metric {
        Metric::Mean => Response::Linear,
        _ if inputs.is_empty() => Response::Linear,
        _ => {
            let (low, high) = model.nodes[node].index_range();
            let q = ((means[node] - low) / (high - low)).clamp(EDGE, 1.0 - EDGE);
            Response::Latent {
                intercept: means[node]
                    - inputs
                        .iter()
                        .map(|&i| direct[node][i] * means[i])
                        .sum::<f64>(),
                // d q / d logit = q(1 − q): a small change at the mean propensity then
                // moves the expected value by the linear effect.
                slope: 1.0 / (q * (1.0 - q)),
            }
        }
    }
}
