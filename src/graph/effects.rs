//! Total effects and strongest paths over the driver graph.
//!
//! In a linear recursive model the total effect of `d` on `o` is the sum over all
//! paths of the products of edge effects, i.e. an entry of `(I − B)⁻¹`. On a DAG
//! that sum is one pass in topological order per source, so no matrix inverse and
//! no unbounded walk is needed.

use super::DriverGraph;

/// Direct effects: `effect[node][input]`, in index points of `node` per index point
/// of `input`; zero where there is no edge.
pub type EdgeEffects = Vec<Vec<f64>>;

/// `total[d][o]`: total effect of node `d` on node `o` (1 on the diagonal).
pub fn total_effects(graph: &DriverGraph, direct: &EdgeEffects) -> Vec<Vec<f64>> {
    let n = direct.len();
    let mut total = vec![vec![0.0; n]; n];
    for (source, row) in total.iter_mut().enumerate() {
        row[source] = 1.0;
        for &node in graph.order() {
            if node == source {
                continue;
            }
            row[node] = graph
                .inputs(node)
                .iter()
                .map(|&input| direct[node][input] * row[input])
                .sum();
        }
    }
    total
}

/// The path from `from` to `to` whose product of absolute edge effects is largest,
/// as node indices from `from` to `to`; `None` when `to` is not reachable.
/// Ties go to the path through the lower model index, so the answer is stable.
pub fn strongest_path(
    graph: &DriverGraph,
    direct: &EdgeEffects,
    from: usize,
    to: usize,
) -> Option<Vec<usize>> {
    let n = direct.len();
    let mut best: Vec<Option<f64>> = vec![None; n];
    let mut previous = vec![usize::MAX; n];
    best[from] = Some(1.0);
    for &node in graph.order() {
        if node == from {
            continue;
        }
        for input in graph.inputs(node) {
            if let Some(strength) = best[input] {
                let candidate = strength * direct[node][input].abs();
                if best[node].is_none_or(|b| candidate > b) {
                    best[node] = Some(candidate);
                    previous[node] = input;
                }
            }
        }
    }
    best[to]?;
    let mut path = vec![to];
    let mut current = to;
    while current != from {
        current = previous[current];
        if current == usize::MAX || path.len() > n {
            return None;
        }
        path.push(current);
    }
    path.reverse();
    Some(path)
}
