//! Slices of the sample: the whole sample and each segment value, per wave.
//!
//! The survey pass produces one cell per combination of segment values and wave;
//! every slice reported is an exact merge of cells, so no second pass is needed.

use crate::data::{Moments, Survey};

/// A part of the sample: the whole sample (`column` empty) or one value of one
/// segment column.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct SliceKey {
    pub column: String,
    pub value: String,
}

impl SliceKey {
    pub fn all() -> Self {
        SliceKey {
            column: String::new(),
            value: String::new(),
        }
    }

    pub fn is_all(&self) -> bool {
        self.column.is_empty()
    }

    /// Whether a cell with these segment values (in the order of `columns`, the
    /// survey's segment columns) belongs to the slice.
    pub fn holds(&self, columns: &[String], segments: &[String]) -> bool {
        if self.is_all() {
            return true;
        }
        columns
            .iter()
            .zip(segments)
            .any(|(column, value)| *column == self.column && *value == self.value)
    }

    /// `all` or `region=华东`.
    pub fn name(&self) -> String {
        if self.is_all() {
            "all".to_string()
        } else {
            format!("{}={}", self.column, self.value)
        }
    }
}

/// Every slice (the whole sample first, then each segment column's values in
/// sorted order), each with its merged moments for `wave` (`None` merges all waves
/// when the model has no wave column, or pools waves when asked).
pub fn slices(survey: &Survey, wave: Option<&Option<String>>) -> Vec<(SliceKey, Moments)> {
    let in_wave = |cell_wave: &Option<String>| wave.is_none_or(|w| w == cell_wave);
    let mut all = Moments::new(survey.nodes);
    for cell in survey.cells.iter().filter(|c| in_wave(&c.key.wave)) {
        all.merge(&cell.moments);
    }
    let mut out = vec![(SliceKey::all(), all)];
    for (position, column) in survey.segment_columns.iter().enumerate() {
        let mut values: Vec<&str> = survey
            .cells
            .iter()
            .filter_map(|c| c.key.segments.get(position).map(String::as_str))
            .collect();
        values.sort_unstable();
        values.dedup();
        for value in values {
            let mut merged = Moments::new(survey.nodes);
            for cell in survey.cells.iter().filter(|c| {
                in_wave(&c.key.wave)
                    && c.key.segments.get(position).map(String::as_str) == Some(value)
            }) {
                merged.merge(&cell.moments);
            }
            out.push((
                SliceKey {
                    column: column.clone(),
                    value: value.to_string(),
                },
                merged,
            ));
        }
    }
    out
}

/// One cell of a wave: its segment values (in the order of the survey's segment
/// columns) and its share of the wave's weight. Slices overlap (a respondent is in
/// `all`, in one `region=…` and in one `channel=…`), cells never do: a set of slices
/// covers exactly the union of their cells.
#[derive(Debug, Clone, PartialEq)]
pub struct CellShare {
    pub segments: Vec<String>,
    pub share: f64,
}

/// The cells of `wave` with their shares of the wave's weight, in the survey's
/// (sorted) cell order.
pub fn cell_shares(survey: &Survey, wave: &Option<String>) -> Vec<CellShare> {
    let cells: Vec<&crate::data::Cell> = survey
        .cells
        .iter()
        .filter(|c| c.key.wave == *wave)
        .collect();
    let total: f64 = cells.iter().map(|c| c.moments.sw).sum();
    cells
        .into_iter()
        .map(|c| CellShare {
            segments: c.key.segments.clone(),
            share: if total > 0.0 {
                c.moments.sw / total
            } else {
                0.0
            },
        })
        .collect()
}
