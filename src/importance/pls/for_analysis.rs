//! The PLS path model fitted from a cell's item moments, for the analysis pipeline.
//!
//! `analyze` never keeps item rows: every slice × wave is a merge of cells, and each
//! cell carries the cross-products of its items over the rows where every item is
//! valid ([`crate::data::ItemMoments`]). The PLS iteration only needs the item
//! correlation matrix ([`super::on_correlations`]), so the path coefficients, R² and
//! total effects of any slice follow from its merged item moments without a second
//! pass. Construct scores (and with them IPMA and HTMT) need rows and are left to
//! `sattrace importance --method pls`.

use super::{on_correlations, ItemCovariance, Matrix, PathModel, PlsError, PlsOptions};
use crate::data::{CrossMoments, ItemRows};
use crate::model::Model;

/// What the analysis uses of a PLS fit.
#[derive(Debug, Clone, PartialEq)]
pub struct PlsPaths {
    /// Complete item rows the fit rests on.
    pub n: u64,
    pub iterations: usize,
    pub converged: bool,
    /// Standardized path coefficients, `[from][to]` in construct order.
    pub coefficients: Matrix,
    /// Standardized total effects, `[from][to]`.
    pub total: Matrix,
    /// `(R², adjusted R²)` per construct; `None` for exogenous ones.
    pub r2: Vec<Option<(f64, f64)>>,
}

/// The item layout of `model` as the ingest lays out its item moments (nodes in
/// model order, each node's items in its order), without any rows: enough for
/// [`PathModel::from_model`].
pub fn item_layout(model: &Model) -> ItemRows {
    let mut rows = ItemRows::default();
    for (node_index, node) in model.nodes.iter().enumerate() {
        for item in &node.items {
            rows.names.push(item.clone());
            rows.node_of.push(node_index);
        }
    }
    rows
}

/// Fit `model` on the complete-case item moments `items` (columns as in
/// `model.item_names`): the same estimates as [`super::estimate`] on the same rows,
/// weighted by the survey weights the moments were accumulated with.
pub fn estimate_from_moments(
    model: &PathModel,
    items: &CrossMoments,
    options: &PlsOptions,
) -> Result<PlsPaths, PlsError> {
    let k = model.item_names.len();
    if let Some(missing) = model.item_names.get(items.nodes()) {
        return Err(PlsError::MissingItem(missing.clone()));
    }
    let n = usize::try_from(items.n).unwrap_or(usize::MAX);
    super::estimate::check_rows(model, n)?;
    let r = correlations(model, items)?;
    let core = on_correlations::fit(model, &r, k, n, options)?;
    Ok(PlsPaths {
        n: items.n,
        iterations: core.iterations,
        converged: core.converged,
        coefficients: core.coefficients,
        total: core.total,
        r2: core.r2,
    })
}

/// The `k × k` item correlation matrix (row-major) from weighted cross-products,
/// over the items some construct uses. Correlations do not depend on the shift
/// the moments were accumulated around, so no centers are needed.
fn correlations(model: &PathModel, items: &CrossMoments) -> Result<Vec<f64>, PlsError> {
    let k = model.item_names.len();
    let used: Vec<bool> = (0..k)
        .map(|i| model.constructs.iter().any(|c| c.items.contains(&i)))
        .collect();
    ItemCovariance::from_moments(items, &vec![0.0; k])
        .correlations_of(&used)
        .map_err(|col| PlsError::ZeroVariance(model.item_names[col].clone()))
}
