//! Graph findings on the raw model, before it is valid: every cycle (each edge
//! located) and every node that reaches no outcome.
//!
//! The loader's graph (`graph::DriverGraph`) stops at the first problem and needs a
//! valid model; `check` wants them all even when other errors exist, so this walks
//! the ids and inputs as written. Every walk is iterative and bounded by the edge count.

use super::raw::RawModel;
use crate::diag::{Code, Diagnostic, Loc};

struct Edge {
    from: usize,
    to: usize,
    loc: Loc,
}

/// Push a `Cycle` finding per disjoint cycle and a `ReachesNoOutcome` finding per
/// node with no path to an outcome. Unknown inputs are skipped (reported elsewhere);
/// a repeated id refers to its first definition.
pub(super) fn check_graph(file: &str, raw: &RawModel, out: &mut Vec<Diagnostic>) {
    let n = raw.drivers.len();
    let index_of = |id: &str| raw.drivers.iter().position(|d| d.id.value == id);
    let mut edges = Vec::new();
    for (to, node) in raw.drivers.iter().enumerate() {
        if index_of(&node.id.value) != Some(to) {
            continue; // a duplicate id: reported as such
        }
        for input in &node.inputs {
            if let Some(from) = index_of(&input.value) {
                edges.push(Edge {
                    from,
                    to,
                    loc: Loc::from_yaml(file, input.referenced),
                });
            }
        }
    }
    let mut outgoing: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut incoming: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (e, edge) in edges.iter().enumerate() {
        outgoing[edge.from].push(e);
        incoming[edge.to].push(e);
    }

    let mut alive = vec![true; n];
    loop {
        prune(&mut alive, &edges, &incoming, &outgoing);
        let Some(start) = alive.iter().position(|&a| a) else {
            break;
        };
        let cycle = find_cycle(start, &alive, &edges, &outgoing);
        for &e in &cycle {
            alive[edges[e].from] = false;
        }
        out.push(cycle_diagnostic(raw, &edges, &cycle));
    }

    // Backwards from the outcomes: anything not met reaches none.
    let mut reaches = vec![false; n];
    let mut stack: Vec<usize> = (0..n).filter(|&i| raw.drivers[i].outcome).collect();
    for &i in &stack {
        reaches[i] = true;
    }
    while let Some(node) = stack.pop() {
        for &e in &incoming[node] {
            let from = edges[e].from;
            if !reaches[from] {
                reaches[from] = true;
                stack.push(from);
            }
        }
    }
    let has_outcome = raw.drivers.iter().any(|d| d.outcome);
    for (i, node) in raw.drivers.iter().enumerate() {
        if has_outcome && !reaches[i] && index_of(&node.id.value) == Some(i) {
            out.push(
                Diagnostic::error(
                    Code::ReachesNoOutcome,
                    &Loc::from_yaml(file, node.id.referenced),
                    format!("`{}` reaches no outcome", node.id.value),
                )
                .with_help("list it in the `inputs` of a node that leads to an outcome, or mark it `outcome: true`"),
            );
        }
    }
}

/// Drop nodes with no live input or no live output until none is left to drop:
/// what remains lies on cycles or between them.
fn prune(alive: &mut [bool], edges: &[Edge], incoming: &[Vec<usize>], outgoing: &[Vec<usize>]) {
    let live_in = |alive: &[bool], i: usize| {
        incoming[i]
            .iter()
            .filter(|&&e| alive[edges[e].from])
            .count()
    };
    let live_out =
        |alive: &[bool], i: usize| outgoing[i].iter().filter(|&&e| alive[edges[e].to]).count();
    let mut stack: Vec<usize> = (0..alive.len()).filter(|&i| alive[i]).collect();
    while let Some(i) = stack.pop() {
        if alive[i] && (live_in(alive, i) == 0 || live_out(alive, i) == 0) {
            alive[i] = false;
            stack.extend(incoming[i].iter().map(|&e| edges[e].from));
            stack.extend(outgoing[i].iter().map(|&e| edges[e].to));
        }
    }
}

/// Walk live edges from `start` (each live node has one) until a node repeats;
/// returns the edges of the cycle closed by the repeat, starting at its lowest node.
fn find_cycle(start: usize, alive: &[bool], edges: &[Edge], outgoing: &[Vec<usize>]) -> Vec<usize> {
    let mut position = vec![usize::MAX; alive.len()];
    let mut path: Vec<usize> = Vec::new();
    let mut node = start;
    while position[node] == usize::MAX {
        position[node] = path.len();
        let Some(&e) = outgoing[node]
            .iter()
            .filter(|&&e| alive[edges[e].to])
            .min_by_key(|&&e| edges[e].to)
        else {
            break;
        };
        path.push(e);
        node = edges[e].to;
    }
    let mut cycle: Vec<usize> = path.get(position[node]..).unwrap_or_default().to_vec();
    if let Some(min) = cycle
        .iter()
        .enumerate()
        .min_by_key(|(_, &e)| edges[e].from)
        .map(|(i, _)| i)
    {
        cycle.rotate_left(min);
    }
    cycle
}

fn cycle_diagnostic(raw: &RawModel, edges: &[Edge], cycle: &[usize]) -> Diagnostic {
    let id = |i: usize| raw.drivers[i].id.value.as_str();
    let mut ids: Vec<&str> = cycle.iter().map(|&e| id(edges[e].from)).collect();
    if let Some(&first) = ids.first() {
        ids.push(first);
    }
    let first_loc = cycle
        .first()
        .map(|&e| edges[e].loc.clone())
        .unwrap_or_default();
    let message = if cycle.len() == 1 {
        format!("`{}` lists itself as an input", ids[0])
    } else {
        format!("the drivers form a cycle: {}", ids.join(" → "))
    };
    let mut d = Diagnostic::error(Code::Cycle, &first_loc, message).with_help(
        "a driver cannot depend on itself through other drivers; remove one of these inputs",
    );
    for &e in cycle {
        let edge = &edges[e];
        d = d.with_related(
            &edge.loc,
            format!("`{}` is an input of `{}` here", id(edge.from), id(edge.to)),
        );
    }
    d
}
