//! The driver graph as Graphviz DOT or a Mermaid flowchart: one node per driver or
//! outcome with its label, one edge per input with its direct effect (estimated in
//! the whole sample of the latest wave, or as declared in the model).
//!
//! Node names in both languages are generated (`n0`, `n1`, …), never taken from the
//! model, and every label goes through the format's own escape, so no label can
//! close a string, start a new statement or inject markup.

use crate::analysis::SliceEffects;
use crate::graph::DriverGraph;
use crate::model::{Lang, Model, Weights};

use super::words::t;

/// One edge of the exported graph.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportEdge {
    pub from: usize,
    pub to: usize,
    /// Direct effect in index points per index point; `None` without an estimate.
    pub effect: Option<f64>,
    /// Whether the effect is declared in the model rather than estimated.
    pub declared: bool,
}

/// The edges in a stable order (by target node, then input, in model order).
pub fn edges(
    model: &Model,
    graph: &DriverGraph,
    effects: Option<&SliceEffects>,
) -> Vec<ExportEdge> {
    let mut out = Vec::new();
    for to in 0..model.nodes.len() {
        let declared = matches!(model.nodes[to].weights, Weights::Declared(_));
        for from in graph.inputs(to) {
            let effect = match (&model.nodes[to].weights, effects) {
                (Weights::Declared(w), _) => w.get(&model.nodes[from].id).copied(),
                (_, Some(e)) => Some(e.direct[to][from]),
                (_, None) => None,
            };
            out.push(ExportEdge {
                from,
                to,
                effect,
                declared,
            });
        }
    }
    out
}

/// The text of an edge's label: `0.138`, or `0.300 (declared)`.
pub fn edge_label(edge: &ExportEdge, lang: Lang) -> String {
    match edge.effect {
        Some(e) if edge.declared => format!("{e:.3} ({})", t(lang, "声明", "declared")),
        Some(e) => format!("{e:.3}"),
        None => String::new(),
    }
}

/// Escape text for a double-quoted DOT string.
pub fn dot_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' | '\r' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Escape text for a quoted Mermaid label: quotes, angle brackets, ampersands,
/// `#` and backticks become Mermaid entity codes, so the label is plain text and
/// cannot close a Markdown code fence.
pub fn mermaid_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '`' => out.push_str("#96;"),
            '\n' | '\r' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

fn label(model: &Model, node: usize, lang: Lang) -> &str {
    model.nodes[node].label.text(lang, &model.nodes[node].id)
}

/// The graph in Graphviz DOT, drawn left to right; outcomes are double boxes.
pub fn dot(
    model: &Model,
    graph: &DriverGraph,
    effects: Option<&SliceEffects>,
    lang: Lang,
) -> String {
    let mut out =
        String::from("digraph sattrace {\n  rankdir=LR;\n  node [shape=box, style=rounded];\n");
    out.push_str(&format!("  label=\"{}\";\n", dot_escape(&model.name)));
    for &node in graph.order() {
        let shape = if model.nodes[node].outcome {
            ", peripheries=2"
        } else {
            ""
        };
        out.push_str(&format!(
            "  n{node} [label=\"{}\"{shape}];\n",
            dot_escape(label(model, node, lang))
        ));
    }
    for edge in edges(model, graph, effects) {
        let style = if edge.declared { ", style=dashed" } else { "" };
        out.push_str(&format!(
            "  n{} -> n{} [label=\"{}\"{style}];\n",
            edge.from,
            edge.to,
            dot_escape(&edge_label(&edge, lang))
        ));
    }
    out.push_str("}\n");
    out
}

/// The graph as a Mermaid flowchart (left to right); outcomes are rounded stadiums.
pub fn mermaid(
    model: &Model,
    graph: &DriverGraph,
    effects: Option<&SliceEffects>,
    lang: Lang,
) -> String {
    let mut out = String::from("flowchart LR\n");
    for &node in graph.order() {
        let text = mermaid_escape(label(model, node, lang));
        if model.nodes[node].outcome {
            out.push_str(&format!("  n{node}([\"{text}\"])\n"));
        } else {
            out.push_str(&format!("  n{node}[\"{text}\"]\n"));
        }
    }
    for edge in edges(model, graph, effects) {
        let arrow = if edge.declared { "-.->" } else { "-->" };
        let text = edge_label(&edge, lang);
        if text.is_empty() {
            out.push_str(&format!("  n{} {arrow} n{}\n", edge.from, edge.to));
        } else {
            out.push_str(&format!(
                "  n{} {arrow}|\"{}\"| n{}\n",
                edge.from,
                mermaid_escape(&text),
                edge.to
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_strings_cannot_be_closed() {
        assert_eq!(dot_escape(r#"a"] x [b\"#), r#"a\"] x [b\\"#);
        assert_eq!(dot_escape("two\nlines"), "two lines");
    }

    #[test]
    fn mermaid_labels_are_plain_text() {
        assert_eq!(
            mermaid_escape(r#"<script>"x"</script>"#),
            "#lt;script#gt;#quot;x#quot;#lt;/script#gt;"
        );
        assert_eq!(mermaid_escape("```\n#1 & 2"), "#96;#96;#96; #35;1 #amp; 2");
    }
}
