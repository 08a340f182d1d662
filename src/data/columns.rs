//! Mapping the model onto the header once: which field feeds which node, and the
//! order composite nodes are computed in.

use std::collections::HashMap;

use super::DataError;
use crate::diag::{did_you_mean_in, suggest, Both};
use crate::model::{Lang, Metric, Model, Scale, Weights};

/// One item column of a node.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ItemColumn {
    /// Field index in the record.
    pub field: usize,
    pub reverse: bool,
}

/// How one node gets its value.
#[derive(Debug, Clone)]
pub(crate) enum NodeSource {
    /// The mean of these items, then `Node::respondent_value`.
    Items {
        items: Vec<ItemColumn>,
        scale: Scale,
        /// "a number from 1 to 5 or a missing token such as `NA`"
        expected: String,
        /// For `metric: mean`, `100 / ((max − min) · count)` by item count, so the
        /// 0–100 index is `(Σ − count · min) · factor[count]` without a division.
        /// `None` for the other metrics, which go through `Node::respondent_value`.
        index_factor: Option<Vec<f64>>,
    },
    /// Declared-weight mean of these inputs' values: (node index, weight).
    Composite(Vec<(usize, f64)>),
}

/// The header mapped onto the model.
#[derive(Debug, Clone)]
pub(crate) struct Columns {
    /// Trimmed header names.
    pub header: Vec<String>,
    pub sources: Vec<NodeSource>,
    /// Composite nodes in an order where their inputs come first.
    pub composite_order: Vec<usize>,
    pub segments: Vec<usize>,
    pub wave: Option<usize>,
    pub weight: Option<usize>,
    pub respondent_id: Option<usize>,
}

impl Columns {
    /// How many item columns the model reads.
    pub(crate) fn item_count(&self) -> usize {
        self.sources
            .iter()
            .map(|s| match s {
                NodeSource::Items { items, .. } => items.len(),
                _ => 0,
            })
            .sum()
    }

    /// Empty item rows naming every item of every item node, in node order.
    pub(crate) fn item_rows(&self) -> super::ItemRows {
        let mut rows = super::ItemRows::default();
        for (node, source) in self.sources.iter().enumerate() {
            if let NodeSource::Items { items, .. } = source {
                for item in items {
                    let name = self.header.get(item.field).cloned().unwrap_or_default();
                    rows.names.push(name);
                    rows.node_of.push(node);
                }
            }
        }
        rows
    }

