//! The driver graph, layered left to right by topological order: each edge with its
//! direct effect (width by the standardized effect), nodes coloured by their gap to
//! target, and the path of the primary outcome's largest root cause drawn in red.

use super::escape::escape;
use super::svg::{wrap, Svg};
use super::table::html_table;
use crate::analysis::SliceResult;
use crate::graph::DriverGraph;
use crate::model::Model;
use crate::report::graph_export::{edge_label, edges};
use crate::report::words::{format_score, t};
use crate::report::Report;

const NODE_W: f64 = 150.0;
const NODE_H: f64 = 56.0;
const ROW: f64 = 76.0;
const COLUMN: f64 = 240.0;
const MARGIN: f64 = 20.0;

/// Each node's column: as late as its outputs allow (so no edge skips a column
/// where it can be avoided), outcomes without outputs at their longest-path depth.
pub fn layers(graph: &DriverGraph, count: usize) -> Vec<usize> {
    let mut depth = vec![0usize; count];
    for &node in graph.order() {
        depth[node] = graph
            .inputs(node)
            .iter()
            .map(|&i| depth[i] + 1)
            .max()
            .unwrap_or(0);
    }
    let mut layer = depth.clone();
    for &node in graph.order().iter().rev() {
        if let Some(min) = graph.outputs(node).iter().map(|&o| layer[o]).min() {
            layer[node] = min.saturating_sub(1).max(depth[node]);
        }
    }
    layer
}

/// Column members in drawing order: nodes with inputs by the mean row of their
/// inputs, then nodes without, each in model order.
fn columns(graph: &DriverGraph, layer: &[usize]) -> Vec<Vec<usize>> {
    let count = layer.iter().copied().max().map_or(0, |m| m + 1);
    let mut columns: Vec<Vec<usize>> = vec![Vec::new(); count];
    let mut row = vec![0.0f64; layer.len()];
    for (c, column) in columns.iter_mut().enumerate() {
        let mut members: Vec<(f64, usize)> = (0..layer.len())
            .filter(|&n| layer[n] == c)
            .map(|n| {
                let inputs = graph.inputs(n);
                let key = if inputs.is_empty() {
                    f64::MAX
                } else {
                    inputs.iter().map(|&i| row[i]).sum::<f64>() / inputs.len() as f64
                };
                (key, n)
            })
            .collect();
        members.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for (r, &(_, n)) in members.iter().enumerate() {
            row[n] = r as f64;
        }
        *column = members.into_iter().map(|(_, n)| n).collect();
    }
    columns
}

pub fn section(report: &Report, all: &SliceResult) -> String {
    let lang = report.lang;
    let model = report.model;
    let title = t(lang, "驱动因素图", "Driver graph");
    let mut html = format!(
        "<figure>\n{}\n<figcaption>{}</figcaption>\n</figure>\n",
        chart(report, model, report.graph, all, title),
        escape(t(
            lang,
            "箭头上的数字为直接效应（输入每提升 1 个指数点，该节点的指数变化）；线宽为标准化效应；红色为主要结果最大根因的路径；节点颜色：红色未达目标，绿色已达标。",
            "Numbers on arrows: direct effect (index points of the node per index point of the input); width: standardized effect; red: the path of the primary outcome's largest root cause; nodes: red short of target, green at or beyond it."
        ))
    );
    let label = |i: usize| {
        model.nodes[i]
            .label
            .text(lang, &model.nodes[i].id)
            .to_string()
    };
    let rows: Vec<Vec<String>> = edges(model, report.graph, Some(&all.effects))
        .iter()
        .map(|e| {
            vec![
                label(e.from),
                label(e.to),
                edge_label(e, lang),
                format!("{:.2}", all.effects.standardized[e.to][e.from]),
            ]
        })
        .collect();
    html.push_str(&html_table(
        title,
        &[
            t(lang, "输入", "Input"),
            t(lang, "节点", "Node"),
            t(lang, "直接效应", "Direct effect"),
            t(lang, "标准化", "Standardized"),
        ],
        &rows,
        &[false, false, true, true],
    ));
    html
}

