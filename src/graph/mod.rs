//! The driver graph on petgraph: built and validated once (unknown inputs are
//! caught by the model loader; cycles and nodes that reach no outcome here), then
//! walked only in topological order, so every walk is bounded by the edge count.

mod effects;

pub use effects::{strongest_path, total_effects, EdgeEffects};

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::Direction as Dir;

use crate::diag::Loc;
use crate::model::Model;

/// Why a model's graph is unusable.
#[derive(Debug, thiserror::Error)]
pub enum GraphError {
    #[error("{loc}: the drivers form a cycle: {}\n  help: a driver cannot depend on itself through other drivers; remove one of these inputs:{}", .cycle.join(" → "), edge_list(.edges))]
    Cycle {
        loc: Loc,
        /// The ids along the cycle, first repeated at the end: `a → b → c → a`.
        cycle: Vec<String>,
        /// Each edge of the cycle (`input → node`) and where the input is written.
        edges: Vec<(String, Loc)>,
    },
    #[error("{loc}: `{id}` reaches no outcome\n  help: list it in the `inputs` of a node that leads to an outcome, or mark it `outcome: true`")]
    Unreachable { loc: Loc, id: String },
}

fn edge_list(edges: &[(String, Loc)]) -> String {
    edges
        .iter()
        .map(|(edge, loc)| format!("\n    {edge} (at {loc})"))
        .collect()
}

/// The Chinese text of each error; English is `Display`.
impl crate::diag::Localized for GraphError {
    fn message(&self, lang: crate::model::Lang) -> String {
        if lang == crate::model::Lang::En {
            return self.to_string();
        }
        match self {
            GraphError::Cycle { loc, cycle, edges } => {
                let edges: String = edges
                    .iter()
                    .map(|(edge, loc)| format!("\n    {edge}（位于 {loc}）"))
                    .collect();
                format!(
                    "{loc}: 驱动因素之间形成了循环：{}\n  提示：驱动因素不能经由其他驱动因素依赖自身；请删除以下输入之一：{edges}",
                    cycle.join(" → ")
                )
            }
            GraphError::Unreachable { loc, id } => format!(
                "{loc}: `{id}` 不通向任何结果指标\n  提示：把它列入通向结果指标的某个节点的 `inputs`，或给它加上 `outcome: true`"
            ),
        }
    }
}

impl GraphError {
    pub fn loc(&self) -> &Loc {
        match self {
            GraphError::Cycle { loc, .. } | GraphError::Unreachable { loc, .. } => loc,
        }
    }
}

/// The validated driver graph. Node weights are indices into `model.nodes`;
/// an edge runs from an input to the node it feeds.
#[derive(Debug, Clone)]
pub struct DriverGraph {
    graph: DiGraph<usize, ()>,
    order: Vec<usize>,
}

impl DriverGraph {
    /// Build and validate: no cycles, every node reaches an outcome.
    pub fn build(model: &Model) -> Result<Self, GraphError> {
        let mut graph = DiGraph::with_capacity(model.nodes.len(), model.nodes.len() * 2);
        let handles: Vec<NodeIndex> = (0..model.nodes.len()).map(|i| graph.add_node(i)).collect();
        for (to, node) in model.nodes.iter().enumerate() {
            for input in &node.inputs {
                if let Some(from) = model.node_index(input) {
                    graph.add_edge(handles[from], handles[to], ());
                }
            }
        }
        let order = topological_order(&graph).map_err(|left| cycle_error(model, &graph, left))?;
        let built = DriverGraph { graph, order };
        built.check_reaches_outcome(model)?;
        Ok(built)
    }

    /// Node indices (into `model.nodes`) with every input before the nodes it feeds;
    /// ties broken by model order, so the order is deterministic.
    pub fn order(&self) -> &[usize] {
        &self.order
    }

    /// Indices of the nodes feeding `node`, in model order.
    pub fn inputs(&self, node: usize) -> Vec<usize> {
        let mut inputs: Vec<usize> = self
            .graph
            .neighbors_directed(NodeIndex::new(node), Dir::Incoming)
            .map(|n| self.graph[n])
            .collect();
        inputs.sort_unstable();
        inputs
    }

    /// Indices of the nodes `node` feeds, in model order.
    pub fn outputs(&self, node: usize) -> Vec<usize> {
        let mut outputs: Vec<usize> = self
            .graph
            .neighbors_directed(NodeIndex::new(node), Dir::Outgoing)
            .map(|n| self.graph[n])
            .collect();
        outputs.sort_unstable();
        outputs
    }

