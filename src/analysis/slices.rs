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
