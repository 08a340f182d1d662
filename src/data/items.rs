//! Item-level values, kept for estimators that work on items (PLS path modeling).

/// One row per accepted survey row, in file order: every item of every model node,
/// after reverse coding, in model node order and each node's item order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ItemRows {
    /// Item column names, one per value in a row.
    pub names: Vec<String>,
    /// The model node (index into `model.nodes`) of each item.
    pub node_of: Vec<usize>,
    /// Row-major `len() × names.len()` values in the item scale; NaN = missing.
    pub values: Vec<f32>,
    /// Survey weight per row (1 without a weight column).
    pub weights: Vec<f32>,
}

impl ItemRows {
    /// Values per row.
    pub fn width(&self) -> usize {
        self.names.len()
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.weights.len()
    }

    pub fn is_empty(&self) -> bool {
        self.weights.is_empty()
    }

    /// The item values of row `i`; empty when `i` is out of range.
    pub fn row(&self, i: usize) -> &[f32] {
        let width = self.width();
        let start = i.saturating_mul(width);
        self.values
            .get(start..start.saturating_add(width))
            .unwrap_or_default()
    }

    pub(crate) fn push(&mut self, values: &[f64], weight: f64) {
        self.values.extend(values.iter().map(|&v| v as f32));
        self.weights.push(weight as f32);
    }

    pub(crate) fn clear(&mut self) {
        self.values.clear();
        self.weights.clear();
    }
}