fn chart(
    report: &Report,
    model: &Model,
    graph: &DriverGraph,
    all: &SliceResult,
    title: &str,
) -> String {
    let lang = report.lang;
    let count = model.nodes.len();
    let layer = layers(graph, count);
    let columns = columns(graph, &layer);
    let tallest = columns.iter().map(Vec::len).max().unwrap_or(1);
    let width = MARGIN * 2.0 + columns.len() as f64 * COLUMN - (COLUMN - NODE_W);
    let height = MARGIN * 2.0 + tallest as f64 * ROW - (ROW - NODE_H);
    let mut position = vec![(0.0, 0.0); count];
    for (c, column) in columns.iter().enumerate() {
        let offset = (tallest - column.len()) as f64 * ROW / 2.0;
        for (r, &n) in column.iter().enumerate() {
            position[n] = (MARGIN + c as f64 * COLUMN, MARGIN + offset + r as f64 * ROW);
        }
    }
    // The path of the primary outcome's largest root cause.
    let primary = report.analysis.primary_outcome;
    let hot: Vec<(usize, usize)> = report
        .analysis
        .root_causes
        .iter()
        .find(|(k, _)| k.is_all())
        .and_then(|(_, causes)| causes.iter().find(|c| c.outcome == primary))
        .map(|c| c.path.windows(2).map(|w| (w[0], w[1])).collect())
        .unwrap_or_default();
    let mut svg = Svg::new("graph", width, height);
    let all_edges = edges(model, graph, Some(&all.effects));
    let strongest = all_edges
        .iter()
        .map(|e| all.effects.standardized[e.to][e.from].abs())
        .fold(0.0, f64::max)
        .max(1e-9);
    for e in &all_edges {
        let (fx, fy) = position[e.from];
        let (tx, ty) = position[e.to];
        let a = (fx + NODE_W, fy + NODE_H / 2.0);
        let b = (tx - 2.0, ty + NODE_H / 2.0);
        let on_path = hot.contains(&(e.from, e.to));
        let class = match (on_path, e.declared) {
            (true, _) => "edge hot",
            (false, true) => "edge declared",
            _ => "edge",
        };
        let width = 1.0 + 5.0 * all.effects.standardized[e.to][e.from].abs() / strongest;
        svg.curve(a, b, class, width);
    }
    // Labels after every edge, so no edge is drawn over a label.
    for e in &all_edges {
        let (fx, fy) = position[e.from];
        let (tx, ty) = position[e.to];
        let mx = (fx + NODE_W + tx) / 2.0;
        let my = (fy + ty + NODE_H) / 2.0 + 4.0;
        let class = if hot.contains(&(e.from, e.to)) {
            "edge-label hot"
        } else {
            "edge-label"
        };
        svg.text(mx, my, "middle", class, &edge_label(e, lang));
    }
    for (n, node) in model.nodes.iter().enumerate() {
        let (x, y) = position[n];
        let score = all.scores[n].as_ref();
        let class = match score {
            Some(s) if s.target.is_some() && s.gap > 0.0 => "node short",
            Some(s) if s.target.is_some() => "node met",
            _ => "node",
        };
        let class = if node.outcome {
            format!("{class} outcome")
        } else {
            class.to_string()
        };
        svg.rect(x, y, NODE_W, NODE_H, &class);
        let lines = wrap(node.label.text(lang, &node.id), NODE_W - 12.0, 12.0, 2);
        let top = if lines.len() > 1 { y + 16.0 } else { y + 22.0 };
        svg.lines(x + NODE_W / 2.0, top, 14.0, "middle", "node-label", &lines);
        if let Some(s) = score {
            let text = match s.target {
                Some(target) => format!(
                    "{} / {} {}",
                    format_score(model, n, s.score),
                    t(lang, "目标", "target"),
                    format_score(model, n, target)
                ),
                None => format_score(model, n, s.score),
            };
            svg.text(
                x + NODE_W / 2.0,
                y + NODE_H - 8.0,
                "middle",
                "node-score",
                &text,
            );
        }
    }
    svg.finish(title)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_layers_have_no_long_edges() {
        let text = std::fs::read_to_string("fixtures/telecom/model.yaml").expect("model");
        let model = crate::model::load_model("model.yaml", &text).expect("valid");
        let graph = DriverGraph::build(&model).expect("graph");
        let layer = layers(&graph, model.nodes.len());
        for to in 0..model.nodes.len() {
            for from in graph.inputs(to) {
                assert_eq!(
                    layer[to],
                    layer[from] + 1,
                    "{} → {}",
                    model.nodes[from].id,
                    model.nodes[to].id
                );
            }
        }
    }
}