    /// Whether `from` reaches `to` along edges (a node reaches itself).
    pub fn reaches(&self, from: usize, to: usize) -> bool {
        petgraph::algo::has_path_connecting(
            &self.graph,
            NodeIndex::new(from),
            NodeIndex::new(to),
            None,
        )
    }

    /// Nodes that feed no other node and are not fed: pure drivers have no inputs.
    pub fn is_driver(&self, node: usize) -> bool {
        self.inputs(node).is_empty()
    }

    fn check_reaches_outcome(&self, model: &Model) -> Result<(), GraphError> {
        // Walk backwards from the outcomes once; anything not met reaches none.
        let mut reaches = vec![false; model.nodes.len()];
        for &node in self.order.iter().rev() {
            reaches[node] =
                model.nodes[node].outcome || self.outputs(node).iter().any(|&o| reaches[o]);
        }
        match reaches.iter().position(|r| !r) {
            Some(i) => Err(GraphError::Unreachable {
                loc: model.nodes[i].loc.clone(),
                id: model.nodes[i].id.clone(),
            }),
            None => Ok(()),
        }
    }
}

/// Kahn's algorithm, always taking the lowest model index that is ready. On a
/// cycle, returns which nodes are left: each of them has an input that is left too.
fn topological_order(graph: &DiGraph<usize, ()>) -> Result<Vec<usize>, Vec<bool>> {
    let n = graph.node_count();
    let mut indegree: Vec<usize> = (0..n)
        .map(|i| {
            graph
                .neighbors_directed(NodeIndex::new(i), Dir::Incoming)
                .count()
        })
        .collect();
    let mut ready: std::collections::BTreeSet<usize> =
        (0..n).filter(|&i| indegree[i] == 0).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(next) = ready.pop_first() {
        order.push(graph[NodeIndex::new(next)]);
        for out in graph.neighbors_directed(NodeIndex::new(next), Dir::Outgoing) {
            indegree[out.index()] -= 1;
            if indegree[out.index()] == 0 {
                ready.insert(out.index());
            }
        }
    }
    if order.len() == n {
        Ok(order)
    } else {
        Err(indegree.iter().map(|&d| d > 0).collect())
    }
}

/// Find one cycle among the nodes Kahn's algorithm left and describe it.
fn cycle_error(model: &Model, graph: &DiGraph<usize, ()>, left: Vec<bool>) -> GraphError {
    // Every node left has an input that is left, so walking backwards through
    // left inputs repeats a node within `n` steps; the repeat closes a cycle.
    let left_input = |i: usize| {
        graph
            .neighbors_directed(NodeIndex::new(i), Dir::Incoming)
            .map(|n| n.index())
            .filter(|&p| left[p])
            .min()
    };
    let mut position = vec![usize::MAX; model.nodes.len()];
    let mut path = Vec::new();
    let mut current = left.iter().position(|&l| l);
    let mut cycle_start = 0;
    while let Some(node) = current {
        if position[node] != usize::MAX {
            cycle_start = position[node];
            break;
        }
        position[node] = path.len();
        path.push(node);
        current = left_input(node);
    }
    // `path` walks against the edges; reverse it to read along them, and start
    // at the cycle's first node in model order.
    let mut cycle: Vec<usize> = path.get(cycle_start..).unwrap_or_default().to_vec();
    cycle.reverse();
    if let Some(min_pos) = cycle
        .iter()
        .enumerate()
        .min_by_key(|(_, &n)| n)
        .map(|(i, _)| i)
    {
        cycle.rotate_left(min_pos);
    }
    let mut ids: Vec<String> = cycle.iter().map(|&i| model.nodes[i].id.clone()).collect();
    if let Some(first) = ids.first().cloned() {
        ids.push(first);
    }
    let edges: Vec<(String, Loc)> = cycle
        .iter()
        .enumerate()
        .map(|(k, &from)| {
            let to = cycle[(k + 1) % cycle.len()];
            let node = &model.nodes[to];
            let loc = node
                .inputs
                .iter()
                .position(|i| *i == model.nodes[from].id)
                .and_then(|p| node.input_locs.get(p).cloned())
                .unwrap_or_else(|| node.loc.clone());
            (format!("{} → {}", model.nodes[from].id, node.id), loc)
        })
        .collect();
    let loc = edges.first().map(|(_, l)| l.clone()).unwrap_or_default();
    GraphError::Cycle {
        loc,
        cycle: ids,
        edges,
    }
}
