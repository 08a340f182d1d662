//! Respondent-level node values, kept for the bootstrap and respondent-level what-if.

/// One row per accepted survey row, in file order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Respondents {
    /// Values per row (the model's node count).
    pub nodes: usize,
    /// Row-major `len() × nodes` node values; NaN = missing.
    pub values: Vec<f32>,
    /// Survey weight per row (1 without a weight column).
    pub weights: Vec<f32>,
    /// Index of each row's cell in [`crate::data::Survey::cells`].
    pub cells: Vec<u32>,
}

impl Respondents {
    pub fn new(nodes: usize) -> Self {
        Self {
            nodes,
            ..Self::default()
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.weights.len()
    }

    pub fn is_empty(&self) -> bool {
        self.weights.is_empty()
    }

    /// The node values of row `i`; empty when `i` is out of range.
    pub fn row(&self, i: usize) -> &[f32] {
        let start = i.saturating_mul(self.nodes);
        self.values
            .get(start..start.saturating_add(self.nodes))
            .unwrap_or_default()
    }

    pub(crate) fn push(&mut self, values: &[f64], weight: f64, cell: u32) {
        self.values.extend(values.iter().map(|&v| v as f32));
        self.weights.push(weight as f32);
        self.cells.push(cell);
    }
}