    pub(crate) fn new(
        model: &Model,
        eval_order: &[usize],
        file: &str,
        header: Vec<String>,
    ) -> Result<Self, DataError> {
        let mut first_at: HashMap<&str, usize> = HashMap::new();
        let mut duplicates: HashMap<&str, (usize, usize)> = HashMap::new();
        for (i, name) in header.iter().enumerate() {
            if let Some(&first) = first_at.get(name.as_str()) {
                duplicates.entry(name.as_str()).or_insert((first, i));
            } else {
                first_at.insert(name.as_str(), i);
            }
        }

        // Every column the model uses, with what uses it and, for an item, where the
        // model asks for it (the fix may be in model.yaml), in model order.
        let wanted: Vec<(&str, Both)> = model
            .named_columns_both()
            .into_iter()
            .map(|(column, used_by, at)| match at {
                Some(at) => (
                    column,
                    Both::new(
                        format!("{}, {at}", used_by.en),
                        format!("{}，{at}", used_by.zh),
                    ),
                ),
                None => (column, used_by),
            })
            .collect();
        let mut missing: Vec<(&str, &Both)> = Vec::new();
        for (column, used_by) in &wanted {
            if let Some(&(first, second)) = duplicates.get(column) {
                return Err(DataError::DuplicateColumn {
                    file: file.to_string(),
                    column: column.to_string(),
                    first: first as u64 + 1,
                    second: second as u64 + 1,
                });
            }
            if !first_at.contains_key(column) {
                missing.push((column, used_by));
            }
        }
        if let Some(&(column, used_by)) = missing.first() {
            // A renamed column is one of the headers the model does not use, not
            // another column it does (`q_resp2` for a missing `q_resp1`).
            let used: std::collections::BTreeSet<&str> = wanted.iter().map(|(c, _)| *c).collect();
            let unmatched: Vec<&str> = header
                .iter()
                .map(String::as_str)
                .filter(|h| !used.contains(h))
                .collect();
            let help = match suggest(column, unmatched.iter().copied()) {
                Some(s) => Both::new(
                    did_you_mean_in(Lang::En, Some(&s)),
                    did_you_mean_in(Lang::Zh, Some(&s)),
                ),
                None if !unmatched.is_empty() && unmatched.len() <= 3 => {
                    // Not alike in spelling, but few headers are left over: a
                    // renamed column is most likely one of them.
                    let names: Vec<String> = unmatched.iter().map(|h| format!("`{h}`")).collect();
                    let names = names.join(", ");
                    Both::new(
                        format!("the header's columns the model does not use: {names}; if `{column}` was renamed, rename it back in the data or in the model"),
                        format!("表头中模型没有用到的列：{names}；如果 `{column}` 被改了名，请在数据或模型中把名字改回来"),
                    )
                }
                None => {
                    let list = list_columns(&header);
                    Both::new(
                        format!(
                            "the header has {}; rename the column in the data or in the model",
                            list.en
                        ),
                        format!("表头中有 {}；请在数据或模型中重命名该列", list.zh),
                    )
                }
            };
            return Err(DataError::MissingColumn {
                file: file.to_string(),
                column: column.to_string(),
                used_by: Box::new((*used_by).clone()),
                others: missing.iter().skip(1).map(|(c, _)| c.to_string()).collect(),
                help: Box::new(help),
            });
        }
        let field = |name: &str| first_at.get(name).copied().unwrap_or(0);

        let token = example_missing_token(&model.missing);
        let mut sources = Vec::with_capacity(model.nodes.len());
        for node in &model.nodes {
            if node.items.is_empty() {
                let mut inputs = Vec::with_capacity(node.inputs.len());
                for input in &node.inputs {
                    let index = model
                        .node_index(input)
                        .ok_or_else(|| DataError::EvalOrder {
                            file: file.to_string(),
                            message: format!("`{}` names unknown input `{input}`", node.id),
                        })?;
                    let weight = match &node.weights {
                        Weights::Declared(map) => map.get(input).copied().unwrap_or(0.0),
                        Weights::Estimated(_) => 1.0,
                    };
                    inputs.push((index, weight));
                }
                sources.push(NodeSource::Composite(inputs));
            } else {
                let items = node
                    .items
                    .iter()
                    .map(|item| ItemColumn {
                        field: field(item),
                        reverse: node.reverse.contains(item),
                    })
                    .collect();
                let expected = match &token {
                    Some(t) => format!(
                        "a number from {} to {} or a missing token such as `{t}`",
                        node.scale.min, node.scale.max
                    ),
                    None => format!("a number from {} to {}", node.scale.min, node.scale.max),
                };
                let index_factor = (node.metric == Metric::Mean).then(|| {
                    let range = node.scale.max - node.scale.min;
                    (0..=node.items.len())
                        .map(|count| 100.0 / (range * count.max(1) as f64))
                        .collect()
                });
                sources.push(NodeSource::Items {
                    items,
                    scale: node.scale,
                    expected,
                    index_factor,
                });
            }
        }

        let composite_order = composite_order(&sources, eval_order, file)?;
        Ok(Self {
            segments: model.segments.iter().map(|s| field(s)).collect(),
            wave: model.wave.as_deref().map(field),
            weight: model.weight.as_deref().map(field),
            respondent_id: model.respondent_id.as_deref().map(field),
            header,
            sources,
            composite_order,
        })
    }
}

/// The composite nodes of `eval_order`, checking that each one's inputs are ready
/// before it.
fn composite_order(
    sources: &[NodeSource],
    eval_order: &[usize],
    file: &str,
) -> Result<Vec<usize>, DataError> {
    let bad = |message: String| DataError::EvalOrder {
        file: file.to_string(),
        message,
    };
    let mut ready: Vec<bool> = sources
        .iter()
        .map(|s| matches!(s, NodeSource::Items { .. }))
        .collect();
    let mut seen = vec![false; sources.len()];
    let mut order = Vec::new();
    for &index in eval_order {
        let Some(source) = sources.get(index) else {
            return Err(bad(format!(
                "evaluation order names node {index}, but the model has {}",
                sources.len()
            )));
        };
        if std::mem::replace(&mut seen[index], true) {
            return Err(bad(format!("evaluation order lists node {index} twice")));
        }
        if let NodeSource::Composite(inputs) = source {
            if let Some((input, _)) = inputs
                .iter()
                .find(|(i, _)| !ready.get(*i).copied().unwrap_or(false))
            {
                return Err(bad(format!(
                    "evaluation order puts node {index} before its input {input}"
                )));
            }
            order.push(index);
            ready[index] = true;
        }
    }
    if let Some(index) = ready.iter().position(|r| !r) {
        return Err(bad(format!("evaluation order leaves out node {index}")));
    }
    Ok(order)
}

/// `NA` when the model has it, else its first non-empty missing token.
fn example_missing_token(tokens: &[String]) -> Option<String> {
    let trimmed: Vec<&str> = tokens.iter().map(|t| t.trim()).collect();
    if trimmed.contains(&"NA") {
        return Some("NA".to_string());
    }
    trimmed
        .iter()
        .find(|t| !t.is_empty())
        .map(|t| t.to_string())
}

fn list_columns(header: &[String]) -> Both {
    const SHOWN: usize = 12;
    let list: Vec<String> = header
        .iter()
        .take(SHOWN)
        .map(|c| format!("`{c}`"))
        .collect();
    let list = list.join(", ");
    if header.len() > SHOWN {
        Both::new(
            format!("{list}, … ({} columns)", header.len()),
            format!("{list}, …（共 {} 列）", header.len()),
        )
    } else {
        Both::same(list)
    }
}
