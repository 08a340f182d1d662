//! The path model: constructs (blocks of item columns) and structural paths, and the
//! complete rows of item data it is estimated on.

use super::{Matrix, PlsError};
use crate::data::ItemRows;
use crate::model::Model;

/// How a construct's outer weights are estimated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub enum Mode {
    /// Reflective / correlation weights: the covariance of each standardized item
    /// with the construct's inner proxy.
    #[default]
    A,
    /// Formative / regression weights: OLS of the inner proxy on the block's items.
    B,
}

/// The inner weighting scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scheme {
    /// Lohmöller's path weighting: regression weights for predecessors, correlations
    /// for successors (SmartPLS's and seminr's default).
    #[default]
    Path,
    /// Sign of the correlation with every adjacent construct.
    Centroid,
    /// Correlation with every adjacent construct (seminr's `path_factorial`).
    Factor,
}

/// One construct: a block of item columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Construct {
    pub id: String,
    /// Columns of the data matrix.
    pub items: Vec<usize>,
    pub mode: Mode,
}

/// Constructs, item names (one per data column) and paths `(from, to)` between
/// construct indices.
#[derive(Debug, Clone, PartialEq)]
pub struct PathModel {
    pub constructs: Vec<Construct>,
    pub item_names: Vec<String>,
    pub paths: Vec<(usize, usize)>,
}

impl PathModel {
    /// The constructs of `model` that take part in a structural path, in model node
    /// order, measured by their items in `items` (columns of [`ItemRows`]). Every
    /// construct is mode A except those named in `formative` or declared
    /// `mode: formative` in the model.
    pub fn from_model(
        model: &Model,
        items: &ItemRows,
        formative: &[String],
    ) -> Result<Self, PlsError> {
        let linked: Vec<bool> = model
            .nodes
            .iter()
            .map(|n| !n.inputs.is_empty() || model.nodes.iter().any(|m| m.inputs.contains(&n.id)))
            .collect();
        let mut index = vec![usize::MAX; model.nodes.len()];
        let mut constructs = Vec::new();
        for (i, node) in model.nodes.iter().enumerate() {
            if !linked.get(i).copied().unwrap_or(false) {
                continue;
            }
            let columns: Vec<usize> = (0..items.width())
                .filter(|&c| items.node_of.get(c) == Some(&i))
                .collect();
            if columns.is_empty() {
                return Err(PlsError::NoItems(node.id.clone()));
            }
            index[i] = constructs.len();
            let mode = if formative.contains(&node.id)
                || node.mode == crate::model::BlockMode::Formative
            {
                Mode::B
            } else {
                Mode::A
            };
            constructs.push(Construct {
                id: node.id.clone(),
                items: columns,
                mode,
            });
        }
        let mut paths = Vec::new();
        for (i, node) in model.nodes.iter().enumerate() {
            for input in &node.inputs {
                let from = model.node_index(input).map(|j| index[j]);
                match from {
                    Some(f) if f != usize::MAX && index[i] != usize::MAX => {
                        paths.push((f, index[i]));
                    }
                    _ => {
                        return Err(PlsError::UnknownConstruct {
                            from: input.clone(),
                            to: node.id.clone(),
                        })
                    }
                }
            }
        }
        if paths.is_empty() {
            return Err(PlsError::NoPaths);
        }
        Ok(Self {
            constructs,
            item_names: items.names.clone(),
            paths,
        })
    }

    /// Predecessors of each construct, in path order.
    pub fn predecessors(&self) -> Vec<Vec<usize>> {
        let mut preds = vec![Vec::new(); self.constructs.len()];
        for &(from, to) in &self.paths {
            preds[to].push(from);
        }
        preds
    }
}

/// The rows of `items` with every value present (listwise deletion), as `f64`.
pub fn complete_rows(items: &ItemRows) -> Matrix {
    let width = items.width();
    let mut m = Matrix {
        rows: 0,
        cols: width,
        data: Vec::new(),
    };
    for r in 0..items.len() {
        let row = items.row(r);
        if row.len() == width && row.iter().all(|v| !v.is_nan()) {
            m.data.extend(row.iter().map(|&v| f64::from(v)));
            m.rows += 1;
        }
    }
    m
}
